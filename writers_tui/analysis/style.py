"""Style flags: adverbs, filter words, weak intensifiers, passive-voice candidates,
similes, clichés and anti-patterns, each with its line/column span.

Matching walks the sentence tokens (lower case, straight apostrophes) against an index of
list entries keyed by their first word, so the cost is one dictionary lookup per word no
matter how long the lists grow; a regex alternation over the whole text was ten times
slower on a novel. Only sentences with a hit are re-scanned for character offsets.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress

from writers_tui.analysis.lists import StyleLists
from writers_tui.analysis.models import Flag, clip
from writers_tui.analysis.text import Document, Sentence, locate_token
from writers_tui.wordcount import WORD_RE

__all__ = ["RULES", "StyleMatcher", "find_style_flags", "matcher_for"]


def _word_set(words: str) -> frozenset[str]:
    """A set from a space-separated string (keeps long word lists readable)."""
    return frozenset(words.split())


#: rule key → what the writer reads. ``echo`` flags come from :mod:`.repetition`,
#: ``spelling`` flags from :mod:`.spelling`.
RULES: dict[str, str] = {
    "adverb": "-ly adverb",
    "filter_word": "Filter word",
    "intensifier": "Weak intensifier",
    "passive": "Passive voice (candidate)",
    "simile": "Simile",
    "cliche": "Cliché",
    "anti_pattern": "Anti-pattern",
    "echo": "Echo word",
    "spelling": "Spelling",
}

_PHRASE_RULES = {
    "filter_words": "filter_word",
    "intensifiers": "intensifier",
    "similes": "simile",
    "cliches": "cliche",
    "anti_patterns": "anti_pattern",
}

_BE_FORMS = frozenset({"am", "is", "are", "was", "were", "be", "been", "being"})
#: between "was" and the participle: "was quickly taken", "were not told"
_PASSIVE_GAP = frozenset({"not", "never", "always", "also", "often", "then", "all", "being"})
#: words ending in -ed that are not participles
_NOT_PARTICIPLES = _word_set(
    "indeed need speed seed deed creed greed weed bleed breed feed heed steed tweed "
    "hundred naked wicked sacred kindred rugged ragged crooked wretched beloved bed red "
    "led fled sled shed wed bred fed"
)
#: "I would like a cup" is a wish, not a comparison
_LIKE_AS_VERB = _word_set(
    "i you we they would should could might do does did don't didn't i'd you'd we'd "
    "they'd he'd she'd to"
)
_WILDCARD = "*"
_WORD = WORD_RE.findall
#: what may stand between the words of a multi-word flag: spaces and emphasis markup
#: ("was *tired*", "_began_ to"), never punctuation ("as milk, as" is not a simile)
_GAP = re.compile(r"[\s*_]+")
#: A long sentence with many flags has its words located in one pass: finding each one by
#: counting earlier occurrences (cheap for a few) would be quadratic.
_FEW_HITS = 4
_SHORT_SENTENCE = 40


@dataclass(slots=True)
class StyleMatcher:
    """The lists compiled for matching: first word → second word (or ``*`` for "any",
    or ``""`` for a one-word entry) → [(rule, entry tokens, entry)], longest first."""

    index: dict[str, dict[str, list[tuple[str, tuple[str, ...], str]]]]
    adverb_exceptions: frozenset[str]
    participles: frozenset[str]
    simile_exceptions: frozenset[str]
    #: memo of :func:`word_kind` (0 for the words that need no closer look)
    kinds: dict[str, int] = field(default_factory=dict)


_MATCHERS: dict[str, StyleMatcher] = {}
_LOCK = threading.Lock()


def _entry_tokens(entry: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for part in entry.split():
        if part == _WILDCARD:
            tokens.append(_WILDCARD)
        else:
            tokens.extend(_WORD(part))
    while tokens and tokens[0] == _WILDCARD:  # a leading wildcard would match everywhere
        tokens.pop(0)
    return tuple(tokens)


def matcher_for(lists: StyleLists) -> StyleMatcher:
    """The compiled matcher for these lists (built once per distinct fingerprint)."""
    found = _MATCHERS.get(lists.fingerprint)
    if found is not None:
        return found
    index: dict[str, dict[str, list[tuple[str, tuple[str, ...], str]]]] = {}
    for list_name, rule in _PHRASE_RULES.items():
        for entry in sorted(lists.get(list_name)):
            tokens = _entry_tokens(entry)
            if tokens:
                second = tokens[1] if len(tokens) > 1 else ""
                index.setdefault(tokens[0], {}).setdefault(second, []).append((rule, tokens, entry))
    for by_second in index.values():
        for candidates in by_second.values():
            candidates.sort(key=lambda item: -len(item[1]))
    matcher = StyleMatcher(
        index=index,
        adverb_exceptions=lists.get("adverb_exceptions"),
        participles=lists.get("passive_participles"),
        simile_exceptions=lists.get("simile_exceptions"),
    )
    with _LOCK:
        _MATCHERS[lists.fingerprint] = matcher
    return matcher


def _matches_at(tokens: tuple[str, ...], start: int, pattern: tuple[str, ...]) -> bool:
    if start + len(pattern) > len(tokens):
        return False
    for offset, want in enumerate(pattern):
        if want != _WILDCARD and tokens[start + offset] != want:
            return False
    return True


def _is_participle(word: str, participles: frozenset[str]) -> bool:
    if word in participles:
        return True
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PARTICIPLES


def _candidates(
    by_second: dict[str, list[tuple[str, tuple[str, ...], str]]], tokens: tuple[str, ...], i: int
) -> list[tuple[str, tuple[str, ...], str]]:
    found: list[tuple[str, tuple[str, ...], str]] = []
    if i + 1 < len(tokens):
        found.extend(by_second.get(tokens[i + 1], ()))
        found.extend(by_second.get(_WILDCARD, ()))
    found.extend(by_second.get("", ()))
    if len(found) > 1:
        found.sort(key=lambda item: -len(item[1]))
    return found


def _sentence_hits(
    tokens: tuple[str, ...], matcher: StyleMatcher, interesting: dict[str, int]
) -> list[tuple[str, int, int, str]]:
    """(rule, first token, token count, entry) for every flag in one sentence.

    ``interesting`` maps the words worth a closer look to a bit set: 1 = first word of a
    list entry, 2 = -ly adverb, 4 = a form of "to be". Every other word costs one lookup.
    """
    hits: list[tuple[str, int, int, str]] = []
    covered: dict[str, int] = {}  # rule → last token index inside its previous hit
    index = matcher.index
    # only the interesting words enter the Python loop; the filter runs in C
    for i in compress(range(len(tokens)), map(interesting.__contains__, tokens)):
        token = tokens[i]
        kind = interesting[token]
        single_word_hit = False
        # "the" not followed by "air": the common case, decided in a few lookups
        if kind & 1 and (
            "" in (by_second := index[token])
            or _WILDCARD in by_second
            or (i + 1 < len(tokens) and tokens[i + 1] in by_second)
        ):
            done: set[str] = set()
            for rule, pattern, entry in _candidates(by_second, tokens, i):  # longest first
                if rule in done or covered.get(rule, -1) >= i:
                    continue  # "could see" already covers this "see"
                if not _matches_at(tokens, i, pattern):
                    continue
                if rule == "simile":
                    said = " ".join(tokens[i : i + len(pattern)])
                    if said in matcher.simile_exceptions or (
                        token == "like" and i and tokens[i - 1] in _LIKE_AS_VERB
                    ):
                        done.add(rule)
                        continue
                hits.append((rule, i, len(pattern), entry))
                covered[rule] = i + len(pattern) - 1
                done.add(rule)  # one flag per rule and position
                single_word_hit = single_word_hit or len(pattern) == 1
        if kind & 2:
            # "really", "suddenly": already flagged by a list, do not count twice;
            # "a deadly silence": an adjective after a determiner
            if not single_word_hit and not (i and tokens[i - 1] in _DETERMINERS):
                hits.append(("adverb", i, 1, token))
        elif kind & 4:
            j = i + 1
            while (
                j < len(tokens)
                and j <= i + 2
                and (tokens[j] in _PASSIVE_GAP or tokens[j].endswith("ly"))
            ):
                j += 1
            if j < len(tokens) and _is_participle(tokens[j], matcher.participles):
                hits.append(("passive", i, j - i + 1, tokens[j]))
    return hits


def word_kind(word: str, matcher: StyleMatcher) -> int:
    """The bit set of :func:`_sentence_hits` for one word."""
    kind = 0
    if word in matcher.index:
        kind |= 1
    if (
        len(word) > 4
        and word.endswith("ly")
        and word not in matcher.adverb_exceptions
        and word.isalpha()
    ):
        kind |= 2
    if word in _BE_FORMS:
        kind |= 4
    return kind


def interesting_words(vocabulary: Iterable[str], matcher: StyleMatcher) -> dict[str, int]:
    """Word → bit set for the words of ``vocabulary`` that need a closer look."""
    kinds = matcher.kinds
    found: dict[str, int] = {}
    for word in vocabulary:
        kind = kinds.get(word)
        if kind is None:
            kind = word_kind(word, matcher)
            if len(kinds) < 500_000:
                kinds[word] = kind
        if kind:
            found[word] = kind
    return found


#: The words before an -ly word that make it an adjective: "a deadly silence", "his
#: friendly smile" (not "her" or "that": "told her quickly", "did that slowly").
_DETERMINERS = _word_set("a an the his its their my our your such every each some any no another")


def _message(rule: str, entry: str, text: str) -> str:
    if rule == "adverb":
        return f"-ly adverb “{text}”: would a stronger verb do the work?"
    if rule == "filter_word":
        return f"Filter word “{text}”: show the thing itself, not the noticing of it"
    if rule == "intensifier":
        return f"Weak intensifier “{text}”"
    if rule == "passive":
        return f"Passive voice candidate “{text}”: who does the action?"
    if rule == "simile":
        return f"Simile “{text}”: keep the ones that earn their place"
    if rule == "cliche":
        return f"Cliché “{text}”"
    return f"Anti-pattern “{text}” (list entry: {entry})"


def _normalized(word: str) -> str:
    return word.lower().replace("\u2019", "'")


def _joined_by_gaps(segment: str, tokens: tuple[str, ...], normalize: bool) -> bool:
    """Are the words of ``segment`` exactly ``tokens``, separated only by spaces and
    emphasis markup?"""
    parts = _GAP.split(segment)
    if normalize:  # the original text: compare as the tokens were made
        parts = [_normalized(part) for part in parts]
    return tuple(parts) == tokens


def _in_spans(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index][1]


def flags_for_sentences(
    doc: Document,
    sentences: Iterable[Sentence],
    matcher: StyleMatcher,
    *,
    filter_words_in_dialogue: bool = False,
) -> list[Flag]:
    """Flags for the given sentences of ``doc``, in text order. Filter words inside
    dialogue are the character's voice ("I felt sick"): left out unless asked for.

    Flags with the same rule and text share their text and message strings, so dense
    flagging (a megabyte of "He was very tired.") costs a small object per flag."""
    sentences = list(sentences)
    vocabulary: set[str] = set()
    for sentence in sentences:
        vocabulary.update(sentence.tokens)
    interesting = interesting_words(vocabulary, matcher)
    flags: list[Flag] = []
    # The lower-cased prose lines up with the tokens, so a word is found with str.find.
    # Without it (lower-casing a "İ" changes the length), the words are located in the
    # original text by tokenizing the sentence, and compared case-insensitively.
    fallback = doc.norm is None
    source = doc.prose if doc.norm is None else doc.norm
    text = doc.text
    line_col = doc.line_col
    dialogue = (
        [] if filter_words_in_dialogue else [s for p in doc.paragraphs for s in p.dialogue_spans]
    )
    dialogue_starts = [start for start, _ in dialogue]
    messages: dict[tuple[str, str, str], tuple[str, str]] = {}
    for sentence in sentences:
        hits = _sentence_hits(sentence.tokens, matcher, interesting)
        if not hits:
            continue
        tokens = sentence.tokens
        spans: list[tuple[int, int]] | None = None
        if fallback or (len(hits) > _FEW_HITS and len(tokens) > _SHORT_SENTENCE):
            spans = [m.span() for m in WORD_RE.finditer(source, sentence.start, sentence.end)]
            if len(spans) != len(tokens):  # cannot happen; never mis-place
                continue
        for rule, first, count, entry in hits:
            last = first + count - 1
            if spans is None:
                start = locate_token(source, sentence, first)
                end = locate_token(source, sentence, last) if start >= 0 else -1
                if end >= 0:
                    end += len(tokens[last])
                else:
                    spans = [
                        m.span() for m in WORD_RE.finditer(source, sentence.start, sentence.end)
                    ]
                    if len(spans) != len(tokens):  # cannot happen; never mis-place
                        break
            if spans is not None:
                start, end = spans[first][0], spans[last][1]
            if count > 1 and not _joined_by_gaps(
                source[start:end], tokens[first : last + 1], fallback
            ):
                continue  # the words are there but punctuation splits them: "as milk, as"
            if rule == "filter_word" and dialogue and _in_spans(dialogue, dialogue_starts, start):
                continue
            line, column = line_col(start)
            end_line, end_column = line_col(end)
            said = clip(" ".join(text[start:end].split()))
            shared = messages.get((rule, entry, said))
            if shared is None:
                shared = messages[(rule, entry, said)] = (said, _message(rule, entry, said))
            flags.append(Flag(rule, line, column, end_line, end_column, shared[0], shared[1]))
    return flags


def find_style_flags(
    doc: Document, lists: StyleLists, *, filter_words_in_dialogue: bool = False
) -> list[Flag]:
    """Every style flag in a parsed document."""
    return flags_for_sentences(
        doc,
        doc.sentences,
        matcher_for(lists),
        filter_words_in_dialogue=filter_words_in_dialogue,
    )
