"""Survey exports (Typeform, Google Forms, SurveyMonkey, Qualtrics...) with open-ended questions.

One respondent row holds several open-ended answers; each becomes its own item (external id
``respondent:column``) so that "why this score?" and "what should we improve?" are mined separately,
while the respondent's NPS and CSAT answers travel with every one of their items.
"""

from __future__ import annotations

import re
from typing import Any

from service.imports.parsers.csvparse import CsvParser
from service.imports.parsers.mapped import FieldSpec, normalize_header
from service.imports.parsers.types import DateOrder, ImportedItem, ImportFileError, RowError
from service.imports.parsers.values import content_id, parse_date, parse_nps, parse_rating

_OPEN_ENDED = re.compile(
    r"(?i)(\bwhy\b|\bcomments?\b|commentaires?|pourquoi|suggestions?|feedback|remarques?|verbatim|pr[ée]cisez|"
    r"\bexplain|tell us|dites-nous|am[ée]liorer|\bimprove|open[- ]ended|\bother\b|\bautre\b|libre)"
)
_NPS = re.compile(r"(?i)(\bnps\b|recommend|recommander|recommanderiez)")
_CSAT = re.compile(r"(?i)(\bcsat\b|satisf)")
_RESPONDENT = re.compile(r"(?i)^(respondent[ _]?id|response[ _]?id|id de (la )?r[ée]ponse|#|id|token)$")
_DATE = re.compile(r"(?i)^(end ?date|recorded ?date|submit(ted)? (date|at).*|date|timestamp|horodateur)$")
# Qualtrics writes two extra header rows (question text, then {"ImportId": ...}) before the data.
_QUALTRICS_META = re.compile(r'^\{\s*"ImportId"')


class SurveyCsv(CsvParser):
    """Survey CSV: open-ended columns from ``mapping.open_ended`` or recognised by their wording."""

    type = "survey_csv"
    spec = FieldSpec(
        candidates={
            "external_id": ("Respondent ID", "ResponseId", "Response ID", "#", "Token"),
            "created_at": (
                "End Date",
                "RecordedDate",
                "Submit Date (UTC)",
                "Timestamp",
                "Horodateur",
                "Date",
            ),
        },
        required=(),
        csat_scale="1-5",
        id_namespace="survey",
        kind="survey",
    )

    def prepare(self, header: list[str]) -> None:
        by_norm = {normalize_header(h): h for h in header}

        def column(chosen: str | None, pattern: re.Pattern[str], label: str) -> str | None:
            if chosen is not None:
                if normalize_header(chosen) not in by_norm:
                    raise ImportFileError(
                        f"missing columns: {label} (mapping = {chosen!r}); columns found: "
                        + ", ".join(repr(h) for h in header[:30])
                    )
                return by_norm[normalize_header(chosen)]
            return next((h for h in header if pattern.search(h)), None)

        m = self.mapping
        self.respondent = column(m.respondent_id or m.external_id, _RESPONDENT, "'respondent_id'")
        self.nps_column = column(m.nps, _NPS, "'nps'")
        self.csat_column = column(m.csat, _CSAT, "'csat'")
        self.date_col = column(m.created_at, _DATE, "'created_at'")
        self._date_order: DateOrder = m.date_order or "auto"
        if m.open_ended is not None:
            missing = [c for c in m.open_ended if normalize_header(c) not in by_norm]
            if missing:
                raise ImportFileError(
                    "missing columns: open_ended "
                    + ", ".join(repr(c) for c in missing)
                    + "; columns found: "
                    + ", ".join(repr(h) for h in header[:30])
                )
            self.open_ended = [by_norm[normalize_header(c)] for c in m.open_ended]
        else:
            taken = {self.respondent, self.nps_column, self.csat_column, self.date_col}
            self.open_ended = [h for h in header if h not in taken and _OPEN_ENDED.search(h)]
        if not self.open_ended:
            raise ImportFileError(
                "no open-ended question column found: name them in mapping.open_ended; columns found: "
                + ", ".join(repr(h) for h in header[:30])
            )

    def date_column(self) -> str | None:
        return self.date_col

    def date_order(self) -> DateOrder:
        return self._date_order

    def set_date_order(self, order: DateOrder) -> None:
        self._date_order = order

    def skip_row(self, row: dict[str, str]) -> bool:
        if self.respondent is None:
            return False
        value = (row.get(self.respondent) or "").strip()
        return (
            bool(_QUALTRICS_META.match(value))
            or normalize_header(value) == normalize_header(self.respondent)
            or value in ("Response ID", "Respondent ID")
        )

    def build(self, number: int, row: dict[str, Any]) -> list[ImportedItem] | RowError:
        respondent = str(row.get(self.respondent) or "").strip() if self.respondent else ""
        try:
            nps = parse_nps(row.get(self.nps_column)) if self.nps_column else None
            csat = (
                parse_rating(row.get(self.csat_column), self.mapping.csat_scale or self.spec.csat_scale)
                if self.csat_column
                else None
            )
            created_at = parse_date(row.get(self.date_col), self._date_order) if self.date_col else None
        except ValueError as exc:
            return RowError(number, str(exc), respondent or None)
        items = []
        for column in self.open_ended:
            answer = str(row.get(column) or "").strip()
            if not answer:
                continue
            base = respondent or content_id("survey-row", *(row.get(c) for c in self.open_ended))
            metadata: dict[str, Any] = {"question": column}
            if respondent:
                metadata["respondent"] = respondent
            items.append(
                ImportedItem(
                    external_id=f"{base}:{column}",
                    text=answer,
                    csat=csat,
                    nps=nps,
                    created_at=created_at,
                    metadata=metadata,
                )
            )
        return items
