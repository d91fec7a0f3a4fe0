"""The ``html`` format: one self-contained page (inline CSS and SVG, no script, every text escaped).

Words are never cut mid-word ("remboursem ent"): each stage column is at least ``MIN_COLUMN_REM`` wide, the
curve and the columns scroll sideways together when the window is narrower, and the text wraps between
words (``overflow-wrap:break-word`` only splits a word longer than a whole column).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from nlp.i18n import format_count, format_decimal, format_percent
from nlp.journey_map.build import UNASSIGNED_STAGE, JourneyMap, MapPainPoint, MapStage, MomentOfTruth
from nlp.journey_map.catalog import translator

#: Narrowest stage column: ~18 characters of a bold 13 px label, so French words such as
#: "remboursement" or "dysfonctionnement" fit on one line.
MIN_COLUMN_REM = 12.5
_GAP_PX = 12

_CSS = """
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1f2933;background:#f5f7fa;overflow-wrap:break-word;word-break:normal;hyphens:manual}
header{padding:24px 32px 8px}h1{margin:0 0 4px;font-size:24px}
.meta{color:#616e7c;font-size:13px}.board{overflow-x:auto;padding:0 32px}
.curve{margin:8px 0 0;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow:hidden}
.curve svg{display:block}
.grid{display:grid;gap:12px;margin:12px 0 32px}
.stage{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:10px;min-width:0;
font-size:13px}.stage.empty-stage{background:#fafbfc;color:#9aa5b1}
.stage h2{font-size:15px;margin:0 0 6px}.stage.mot{outline:2px solid #d64545}
.badge{display:inline-block;background:#d64545;color:#fff;border-radius:10px;padding:1px 8px;font-size:10px;
margin:0 0 2px;white-space:nowrap}.why{font-size:11px;color:#ab091e;margin:0 0 6px}
.kpis{font-size:12px;color:#52606d;margin:0 0 8px}.kpis span{display:block}
.tp{font-size:12px;color:#52606d;margin-bottom:8px}h3{font-size:11px;text-transform:uppercase;
letter-spacing:.02em;color:#7b8794;margin:10px 0 4px}ol{margin:0;padding-left:18px}
li{margin:0 0 8px}.pp-label{font-weight:600}.bar{height:5px;background:#e4e7eb;
border-radius:3px;margin:3px 0}.bar i{display:block;height:5px;border-radius:3px;background:#d64545}
.opp .bar i{background:#3ebd93}.small{font-size:11px;color:#7b8794}.em{color:#d64545;font-weight:600}
.empty{color:#9aa5b1;font-size:12px}footer{margin:0 32px 24px;color:#7b8794;font-size:12px}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _num(x: float | None, lang: str, digits: int = 2, sign: bool = False) -> str:
    return "–" if x is None else format_decimal(x, lang, digits, sign)


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap for SVG labels; the last line is cut with an ellipsis."""
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for w in words:
        candidate = f"{current} {w}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = w
    lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [ln if len(ln) <= width else ln[: width - 1] + "…" for ln in lines]


def moment_reasons(stage: MapStage, moments: Sequence[MomentOfTruth]) -> list[str]:
    """Why a stage is a moment of truth, in words (one line per reason that flagged it)."""
    return [m.explanation for m in moments if m.stage == stage.id]


def emotion_curve_svg(
    stages: Sequence[MapStage],
    width: int = 1200,
    height: int = 220,
    moments: Sequence[MomentOfTruth] = (),
    lang: str = "en",
) -> str:
    """Mean sentiment per stage as a polyline on a -1..1 axis; stages without data leave a gap. Labels
    are the stages' own (already in ``lang``); ``lang`` writes the numbers and the accessible name."""
    n = max(1, len(stages))
    # No side padding: stage i is centred at (i + 0.5) / n of the width, like the stage columns below it.
    pad_l, pad_r, pad_t, pad_b = 0, 0, 22, 44
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + inner_w * (i + 0.5) / n

    def y(v: float) -> float:
        return pad_t + inner_h * (1 - (max(-1.0, min(1.0, v)) + 1) / 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{_e(translator(lang)("map.curve_label"))}">',
        f'<rect x="{pad_l}" y="{pad_t}" width="{inner_w}" height="{inner_h / 2:.1f}" fill="#effcf6"/>',
        f'<rect x="{pad_l}" y="{y(0):.1f}" width="{inner_w}" height="{inner_h / 2:.1f}" fill="#fff5f5"/>',
    ]
    for v, lab in ((1, "+1"), (0, "0"), (-1, "−1")):
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#cbd2d9" stroke-dasharray="{"0" if v == 0 else "4 4"}"/>'
            f'<text x="4" y="{y(v) - 3:.1f}" text-anchor="start" font-size="11" '
            f'fill="#7b8794">{lab}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, s in enumerate(stages):
        # The unassigned bucket is not a journey step: never join it to the curve.
        if s.emotion is None or s.id == UNASSIGNED_STAGE:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(s.emotion):.1f}")
    if segment:
        segments.append(segment)
    segments = [seg for seg in segments if len(seg) > 1]  # a lone point is drawn by its circle
    for seg in segments:
        parts.append(
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="#3e4c59" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
    chars = max(8, int(width / n / 7))  # ~7 px per character at 12 px
    for i, s in enumerate(stages):
        lines = _wrap(s.label, chars, 2)
        tspans = "".join(
            f'<tspan x="{x(i):.1f}" dy="{0 if k == 0 else 14}">{_e(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - pad_b + 16 if len(lines) > 1 else height - 14}" '
            f'text-anchor="middle" font-size="12" fill="#323f4b">{tspans}</text>'
        )
        if s.emotion is not None:
            color = "#3ebd93" if s.emotion >= 0.1 else "#d64545" if s.emotion <= -0.1 else "#f0b429"
            ring = (
                ' stroke="#d64545" stroke-width="3"'
                if s.moment_of_truth
                else ' stroke="#fff" stroke-width="2"'
            )
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(s.emotion):.1f}" r="7" fill="{color}"{ring}>'
                f"<title>{_e(_circle_title(s, moments, lang))}</title></circle>"
                f'<text x="{x(i):.1f}" y="{y(s.emotion) - 12:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#52606d">{_num(s.emotion, lang, sign=True)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _circle_title(stage: MapStage, moments: Sequence[MomentOfTruth], lang: str) -> str:
    t = translator(lang)
    title = stage.label
    if stage.emotion is not None:
        title += t("colon") + _num(stage.emotion, lang, sign=True)
    reasons = moment_reasons(stage, moments)
    return title + (t("map.moment_title") + "; ".join(reasons) if reasons else "")


def _html_entry(p: MapPainPoint, lang: str) -> str:
    t = translator(lang)
    bar = max(2.0, min(100.0, p.priority if p.kind == "pain_point" else 100 * min(1.0, 5 * p.share)))
    meta = [t("map.entry_items", n=format_count(p.n_items, lang), share=format_percent(p.share, lang))]
    if p.kind == "pain_point":
        meta.insert(0, t("map.entry_priority", value=format_decimal(p.priority, lang, 0)))
        if p.impact is not None:
            drop = "−" + _num(p.impact, lang) if p.impact > 0 else _num(-p.impact, lang, sign=True)
            meta.append(f"{t('journey.rating')} {drop}")
    em = f' <span class="em">▲ {_e(t("pp.emerging"))}</span>' if p.emerging else ""
    opening, closing = ("«\u00a0", "\u00a0»") if lang == "fr" else ("“", "”")
    quote = f'<div class="small">{opening}{_e(p.quote)}{closing}</div>' if p.quote else ""

    return (
        f'<li><span class="pp-label">{_e(p.label)}</span>{em}'
        f'<div class="bar"><i style="width:{bar:.0f}%"></i></div>'
        f'<div class="small">{_e(" · ".join(meta))}</div>{quote}</li>'
    )


def to_html(jm: JourneyMap) -> str:
    """The page in the map's language (``jm.lang``): its ``<html lang>``, words and number formats."""
    lang = jm.lang
    t = translator(lang)
    cols = max(1, len(jm.stages))
    none = f'<li class="empty">{_e(t("map.none"))}</li>'
    stage_html = []
    for s in jm.stages:
        effort = "–" if s.effort_share is None else format_percent(s.effort_share, lang)
        kpis = [
            f"{t('map.kpi.emotion')} {_num(s.emotion, lang, sign=True)}",
            f"{t('map.kpi.rating')} {_num(s.mean_rating, lang)}",
            f"{t('map.kpi.nps')} {_num(s.nps, lang, 0, sign=True)}",
            f"{t('map.kpi.effort')} {effort}",
            t("map.items", n=format_count(s.n_items, lang)),
        ]
        tps = ", ".join(f"{tp} ({format_count(n, lang)})" for tp, n in s.touchpoints) or "–"
        pps = "".join(_html_entry(p, lang) for p in s.pain_points) or none
        opps = "".join(_html_entry(o, lang) for o in s.opportunities) or none
        reasons = moment_reasons(s, jm.moments_of_truth)
        badge = (
            f'<div class="badge">{_e(t("map.moment_badge"))}</div>'
            + "".join(f'<div class="why">{_e(r)}</div>' for r in reasons)
            if s.moment_of_truth
            else ""
        )
        classes = "stage" + (" mot" if s.moment_of_truth else "") + ("" if s.n_items else " empty-stage")
        stage_html.append(
            f'<section class="{classes}"><h2>{_e(s.label)}</h2>{badge}'
            f'<div class="kpis">{"".join(f"<span>{_e(k)}</span>" for k in kpis)}</div>'
            f'<div class="tp"><b>{_e(t("map.touchpoints"))}</b>{_e(t("colon"))}{_e(tps)}</div>'
            f"<h3>{_e(t('map.pain_points'))}</h3><ol>{pps}</ol>"
            f'<h3>{_e(t("journey.opportunities"))}</h3><ol class="opp">{opps}</ol></section>'
        )
    moments = "".join(f"<li>{_e(m.explanation)}</li>" for m in jm.moments_of_truth)
    filters = ", ".join(f"{t('filter.' + k)}={v}" for k, v in sorted(jm.filters.items())) or t("map.none")
    meta = t(
        "map.meta",
        n=format_count(jm.total_items, lang),
        filters=filters,
        at=jm.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
    curve = emotion_curve_svg(jm.stages, moments=jm.moments_of_truth, lang=lang)
    no_moments = f"<li>{_e(t('map.no_moments'))}</li>"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(jm.title)}</title><style>{_CSS}"
        f".grid{{grid-template-columns:repeat({cols},minmax({MIN_COLUMN_REM}rem,1fr))}}"
        f".board-inner{{min-width:calc({cols} * {MIN_COLUMN_REM}rem + {(cols - 1) * _GAP_PX}px)}}"
        "</style></head><body>"
        f'<header><h1>{_e(jm.title)}</h1><div class="meta">{_e(meta)}</div></header>'
        '<div class="board"><div class="board-inner">'
        f'<div class="curve">{curve}</div>'
        f'<div class="grid">{"".join(stage_html)}</div>'
        "</div></div>"
        f"<footer><b>{_e(t('journey.moments'))}</b>"
        f"<ul>{moments or no_moments}</ul>"
        f"{_e(t('map.footer'))}</footer>"
        "</body></html>\n"
    )
