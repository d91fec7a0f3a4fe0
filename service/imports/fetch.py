"""Getting a source's export file onto local disk: a path under an allowed directory, or an http(s) URL.

URLs are streamed to a temporary file with a size cap, so a huge or endless response cannot fill the
memory or the disk. Local paths are confined to configured directories and URLs to public addresses by
default, because whoever holds an API key must not be able to read server files or probe the
internal network by registering them as a "source".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx

from service.netguard import NonPublicAddressError, OutboundPolicy, check_url, guarded_client


class FetchError(ValueError):
    """The location cannot be read; the message says why (shown on the run)."""


def classify_location(location: str) -> str:
    """``"url"`` or ``"path"``; raise ``ValueError`` naming the rule for anything else."""
    parsed = urlparse(location)
    if parsed.scheme in ("http", "https"):
        if not parsed.hostname:
            raise ValueError("location URL has no host")
        return "url"
    if parsed.scheme and len(parsed.scheme) > 1:
        raise ValueError(
            f"location scheme {parsed.scheme!r} is not supported: use a local path or http(s) URL"
        )
    if not location.strip():
        raise ValueError("location must not be empty")
    return "path"


def check_local_path(location: str, allowed_dirs: Sequence[Path]) -> Path:
    """Resolve a local path and require it to sit under one of ``allowed_dirs`` (symlinks resolved)."""
    try:
        path = Path(location).expanduser().resolve()
    except (RuntimeError, OSError) as exc:  # "~nobody/x": no such user's home; a symlink loop (was a 500)
        raise ValueError(f"location {location[:200]!r} cannot be resolved to a path: {exc}") from None
    roots = [Path(d).expanduser().resolve() for d in allowed_dirs]
    if not any(path == root or root in path.parents for root in roots):
        allowed = ", ".join(str(r) for r in roots) or "none configured"
        raise ValueError(f"location {str(path)!r} is outside the import directories ({allowed})")
    return path


def check_location_url(location: str, policy: OutboundPolicy) -> None:
    """Registration-time check of a URL location (``ValueError`` naming the reason); downloads check again."""
    try:
        check_url(location, policy)
    except NonPublicAddressError as exc:
        raise ValueError(
            f"{exc}; list the host in FRICTIONMAP_OUTBOUND_ALLOW_HOSTS to allow an internal address"
        ) from None


@contextmanager
def open_location(
    location: str,
    *,
    allowed_dirs: Sequence[Path],
    max_bytes: int,
    policy: OutboundPolicy | None = None,
    timeout_s: float = 60.0,
    trusted: bool = False,
) -> Iterator[Path]:
    """Yield a local path holding the export; downloaded files are deleted on exit.

    ``trusted`` skips the directory check for paths the server chose itself (stored uploads). URLs are
    downloaded through ``service.netguard`` (``policy``; default: public addresses only), which checks the
    address of the connection itself.
    """
    if classify_location(location) == "path":
        try:
            path = Path(location) if trusted else check_local_path(location, allowed_dirs)
        except ValueError as exc:
            raise FetchError(str(exc)) from None
        if not path.is_file():
            raise FetchError(f"file {str(path)!r} does not exist")
        if path.stat().st_size > max_bytes:
            raise FetchError(f"file is {path.stat().st_size} bytes, over the {max_bytes}-byte import limit")
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="frictionmap-import-", suffix=".download")
    try:
        with os.fdopen(fd, "wb") as out:
            _download(location, out, max_bytes, timeout_s, policy or OutboundPolicy())
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _download(url: str, out: object, max_bytes: int, timeout_s: float, policy: OutboundPolicy) -> None:
    written = 0
    try:
        with guarded_client(policy, timeout_s) as client, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise FetchError(f"GET {url} answered HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"export is {declared} bytes, over the {max_bytes}-byte import limit")
            for chunk in response.iter_bytes(1024 * 1024):
                written += len(chunk)
                if written > max_bytes:
                    raise FetchError(f"export exceeds the {max_bytes}-byte import limit")
                out.write(chunk)  # type: ignore[attr-defined]
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot download {url}: {exc}") from None
