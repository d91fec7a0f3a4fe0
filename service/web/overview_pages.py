"""Overview (top and emerging pain points, stages, volume and sentiment over time) and Compare."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from service.analysis import view_summary
from service.analysis.view_summary import SummaryView, load_summary
from service.api.deps import SessionDep
from service.models import PainPoint
from service.web.auth import CurrentUser
from service.web.charts import bar_chart, line_chart
from service.web.filters import parse_filters
from service.web.i18n import format_count, format_decimal, translator
from service.web.render import page, request_language
from service.web.summary_insights import dimension_values, stage_distribution, weekly_series

router = APIRouter()
TOP_N = 8
COMPARE_DIMENSIONS = ("segment", "channel", "source", "language", "period")


def ranked_summary(view: SummaryView, kind: str | None = "pain") -> list[PainPoint]:
    """Visible pain points of ``kind`` by priority, on stored sums."""
    pps = [p for p in view_summary.visible(view) if kind is None or p.kind == kind]
    return sorted(pps, key=view_summary.sort_key(view, "priority"))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    view = load_summary(db, user.workspace, with_stages=True)
    pains = ranked_summary(view)
    emerging = [p for p in pains if view.scores[p.id].trend.emerging]
    weeks = weekly_series(db, view)
    lang = request_language(request, user.session, user)
    stages = stage_distribution(view, lang)
    t = translator(lang)

    def count(value: float) -> str:
        return format_count(round(value), lang)

    return page(
        request,
        "overview.html",
        user,
        nav="overview",
        view=view,
        top=pains[:TOP_N],
        emerging=emerging[:TOP_N],
        stage_chart=bar_chart([(label, n) for _, label, n in stages], t("overview.stages"), fmt=count),
        volume_chart=line_chart(
            [(w.monday.isoformat(), float(w.items)) for w in weeks], t("overview.volume"), fmt=count
        ),
        sentiment_chart=line_chart(
            [(w.monday.isoformat(), w.sentiment) for w in weeks],
            t("overview.sentiment"),
            y_range=(-1.0, 1.0),
            fmt=lambda v: format_decimal(v, lang, sign=True),
            css_class="line sentiment",
        ),
        n_items=view.sums.total_items,
    )


def _side(
    db: Session, request: Request, user: CurrentUser, prefix: str
) -> tuple[SummaryView, list[PainPoint]]:
    pf = parse_filters(request.query_params, prefix)
    view = load_summary(db, user.workspace, pf.view)
    return view, ranked_summary(view)[:TOP_N]


def _share(view: SummaryView, pp_id: str) -> float:
    """Share of the side's feedback that mentions the pain point (0 when it is not mentioned there)."""
    result = view.scores.get(pp_id)
    return result.share if result is not None and result.n_items else 0.0


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """Two slices side by side; each side's filters use the ``a_`` / ``b_`` prefix in the URL."""
    sides = [_side(db, request, user, p) for p in ("a_", "b_")]
    values = dimension_values(db, user.workspace)
    (left, left_top), (right, right_top) = sides
    ids = list(dict.fromkeys(p.id for p in [*left_top, *right_top]))
    gaps = sorted(
        (
            (left.pain_points[i], _share(left, i), _share(right, i))
            for i in ids
            if i in left.pain_points and i in right.pain_points
        ),
        key=lambda row: (-abs(row[2] - row[1]), row[0].id),
    )
    return page(
        request,
        "compare.html",
        user,
        nav="compare",
        sides=sides,
        gaps=gaps,
        values=values,
        params=request.query_params,
    )
