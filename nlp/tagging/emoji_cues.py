"""Emoji and emoticons as verdicts: which side a unit's pictographs take (issue 10 R12).

Why: app-store, Google and Trustpilot reviews and messages to brands put the verdict in an emoji ("Livraison
reçue 😡😡", "Colis arrivé 👍", "Thanks for the great service 🙄"), and neither encoder reads it: MiniLM's
word pieces map almost every emoji to one unknown token, and the multilingual USE heads were fitted on text
without any, so "Delivered today 😡" and "Delivered today 😍" get the same probabilities. An emoji's
meaning is conventional and the same in every domain and language, so it is written down, like the set
verdict phrases (``nlp.tagging.idioms``), and applied as a log-odds shift that never decides alone.

The lists keep pictographs whose Unicode name states a valence (angry, crying, thumbs down; smiling, heart,
thumbs up) and leave out the ones customers use both ways: 😂 (laughing with or at), 🙏 (thanks or please),
😅, 🤔, 😱, 🔥, ✨, 😐. Skin-tone modifiers and the emoji presentation selector do not change a side.
ASCII emoticons count when they stand alone (after a space or at the start, before a space, punctuation or
the end), so "http://" or "(voir :D)" inside a word never do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_NEGATIVE_EMOJI = frozenset(
    "\U0001f621\U0001f620\U0001f92c\U0001f44e\U0001f624\U0001f61e\U0001f614\U0001f622\U0001f62d\U0001f612"
    "\U0001f644\U0001f629\U0001f62b\U0001f92e\U0001f922\u2639\U0001f641\U0001f615\U0001f61f\U0001f494"
    "\U0001f4a9\U0001f616\U0001f623\U0001f926\U0001f630"
)  # 😡 😠 🤬 👎 😤 😞 😔 😢 😭 😒 🙄 😩 😫 🤮 🤢 ☹ 🙁 😕 😟 💔 💩 😖 😣 🤦 😰
_POSITIVE_EMOJI = frozenset(
    "\U0001f60d\U0001f970\U0001f60a\U0001f600\U0001f603\U0001f604\U0001f601\U0001f642\u263a\U0001f44d"
    "\U0001f44c\U0001f44f\u2764\u2665\U0001f495\U0001f496\U0001f497\U0001f499\U0001f49a\U0001f49b"
    "\U0001f49c\U0001f9e1\U0001f4af\U0001f929\U0001f618\U0001f973\u2b50\U0001f31f\U0001f60e\U0001f917"
)  # 😍 🥰 😊 😀 😃 😄 😁 🙂 ☺ 👍 👌 👏 ❤ ♥ 💕 💖 💗 💙 💚 💛 💜 🧡 💯 🤩 😘 🥳 ⭐ 🌟 😎 🤗
_EMOTICON = re.compile(r"(?:^|(?<=\s))([:;=]-?[()DP]|:'\(|<3)(?=$|[\s.,;:!?])")
_NEGATIVE_EMOTICONS = frozenset({":(", ":-(", ":'(", "=(", ";("})
_POSITIVE_EMOTICONS = frozenset({":)", ":-)", ":D", ":-D", "=)", "=D", ";)", ";-)", "<3", ":P", ":-P"})


def emoji_side(text: str) -> int:
    """+1 when ``text`` holds positive pictographs only, −1 negative ones only, else 0 (none, or both)."""
    chars = set(text)
    neg = not chars.isdisjoint(_NEGATIVE_EMOJI)
    pos = not chars.isdisjoint(_POSITIVE_EMOJI)
    if ":" in text or "=" in text or "<3" in text or ";" in text:
        for m in _EMOTICON.finditer(text):
            neg = neg or m.group(1) in _NEGATIVE_EMOTICONS
            pos = pos or m.group(1) in _POSITIVE_EMOTICONS
    return int(pos) - int(neg)


def emoji_sides(texts: Sequence[str]) -> np.ndarray:
    """``emoji_side`` of every text."""
    return np.fromiter((emoji_side(t) for t in texts), dtype=np.int8, count=len(texts))
