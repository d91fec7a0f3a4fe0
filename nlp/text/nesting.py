"""How deep a JSON record may nest, shared by ``frictionmap analyze`` and the service's JSON importers.

Exports nest records a few levels deep (a Zendesk ticket: 4). Deeper input is refused rather than processed:
ijson's memory grows with the square of the depth (a 200 KB document 100,000 levels deep took 24 GB),
``json.loads`` raises ``RecursionError`` near 1,000 levels, and ``str()`` of a deep value recurses as well.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a decoded value nests more than ``limit`` containers (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False
