"""Hypothesis strategies for export files that are almost right: the inputs the readers' contract is about.

The readers (``frictionmap analyze``'s ``load_records``, the service's import parsers) promise one documented
error type for a bad file and a row error for a bad row, never another exception. Random bytes alone rarely
get past the first check, so most files here are *near-valid*: real platform headers, plausible cells with
hostile values (non-numeric ratings, dates at the calendar's edges, huge numbers, NUL bytes), then a
file-level mishap (an odd encoding, a BOM, mixed newlines, an unbalanced quote, a truncation, a flipped byte).
"""

from __future__ import annotations

import codecs
import io
import json
from typing import Any

from hypothesis import strategies as st

from tests.helpers.workbooks import xlsx_bytes

#: Cell values that have broken or nearly broken a reader: calendar and epoch edges, numbers that overflow a
#: float or a timestamp, scales, NaN, quotes, separators and control characters.
HOSTILE_CELLS = [
    "",
    " ",
    "n/a",
    "4,5",
    "4/5",
    "5 étoiles",
    "101%",
    "-1",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1" + "0" * 40,
    "99999999999",
    "9999999999999",
    "9999999999999.9",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.9999999Z",
    "0000-00-00",
    "31/12/9999 23:00 -01:00",
    "01/01/0001 00:30 +01:00",
    "01/01/0001",
    "13/13/2024",
    "02/30/2024 10:00 PM",
    "2024-02-30",
    "29/02/23",
    "10 - Extremely likely",
    "11",
    "ONE",
    "good",
    "sep=;",
    '"',
    'a "quoted" word',
    "line\nbreak",
    "tab\there",
    "nul\x00byte",
    "\ufeff",
    "\u2028",
    "é" * 300,
    "Ma carte a été refusée au paiement.",
    "Refund never received after three weeks.",
]

#: JSON values beyond strings: what APIs put where a parser expects a string or a number.
HOSTILE_JSON = [
    None,
    True,
    0,
    -1,
    2**63,
    10**300,
    1e308,
    -1e308,
    0.5,
    [],
    [1, 2],
    {},
    {"nested": {"deeper": "x"}},
    "",
]

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32", "mac_roman"]
NEWLINES = ["\n", "\r\n", "\r"]


PLAUSIBLE = {
    "rating": ["FIVE", "4", "good", 3, "2,5"],
    "date": ["2024-05-01T10:00:00Z", "01/05/2024", 1714557600, "2024-05-01"],
    "text": ["Livraison en retard d'une semaine.", "The app crashes at checkout.", "Great support!"],
}


def plausible(key: str) -> st.SearchStrategy[Any]:
    """A value a real export holds under a column like ``key``: without them few records get through."""
    name = key.lower()
    if "nps" in name or "recommend" in name:
        return st.sampled_from(["9", "10 - Extremely likely", "0", 7])
    if any(w in name for w in ("rating", "star", "note", "score", "rate", "satisf")):
        return st.sampled_from(PLAUSIBLE["rating"])
    if any(w in name for w in ("date", "time", "created", "millis")):
        return st.sampled_from(PLAUSIBLE["date"])
    return st.sampled_from(PLAUSIBLE["text"])


#: How many leading names of a ``columns`` list make the platform's own header (see ``any_file``).
VALID = 5


def cells() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=30))


def json_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        cells(),
        st.sampled_from(HOSTILE_JSON),
        st.integers(),
        st.floats(allow_nan=False),
        st.lists(st.dictionaries(st.sampled_from(["body", "public", "author_id", "plain_body"]), cells())),
    )


@st.composite
def table(draw: st.DrawFn, columns: list[str]) -> list[list[str]]:
    """The platform's header (``columns[:VALID]``) or a mix of its column names and strangers, then rows of
    fitting or hostile cells."""
    pool = [*columns, "text", "rating", "id", "date", "Extra", ""]
    mixed = st.lists(st.one_of(st.sampled_from(pool), st.text(max_size=12)), min_size=1, max_size=8)
    header = draw(st.one_of(st.just(columns[:VALID]), mixed))
    width = st.integers(max(0, len(header) - 1), len(header) + 1)
    hostile = st.lists(cells(), min_size=0, max_size=draw(width))
    fitting = st.tuples(*(plausible(h) for h in header)).map(lambda row: [str(c) for c in row])
    rows = draw(st.lists(st.one_of(fitting, hostile), max_size=6))
    return [header, *rows]


def _quote(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def csv_bytes(draw: st.DrawFn, columns: list[str]) -> bytes:
    """A CSV of ``table``, its delimiter, newlines and encoding drawn, then maybe damaged."""
    rows = draw(table(columns))
    delimiter = draw(st.sampled_from(",;\t|"))
    newline = draw(st.sampled_from(NEWLINES))
    lines = [delimiter.join(_quote(c, delimiter) for c in row) for row in rows]
    if draw(st.booleans()):
        lines.insert(0, f"sep={delimiter}")
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    return draw(damaged(data))


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"attributes.body": x}`` → ``{"attributes": {"body": x}}`` (how the JSON platforms nest fields)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[leaf] = value
    return out


@st.composite
def json_bytes(draw: st.DrawFn, keys: list[str], list_key: str | None) -> bytes:
    """Records with the platform's keys (and strangers), as JSON Lines, an array or ``{list_key: [...]}``."""
    pool = [*keys, "comments", "satisfaction_rating", "via", "requester_id", "status", "tags", "extra"]
    records: list[Any] = draw(
        st.lists(
            st.one_of(
                st.dictionaries(st.sampled_from(pool), json_values(), max_size=8).map(_nest),
                st.fixed_dictionaries({k: plausible(k) for k in keys[:VALID]}).map(_nest),
                st.sampled_from(HOSTILE_JSON),
            ),
            max_size=5,
        )
    )
    shape = draw(st.sampled_from(["lines", "array", "wrapped", "wrapped_compact", "deep"]))
    if shape == "lines":
        text = "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records)
    elif shape == "array":
        text = json.dumps(records, indent=draw(st.sampled_from([None, 2])))
    elif shape == "deep":  # nesting far beyond any export: the parser must refuse it, not exhaust memory
        depth = draw(st.sampled_from([200, 2000, 20_000]))
        text = json.dumps({**(records[0] if records and isinstance(records[0], dict) else {}), "x": 0})
        text = text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    else:
        indent = 2 if shape == "wrapped" else None
        text = json.dumps({list_key or "items": records, "meta": {"count": len(records)}}, indent=indent)
    newline = draw(st.sampled_from(NEWLINES))
    data = text.replace("\n", newline).encode("utf-8")
    if draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    return draw(damaged(data))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Often the file as is; otherwise truncated, with a byte flipped, a NUL or a lone quote inserted."""
    how = draw(st.sampled_from(["as_is", "as_is", "truncate", "flip", "insert"]))
    if how == "as_is" or not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return data[:at] + draw(st.sampled_from([b"\x00", b'"', b"\xff", b"\r", b"\n\n"])) + data[at:]


_BOOKS: dict[str, bytes] = {}


def _book(columns: tuple[str, ...]) -> bytes:
    """One real workbook per column set, built once: openpyxl is too slow to build one per example."""
    key = "\x1f".join(columns)
    if key not in _BOOKS:
        rows: list[list[object]] = [list(columns)]
        cells = [c.replace("\x00", "") for c in HOSTILE_CELLS]  # openpyxl refuses control characters
        rows += [[cells[(i + j) % len(cells)] for j in range(len(columns))] for i in range(5)]
        rows.append([3.5, 12, None][: len(columns)])
        _BOOKS[key] = xlsx_bytes({"Reviews": rows})
    return _BOOKS[key]


@st.composite
def xlsx_files(draw: st.DrawFn, columns: list[str]) -> bytes:
    """A real .xlsx with the platform's columns, then (mostly) truncated or with a corrupted byte."""
    chosen = tuple(draw(st.lists(st.sampled_from(columns), min_size=1, max_size=4, unique=True)))
    data = _book(chosen)
    how = draw(st.sampled_from(["as_is", "truncate", "flip", "flip", "zip_only"]))
    if how == "as_is":
        return data
    if how == "zip_only":  # a ZIP that is not a workbook
        out = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(draw(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "a.txt"])), "x")
        return out.getvalue()
    at = draw(st.integers(0, len(data) - 1))
    if how == "truncate":
        return data[:at]
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]


def any_file(columns: list[str], list_key: str | None = None) -> st.SearchStrategy[bytes]:
    """Any of the above, or plain random bytes. ``columns[:VALID]`` is a header (CSV) or the keys (JSON,
    dotted for nesting) of a valid export of the type; the rest are other names it may hold."""
    return st.one_of(
        csv_bytes(columns),
        json_bytes(columns, list_key),
        xlsx_files(columns),
        st.binary(max_size=200),
    )
