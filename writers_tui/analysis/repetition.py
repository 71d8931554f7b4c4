"""Repetition: echo words inside a file and phrases repeated across the manuscript.

An *echo* is a non-trivial word (not a stop word, at least ``min_length`` letters) used
again within ``window`` words of its last use, inside the same scene; the second use is
flagged. Capitalised words are taken for names and never echo, and a repeat within three
words in one sentence is rhetoric ("poor, poor", "flesh of my flesh"), not an echo.

A *repeated phrase* is an n-gram of 3 to 5 words inside one sentence that starts and ends
with a non-stop word ("cold grey light", not "and then the"). Each file keeps its own
counts; the manuscript adds them up, so changing one chapter only recounts that chapter.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import compress, islice
from operator import and_

from writers_tui.analysis.models import Flag, clip
from writers_tui.analysis.text import Document, Sentence, locate_token
from writers_tui.wordcount import WORD_RE

__all__ = ["RepeatedPhrase", "find_echoes", "overused_phrases", "phrase_counts"]

_SEPARATOR = "\x00"  # never a token: the tokenizer only yields letters and digits


@dataclass(slots=True)
class RepeatedPhrase:
    phrase: str
    count: int
    files: int = 0


#: A word repeated this close, in one sentence, is deliberate (epizeuxis, "flesh of my
#: flesh"): an echo is the repetition a writer did not hear.
_DELIBERATE = 3

#: A long sentence with many echoes has its words located in one pass: finding each one
#: by counting earlier occurrences (cheap for a few) would be quadratic.
_FEW_HITS = 4
_SHORT_SENTENCE = 40


def _spans(doc: Document, sentence: Sentence) -> list[tuple[int, int]]:
    return [m.span() for m in WORD_RE.finditer(doc.prose, sentence.start, sentence.end)]


def find_echoes(
    doc: Document, stopwords: frozenset[str], *, window: int = 50, min_length: int = 4
) -> list[Flag]:
    """Echo-word flags for one parsed document."""
    flags: list[Flag] = []
    messages: dict[tuple[str, int], tuple[str, str]] = {}
    line_col = doc.line_col
    text = doc.text
    vocabulary: set[str] = set()
    for sentence in doc.sentences:
        vocabulary.update(sentence.tokens)
    eligible = {
        w for w in vocabulary if len(w) >= min_length and w not in stopwords and w.isalpha()
    }
    for scene in doc.scenes:
        sentences = [s for paragraph in scene.paragraphs for s in paragraph.sentences]
        flat: list[str] = []
        starts: list[int] = []
        for sentence in sentences:
            starts.append(len(flat))
            flat.extend(sentence.tokens)
        last_seen: dict[str, int] = {}
        located: list[tuple[int, int, int]] = []  # (sentence, word, distance)
        # only eligible words enter the Python loop; the filter runs in C
        for here in compress(range(len(flat)), map(eligible.__contains__, flat)):
            word = flat[here]
            before = last_seen.get(word)
            last_seen[word] = here
            if before is not None and here - before <= window:
                if here - before <= _DELIBERATE and bisect_right(starts, before) == bisect_right(
                    starts, here
                ):
                    continue  # "poor, poor", "flesh of my flesh": rhetoric, not an echo
                located.append((bisect_right(starts, here) - 1, here, here - before))
        per_sentence = Counter(number for number, _, _ in located)
        spans_of: dict[int, list[tuple[int, int]]] = {}
        for number, here, distance in located:
            sentence = sentences[number]
            index = here - starts[number]
            spans = spans_of.get(number)
            start = -1
            if spans is None:
                if doc.norm is not None and (
                    per_sentence[number] <= _FEW_HITS or len(sentence.tokens) <= _SHORT_SENTENCE
                ):
                    start = locate_token(doc.norm, sentence, index)
                if start < 0:
                    # many hits, no lower-cased prose (a "İ" in the file) or an ambiguous
                    # find: tokenize the sentence once
                    spans = spans_of[number] = _spans(doc, sentence)
            if spans is None:
                end = start + len(sentence.tokens[index])
            elif index < len(spans):
                start, end = spans[index]
            else:  # cannot happen; never mis-place
                continue
            if text[start : start + 1].isupper():
                continue  # a name (or a sentence opening we cannot tell from one)
            line, column = line_col(start)
            said = clip(text[start:end])
            shared = messages.get((said, distance))
            if shared is None:  # one text and message string per distinct echo
                words = "word" if distance == 1 else "words"
                message = f"Echo “{said}”: also used {distance} {words} earlier"
                shared = messages[(said, distance)] = (said, message)
            flags.append(Flag("echo", line, column, line, column + end - start, *shared))
    return flags


def phrase_counts(
    doc: Document, stopwords: frozenset[str], sizes: Iterable[int] = (3, 4, 5)
) -> dict[str, int]:
    """n-gram → occurrences in one document (only n-grams that could be reported).

    Built with zip/compress/Counter so the per-word work runs in C: all sentences are
    joined with a separator token that no n-gram may contain.
    """
    tokens: list[str] = []
    for sentence in doc.sentences:
        tokens.extend(sentence.tokens)
        tokens.append(_SEPARATOR)
    if not tokens:
        return {}
    vocabulary = set(tokens)
    is_content = {w: w not in stopwords and w.isalpha() for w in vocabulary}
    content = list(map(is_content.__getitem__, tokens))
    counts: Counter[str] = Counter()
    for size in sorted(set(sizes)):
        if size < 2:
            continue
        # islice, not slices: five shifted copies of a long token list add up
        anchored = map(and_, content, islice(content, size - 1, None))
        grams = zip(*[islice(tokens, k, None) for k in range(size)], strict=False)
        counts.update(map(" ".join, compress(grams, anchored)))
    return {gram: n for gram, n in counts.items() if _SEPARATOR not in gram}


def overused_phrases(
    totals: Mapping[str, int], *, min_count: int = 3, limit: int = 25
) -> list[RepeatedPhrase]:
    """The most repeated phrases, longest and most frequent first.

    A phrase inside a longer reported phrase that occurs as often is dropped: "cold grey"
    adds nothing next to "cold grey light" when both occur five times.
    """
    frequent = [(p, c) for p, c in totals.items() if c >= min_count]
    longest_over: dict[str, int] = {}
    for phrase, count in frequent:
        words = phrase.split(" ")
        for size in range(3, len(words)):
            for i in range(len(words) - size + 1):
                sub = " ".join(words[i : i + size])
                if longest_over.get(sub, 0) < count:
                    longest_over[sub] = count
    kept = [RepeatedPhrase(phrase=p, count=c) for p, c in frequent if longest_over.get(p, 0) < c]
    kept.sort(key=lambda r: (-r.count * len(r.phrase.split(" ")), r.phrase))
    return kept[:limit]
