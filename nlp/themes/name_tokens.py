"""What a word is and where a clause ends, for names: one definition for the span search (``naming.py``) and
the French completion (``name_syntax.py``), so a completed name never crosses a boundary the search respects.
"""

from __future__ import annotations

import re

# Words with an optional elided prefix ("l'application", "n'est"); digits count as words.
TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# A name never crosses punctuation or a spaced dash.
BOUNDARY = re.compile(r"[.,;:!?()\[\]\"«»…/|–—]|\s-\s")
