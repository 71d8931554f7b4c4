"""The one word-counting rule of the app.

Every number the app shows as "words" (the status bar, the binder, session totals, the
analysis reports) comes from :func:`count_words`, so a scene never has two different
lengths depending on where the writer looks. The rules are written down for writers in
``docs/analysis.md``; in short:

* A word is a run of letters or digits (any script). Underscores are Markdown, not letters.
* Apostrophes (``'`` and ``’``) and hyphens (``-``, ``‐``, ``‑``, soft hyphen) *inside* a word
  join it: ``don't``, ``don’t``, ``mother-in-law``, ``twenty-one`` are one word each.
  A leading or trailing apostrophe is punctuation: ``’tis`` and ``girls’`` are one word each.
* Em-dashes, en-dashes and double hyphens separate words: ``ways—with`` and ``ways--with``
  are two words.
* Numbers are words; a ``.`` or ``,`` between digits stays inside the number:
  ``1813``, ``3.14`` and ``1,000,000`` are one word each.
* Initialisms with dots are one word: ``U.S.A.``, ``e.g.``, ``a.m.``.
* Quotes of any kind (straight or curly) and other punctuation are never words.

:func:`count_words` counts the *prose* of a Markdown document: YAML front matter, HTML
comments, fenced code, link targets, URLs, list markers and headings do not count.
:func:`count_plain_words` applies the same word rule to plain text.

This module sits at the bottom of the import graph: it imports nothing from the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "WORD_RE",
    "count_plain_words",
    "count_words",
    "iter_words",
    "mask_markdown",
    "tokenize",
]

# A letter-or-digit character: \w without the underscore.
_ALNUM = r"[^\W_]"
# Characters that join two runs of letters into one word.
_JOINERS = "'\u2019\\-\u2010\u2011\u00ad"

#: One word, per the rules in the module docstring. The last, optional group turns a
#: single letter followed by ".x" runs into one initialism (U.S.A., e.g., a.m.).
WORD_RE = re.compile(
    rf"{_ALNUM}+(?:[{_JOINERS}]{_ALNUM}+|[.,](?<=\d[.,])(?=\d){_ALNUM}+)*"
    rf"(?:(?<=(?<!{_ALNUM})[^\W\d_])(?:\.[^\W\d_])+\.?)?"
)

_NOT_NEWLINE = re.compile(r"[^\n]")

# --- Markdown regions that are not prose -------------------------------------------------
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*\r?$", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~).*?(?:^[ \t]{0,3}\1[ \t]*\r?$|\Z)", re.S | re.M)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\n]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>()\]]+")
# [text](target) and [text][ref]: keep the text, hide the brackets and the target.
_LINK = re.compile(r"\[([^\]\n]*)\](\([^)\n]*\)|\[[^\]\n]*\])")
# "- item", "* item", "1. item" (but not a "* * *" or "- - -" scene break).
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?!(?:[-*_][ \t]*){2,}\r?$)", re.M)
_HEADING_LINE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t][^\n]*)?$", re.M)


def _blank(match: re.Match[str]) -> str:
    """Same-length replacement that keeps newlines, so offsets and line numbers survive."""
    return _NOT_NEWLINE.sub(" ", match.group())


def _blank_link(match: re.Match[str]) -> str:
    text = match.group(1)
    return " " + text + " " * (len(match.group()) - len(text) - 1)


def mask_markdown(text: str, *, keep_headings: bool = False) -> str:
    """Return ``text`` with everything that is not prose replaced by spaces.

    The result has exactly the same length and the same newlines as ``text``, so an offset,
    line or column found in the mask is valid in the original. Headings are blanked unless
    ``keep_headings`` (the analysis keeps them to report them as headings, not prose).
    """
    if not text:
        return text
    masked = text
    if masked.startswith(("---", "\ufeff---")):
        masked = _FRONT_MATTER.sub(_blank, masked, count=1)
    if "<!--" in masked:
        masked = _COMMENT.sub(_blank, masked)
    if "```" in masked or "~~~" in masked:
        masked = _FENCE.sub(_blank, masked)
    if "[" in masked:
        masked = _IMAGE.sub(_blank, masked)
        masked = _LINK_DEFINITION.sub(_blank, masked)
        masked = _FOOTNOTE_REF.sub(_blank, masked)
        masked = _LINK.sub(_blank_link, masked)
    if "<" in masked:
        masked = _HTML_TAG.sub(_blank, masked)
    if "://" in masked or "www." in masked:
        masked = _URL.sub(_blank, masked)
    masked = _LIST_MARKER.sub(_blank, masked)
    if not keep_headings and "#" in masked:
        masked = _HEADING_LINE.sub(_blank, masked)
    return masked


def iter_words(text: str) -> Iterator[re.Match[str]]:
    """Every word of plain ``text`` as a regex match (``.group()``, ``.start()``, ``.end()``)."""
    return WORD_RE.finditer(text)


def tokenize(text: str, *, markdown: bool = True) -> list[str]:
    """The words of ``text`` in order, exactly as :func:`count_words` counts them."""
    return WORD_RE.findall(mask_markdown(text) if markdown else text)


def count_plain_words(text: str) -> int:
    """Number of words in plain text (no Markdown handling)."""
    return len(WORD_RE.findall(text))


def count_words(text: str) -> int:
    """Number of prose words in a Markdown document: the app's word count."""
    return len(WORD_RE.findall(mask_markdown(text)))
