"""``frictionmap analyze``: CSV, .xlsx or JSON Lines in, the issue-3 JSON out, a progress bar on stderr.

Kept free of Typer so the service's CLI command is a one-line delegation and this stays testable as a function
(``python -m nlp.analyze_cli INPUT ...`` runs it without the service package).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from nlp.embeddings import Embedder, check_spec
from nlp.pipeline import AnalysisResult, Record, analyze_records
from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE, check_sentiment_space, sentiment_space_for
from nlp.tagging.tagger import tagger_loader
from nlp.text.nesting import MAX_DEPTH, TooDeepError, loads_record
from nlp.text.tabular import TableError, read_csv
from nlp.text.tabular import records as table_records
from nlp.text.workbook import sheet_rows
from nlp.themes.clustering import ClusterParams

NAME_LANGUAGES = ("fr", "en")
PROGRESS_MIN_RECORDS = 200  # below this the run is instant; a bar would be noise


class InputError(ValueError):
    """Bad input file or column: the message names the field and the rule."""


def _rows(path: Path, sheet: str | None = None) -> Iterator[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _json_lines(path)
        return
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx"):
        raise InputError(
            f"input: unsupported extension {suffix!r}; expected .csv, .tsv, .xlsx, .jsonl or .ndjson"
        )
    # One quoting rule for every CSV (nlp.text.tabular), never guessed from a prefix: the sniffer's guess
    # corrupted rows with escaped quotes.
    try:
        yield from table_records(sheet_rows(path, sheet)) if suffix == ".xlsx" else read_csv(path)
    except TableError as exc:
        raise InputError(f"input: {exc}") from None


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSON Lines file. A non-UTF-8 byte, an integer over 4,300 digits (a bare ``ValueError``)
    and nesting past the recursion limit each escaped as a traceback; each is an ``InputError`` naming the
    line."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 1]
                raise InputError(f"input: line {n} is not UTF-8 (invalid byte {bad!r})") from None
            if not line.strip():
                continue
            try:
                obj = loads_record(line)
            except TooDeepError:
                raise InputError(f"input: line {n} nests deeper than {MAX_DEPTH} levels") from None
            except json.JSONDecodeError as exc:
                raise InputError(f"input: line {n} is not valid JSON ({exc.msg})") from exc
            except ValueError as exc:
                raise InputError(f"input: line {n} is not valid JSON ({exc})") from None
            if not isinstance(obj, dict):
                raise InputError(f"input: line {n} must be a JSON object")
            yield obj


def load_records(
    path: Path,
    text_column: str,
    id_column: str | None,
    rating_column: str | None,
    date_column: str | None,
    sheet: str | None = None,
) -> list[Record]:
    loaded: list[Record] = []
    for n, row in enumerate(_rows(path, sheet)):
        if n == 0:
            for flag, col in (
                ("--text-column", text_column),
                ("--id-column", id_column),
                ("--rating-column", rating_column),
                ("--date-column", date_column),
            ):
                if col is not None and col not in row:
                    raise InputError(
                        f"{flag}: column {col!r} not found; available: {', '.join(map(str, row))}"
                    )
        rating: float | None = None
        raw = row.get(rating_column) if rating_column else None
        if raw not in (None, ""):
            try:
                rating = float(str(raw).replace(",", "."))
            except ValueError as exc:
                raise InputError(f"--rating-column: row {n} has non-numeric rating {raw!r}") from exc
        loaded.append(
            Record(
                text=str(row.get(text_column) or ""),
                id=None if not id_column or row.get(id_column) is None else str(row[id_column]),
                rating=rating,
                date=None if not date_column or row.get(date_column) is None else str(row[date_column]),
            )
        )
    return loaded


class _Bar:
    """One tqdm bar per stage on stderr, opened when the stage starts (``done == 0``) and moved per batch, so
    it shows a rate and an ETA from the first batch; quiet for small inputs."""

    def __init__(self, enabled: bool, stream: TextIO) -> None:
        self.enabled = enabled
        self.stream = stream
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(
                total=total, desc=f"{stage:<8}", file=self.stream, unit="it", leave=True, mininterval=0
            )
        if bar.disable:  # already closed
            return
        if bar.total != total:
            bar.total = total
        bar.update(max(0, done - bar.n))
        if done >= total:
            bar.close()


def run_analyze(
    input_path: str | Path,
    text_column: str = "text",
    id_column: str | None = None,
    rating_column: str | None = None,
    date_column: str | None = None,
    out: str | Path | None = None,
    embedding_backend: str | Embedder = "auto",
    params: ClusterParams | None = None,
    progress: bool | None = None,
    tagging: bool = True,
    models_dir: str | Path | None = None,
    sheet: str | None = None,
    language: str | None = None,
    sentiment_space: str = DEFAULT_SENTIMENT_SPACE,
) -> AnalysisResult:
    """Analyse one file and write the JSON to ``out`` (stdout when ``None``). Raises ``InputError``.

    ``language``: fr or en, the language of the themes' ``name`` (default: the majority language of the file).
    ``sentiment_space``: where the unit sentiment is read (nlp/tagging/split_space.py): ``auto`` (default),
    with the ``auto`` embedding backend, mixed with the USE heads for the units MiniLM is unsure of when the
    file is embedded with MiniLM (an explicit backend reads every aspect in its own space); ``same`` the
    pipeline's space alone; or a spec.
    """
    if language not in (None, *NAME_LANGUAGES):
        raise InputError(f"--language: must be one of {', '.join(NAME_LANGUAGES)}, got {language!r}")
    try:  # before the file is read and a model loaded
        if isinstance(embedding_backend, str):
            check_spec(embedding_backend)
    except ValueError as exc:
        raise InputError(f"--embedding-backend: {exc}") from exc
    try:
        check_sentiment_space(sentiment_space)
    except ValueError as exc:
        raise InputError(f"--sentiment-space: {exc}") from exc
    path = Path(input_path)
    if not path.is_file():
        raise InputError(f"input: file {str(path)!r} does not exist")
    records = load_records(path, text_column, id_column, rating_column, date_column, sheet)
    show = progress if progress is not None else len(records) >= PROGRESS_MIN_RECORDS
    space = sentiment_space_for(embedding_backend, sentiment_space)
    loader = tagger_loader(models_dir, sentiment_space=space) if tagging else None
    result = analyze_records(
        records,
        embedder=embedding_backend,
        params=params,
        progress=_Bar(show, sys.stderr),
        tagger_loader=loader,
        language=language,
    )
    payload = json.dumps(result.to_json(), ensure_ascii=False, indent=1)
    if out is None:
        sys.stdout.write(payload + "\n")
    else:
        Path(out).write_text(payload + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.analyze_cli", description=__doc__)
    parser.add_argument("input")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--id-column")
    parser.add_argument(
        "--rating-column",
        help="stars (1-5) or a 0-10 score; with 20+ low and 20+ high rated rows the text sentiment is "
        "adapted to the file (nlp/tagging/adaptation.py; reported as sentiment_adaptation in the JSON)",
    )
    parser.add_argument("--date-column")
    parser.add_argument("--sheet", help="worksheet of an .xlsx input (default: the first)")
    parser.add_argument("--out")
    parser.add_argument("--embedding-backend", default="auto")
    parser.add_argument("--no-tagging", action="store_true", help="skip stage/sentiment/emotion/effort tags")
    parser.add_argument("--models-dir", help="tagging artifacts (default: the ones in training/artifacts)")
    parser.add_argument(
        "--sentiment-space",
        default=DEFAULT_SENTIMENT_SPACE,
        help="embedding space the sentiment heads read: auto (default: with the auto backend on English, "
        "mixed with the USE heads where MiniLM is unsure), same (the pipeline's alone) or an embedding spec",
    )
    parser.add_argument(
        "--language", choices=NAME_LANGUAGES, help="language of the names (default: the data's majority)"
    )
    args = parser.parse_args(argv)
    try:
        run_analyze(
            args.input, args.text_column, args.id_column, args.rating_column, args.date_column, args.out,
            embedding_backend=args.embedding_backend, tagging=not args.no_tagging, models_dir=args.models_dir,
            sheet=args.sheet,
            language=args.language, sentiment_space=args.sentiment_space,
        )  # fmt: skip
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
