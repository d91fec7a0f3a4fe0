"""How deep a JSON record may nest, shared by ``frictionmap analyze``, the service's JSON importers and the
feedback schemas' metadata check (its own, lower limit).

Exports nest records a few levels deep (a Zendesk ticket: 4). Deeper input is refused rather than processed:
ijson's memory grows with the square of the depth (a 200 KB document 100,000 levels deep took 24 GB),
``json.loads`` raises ``RecursionError`` near 1,000 levels, and ``str()`` of a deep value recurses as well.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a value nests more than ``limit`` lists, tuples or objects (a scalar nests 0, ``{}`` 1),
    walked without recursion and stopping at the first container past the limit."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list | tuple):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


class TooDeepError(ValueError):
    """A JSON record nested past :data:`MAX_DEPTH` (``json``'s own ``RecursionError`` included)."""


def loads_record(raw: str | bytes) -> Any:
    """``json.loads`` of one record, refusing nesting past :data:`MAX_DEPTH` with :class:`TooDeepError`;
    invalid JSON raises ``ValueError`` as ``json.loads`` does (catch ``TooDeepError`` first)."""
    try:
        obj = json.loads(raw)
    except RecursionError:
        raise TooDeepError(f"nests deeper than {MAX_DEPTH} levels") from None
    if too_deep(obj):
        raise TooDeepError(f"nests deeper than {MAX_DEPTH} levels")
    return obj
