"""The one word-counting rule of the app.

Every number the app shows as "words" (the status bar, the binder, session totals, the
analysis reports) comes from :func:`count_words`, so a scene never has two different
lengths depending on where the writer looks. The rules are written down for writers in
``docs/analysis.md``; in short:

* A word is a run of letters or digits (any script); combining marks (Mn, Mc, Me) continue
  it, so ``हिन्दी`` and a decomposed ``café`` are one word each. Underscores are Markdown,
  not letters.
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

import codecs
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "COMBINING_MARK",
    "WORD_RE",
    "DecodedText",
    "NotTextError",
    "count_plain_words",
    "count_words",
    "decode_text",
    "is_word_char",
    "mask_markdown",
    "normalize_newlines",
    "tokenize",
]


def _mark_ranges(low: int, high: int) -> str:
    """The combining marks (categories Mn, Mc, Me) in ``[low, high)`` as the body of a
    regex character class."""
    category = unicodedata.category
    ranges: list[list[int]] = []
    for code in [c for c in range(low, high) if category(chr(c))[0] == "M"]:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Python's \w leaves combining marks out, so without them a Devanagari word or a decomposed
# accent ("e" + U+0301) falls apart into several words. Marks exist only in the first two
# planes and the variation-selector block, so only those are scanned (about 8 ms at
# import; all of Unicode takes 70 ms). The class is split: the regex engine tests a
# BMP-only class with one table look-up, but tries non-BMP ranges one by one, so those sit
# behind a single-range guard that every ordinary character fails at once.
_BMP_MARKS = _mark_ranges(0, 0x10000)
_ASTRAL_MARKS = _mark_ranges(0x10000, 0x20000) + _mark_ranges(0xE0000, 0xE1000)
#: A regex matching one combining mark (categories Mn, Mc, Me).
COMBINING_MARK = rf"(?:[{_BMP_MARKS}]|(?=[\U00010000-\U0010ffff])[{_ASTRAL_MARKS}])"

# A letter-or-digit character: \w without the underscore.
_ALNUM = r"[^\W_]"
# Characters that join two runs of letters into one word.
_JOINERS = "'\u2019\\-\u2010\u2011\u00ad"

#: One word, per the rules in the module docstring. Combining marks continue a word
#: ("हिन्दी", "cafe\u0301"). The last, optional group turns a single letter followed by ".x"
#: runs into one initialism (U.S.A., e.g., a.m.).
WORD_RE = re.compile(
    rf"{_ALNUM}+(?:[{_JOINERS}]{_ALNUM}+|[.,](?<=\d[.,])(?=\d){_ALNUM}+"
    rf"|{COMBINING_MARK}+{_ALNUM}*)*"
    rf"(?:(?<=(?<!{_ALNUM})[^\W\d_])(?:\.[^\W\d_])+\.?)?"
)


def is_word_char(char: str) -> bool:
    """Can ``char`` be part of a word (a letter, a digit or a combining mark)?"""
    return char.isalnum() or (char >= "\u0300" and unicodedata.category(char)[0] == "M")


_NOT_NEWLINE = re.compile(r"[^\n]")

# --- Markdown regions that are not prose -------------------------------------------------
# Every pattern below runs in linear time on any input: bracketed text excludes the
# opening bracket, so a scan that fails stops at the next "[" instead of the line end.
#
# Front matter, as Pandoc reads it: "---" on the first line, *not* followed by a blank line,
# up to a "---" or "..." line; and (checked in code) at least one "key:" line inside, so a
# scene that opens with a "---" break is not swallowed.
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?![ \t]*\r?$).*?^(?:---|\.\.\.)[ \t]*\r?$", re.S | re.M
)
_FRONT_MATTER_KEY = re.compile(r"^[ \t]*[^\W\d][\w-]*[ \t]*:(?:[ \t]|\r?$)", re.M)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~).*?(?:^[ \t]{0,3}\1[ \t]*\r?$|\Z)", re.S | re.M)
# a link target: no line break, parentheses balanced one level deep (Wikipedia URLs)
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(rf"!\[[^\[\]\n]*\]{_TARGET}")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\n]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>()\]]+")
# [text](target) and [text][ref]: keep the text, hide the brackets and the target.
_LINK = re.compile(rf"\[([^\[\]\n]*)\]({_TARGET}|\[[^\[\]\n]*\])")
# "- item", "* item", "1. item" (but not a "* * *" or "- - -" scene break). Group 1 is the
# number of a numbered item (see _blank_list_markers for when that is a list item).
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|(\d{1,9})[.)])[ \t]+(?!(?:[-*_][ \t]*){2,}\r?$)", re.M)
# a line that ends the block above it: a heading or a scene break
_BLOCK_LINE = re.compile(
    r"[ \t]{0,3}(?:#{1,6}(?:[ \t]|\r?$)"
    r"|(?:\*[ \t]*){3,}\r?$|(?:-[ \t]*){3,}\r?$|(?:_[ \t]*){3,}\r?$)"
)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_HEADING_LINE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t][^\n]*)?$", re.M)


def _blank(match: re.Match[str]) -> str:
    """Same-length replacement that keeps newlines, so offsets and line numbers survive."""
    return _NOT_NEWLINE.sub(" ", match.group())


def _blank_link(match: re.Match[str]) -> str:
    text = match.group(1)
    return " " + text + " " * (len(match.group()) - len(text) - 1)


def _blank_front_matter(match: re.Match[str]) -> str:
    block = match.group()
    return _blank(match) if _FRONT_MATTER_KEY.search(block) else block


def _opens_block(text: str, start: int) -> bool:
    """Does the line at ``start`` begin a block (first line, or after a blank line, a
    heading or a scene break)?"""
    if start == 0:
        return True
    previous = text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
    return not previous.strip() or _BLOCK_LINE.match(previous) is not None


def _blank_list_markers(text: str, item_starts: list[int] | None = None) -> str:
    """Blank list markers. A bullet always starts an item; a numbered marker only where
    CommonMark would see a list item: at the start of a block, inside a list (no blank
    line since the previous item), or ``1.`` interrupting a paragraph. So the year in a
    hard-wrapped "born in / 1999. Then" stays prose."""
    pieces: list[str] = []
    kept = 0
    last_item = -1  # start of the last list item whose list is still open
    for match in _LIST_MARKER.finditer(text):
        start = match.start()
        number = match.group(1)
        if number is not None and int(number) != 1 and not _opens_block(text, start):
            if last_item < 0:
                continue
            if _BLANK_LINE.search(text, last_item, start):
                last_item = -1  # the list ended; this line continues a paragraph
                continue
        last_item = start
        if item_starts is not None:
            item_starts.append(start)
        pieces.append(text[kept:start])
        pieces.append(" " * (match.end() - start))
        kept = match.end()
    if not pieces:
        return text
    pieces.append(text[kept:])
    return "".join(pieces)


def mask_markdown(
    text: str, *, keep_headings: bool = False, item_starts: list[int] | None = None
) -> str:
    """Return ``text`` with everything that is not prose replaced by spaces.

    The result has exactly the same length and the same newlines as ``text``, so an offset,
    line or column found in the mask is valid in the original. Headings are blanked unless
    ``keep_headings`` (the analysis keeps them to report them as headings, not prose).
    ``item_starts``, when given, receives the offset of every list item's line: a list
    item is a block of its own, so the analysis never runs two items into one sentence.
    """
    if not text:
        return text
    masked = text
    if masked.startswith(("---", "\ufeff---")):
        masked = _FRONT_MATTER.sub(_blank_front_matter, masked, count=1)
    if masked.startswith("\ufeff"):
        masked = " " + masked[1:]  # a byte order mark: "\ufeff# Title" is still a heading
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
    masked = _blank_list_markers(masked, item_starts)
    if not keep_headings and "#" in masked:
        masked = _HEADING_LINE.sub(_blank, masked)
    return masked


def tokenize(text: str, *, markdown: bool = True) -> list[str]:
    """The words of ``text`` in order, exactly as :func:`count_words` counts them."""
    return WORD_RE.findall(mask_markdown(text) if markdown else text)


def count_plain_words(text: str) -> int:
    """Number of words in plain text (no Markdown handling)."""
    return len(WORD_RE.findall(text))


def count_words(text: str) -> int:
    """Number of prose words in a Markdown document: the app's word count."""
    return len(WORD_RE.findall(mask_markdown(text)))


# --- bytes to text ------------------------------------------------------------------------
# A manuscript folder is untrusted: a co-author's zip may hold UTF-16 files from Word, a
# Latin-1 file from an old editor, or a binary renamed to ``.md``. Every word count of the
# app (binder and analysis alike) reads bytes through :func:`decode_text`, so one file has
# one length wherever the writer looks.

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: How much of a file the UTF-16 and binary sniffing looks at.
_SNIFF = 8192
#: Control characters (other than tab, newlines, form feed) above this share mean binary.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")


class NotTextError(ValueError):
    """The bytes are not text (a binary file); the message says so in one line."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text, the encoding it was read with, and a warning when that was a guess."""

    text: str
    encoding: str
    warning: str | None = None


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and a lone ``\\r`` (old Mac files) become ``\\n``; line and column numbers are
    unchanged, since every editor treats each of them as one line end."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when most bytes on one side of each pair are NUL (ASCII-range
    text in UTF-16), else None."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _check_text(text: str) -> None:
    sample = text[:_SNIFF]
    if sample and len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise NotTextError("binary file, not text (control characters)")


def decode_text(data: bytes) -> DecodedText:
    """Decode a file's bytes, or raise :class:`NotTextError` for a binary file.

    UTF-8, UTF-16 and UTF-32 with a byte order mark, UTF-16 without one, and UTF-8 are read
    exactly; anything else is a legacy 8-bit file, read as Windows-1252 (a superset of
    Latin-1's printable characters) with a warning. Line ends are normalised.
    """
    encoding: str | None = None
    body = data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, body = name, data[len(bom) :]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data[:_SNIFF])
    warning = None
    if encoding is not None:
        text = body.decode(encoding, errors="replace")
    elif b"\0" in data:
        raise NotTextError("binary file, not text (it contains NUL bytes)")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
            warning = "not UTF-8: read as Windows-1252 (Latin-1); save it as UTF-8 to be sure"
    _check_text(text)
    return DecodedText(normalize_newlines(text), encoding, warning)
