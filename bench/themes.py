"""``python -m bench.themes``: pain points and parent themes vs human labels (issue 11).

Per set: units extracted once (``auto`` embedding backend, no tagger: every item is a complaint candidate;
vectors cached on disk by ``bench.recording.CachedEmbedder``), then for each hierarchy setting the number of
pain points and themes, V-measure of the documents' pain point against the fine labels, V-measure of their
theme against the coarse labels (and the fine ones), and the share of documents in no pain point / no theme.

Sets: Banking77 (77 intents fine; ``B77_GROUPS`` coarse: 10 subjects written from the intent names before
any measurement), CFPB complaints (Issue fine, Product coarse), the bilingual naming fixture (irritant).
Samples are seeded random rows (Banking77's files are sorted by intent: its first rows are a few intents).

``--growth 1000,2000,5000,10000``: pain points vs N on Banking77 *train* with the CLI's defaults (issue 11:
"the number of pain points must grow far slower than the data").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import v_measure_score

from bench.datasets import DEFAULT_DIR, LabeledSet, load
from bench.datasets import _read as read_csv
from bench.naming import _flat, load_fixture, shares_word
from bench.recording import CACHE_DIR, CachedEmbedder
from nlp.embeddings import get_embedder, resolve_spec
from nlp.pipeline import Record
from nlp.pipeline.extract import ExtractedUnits, extract_units, item_languages
from nlp.pipeline.themes import ParentTheme, cluster_themes, group_themes
from nlp.themes.hierarchy import HierarchyParams


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Banking77 intents by subject (what a bank's CX lead would call a theme); every intent in exactly one.
B77_GROUPS: dict[str, tuple[str, ...]] = {
    "card_delivery": _words(
        "card_arrival card_delivery_estimate get_physical_card order_physical_card "
        "getting_spare_card activate_my_card card_about_to_expire card_linking"
    ),
    "card_not_working": _words(
        "card_not_working contactless_not_working card_acceptance card_swallowed pin_blocked "
        "change_pin apple_pay_or_google_pay visa_or_mastercard"
    ),
    "virtual_cards": _words(
        "getting_virtual_card get_disposable_virtual_card disposable_card_limits virtual_card_not_working"
    ),
    "security": _words(
        "lost_or_stolen_card compromised_card lost_or_stolen_phone card_payment_not_recognised "
        "direct_debit_payment_not_recognised cash_withdrawal_not_recognised passcode_forgotten"
    ),
    "card_payments": _words(
        "pending_card_payment declined_card_payment reverted_card_payment? card_payment_fee_charged "
        "card_payment_wrong_exchange_rate transaction_charged_twice extra_charge_on_statement "
        "request_refund Refund_not_showing_up"
    ),
    "cash": _words(
        "pending_cash_withdrawal declined_cash_withdrawal wrong_amount_of_cash_received atm_support "
        "cash_withdrawal_charge wrong_exchange_rate_for_cash_withdrawal"
    ),
    "top_up": _words(
        "automatic_top_up top_up_by_bank_transfer_charge pending_top_up top_up_limits "
        "top_up_reverted topping_up_by_card verify_top_up top_up_by_cash_or_cheque top_up_failed "
        "top_up_by_card_charge balance_not_updated_after_cheque_or_cash_deposit"
    ),
    "transfers": _words(
        "cancel_transfer transfer_not_received_by_recipient declined_transfer pending_transfer "
        "transfer_timing beneficiary_not_allowed transfer_fee_charged receiving_money "
        "failed_transfer transfer_into_account balance_not_updated_after_bank_transfer"
    ),
    "currencies": _words(
        "exchange_rate fiat_currency_support exchange_via_app supported_cards_and_currencies "
        "exchange_charge country_support"
    ),
    "identity_account": _words(
        "edit_personal_details why_verify_identity unable_to_verify_identity verify_my_identity "
        "verify_source_of_funds age_limit terminate_account"
    ),
}
B77_GROUP_OF = {intent: group for group, intents in B77_GROUPS.items() for intent in intents}


def _doc_labels(rows: np.ndarray, n_docs: int, unit_group: dict[int, int]) -> list[int]:
    per: dict[int, Counter[int]] = {}
    for i, row in enumerate(rows):
        g = unit_group.get(i)
        if g is not None:
            per.setdefault(int(row), Counter())[g] += 1
    return [
        sorted(per[r].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if r in per else -1
        for r in range(n_docs)
    ]


def _v(truth: list[str], pred: list[int]) -> float:
    return round(float(v_measure_score(truth, pred)), 3)


def sample(ds: LabeledSet, n: int | None, seed: int = 0) -> LabeledSet:
    """``n`` seeded random rows, kept in file order (None or n ≥ rows: all of them)."""
    if not n or n >= len(ds.texts):
        return ds
    keep = np.sort(np.random.default_rng(seed).choice(len(ds.texts), size=n, replace=False)).tolist()
    return LabeledSet(
        ds.name, [ds.texts[i] for i in keep], {k: [v[i] for i in keep] for k, v in ds.labels.items()}
    )


def banking77_train(root: Path) -> LabeledSet:
    rows = read_csv(root.resolve() / "banking77" / "train.csv")
    return LabeledSet(
        "banking77-train", [r["text"] for r in rows], {"category": [r["category"] for r in rows]}
    )


def extract(name: str, texts: list[str], langs: list[str] | None = None) -> ExtractedUnits:
    """Units of ``texts``, kept whole in training/.cache (segmentation of long narratives costs minutes)."""
    key = hashlib.sha256(json.dumps([texts, langs]).encode()).hexdigest()[:16]
    path = CACHE_DIR / f"bench-themes-units-{key}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            cached: ExtractedUnits = pickle.load(fh)  # our own cache file, written below
        return cached
    records = [Record(text=t, language=(langs[i] if langs else None)) for i, t in enumerate(texts)]
    item_langs = item_languages(records)
    embedder = CachedEmbedder(get_embedder(resolve_spec("auto", item_langs)))
    t = time.perf_counter()
    units = extract_units(records, embedder, languages=item_langs)
    embedder.save()
    took = time.perf_counter() - t
    print(
        f"[{name}] {len(texts)} docs, {len(units)} units, {embedder.model_id}, {took:.0f}s", file=sys.stderr
    )
    return units


def name_quality(parents: list[ParentTheme], units: ExtractedUnits, fine: list[str],
                 human: dict[str, dict[str, str]]) -> dict[str, Any]:  # fmt: skip
    """Themes of ≥ 3 units whose name in a language shares a content word with the human name of the label
    most of them hold (per language), and the share of bilingual themes titled in both languages."""
    hits: dict[str, list[bool]] = {}
    both = titled = 0
    for p in parents:
        if p.size < 3:
            continue
        label = Counter(fine[int(units.rows[m])] for m in p.members).most_common(1)[0][0]
        for lang, nm in p.names.items():
            hits.setdefault(lang, []).append(shares_word(nm, human[label][lang], stem=True))
        langs = Counter(units.languages[m] for m in p.members)
        if min(langs.get("fr", 0), langs.get("en", 0)) >= 0.1 * p.size:
            both += 1
            titled += " / " in p.name
    out: dict[str, Any] = {f"name_match_{k}": round(sum(v) / len(v), 3) for k, v in sorted(hits.items())}
    out["bilingual_titled"] = f"{titled}/{both}"
    return out


def evaluate(name: str, units: ExtractedUnits, n_docs: int, fine: list[str], coarse: list[str],
             hp: HierarchyParams, human: dict[str, dict[str, str]] | None = None,
             ) -> dict[str, Any]:  # fmt: skip
    t = time.perf_counter()
    clusters = cluster_themes(units.texts, units.languages, units.vectors, units.polarity, hierarchy=hp)
    pains = [c for c in clusters if c.kind == "pain"]
    parents = group_themes(pains, units.texts, units.languages, units.vectors, params=hp)
    pp_of = {m: k for k, c in enumerate(pains) for m in c.members}
    th_of = {m: k for k, p in enumerate(parents) for m in p.members}
    pp_docs = _doc_labels(units.rows, n_docs, pp_of)
    th_docs = _doc_labels(units.rows, n_docs, th_of)
    return {
        "set": name,
        "docs": n_docs,
        "duplicate_sim": hp.duplicate_sim,
        "theme_distance": hp.theme_distance,
        "method": hp.method,
        "relative": hp.relative,
        "pain_points": len(pains),
        "themes": len(parents),
        "V_pain_points_fine": _v(fine, pp_docs),
        "V_themes_coarse": _v(coarse, th_docs),
        "V_themes_fine": _v(fine, th_docs),
        "outside_any_pain_point": round(sum(1 for d in pp_docs if d < 0) / n_docs, 3),
        "outside_any_theme": round(sum(1 for d in th_docs if d < 0) / n_docs, 3),
        "seconds": round(time.perf_counter() - t, 1),
        **(name_quality(parents, units, fine, human) if human else {}),
        "theme_names": [p.name for p in parents[:12]],
    }


def run_set(name: str, texts: list[str], fine: list[str], coarse: list[str], settings: list[HierarchyParams],
            langs: list[str] | None = None, human: dict[str, dict[str, str]] | None = None,
            ) -> list[dict[str, Any]]:  # fmt: skip
    units = extract(name, texts, langs)
    out = []
    for hp in settings:
        out.append(evaluate(name, units, len(texts), fine, coarse, hp, human))
        print(json.dumps(out[-1], ensure_ascii=False), flush=True)
    return out


def growth(root: Path, sizes: list[int], settings: list[HierarchyParams]) -> None:
    full = banking77_train(root)
    for n in sizes:
        ds = sample(full, n)
        coarse = [B77_GROUP_OF[c] for c in ds.labels["category"]]
        run_set(f"banking77-train-{n}", ds.texts, ds.labels["category"], coarse, settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.themes", description=__doc__)
    parser.add_argument("--sets", default="fixture,cfpb,banking77")
    parser.add_argument("--limit", type=int, default=None, help="seeded random sample of this many rows")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--duplicate-sim", default=None, help="comma list (default: HierarchyParams')")
    parser.add_argument("--theme-distance", default=None, help="comma list (default: HierarchyParams')")
    parser.add_argument(
        "--absolute", action="store_true", help="theme distance as an absolute cosine distance"
    )
    parser.add_argument(
        "--first-version",
        action="store_true",
        help="themes as before issue 11's round 3: average linkage at 0.8 × the median distance",
    )
    parser.add_argument("--growth", default=None, help="Banking77 train sizes, e.g. 1000,2000,5000,10000")
    args = parser.parse_args(argv)
    base = HierarchyParams()
    if args.first_version:
        base = replace(base, method="average", theme_distance=0.8, relative=True)
    dups = [float(d) for d in args.duplicate_sim.split(",")] if args.duplicate_sim else [base.duplicate_sim]
    dists = (
        [float(t) for t in args.theme_distance.split(",")] if args.theme_distance else [base.theme_distance]
    )
    settings = [
        replace(base, duplicate_sim=d, theme_distance=t, relative=base.relative and not args.absolute)
        for d in dups
        for t in dists
    ]
    if args.growth:
        growth(args.data_dir, [int(n) for n in args.growth.split(",")], settings)
        return 0
    for name in args.sets.split(","):
        if name == "fixture":
            irritants = load_fixture()
            texts, langs, truth = _flat(irritants)
            labels = [str(k) for k in truth]
            human = {str(k): {"fr": irr["fr"], "en": irr["en"]} for k, irr in enumerate(irritants)}
            run_set(name, texts, labels, labels, settings, langs, human)
        elif name == "cfpb":
            ds = sample(load("cfpb", args.data_dir), args.limit)
            run_set(name, ds.texts, ds.labels["Issue"], ds.labels["Product"], settings)
        elif name == "banking77":
            ds = sample(load("banking77", args.data_dir), args.limit)
            coarse = [B77_GROUP_OF[c] for c in ds.labels["category"]]
            run_set(name, ds.texts, ds.labels["category"], coarse, settings)
        else:
            raise SystemExit(f"--sets: unknown {name!r}; choose from fixture, cfpb, banking77")
    return 0


if __name__ == "__main__":
    sys.exit(main())
