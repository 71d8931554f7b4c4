"""Readability: Flesch reading ease, Flesch–Kincaid grade and Gunning fog.

The formulas need three counts: words, sentences and syllables (plus "complex" words for
the fog index). Syllables are summed over the *distinct* words of a text times their
frequency, so a novel costs one dictionary lookup per vocabulary word, not per word.
The counts (not the scores) are what files store: a manuscript's readability is computed
from the summed counts, which is exact, where averaging per-file scores would not be.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from writers_tui.analysis.syllables import syllables

__all__ = ["is_complex", "syllable_counts"]

_SUFFIXES = (("ing", 3), ("ed", 2), ("es", 2))
#: the hyphens that join a compound (the soft hyphen only marks a line-break point)
_HYPHENS = ("-", "\u2010", "\u2011")


def is_complex(word: str, count: int | None = None) -> bool:
    """Gunning's "complex" word: three or more syllables, except hyphenated compounds and
    words that only reach three through an -ed, -es or -ing ending ("created", "amazes").
    Proper nouns are not excluded (the analysis does not guess which words are names)."""
    count = syllables(word) if count is None else count
    if count < 3 or any(hyphen in word for hyphen in _HYPHENS):
        return False
    for suffix, size in _SUFFIXES:
        if word.endswith(suffix) and len(word) > size + 2:
            return syllables(word[:-size]) >= 3
    return True


#: word → (syllables, 1 if complex else 0), shared by every analysis in the process
_WORD_INFO: dict[str, tuple[int, int]] = {}


def _info(word: str) -> tuple[int, int]:
    count = syllables(word)
    info = (count, 1 if count >= 3 and is_complex(word, count) else 0)
    if len(_WORD_INFO) < 500_000:  # bounded: garbage input must not grow it forever
        _WORD_INFO[word] = info
    return info


def syllable_counts(tokens: Iterable[str] | Mapping[str, int]) -> tuple[int, int]:
    """(syllables, complex words) over some words (or word → count), each distinct word
    looked up once."""
    total = 0
    complex_words = 0
    known = _WORD_INFO.get
    counts = tokens if isinstance(tokens, Mapping) else Counter(tokens)
    for word, n in counts.items():
        info = known(word) or _info(word)
        total += info[0] * n
        complex_words += info[1] * n
    return total, complex_words
