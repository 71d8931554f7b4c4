"""Showing names from the project folder safely: no control or bidi-override characters.

A file name is untrusted input: ESC sequences would move the cursor or recolour the
screen, and U+202E (and the other bidi embeddings, overrides and isolates) would show a
title reversed. :func:`visible` replaces each such character with a visible escape
(``\\x1b``, ``\\u202e``), so the name shows as what it is and keeps its width.
:func:`plain` also keeps it from being read as markup.
"""

from __future__ import annotations

import unicodedata

from textual.content import Content

#: Bidi controls that reorder the text around them (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def is_unsafe(char: str) -> bool:
    """A control character (C0, DEL, C1, line/paragraph separators) or a bidi control."""
    if char in BIDI_CONTROLS:
        return True
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def visible(text: str) -> str:
    """``text`` with every control and bidi-override character as a visible escape."""
    if text.isprintable() and not any(char in BIDI_CONTROLS for char in text):
        return text
    return "".join(_escape(char) if is_unsafe(char) else char for char in text)


def plain(text: str) -> Content:
    """Untrusted text for a widget or a notification: visible escapes, never markup.

    A string handed to ``Label.update`` or ``notify`` is parsed as Textual markup, so a
    model name or a provider's error message with ``[/]`` in it would raise
    ``MarkupError`` (or restyle the screen).
    """
    return Content(visible(text))
