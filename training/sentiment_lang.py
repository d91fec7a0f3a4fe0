"""A language's own text head for the unit sentiment: ``training.compare_sentiment --french-char`` (issue 10).

Written for French first (below); ``--blend-lang en`` runs the same candidates and rule for English units
(R6), so the helpers' "French" means "the blend's language" where ``lang`` is passed.

The USE sentiment head is blended with one character n-gram TF-IDF head fitted on every fit row, two thirds of
them English XED lines; on French units that shared char head is often the one that errs. As the stage head
did (training/stage_lang.py), this scores, after the usual family D choice, a French blend applied to French
units only — the French text weight, read from the shared char head or from a French one (fitted on the French
fit rows only, or on every row with the French ones up-weighted) — so every English dev figure is unchanged by
construction and the French variant is chosen on French dev figures alone.

Rule (committed before the runs): ship the French variant iff the mean of the French dev figures (xed-fr dev,
Allociné dev documents, reviews-fr dev, the French half of the seed held-out split) rises by ≥ ``MIN_GAIN``,
no English dev figure changes, and no French dev figure falls by more than ``MAX_DROP``.

``--french-words`` adds word heads with negation scope (``nlp.tagging.doc_words.scoped_word_features``) to the
candidates, one per C; ``--on-shipped`` scores the French variants on the shipped sentiment head and shared
char head instead of refitting them (a refit on another machine is not the shipped head: lbfgs at tol 1e-3),
and its ``--write`` changes only the French blend (training/sentiment_lang_ship.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from nlp.tagging.artifacts import TextHead
from nlp.tagging.doc_words import WordCharHead, fit_word_char_head
from nlp.tagging.features import build_features
from nlp.tagging.text_heads import SurfaceHead
from training.stage_lang import FR, lang_fit_weights

FR_TEXT_WEIGHTS = (0.2, 0.35, 0.5, 0.65)
WORD_C = (2.0, 8.0)
MIN_GAIN = 0.005
MAX_DROP = 0.01
Probs = dict[str, np.ndarray]
KINDS = ("only", "units", "all", "words", "wordchar")  # labels "<lang>-<kind>", "all <lang>×k"
LANGS = ("fr", "en")
NAMES = {"fr": "French", "en": "English"}


class BlendGrid(NamedTuple):
    """The parsed --french-* options: weights, up-weightings, word heads' C, candidate kinds, language."""

    weights: tuple[float, ...]
    ups: tuple[float, ...] = ()
    word_cs: tuple[float, ...] = ()
    kinds: tuple[str, ...] = KINDS
    lang: str = FR  # the language whose units get their own blend (``--blend-lang``)


def add_french_args(parser: argparse.ArgumentParser) -> None:
    grid = ",".join(map(str, FR_TEXT_WEIGHTS))
    parser.add_argument(
        "--french-char",
        nargs="?",
        const=grid,
        default=None,
        help="after family D, score a French blend: French units read a French char head at these text "
        f"weights in [0, 1] (default {grid}); shipped with --write only if the dev rule passes",
    )
    parser.add_argument(
        "--french-up",
        default="",
        help="with --french-char: also a char head on every row, French × k in [1, 20]",
    )
    words = ",".join(f"{c:g}" for c in WORD_C)
    parser.add_argument(
        "--french-words",
        nargs="?",
        const=words,
        default="",
        help="with --french-char: also word heads with negation scope on the French rows, at these C values "
        f"in [0.01, 100] (default {words})",
    )
    parser.add_argument(
        "--french-kinds",
        default=",".join(KINDS),
        help=f"with --french-char: the candidate kinds to fit and score (of {', '.join(KINDS)}, optionally "
        "prefixed '<lang>-'; default all)",
    )
    parser.add_argument(
        "--blend-lang",
        default=FR,
        choices=LANGS,
        help="with --french-char: the language whose units get their own blend (default fr; the --french-* "
        "options then apply to it)",
    )
    parser.add_argument(
        "--on-shipped",
        action="store_true",
        help="with --french-char: score the French variants on the shipped head (no refit); --write then "
        "changes only the French blend",
    )


def french_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> BlendGrid | None:
    """The parsed ``--french-char`` / ``--french-up`` (bad values exit 2); None without ``--french-char``."""
    if args.french_char is None:
        for option, value in (("--french-up", args.french_up), ("--french-words", args.french_words)):
            if value:
                parser.error(f"{option} needs --french-char")
        if args.on_shipped:
            parser.error("--on-shipped needs --french-char")
        return None
    weights = parse_weights(parser, "--french-char", args.french_char, 0.0, 1.0)
    ups = parse_weights(parser, "--french-up", args.french_up, 1.0, 20.0) if args.french_up else ()
    cs = parse_weights(parser, "--french-words", args.french_words, 0.01, 100.0) if args.french_words else ()
    given = [v.strip() for v in args.french_kinds.split(",") if v.strip()]
    kinds = tuple(k.removeprefix(f"{args.blend_lang}-") for k in given)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        parser.error(f"--french-kinds: unknown or none {unknown} (known: {', '.join(KINDS)})")
    return BlendGrid(weights, ups, cs, kinds, args.blend_lang)


def parse_weights(
    parser: argparse.ArgumentParser, option: str, text: str, low: float, high: float
) -> tuple[float, ...]:
    """``"a,b,…"`` as floats in ``[low, high]``; bad values exit 2."""
    out: list[float] = []
    for item in filter(None, (v.strip() for v in text.split(","))):
        try:
            value = float(item)
        except ValueError:
            parser.error(f"{option}: {item!r} is not a number")
        if not (low <= value <= high) or not np.isfinite(value):
            parser.error(f"{option}: {value} is outside [{low}, {high}]")
        out.append(value)
    if not out:
        parser.error(f"{option}: no value given")
    return tuple(out)


def is_lang(langs: Sequence[str], lang: str = FR) -> np.ndarray:
    return np.asarray([v == lang for v in langs], dtype=bool)


def lang_heads(
    texts: Sequence[str],
    y: np.ndarray,
    w: np.ndarray,
    langs: Sequence[str],
    fit_text: Callable[[Sequence[str], np.ndarray, np.ndarray], TextHead],
    ups: Sequence[float],
    sources: Sequence[str] = (),
    word_cs: Sequence[float] = (),
    kinds: Sequence[str] = KINDS,
    lang: str = FR,
) -> dict[str, SurfaceHead]:
    """The French heads to score: ``fr-only`` (a char head on the French fit rows, their own weights); where
    Allociné is among ``sources`` (each row's), ``fr-units`` (the same without Allociné's whole movie reviews,
    so the head learns from unit-length text alone); per factor in ``ups``, ``all fr×k`` (every row, the
    French ones × k, rescaled to the same total); per C in ``word_cs``, ``fr-words C=c`` (a word head with
    negation scope on the French fit rows) and ``fr-wordchar C=c`` (the same words and ``char_wb`` 2–5-grams
    in one head, R4); only the ``kinds`` asked for. ``lang``: the blend's language (labels ``<lang>-…``)."""
    rows = np.flatnonzero(is_lang(langs, lang))
    own_texts = [texts[int(i)] for i in rows]
    out: dict[str, SurfaceHead] = {}
    if "only" in kinds:
        out[f"{lang}-only"] = fit_text(own_texts, y[rows], w[rows])
    if "units" in kinds and sources and any(sources[int(i)] == "allocine" for i in rows):
        units = [int(i) for i in rows if sources[int(i)] != "allocine"]
        out[f"{lang}-units"] = fit_text([texts[i] for i in units], y[units], w[units])
    for k in ups if "all" in kinds else ():
        out[f"all {lang}×{k:g}"] = fit_text(texts, y, lang_fit_weights(w, langs, k, lang))
    for c in word_cs:
        for kind, features in (("words", "scoped_words"), ("wordchar", "scoped_word_char")):
            if kind in kinds:
                fit = fit_word_char_head(own_texts, list(y[rows]), w[rows], c, features=features)
                out[f"{lang}-{kind} C={c:g}"] = fit
    return out


def relang(
    base: Probs, pe: Probs, pt: Probs, langs: dict[str, Sequence[str]], wt: float, lang: str = FR
) -> Probs:
    """``base`` with each set's ``lang`` rows re-blended ``(1 − wt)·pe + wt·pt``; other rows untouched."""
    out = {}
    for name, p in base.items():
        rows = is_lang(langs[name], lang)
        q = p.copy()
        if rows.any():
            q[rows] = (1 - wt) * pe[name][rows] + wt * pt[name][rows]
        out[name] = q
    return out


def figure_langs(
    scores: dict[str, float], langs: Mapping[str, Sequence[str]], lang: str = FR
) -> tuple[list[str], list[str]]:
    """(``lang``'s figures, the other language's) among ``scores``: a set of one language, or a
    ``[<lang>]`` half."""
    own: list[str] = []
    other: list[str] = []
    for key in scores:
        if key.endswith(("[fr]", "[en]")):
            (own if key.endswith(f"[{lang}]") else other).append(key)
        elif key in langs and len(set(langs[key])) == 1:
            (own if langs[key][0] == lang else other).append(key)
    return own, other


def decide(
    base: dict[str, float], cand: dict[str, float], fr: list[str], en: list[str], lang: str = FR
) -> tuple[bool, str]:
    """The committed rule: the blend language's mean (``fr``: its figures) +``MIN_GAIN``, the other
    language's figures (``en``) identical, no own figure −``MAX_DROP``."""
    name = NAMES[lang]
    gain = float(np.mean([cand[k] for k in fr]) - np.mean([base[k] for k in fr]))
    moved = [k for k in en if cand[k] != base[k]]
    drops = [k for k in fr if cand[k] < base[k] - MAX_DROP]
    if moved:
        return False, f"other-language figures moved: {moved}"
    if drops:
        return False, f"{name} figures fell by more than {MAX_DROP}: {drops}"
    if gain < MIN_GAIN:
        return False, f"{name} mean gain {gain:+.4f} < {MIN_GAIN}"
    return True, f"{name} mean gain {gain:+.4f}"


def lang_variant(
    scored: Callable[[Probs], dict[str, float]],
    langs: dict[str, Sequence[str]],
    pe: Probs,
    pt_shared: Probs,
    wt: float,
    own: dict[str, Probs],
    heads: dict[str, SurfaceHead],
    weights: Sequence[float],
    lang: str = FR,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Score the shared blend (``wt`` everywhere: the baseline) and every (French char head, French weight),
    choose the best French mean, and apply the rule. ``pe`` / ``pt_shared`` / ``own[head]``: each dev set's
    embedding-head, shared char head and French char heads' probabilities (CLASSES order), keyed as
    ``scored`` reads them. Returns (summary, {"wt", "text"} to ship or None)."""
    base_p = {k: (1 - wt) * pe[k] + wt * pt_shared[k] for k in pe}
    base = scored(base_p)
    fr, en = figure_langs(base, langs, lang)
    results: dict[str, Any] = {}
    best: tuple[float, str, float, str] | None = None
    for label, pt in [("shared", pt_shared), *own.items()]:
        for wf in weights:
            s = scored(relang(base_p, pe, pt, langs, wf, lang))
            mean = round(float(np.mean([s[k] for k in fr])), 4)
            key = f"{label} w_fr={wf}"
            results[key] = {"dev": s, "fr_mean": mean}
            if best is None or mean > best[0]:
                best = (mean, key, wf, label)
    assert best is not None
    ships, why = decide(base, results[best[1]]["dev"], fr, en, lang)
    summary = {
        "baseline": {"dev": base, "fr_mean": round(float(np.mean([base[k] for k in fr])), 4), "w": wt},
        "blend_lang": lang,
        "lang_figures": fr,
        "other_figures": en,
        "results": results,
        "best": best[1],
        "ships": ships,
        "why": why,
    }
    return summary, ({"wt": best[2], "text": heads.get(best[3])} if ships else None)


def score_lang_blend(
    dev: Any,
    best: dict[str, Any],
    fit: tuple[list[str], np.ndarray, np.ndarray, list[str], list[str]],
    french: BlendGrid,
    fit_text: Callable[[Sequence[str], np.ndarray, np.ndarray], TextHead],
    ordered: Callable[[np.ndarray, Sequence[str]], np.ndarray],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The French variant of the chosen family D blend, scored on ``dev`` (compare_sentiment's DevSet);
    ``fit``: the fit rows' (texts, labels, weights, languages, sources)."""
    head, text = best["head"], best["text"]
    texts, y, w, langs, sources = fit
    heads = lang_heads(
        texts, y, w, langs, fit_text, french.ups, sources, french.word_cs, french.kinds, french.lang
    )

    def chars(h: SurfaceHead) -> Probs:
        return dict(dev.probabilities(lambda t, x: ordered(h.predict_proba(t), h.classes)))

    pe = dev.probabilities(
        lambda t, x: ordered(head.predict_proba(build_features(x, t, True, head.uses_polarity)), head.classes)
    )
    own = {k: chars(h) for k, h in heads.items()}
    summary, chosen = lang_variant(
        lambda p: dict(dev.scored(p, by_lang=True)),
        dev.langs,
        pe,
        chars(text),
        best["text_weight"],
        own,
        heads,
        french.weights,
        french.lang,
    )
    print(f"  french: {summary['best']} ships={summary['ships']} ({summary['why']})", file=sys.stderr)
    return summary, chosen


def card_key(lang: str) -> str:
    """The sentiment head's card entry for a language's own blend: ``french_blend``, ``english_blend``."""
    return f"{NAMES[lang].lower()}_blend"


def card_entry(french: dict[str, Any] | None, summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """The model card's ``<language>_blend`` of the sentiment head (None: one blend for every language)."""
    if french is None or summary is None:
        return None
    text = french["text"]
    kind = "words" if isinstance(text, WordCharHead) else "text"
    lang = summary.get("blend_lang", FR)
    return {
        "text_weight": french["wt"],
        "char_head": summary["best"].split(" w_fr=")[0],
        "file": f"sentiment-{kind}-{lang}-v1.npz" if text is not None else None,
        "dev": summary["results"][summary["best"]]["dev"],
        "dev_baseline": summary["baseline"]["dev"],
    }
