"""Cell-level conversions shared by every parser: ratings to 1–5, dates to UTC, text assembly.

Each function raises ``ValueError`` with a message naming the value and the rule; the parsers turn
that into a ``RowError`` so one bad cell rejects one row, never the file.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from service.imports.parsers.types import DateOrder, RatingScale

_ENUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
}
_GOOD_BAD = {"good": 5.0, "bad": 1.0, "satisfied": 5.0, "unsatisfied": 1.0}
_NO_VALUE = {"", "n/a", "na", "null", "none", "-", "star_rating_unspecified", "offered", "unoffered"}


def _number(raw: str) -> float:
    cleaned = raw.strip().replace("\u00a0", "").replace(" ", "")
    # "4,5" (French decimal comma) and "4/5" or "4 étoiles" style suffixes are common in exports.
    cleaned = re.sub(r"(?i)(/\s*\d+|stars?|étoiles?|etoiles?|pts?)$", "", cleaned).strip()
    cleaned = cleaned.replace(",", ".")
    return float(cleaned)


def parse_rating(raw: object, scale: RatingScale) -> float | None:
    """Map a platform rating onto 1–5 (linear), or ``None`` when the cell is empty."""
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if text.lower() in _NO_VALUE:
        return None
    lowered = text.lower()
    if lowered in _ENUM and scale in ("enum", "1-5"):
        return float(_ENUM[lowered])
    if scale == "good_bad":
        if lowered in _GOOD_BAD:
            return _GOOD_BAD[lowered]
        raise ValueError(f"rating {text!r} is not one of good/bad")
    if scale == "enum":
        raise ValueError(f"rating {text!r} is not one of ONE..FIVE")
    percent = lowered.endswith("%")
    try:
        value = _number(lowered.rstrip("%"))
    except ValueError:
        raise ValueError(f"rating {text!r} is not a number") from None
    if percent or scale in ("percent", "0-100"):
        low, high = 0.0, 100.0
    else:
        low, high = {"1-5": (1.0, 5.0), "0-5": (0.0, 5.0), "1-10": (1.0, 10.0), "0-10": (0.0, 10.0)}[scale]
    if not low <= value <= high:
        raise ValueError(f"rating {text!r} is outside the scale {scale}; set mapping.rating_scale")
    if (low, high) == (1.0, 5.0):
        return value
    return round(1.0 + (value - low) * 4.0 / (high - low), 3)


def parse_nps(raw: object) -> int | None:
    """A likelihood-to-recommend answer: an integer 0–10 (labels like "10 - Extremely likely" accepted)."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.lower() in _NO_VALUE:
        return None
    match = re.match(r"^(\d{1,2})(?:[.,]0+)?\b", text)
    if not match or not 0 <= int(match.group(1)) <= 10:
        raise ValueError(f"NPS answer {text!r} is not an integer from 0 to 10")
    return int(match.group(1))


_ISO_FRACTION = re.compile(r"(\.\d{6})\d+")
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)


def parse_date(raw: object, order: DateOrder = "auto") -> datetime | None:
    """Parse the date formats exports use into an aware UTC datetime.

    ISO 8601 (any fraction length, ``Z``), numeric ``dd/mm/yyyy`` / ``mm/dd/yyyy`` / ``yyyy/mm/dd``
    with optional time and AM/PM, and Unix epochs in seconds or milliseconds. ``order`` settles the
    day/month ambiguity; ``auto`` uses the unambiguous rows (a part > 12) and otherwise assumes
    day first, the European convention of most sources handled here. Naive times are taken as UTC.
    """
    if raw is None:
        return None
    try:  # an epoch or an offset can push a parsed date past year 1 or 9999
        return _parse_date(raw, order)
    except (OverflowError, OSError):
        raise ValueError(f"date {str(raw)[:40]!r} is outside the years 1 to 9999") from None


def _parse_date(raw: object, order: DateOrder) -> datetime | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _from_epoch(float(raw))
    text = str(raw).strip()
    if text.lower() in _NO_VALUE:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    iso = _ISO_FRACTION.sub(r"\1", text.replace(" UTC", "Z"))
    if re.match(r"^\d{4}-\d{2}-\d{2}", iso):
        try:
            return _as_utc(datetime.fromisoformat(iso))
        except ValueError:
            pass
    match = _NUMERIC_DATE.match(text)
    if not match:
        raise ValueError(f"date {text!r} is not ISO 8601, dd/mm/yyyy, mm/dd/yyyy or a Unix epoch")
    a, b, c, hour, minute, second, ampm, zone = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        first, second_part, year = int(a), int(b), int(c)
        if year < 100:
            year += 2000
        if order == "mdy" or (order == "auto" and second_part > 12 >= first):
            month, day = first, second_part
        else:
            day, month = first, second_part
    hours = int(hour or 0)
    if ampm:
        hours = hours % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        value = datetime(year, month, day, hours, int(minute or 0), int(second or 0))
    except ValueError:
        raise ValueError(f"date {text!r} is not a valid calendar date (order {order})") from None
    if zone and zone not in ("Z", "UTC", "GMT"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value = value.replace(tzinfo=UTC) - sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return value
    return value.replace(tzinfo=UTC)


def infer_date_order(values: list[str]) -> DateOrder | None:
    """Settle day/month order for a whole file from a sample of its dates.

    A part above 12 proves the order; with no proof, a 12-hour clock (AM/PM) suggests a US export.
    Deciding once per file keeps "03/04" meaning the same day on every row.
    """
    day_first = month_first = twelve_hour = 0
    for value in values:
        match = _NUMERIC_DATE.match(value.strip())
        if not match or len(match.group(1)) == 4:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        day_first += first > 12 >= second
        month_first += second > 12 >= first
        twelve_hour += match.group(7) is not None
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    if twelve_hour and not day_first:
        return "mdy"
    return None


def _from_epoch(value: float) -> datetime:
    if value > 1e11:  # milliseconds: Play exports "Millis Since Epoch"
        value /= 1000.0
    try:  # NaN, infinity and far epochs raise ValueError, OverflowError or OSError, none naming the rule
        return datetime.fromtimestamp(value, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"Unix epoch {value!r} is outside the years 1 to 9999") from None


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def join_text(title: str | None, body: str | None) -> str:
    """Title then body, the title closed by a full stop so segmentation keeps it a separate unit."""
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        return body
    if not body or body.startswith(title):
        return body or title
    if title[-1] not in ".!?…":
        title += "."
    return f"{title}\n{body}"


def content_id(*parts: object) -> str:
    """Stable external id for platforms that give none: the same review in two exports hashes the same."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return "sha256:" + digest.hexdigest()[:32]
