"""Byte-level reading of export files: encoding, binary detection, lines with their byte offsets.

Exports come from Excel on French Windows machines (cp1252, ``;``), from Google Play (UTF-16 with a
BOM), from web tools (UTF-8 with or without BOM). Only a prefix is inspected, then the file is decoded
line by line so memory stays flat and every line's end offset is known for checkpoints.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from charset_normalizer import from_bytes

from service.imports.parsers.types import ImportFileError

PREFIX_BYTES = 64 * 1024
_UTF16_CHUNK = 64 * 1024

# Magic numbers of files people upload by mistake instead of a CSV/JSON export.
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook? the CSV source types read .xlsx files)",
    b"\xd0\xcf\x11\xe0": (
        "a legacy Office document (.xls) or a password-protected workbook; remove the password and save "
        "it as .xlsx or CSV"
    ),
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive; decompress it first",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass(frozen=True)
class TextFormat:
    """How to decode a file: the codec and how many BOM bytes to skip."""

    encoding: str
    bom_length: int

    @property
    def ascii_newlines(self) -> bool:
        """Whether a ``\\n`` byte always ends a line (true for UTF-8 and single-byte codecs)."""
        return not self.encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


def read_prefix(fh: BinaryIO, size: int = PREFIX_BYTES) -> bytes:
    """Read the first ``size`` bytes and rewind, so detection never consumes the stream."""
    fh.seek(0)
    prefix = fh.read(size)
    fh.seek(0)
    return prefix


def fingerprint(fh: BinaryIO) -> str:
    """Cheap identity of a file (size + hash of its first 64 KiB) to validate a stored checkpoint."""
    prefix = read_prefix(fh)
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    return f"{size}:{hashlib.sha256(prefix).hexdigest()[:16]}"


def detect_format(prefix: bytes, forced_encoding: str | None = None) -> TextFormat:
    """Pick the codec of a text export, or raise ``ImportFileError`` for binary or empty files."""
    if not prefix.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError("the file is empty")
    for magic, what in _MAGIC.items():
        if prefix.startswith(magic):
            raise ImportFileError(f"the file is binary, not a text export: it looks like {what}")
    if prefix.startswith(codecs.BOM_UTF8):
        return TextFormat("utf-8", len(codecs.BOM_UTF8))
    # Before UTF-16: UTF-32-LE's BOM starts with UTF-16-LE's, and was read as UTF-16 text full of NULs.
    if prefix.startswith(codecs.BOM_UTF32_LE):
        return TextFormat("utf-32-le", 4)
    if prefix.startswith(codecs.BOM_UTF32_BE):
        return TextFormat("utf-32-be", 4)
    if prefix.startswith(codecs.BOM_UTF16_LE):
        return TextFormat("utf-16-le", 2)
    if prefix.startswith(codecs.BOM_UTF16_BE):
        return TextFormat("utf-16-be", 2)
    if forced_encoding:
        return _forced(prefix, forced_encoding)
    if b"\x00" in prefix:
        raise ImportFileError("the file is binary, not a text export: it contains NUL bytes")
    # A valid UTF-8 prefix is UTF-8: charset detectors sometimes call such a prefix "ascii" or a
    # Latin codec when the few accented characters come later.
    try:
        _decode_prefix(prefix, "utf-8")
        return TextFormat("utf-8", 0)
    except UnicodeDecodeError:
        pass
    matches = from_bytes(prefix)
    best = matches.best()
    if best is None:
        raise ImportFileError(
            "the file is binary or in an unknown encoding: no text encoding fits its first bytes"
        )
    # Single-byte codecs are often indistinguishable on a short prefix (cp1250 and cp1252 both fit
    # "é"); the sources here are French/English, so a Western codec that fits as well wins.
    western = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"}
    if any(m.encoding in western and m.percent_chaos <= best.percent_chaos + 1.0 for m in matches):
        return TextFormat("cp1252", 0)
    encoding = best.encoding
    return TextFormat(encoding, 0)


def _forced(prefix: bytes, encoding: str) -> TextFormat:
    """The format ``mapping.encoding`` names, refused up front when the file's start does not decode in it:
    a BOM-less ``utf-16``/``utf-32`` file or a non-file codec (``idna``) raised ``UnicodeError`` mid-run."""
    try:
        codecs.getincrementaldecoder(encoding)(errors="replace").decode(prefix, final=True)
    except (UnicodeError, LookupError) as exc:
        raise ImportFileError(f"the file cannot be read in mapping.encoding {encoding!r}: {exc}") from None
    return TextFormat(encoding, 0)


def _decode_prefix(prefix: bytes, encoding: str) -> str:
    """Decode a prefix that may end in the middle of a multi-byte character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    return decoder.decode(prefix, final=False)


def decode_prefix(prefix: bytes, fmt: TextFormat) -> str:
    return codecs.getincrementaldecoder(fmt.encoding)(errors="replace").decode(prefix[fmt.bom_length :])


def iter_lines(fh: BinaryIO, fmt: TextFormat, start: int | None = None) -> Iterator[tuple[str, int]]:
    """Yield ``(line, end_offset)`` from byte ``start`` (default: after the BOM), newline kept.

    Lines are decoded one by one; a line that is not valid in the detected codec (a file assembled
    from UTF-8 and cp1252 pieces) is decoded as cp1252 rather than failing the whole import.
    """
    offset = fmt.bom_length if start is None else start
    fh.seek(offset)
    if fmt.ascii_newlines:
        encoding = fmt.encoding
        for raw in iter(fh.readline, b""):
            offset += len(raw)
            try:
                text = raw.decode(encoding)
            except UnicodeError:  # UnicodeDecodeError, or a codec's own UnicodeError
                text = raw.decode("cp1252", errors="replace")
            yield text, offset
        return
    decoder = codecs.getincrementaldecoder(fmt.encoding)(errors="replace")
    pending = ""
    while True:
        chunk = fh.read(_UTF16_CHUNK)
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            line += "\n"
            offset += len(line.encode(fmt.encoding, errors="replace"))
            yield line, offset
        if not chunk:
            break
    if pending:
        offset += len(pending.encode(fmt.encoding, errors="replace"))
        yield pending, offset
