"""Streaming import benchmark: a ~100 MB export, parsed (and optionally imported) with flat memory.

    python -m bench.imports_stream --size-mb 100 --mode parse
    python -m bench.imports_stream --size-mb 100 --mode import   # full run into a fresh SQLite database

The file is generated under a temporary directory (never committed): a Trustpilot-shaped CSV with
French and English reviews, quoted multi-line fields, commas and accents. Peak RSS comes from
``resource.getrusage`` of this process; the baseline RSS after imports is printed so that the growth
attributable to the file is visible.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "Review Id",
    "Review Created (UTC)",
    "Review Consumer User Id",
    "Review Title",
    "Review Content",
    "Review Stars",
    "Source Of Review",
    "Review Language",
    "Domain URL",
    "Webshop Name",
    "Business Unit Id",
    "Tags",
    "Company Reply Date (UTC)",
    "Location Name",
    "Location Id",
]
PHRASES = [
    "Livraison en retard de {n} jours, aucune information du transporteur.",
    "Le remboursement n'est jamais arrivé malgré {n} relances au service client.",
    "Card declined at checkout {n} times, had to use PayPal instead.",
    "Great prices and the parcel arrived in {n} days, well packed.",
    "L'application plante à chaque ouverture depuis la mise à jour {n}.",
    "Customer service answered within {n} minutes, very helpful, thank you!",
    "Produit conforme, mais l'emballage était abîmé ; dommage.",
    "The size guide is wrong: I ordered {n} sizes before one fitted.",
]


def generate(path: Path, size_mb: int, seed: int = 7) -> int:
    """Write the export and return its data row count."""
    rng = random.Random(seed)
    target = size_mb * 1024 * 1024
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        while out.tell() < target:
            rows += 1
            body = " ".join(rng.choice(PHRASES).format(n=rng.randint(2, 9)) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.2:
                body += "\n" + rng.choice(PHRASES).format(n=rng.randint(2, 9))
            writer.writerow(
                [
                    f"{rows:024x}",
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{rows % 60:02d}:00",
                    f"{rng.getrandbits(96):024x}",
                    rng.choice(["Déçu", "Top", "Bof", "Never again", ""]),
                    body,
                    rng.randint(1, 5),
                    rng.choice(["Organic", "Invitation"]),
                    rng.choice(["fr", "en"]),
                    "www.example-shop.fr",
                    "Example Shop",
                    "4bd5f1a20000640005069a2b",
                    "",
                    "",
                    "Paris",
                    "loc-001",
                ]
            )
    return rows


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_parse(path: Path) -> None:
    from service.imports.parsers import get_parser

    baseline = peak_rss_mib()
    started = time.perf_counter()
    records = items = 0
    with path.open("rb") as fh:
        for record in get_parser("trustpilot_csv").records(fh):
            records += 1
            items += len(record.items)
    elapsed = time.perf_counter() - started
    report("parse", path, records, items, elapsed, baseline)


def report(mode: str, path: Path, records: int, items: int, elapsed: float, baseline: float) -> None:
    size = path.stat().st_size / 1024 / 1024
    print(
        f"mode={mode} file={size:.1f} MiB records={records} items={items} seconds={elapsed:.1f} "
        f"rows_per_s={records / elapsed:.0f} MiB_per_s={size / elapsed:.1f} "
        f"baseline_rss_MiB={baseline:.1f} peak_rss_MiB={peak_rss_mib():.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--mode", choices=["parse", "import"], default="parse")
    parser.add_argument("--file", type=Path, help="reuse an existing export instead of generating one")
    parser.add_argument("--repeat", action="store_true", help="import mode: run the same export twice")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fm-bench-imports-") as tmp:
        path = args.file or Path(tmp) / "trustpilot_big.csv"
        if args.file is None:
            rows = generate(path, args.size_mb)
            print(
                f"generated {path} ({path.stat().st_size / 1024 / 1024:.1f} MiB, {rows} rows)",
                file=sys.stderr,
            )
        if args.mode == "parse":
            run_parse(path)
        else:
            from bench.imports_import import run_import

            run_import(path, Path(tmp), repeat=args.repeat)


if __name__ == "__main__":
    main()
