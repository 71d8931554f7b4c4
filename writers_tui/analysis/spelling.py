"""Spelling: a Hunspell dictionary, case-aware, plus the project's own words.

Why Hunspell and not a plain word list: Hunspell knows case ("london" is wrong, "London"
and "LONDON" are right) and affixes ("Darcy's", "unmarried"), which a frequency list such
as symspellpy's or pyspellchecker's cannot tell apart. The dictionary is chosen once per
process and loaded lazily, on the first file that needs checking:

1. **Enchant** (pyenchant), when it imports and has the dictionary: the system's Hunspell
   (C), its up-to-date word lists, and suggestions in milliseconds. Optional: it needs a
   system library, and the install must stay ``pip`` alone.
2. **spylls** (pure-Python Hunspell, a dependency): its wheel ships en_US (SCOWL), so the
   check works on a fresh machine with nothing downloaded. It reads the same ``.aff`` /
   ``.dic`` files, so another dictionary (``en_GB``) is used when the system has one in
   the usual Hunspell folders (``/usr/share/hunspell`` …). spylls ships no en_GB.
3. Otherwise the shipped en_US, and :func:`dictionary_note` says so.

Each distinct word is looked up once per process (a novel of 120,000 words has about
6,500), and the analysis hands over its lower-cased vocabulary: a word whose lower-case
form is right is right in every capitalisation Hunspell accepts, so only the few words
that fail (names, misspellings) are found in the text and checked as written.
Suggestions cost about 0.3 s each in spylls: they are computed on request only
(:func:`suggest`), never during analysis.

The project's words (``reference/style/words.txt`` and the story bible's names) follow
Hunspell's personal-dictionary case rules: ``colour`` accepts colour, Colour and COLOUR;
``London`` accepts London and LONDON but not london; ``McDonald`` itself and MCDONALD.

Not checked: words with digits, initialisms with dots (``U.S.A.``), all-capital
acronyms of up to five letters (``NASA``), anything outside the prose (code, URLs,
headings are masked), and mixed-case forms of right words (``THe``) — only the lower-case
form decides. Hyphenated words are checked part by part.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from writers_tui.analysis.models import Flag, clip
from writers_tui.analysis.text import Document, locate_token, token_offsets
from writers_tui.wordcount import WORD_RE

__all__ = [
    "DEFAULT_DICTIONARY",
    "SHIPPED_DICTIONARIES",
    "Speller",
    "SpellingConfig",
    "dictionary_note",
    "find_misspellings",
    "parse_words",
    "speller_for",
    "suggest",
]

DEFAULT_DICTIONARY = "en_US"
#: What the spylls wheel ships (besides ru and sv_SE): no en_GB.
SHIPPED_DICTIONARIES = ("en_US",)
#: No English word is this long; a longer run of letters is flagged without a look-up
#: (Hunspell itself stops at 100), so one 10 MB "word" costs nothing.
MAX_WORD = 60
#: Distinct words looked up per file, in order of first use: bounds the cost of a file
#: of garbage (a million distinct "words"); a novel uses under 20,000.
MAX_CHECKED_WORDS = 50_000
#: A memo bigger than this is dropped, so garbage input cannot grow it for ever.
_MEMO_LIMIT = 500_000
#: Scanning the text once per failing word is cheap for a chapter; past this many
#: (words x characters), the sentences are walked once instead.
_SCAN_BUDGET = 20_000_000
_FEW_HITS = 4
_SHORT_SENTENCE = 40
_HYPHENS = "-\u2010\u2011"
#: An inline code span on one line (the Markdown mask leaves inline code in the prose).
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
#: Elisions whose apostrophe is punctuation to the word rule ("'tis" is the word "tis").
_ELISIONS = frozenset({"tis", "twas", "twere", "twould", "twill", "em", "til"})
#: Endings a project word takes without being listed: possessives and plurals
#: ("Darcy's", "the Bennets", "the Lucases"), as Hunspell's affixes do for its own words.
_ENDINGS = ("'s", "'S", "s", "S", "es", "ES")


def _letters_only(word: str) -> str:
    """The word without its accents (``naïve`` → ``naive``): SCOWL's en_US has few."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- dictionaries ---------------------------------------------------------------------


class _Backend(Protocol):
    def check(self, word: str) -> bool: ...

    def suggest(self, word: str, limit: int) -> list[str]: ...


class _Spylls:
    def __init__(self, path: str) -> None:
        self._dictionary: Any = _spylls().from_files(path)

    def check(self, word: str) -> bool:
        return bool(self._dictionary.lookup(word))

    def suggest(self, word: str, limit: int) -> list[str]:
        return [str(s) for s in islice(self._dictionary.suggest(word), limit)]


class _Enchant:
    def __init__(self, dictionary: Any) -> None:
        self._dictionary = dictionary

    def check(self, word: str) -> bool:
        return bool(self._dictionary.check(word))

    def suggest(self, word: str, limit: int) -> list[str]:
        return [str(s) for s in self._dictionary.suggest(word)[:limit]]


def _spylls() -> Any:
    """spylls' ``Dictionary`` class (untyped, so imported by name; loaded on first use)."""
    return importlib.import_module("spylls.hunspell").Dictionary


def _enchant() -> Any | None:
    """The ``enchant`` module, or None (not installed, or its C library is missing)."""
    try:
        return importlib.import_module("enchant")
    except (ImportError, OSError):
        return None


def _system_hunspell(name: str) -> str | None:
    """``/usr/share/hunspell/NAME`` (without suffix) when its .aff and .dic exist."""
    for folder in _spylls().PATHES:
        base = Path(folder) / name
        if base.with_suffix(".aff").is_file() and base.with_suffix(".dic").is_file():
            return str(base)
    return None


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a dictionary comes from; ``identity`` goes into the cache key."""

    requested: str
    backend: str  # "enchant" or "spylls"
    name: str  # the dictionary actually used
    path: str  # spylls: the .aff/.dic path without suffix (or a shipped name)
    identity: str


@lru_cache(maxsize=16)
def _resolve(requested: str) -> _Source:
    """Which dictionary serves ``requested`` (cheap: nothing is loaded)."""
    enchant = _enchant()
    if enchant is not None:
        try:
            if enchant.dict_exists(requested):
                version = getattr(enchant, "__version__", "?")
                return _Source(
                    requested, "enchant", requested, "", f"enchant-{version}/{requested}"
                )
        except Exception:  # a broken Enchant install is no Enchant at all
            pass
    spylls = f"spylls-{metadata.version('spylls')}"
    if requested in SHIPPED_DICTIONARIES:
        return _Source(requested, "spylls", requested, requested, f"{spylls}/{requested}")
    path = _system_hunspell(requested)
    if path is not None:
        return _Source(requested, "spylls", requested, path, f"{spylls}/{path}")
    fallback = DEFAULT_DICTIONARY
    return _Source(requested, "spylls", fallback, fallback, f"{spylls}/{fallback}")


def dictionary_note(requested: str) -> str | None:
    """A line for the writer when ``requested`` is not available (en_US is used)."""
    source = _resolve(requested)
    if source.name == requested:
        return None
    return (
        f"spelling: no {requested} dictionary on this system (install Hunspell's, e.g. "
        f"hunspell-{requested.lower().replace('_', '-')}); checking with {source.name} "
        "— add the spellings you use to reference/style/words.txt"
    )


class _Dictionary:
    """One loaded dictionary with a memo per word (look-ups and suggestions)."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        backend: _Backend
        if source.backend == "enchant":
            enchant = _enchant()
            assert enchant is not None
            backend = _Enchant(enchant.Dict(source.name))
        else:
            backend = _Spylls(source.path)
        self._backend = backend
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()

    def check(self, word: str) -> bool:
        found = self._known.get(word)
        if found is None:
            with self._lock:  # spylls keeps state between calls
                found = self._backend.check(word)
            if len(self._known) >= _MEMO_LIMIT:
                self._known.clear()
            self._known[word] = found
        return found

    def suggest(self, word: str, limit: int) -> list[str]:
        with self._lock:
            return self._backend.suggest(word, limit)


_DICTIONARIES: dict[str, _Dictionary] = {}
_LOAD_LOCK = threading.Lock()


def _dictionary(requested: str) -> _Dictionary:
    """The loaded dictionary for ``requested``: once per process (about 0.3 s)."""
    source = _resolve(requested)
    found = _DICTIONARIES.get(source.identity)
    if found is None:
        with _LOAD_LOCK:
            found = _DICTIONARIES.get(source.identity)
            if found is None:
                found = _DICTIONARIES[source.identity] = _Dictionary(source)
    return found


# --- the project's words ----------------------------------------------------------------


def parse_words(text: str) -> set[str]:
    """Words from a word-list file or a name: one word per line (``#`` starts a comment);
    a line of several words (``New York``, a character's full name) adds each word.
    Case is kept: it matters (see the module docstring)."""
    words: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        for word in WORD_RE.findall(line):
            words.add(word.replace("\u2019", "'"))
    return words


@dataclass(frozen=True, slots=True)
class SpellingConfig:
    """The spell check of one project: the dictionary and the project's words."""

    dictionary: str = DEFAULT_DICTIONARY
    #: words.txt plus the story bible's names, as written
    words: frozenset[str] = frozenset()

    @property
    def fingerprint(self) -> str:
        """Changes whenever a check could: the dictionary actually used, the words."""
        digest = hashlib.sha256(_resolve(self.dictionary).identity.encode())
        for word in sorted(self.words):
            digest.update(b"\0" + word.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:16]


class Speller:
    """A dictionary and a project's words: which words (as written) are misspelt."""

    def __init__(self, dictionary: _Dictionary, words: Iterable[str]) -> None:
        self._dictionary = dictionary
        self._words = frozenset(words)
        self._upper = frozenset(w.upper() for w in self._words)
        self._parts: dict[str, tuple[tuple[int, int], ...]] = {}

    @property
    def dictionary(self) -> str:
        return self._dictionary.source.name

    def _listed(self, word: str) -> bool:
        """Hunspell's personal-dictionary case rules over the project's words."""
        if word in self._words:
            return True
        if word.isupper():
            return word in self._upper
        return word[:1].isupper() and word[1:].islower() and word.lower() in self._words

    def _part_ok(self, part: str) -> bool:
        word = unicodedata.normalize("NFC", part.replace("\u2019", "'").replace("\u00ad", ""))
        if not word or word.lower() in _ELISIONS:
            return True
        if word.isupper() and sum(c.isalpha() for c in word) <= 5:
            return True  # an acronym: NASA, BBC
        if len(word) > MAX_WORD:
            return False
        if self._listed(word) or any(
            word.endswith(ending)
            and len(word) > len(ending) + 1
            and self._listed(word[: -len(ending)])
            for ending in _ENDINGS
        ):
            return True
        check = self._dictionary.check
        if check(word):
            return True
        plain = _letters_only(word)
        return plain != word and check(plain)

    def misspelt_parts(self, word: str) -> tuple[tuple[int, int], ...]:
        """(offset, length) of each wrong part of one word as written; () when right.

        Words with digits or dots are not checked; a hyphenated word part by part."""
        found = self._parts.get(word)
        if found is not None:
            return found
        bad: list[tuple[int, int]] = []
        if not any(c.isdigit() or c == "." for c in word):
            start = 0
            for index, char in enumerate(f"{word}-"):
                if char in _HYPHENS or index == len(word):
                    part = word[start:index]
                    if not self._part_ok(part):
                        bad.append((start, index - start))
                    start = index + 1
        result = tuple(bad)
        if len(self._parts) >= _MEMO_LIMIT:
            self._parts.clear()
        self._parts[word] = result
        return result

    def is_correct(self, word: str) -> bool:
        """Is this word, exactly as written, right (or not checked)?"""
        return not self.misspelt_parts(word)

    def suggest(self, word: str, limit: int = 8) -> list[str]:
        """Corrections for ``word``, best first (slow in spylls: on request only)."""
        return _suggest(self._dictionary.source.requested, word, limit)


_SPELLERS: dict[str, Speller] = {}


def speller_for(config: SpellingConfig) -> Speller:
    """The speller of a configuration (built once per distinct fingerprint)."""
    key = config.fingerprint
    found = _SPELLERS.get(key)
    if found is None:
        if len(_SPELLERS) > 32:
            _SPELLERS.clear()
        found = _SPELLERS[key] = Speller(_dictionary(config.dictionary), config.words)
    return found


@lru_cache(maxsize=1024)
def _suggest(dictionary: str, word: str, limit: int) -> list[str]:
    return _dictionary(dictionary).suggest(word, limit)


def suggest(word: str, dictionary: str = DEFAULT_DICTIONARY, limit: int = 8) -> list[str]:
    """Spelling corrections for one word, best first: for the Enhancing stage, on request.

    Loads the dictionary if needed. spylls takes about 0.3 s per word (remembered per
    word); Enchant a few milliseconds."""
    if not word.strip() or len(word) > MAX_WORD:
        return []
    return list(_suggest(dictionary, word.replace("\u2019", "'"), limit))


# --- flags --------------------------------------------------------------------------------


def _message(word: str, dictionary: str) -> str:
    return f"Spelling “{word}”: not in the {dictionary} dictionary or the project's words"


def _suspects(
    vocabulary: Iterable[str], speller: Speller, prose: str
) -> tuple[list[str], set[str]]:
    """The lower-case words that fail: (those to find by scanning the text for their
    lower-case spelling, those whose every use must be looked at)."""
    scan: list[str] = []
    walk: set[str] = set()
    for checked, word in enumerate(vocabulary):
        if checked >= MAX_CHECKED_WORDS:
            break
        if speller.is_correct(word):
            continue
        if speller.is_correct(word[:1].upper() + word[1:]):
            scan.append(word)  # "elizabeth": only uses written in lower case are wrong
        else:
            walk.add(word)  # "recieve", "bennet" without a story bible: every use
    if len(scan) * len(prose) > _SCAN_BUDGET:
        walk.update(scan)
        scan = []
    return scan, walk


def find_misspellings(doc: Document, vocabulary: Iterable[str], speller: Speller) -> list[Flag]:
    """Spelling flags for one parsed document, in text order.

    ``vocabulary`` is the document's distinct lower-case words (in order of first use).
    """
    prose = doc.prose
    scan, walk = _suspects(vocabulary, speller, prose)
    if not scan and not walk:
        return []
    uses: list[tuple[int, int]] = []
    for word in scan:  # a use written in lower case ("elizabeth") is the prose's own
        for form in {word, word.replace("'", "\u2019")}:
            uses.extend((start, len(form)) for start in token_offsets(prose, form))
    if walk:
        uses.extend(_walk(doc, walk))
    uses.sort()
    if "`" in prose:  # inline code is not prose: `varname`
        code = [m.span() for m in _INLINE_CODE.finditer(prose)]
        code_starts = [start for start, _ in code]
        uses = [use for use in uses if not _inside(code, code_starts, use[0])]
    flags: list[Flag] = []
    line_col = doc.line_col
    text = doc.text
    dictionary = speller.dictionary
    messages: dict[str, tuple[str, str]] = {}
    for start, length in uses:
        written = text[start : start + length]
        for offset, size in speller.misspelt_parts(written):
            said = clip(written[offset : offset + size])
            shared = messages.get(said)
            if shared is None:
                shared = messages[said] = (said, _message(said, dictionary))
            line, column = line_col(start + offset)
            end_line, end_column = line_col(start + offset + size)
            flags.append(Flag("spelling", line, column, end_line, end_column, *shared))
    return flags


def _inside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index][1]


def _walk(doc: Document, words: set[str]) -> list[tuple[int, int]]:
    """(start, length) of every use of ``words`` in the document's sentences."""
    uses: list[tuple[int, int]] = []
    source = doc.norm if doc.norm is not None else doc.prose
    for sentence in doc.sentences:
        tokens = sentence.tokens
        if words.isdisjoint(tokens):
            continue
        hits = [i for i, token in enumerate(tokens) if token in words]
        spans: list[tuple[int, int]] | None = None
        if doc.norm is None or (len(hits) > _FEW_HITS and len(tokens) > _SHORT_SENTENCE):
            spans = [m.span() for m in WORD_RE.finditer(source, sentence.start, sentence.end)]
        for i in hits:
            start = -1 if spans is not None else locate_token(source, sentence, i)
            if start < 0:
                if spans is None:
                    spans = [
                        m.span() for m in WORD_RE.finditer(source, sentence.start, sentence.end)
                    ]
                if len(spans) != len(tokens):  # cannot happen; never mis-place
                    break
                start = spans[i][0]
                uses.append((start, spans[i][1] - start))
            else:
                uses.append((start, len(tokens[i])))
    return uses
