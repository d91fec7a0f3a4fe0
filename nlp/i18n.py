"""How English and French write numbers, and a catalog lookup, for anything people read (pages, exports).

Kept in ``nlp`` so the journey map's renderers (which must not import the web app) and the web app write a
number the same way; ``service.web.i18n`` re-exports these functions and merges the catalogs built on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = ("en", "fr")


def translator(catalog: Mapping[str, Mapping[str, str]], lang: str) -> Callable[..., str]:
    """``t(key, **args)`` over ``catalog[lang]``; a missing entry falls back to English, never to nothing."""
    english = catalog["en"]
    table = catalog.get(lang, english)

    def t(key: str, **kwargs: object) -> str:
        text = table.get(key) or english.get(key) or key
        return text.format(**kwargs) if kwargs else text

    return t


def format_count(value: int, lang: str) -> str:
    """A count as the page's language writes it: ``12,345`` in English, ``12 345`` (narrow no-break space,
    as French typography groups digits) in French; so that 100000 is read at a glance."""
    return format_decimal(int(value), lang, 0)


def format_decimal(value: float, lang: str, digits: int = 1, sign: bool = False) -> str:
    """A decimal as the page's language writes it: ``0.4`` / ``+0.4`` in English, ``0,4`` / ``+0,4`` in
    French (grouping as ``format_count``)."""
    text = f"{value:{'+' if sign else ''},.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def format_percent(share: float, lang: str, digits: int = 0) -> str:
    """A share as a percentage: ``12.5%`` in English, ``12,5 %`` in French (a narrow no-break space before
    the sign, as French typography writes it)."""
    number = format_decimal(100 * share, lang, digits)
    return f"{number}\u202f%" if lang == "fr" else f"{number}%"


def format_general(value: float, lang: str, digits: int = 3) -> str:
    """A statistic with ``digits`` significant digits (``0.05``, ``1.5``, ``3.2e-05``), with the language's
    decimal mark."""
    text = f"{value:.{digits}g}"
    return text.replace(".", ",") if lang == "fr" else text


def pick_language(query: str | None, session_lang: str | None, user_lang: str | None, accept: str) -> str:
    """``?lang=`` first, then what this session or the user chose, then the browser's first known tag.

    Here, not in the web app, because the API's exports negotiate their language by the same rule as the pages
    (an API request passes no session and no user setting).
    """
    for choice in (query, session_lang, user_lang):
        if choice in LANGUAGES:
            return choice
    ranked = []
    for n, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, n, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "en"
