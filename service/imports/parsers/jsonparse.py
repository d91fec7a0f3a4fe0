"""Streaming JSON parsing: JSON Lines with byte checkpoints, JSON documents through ijson.

Platform APIs and exports wrap records in a top-level key (``{"reviews": [...]}`` for Google Business
Profile, ``{"tickets": [...]}`` for Zendesk, ``{"data": [...]}`` for App Store Connect) or write one
object per line (Zendesk's full JSON export). ijson walks the document without loading it; a document
resumes by skipping the records already committed, JSON Lines by seeking to the stored offset.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from nlp.text.nesting import MAX_DEPTH, TooDeepError, loads_record
from service.imports.parsers.mapped import FieldSpec, Resolved, build_item, resolve
from service.imports.parsers.textio import fingerprint, read_prefix
from service.imports.parsers.types import (
    Checkpoint,
    ImportedItem,
    ImportFileError,
    ImportMapping,
    ParsedRow,
    RowError,
)

_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


def _check_depth(fh: BinaryIO, start: int) -> None:
    """Refuse a document nested deeper than ``MAX_DEPTH`` before ijson builds items from it.

    ijson's ``items`` builds a prefix string per level, so its time and memory grow with the square of the
    depth, within each buffer it reads, before any event reaches a Python guard; ``basic_parse`` builds no
    prefix and scans 300,000 levels in a fraction of a second. Syntax errors are left to the real pass.
    """
    fh.seek(start)
    depth = 0
    try:
        for event, _ in ijson.basic_parse(fh):
            if event in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    raise ImportFileError(f"the JSON nests deeper than {MAX_DEPTH} levels: not an export")
            elif event in _CLOSE:
                depth -= 1
    except ijson.JSONError:
        pass
    fh.seek(start)


def get_path(obj: Any, path: str) -> Any:
    """``"reviewer.displayName"`` → nested value; list indexes allowed (``"comments.0.body"``)."""
    current = obj
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
        if current is None:
            return None
    return current


def _keys(obj: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in obj.items():
        keys.append(prefix + key)
        if isinstance(value, dict):
            keys.extend(_keys(value, prefix + key + "."))
    return keys


class JsonParser:
    """Parser of JSON Lines or a JSON document holding a list of records under ``list_key``."""

    type: str = "generic_jsonl"
    spec: FieldSpec
    list_key: str | None = None

    def __init__(self, mapping: ImportMapping | dict[str, Any] | None = None) -> None:
        self.mapping = (
            mapping if isinstance(mapping, ImportMapping) else ImportMapping.model_validate(mapping or {})
        )
        self.resolved: Resolved | None = None

    def prepare(self, first: dict[str, Any]) -> None:
        """Check the first record has the required keys, so a wrong file fails with the keys it has."""
        self.resolved = resolve(self.spec, self.mapping, _keys(first), what="key")

    def build(self, number: int, obj: dict[str, Any]) -> list[ImportedItem] | RowError:
        assert self.resolved is not None
        result = build_item(self.spec, self.resolved, lambda path: get_path(obj, path), number)
        if isinstance(result, RowError):
            return result
        # "attributes.territory" → "territory": metadata keys read like the platform's field names.
        result.metadata = {key.rsplit(".", 1)[-1]: value for key, value in result.metadata.items()}
        return [result]

    def records(self, fh: BinaryIO, start: Checkpoint | None = None) -> Iterator[ParsedRow]:
        prefix = read_prefix(fh)
        bom = len(codecs.BOM_UTF8) if prefix.startswith(codecs.BOM_UTF8) else 0
        body = prefix[bom:].lstrip()
        if not body:
            raise ImportFileError("the file is empty")
        if b"\x00" in prefix or body[:1] not in (b"{", b"["):
            raise ImportFileError("the file is not JSON: it must start with '{' or '[' (binary or CSV file?)")
        file_id = fingerprint(fh)
        resume = start if start is not None and start.fingerprint == file_id else None
        if body[:1] == b"{" and self._first_line_is_object(prefix[bom:]):
            yield from self._lines(fh, bom, file_id, resume)
        else:
            yield from self._document(fh, bom, body[:1] == b"[", file_id, resume)

    def _first_line_is_object(self, prefix: bytes) -> bool:
        """JSON Lines when the first line is a whole object, unless it is the ``{list_key: [...]}`` document
        itself written on one line (API responses are compact: they were read as one bad record)."""
        line = prefix.lstrip().split(b"\n", 1)[0]
        try:
            first = json.loads(line)
        except (ValueError, RecursionError):
            return False
        if not isinstance(first, dict):
            return False
        return not (self.list_key and isinstance(first.get(self.list_key), list))

    def _emit(self, number: int, obj: Any, checkpoint: Checkpoint) -> ParsedRow:
        if not isinstance(obj, dict):
            return ParsedRow(
                number,
                [],
                RowError(number, f"record is a JSON {type(obj).__name__}, not an object"),
                checkpoint,
            )
        if self.resolved is None:
            self.prepare(obj)
        built = self.build(number, obj)
        if isinstance(built, RowError):
            return ParsedRow(number, [], built, checkpoint)
        return ParsedRow(number, built, None, checkpoint)

    def _lines(self, fh: BinaryIO, bom: int, file_id: str, start: Checkpoint | None) -> Iterator[ParsedRow]:
        number, offset = 0, bom
        if start is not None and start.offset is not None:
            fh.seek(bom)
            first = fh.readline()  # the first record still decides the mapping resolution
            self._first_for_mapping(first)
            number, offset = start.row, start.offset
        fh.seek(offset)
        for raw in iter(fh.readline, b""):
            offset += len(raw)
            if not raw.strip():
                continue
            number += 1
            checkpoint = Checkpoint(number, offset, file_id)
            try:
                obj = loads_record(raw)
            except TooDeepError:
                reason = f"record nests deeper than {MAX_DEPTH} levels"
                yield ParsedRow(number, [], RowError(number, reason), checkpoint)
                continue
            except ValueError as exc:
                if not raw.endswith(b"\n") and not fh.read(1):
                    raise ImportFileError(
                        f"the last line (record {number}) is incomplete JSON: the file is truncated"
                    ) from None
                yield ParsedRow(number, [], RowError(number, f"invalid JSON: {exc}"), checkpoint)
                continue
            yield self._emit(number, obj, checkpoint)

    def _first_for_mapping(self, raw: bytes) -> None:
        try:
            obj = loads_record(raw)
        except ValueError:  # TooDeepError included
            return
        if isinstance(obj, dict):
            self.prepare(obj)

    def _document(
        self, fh: BinaryIO, bom: int, is_array: bool, file_id: str, start: Checkpoint | None
    ) -> Iterator[ParsedRow]:
        if not is_array and not self.list_key:
            raise ImportFileError("expected JSON Lines (one object per line) or a JSON array of objects")
        item_prefix = "item" if is_array else f"{self.list_key}.item"
        skip = start.row if start is not None else 0
        _check_depth(fh, bom)
        number = 0
        try:
            for obj in ijson.items(fh, item_prefix, use_float=True):
                number += 1
                if number <= skip:
                    if self.resolved is None and isinstance(obj, dict):
                        self.prepare(obj)
                    continue
                yield self._emit(number, obj, Checkpoint(number, None, file_id))
        except ijson.IncompleteJSONError as exc:
            raise ImportFileError(
                f"the JSON document ends prematurely after record {number}: the file is truncated ({exc})"
            ) from None
        except ijson.JSONError as exc:
            raise ImportFileError(f"invalid JSON after record {number}: {exc}") from None
        if number == 0 and not is_array:
            raise ImportFileError(
                f"no records found: expected a top-level {self.list_key!r} array of objects"
            )
