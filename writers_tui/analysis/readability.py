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
from dataclasses import dataclass

from writers_tui.analysis.syllables import cmu_table, syllables

__all__ = ["WordCounts", "is_complex", "syllable_counts", "word_counts"]

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


#: word → (syllables, complex, alphabetic, in the dictionary) as 0/1 flags, shared by every
#: analysis in the process: one look-up per distinct word of a novel, not per file
_WORD_INFO: dict[str, tuple[int, int, int, int]] = {}


def _in_dictionary(word: str, table: Mapping[str, int]) -> bool:
    """Does the pronouncing dictionary know the word, every part of a compound, or the
    stem of a possessive? (English prose: about 99 % of its words; lorem ipsum: 26 %.)"""
    return (
        word in table
        or (word.endswith("'s") and word[:-2] in table)
        or ("-" in word and all(part in table for part in word.split("-") if part))
    )


def _info(word: str) -> tuple[int, int, int, int]:
    count = syllables(word)
    alphabetic = word.replace("'", "").replace("-", "").isalpha()
    info = (
        count,
        1 if count >= 3 and is_complex(word, count) else 0,
        1 if alphabetic else 0,
        1 if alphabetic and _in_dictionary(word, cmu_table()) else 0,
    )
    if len(_WORD_INFO) < 500_000:  # bounded: garbage input must not grow it forever
        _WORD_INFO[word] = info
    return info


@dataclass(frozen=True, slots=True)
class WordCounts:
    """Counts over some words that add up across files."""

    syllables: int
    complex_words: int
    #: words made only of letters (apostrophes and hyphens allowed): prose, not codes
    alphabetic: int
    #: alphabetic words the pronouncing dictionary knows: English, not lorem ipsum
    dictionary: int


def word_counts(counts: Mapping[str, int]) -> WordCounts:
    """:class:`WordCounts` over word → uses (lower case, as the tokenizer gives them),
    each distinct word looked up once."""
    syllable_total = complex_words = alphabetic = dictionary = 0
    known = _WORD_INFO.get
    for word, n in counts.items():
        info = known(word) or _info(word)
        syllable_total += info[0] * n
        complex_words += info[1] * n
        alphabetic += info[2] * n
        dictionary += info[3] * n
    return WordCounts(syllable_total, complex_words, alphabetic, dictionary)


def syllable_counts(tokens: Iterable[str] | Mapping[str, int]) -> tuple[int, int]:
    """(syllables, complex words) over some words (or word → count)."""
    counts = word_counts(tokens if isinstance(tokens, Mapping) else Counter(tokens))
    return counts.syllables, counts.complex_words
