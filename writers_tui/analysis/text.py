"""The text model: a Markdown scene parsed into headings, scene breaks, paragraphs,
sentences, words and dialogue spans, with every position valid in the original file.

Parsing works on a *mask* of the file (:func:`writers_tui.wordcount.mask_markdown`): the
same string with front matter, comments, link targets and other non-prose blanked out.
Because the mask has the same length and newlines as the file, a line or column found in
it is the writer's line and column, front matter lines included. Words are found with the
app's one word rule, so the counts here are the counts the status bar shows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from sys import intern

from writers_tui.wordcount import WORD_RE, is_word_char, mask_markdown

__all__ = [
    "ABBREVIATIONS",
    "NUMBER_ABBREVIATIONS",
    "QUOTE_STYLES",
    "Document",
    "Heading",
    "Paragraph",
    "Scene",
    "Sentence",
    "dialogue_spans",
    "locate_token",
    "normalize_prose",
    "parse_document",
    "split_sentences",
    "token_offsets",
]


def _word_set(words: str) -> frozenset[str]:
    """A set from a space-separated string (keeps long word lists readable)."""
    return frozenset(words.split())


#: Words whose trailing full stop does not end a sentence (compared lower case, no dot).
ABBREVIATIONS = _word_set(
    """mr mrs ms messrs mme mlle dr st prof rev revd hon capt col gen lt sgt cpl maj adm cmdr
    gov pres sen rep jr sr esq fr mt ft vs cf approx dept est
    inc ltd co corp bros jan feb mar apr jun jul aug sep sept oct nov dec"""
)
#: Abbreviations only when a number follows: "No. 5", "vol. 2", "p. 12"; but "I said no."
#: and "a decent chap." end their sentences.
NUMBER_ABBREVIATIONS = _word_set("no nos vol vols ch chap fig figs p pp")

#: Verbs of a dialogue tag: ``"Stop!" Mary cried.`` is one sentence, not two.
_SPEECH_VERBS = (
    "said|says|say|asked|asks|cried|cries|replied|replies|answered|answers|shouted|shouts|"
    "whispered|whispers|called|calls|exclaimed|exclaims|added|adds|continued|continues|"
    "murmured|murmurs|muttered|mutters|yelled|yells|screamed|screams|snapped|snaps|"
    "demanded|demands|begged|begs|pleaded|pleads|insisted|insists|laughed|laughs|"
    "sighed|sighs|repeated|repeats|observed|observes|returned|returns|interrupted"
)

_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(.*)")
_BREAK = re.compile(r"[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})\r?$")
_BLANK = re.compile(r"[ \t\r\f\v\u00a0]*$")

# A sentence ends at . ! ? … (any run), a spaced ellipsis ". . ." (read as one "…"), or an
# em-dash interruption closed by a quote, followed by closing quotes/brackets, then
# whitespace or the end of the paragraph. Linear on any input: a run of dots is a
# candidate only at its first dot (the look-behinds), and the atomic group and possessive
# closers never backtrack, so 10,000 dots cost one scan, not 10,000. The pattern opens
# with a character class so the regex engine can skip ahead to candidate characters.
_TERMINATOR = re.compile(
    r"[.!?\u2026\u2014-]"
    r"(?:(?<=[.!?\u2026])(?<![.!?\u2026].)(?<!\.[ \u00a0].)"
    r"(?>(?<=\.)(?:[ \u00a0]\.){2,}|[.!?\u2026]*)"
    r"|(?<=\u2014)(?=[\"\u201d\u2019'\u00bb])"
    r"|(?<=-)-(?=[\"\u201d\u2019'\u00bb]))"
    r"[\"\u201d\u2019'\u00bb)\]*_]*+"
    # then a space or the paragraph end, or a dash glued to the stop and a new sentence
    # (Gutenberg's "variance.--'There is"); "Mr.--" is still an abbreviation
    r"(?:(?=\s|$)|(?<=[.!?\u2026\"\u201d\u2019'\u00bb])(?:--|[\u2014\u2013])"
    r"(?=[\"'\u201c\u2018\u00ab(\[]*[A-Z]))"
)
_WORD_BEFORE = re.compile(r"(?<![^\W_])([^\W\d_]+)\Z")
_SPACES = re.compile(r"\s*")
_NEXT = re.compile(r"\s*(\S?)")
#: Titles allowed before the speaker's name in a dialogue tag: '"Stop!" Mr. Darcy cried.'
_TAG_TITLES = "Mr|Mrs|Ms|Mme|Mlle|Dr|St|Prof|Rev|Capt|Col|Gen|Lt|Sgt|Sir|Lady|Lord|Miss|Madam"
#: A capitalised pronoun after "?'" opens a new sentence ("'Who is this?' She said it to
#: the Knave"): in a tag the pronoun is lower case ("'Who is this?' she said").
_DIALOGUE_TAG = re.compile(
    rf"\s+(?!(?:He|She|It|I|We|You|They)\s)(?:(?:{_TAG_TITLES})\.?\s+)?"
    rf"[A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)?\s+(?:{_SPEECH_VERBS})\b"
)

# Dialogue. Double quotes (straight, curly, guillemets) pair up; curly single quotes too,
# where a "’" followed by a letter is an apostrophe ("don’t"). A straight single quote
# opens dialogue only after a space, a bracket or a dash and before a letter, unless it
# starts a known elision ('tis, 'em); it closes at the first "'" that is not between
# letters, not after a space, and not a plural possessive before a word ("the Bennets'
# house"). An unclosed
# quote runs to the end of its paragraph (a speech continued in the next paragraph), but
# an unclosed straight single quote only when it opens the paragraph: a stray apostrophe
# ('ello) must not turn a whole paragraph into dialogue.
_DOUBLE = r"\"[^\"]*(?:\"|$)|\u201c[^\u201d]*(?:\u201d|$)|\u00ab[^\u00bb]*(?:\u00bb|$)"
_CURLY_SINGLE = r"\u2018(?:[^\u2019]|\u2019(?=[^\W_]))*(?:\u2019|$)"
_STRAIGHT_SINGLE = (
    r"(?<![^\s(\[\u201c\"\u2014\u2013-])'"
    r"(?!(?i:tis|twas|twere|twould|twill|em|cause|cos|til|n|bout|un)\b|\d0?s\b)"
    r"(?=[^\W_]|[\u201c\"\u2018])"
    r"(?:[^']|(?<=[^\W_])'(?=[^\W_])|(?<=[sS])'(?=[ \t]+[^\W\d_])|(?<=\s)')*(?:(')|$)"
)
#: Quote styles a project may set: which marks open dialogue.
QUOTE_STYLES = ("auto", "double", "single")
_DIALOGUE_BY_STYLE = {
    "auto": re.compile(f"{_DOUBLE}|{_CURLY_SINGLE}|{_STRAIGHT_SINGLE}"),
    "double": re.compile(_DOUBLE),
    "single": re.compile(f"{_CURLY_SINGLE}|{_STRAIGHT_SINGLE}"),
}


def dialogue_spans(
    prose: str, start: int, end: int, quote_style: str = "auto"
) -> list[tuple[int, int]]:
    """The quoted stretches of one paragraph ``prose[start:end]`` (see the rules above)."""
    pattern = _DIALOGUE_BY_STYLE.get(quote_style, _DIALOGUE_BY_STYLE["auto"])
    spans: list[tuple[int, int]] = []
    pos = start
    while (quote := pattern.search(prose, pos, end)) is not None:
        opened = quote.start()
        if prose[opened] == "'" and quote.group(1) is None and prose[start:opened].strip():
            pos = opened + 1  # an unclosed "'" inside a paragraph: an apostrophe after all
            continue
        spans.append((opened, quote.end()))
        pos = max(quote.end(), opened + 1)
    return spans


@dataclass(slots=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(slots=True)
class Sentence:
    start: int  # offset in the file
    end: int
    line: int
    words: int
    #: the words, lower case with straight apostrophes (how lists and counts compare them)
    tokens: tuple[str, ...] = field(default=(), repr=False)


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    line: int
    end_line: int
    words: int = 0
    dialogue_words: int = 0
    sentences: list[Sentence] = field(default_factory=list)
    dialogue_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Scene:
    """A stretch of a file between scene breaks (``---``, ``***``, ``* * *``)."""

    index: int
    line: int
    end_line: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(p.words for p in self.paragraphs)

    @property
    def dialogue_words(self) -> int:
        return sum(p.dialogue_words for p in self.paragraphs)


@dataclass(slots=True)
class Document:
    text: str
    prose: str  # same length as text; non-prose (and headings) blanked
    norm: str | None  # prose lower-cased with straight apostrophes (None: see normalize_prose)
    line_starts: list[int]
    headings: list[Heading]
    scenes: list[Scene]
    breaks: list[int]  # line numbers of scene breaks

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [p for scene in self.scenes for p in scene.paragraphs]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for scene in self.scenes for p in scene.paragraphs for s in p.sentences]

    @property
    def words(self) -> int:
        return sum(scene.words for scene in self.scenes)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in the file."""
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, or None. The closing ``#`` run and spaces are
    stripped in code, not by a lazy regex (which was quadratic on "# # # # …" lines)."""
    match = _HEADING.match(line)
    if match is None:
        return None
    rest = match.group(2)
    if rest.endswith("\r"):
        rest = rest[:-1]
    if rest and rest[0] not in " \t" and rest.strip(" \t#"):
        return None  # "#hashtag" is not a heading
    return len(match.group(1)), rest.lstrip(" \t").rstrip(" \t#")


def _no_split_after(prose: str, term: re.Match[str], para_start: int) -> bool:
    """True when a terminator candidate does not end a sentence (abbreviation, initial,
    lower-case continuation, dialogue tag)."""
    end = term.end()
    nxt = _NEXT.match(prose, end)
    following = nxt.group(1) if nxt else ""
    if following and following.islower():
        return True  # "Wait… what?", "e.g. the", '"Go!" she said'
    punct = term.group().rstrip("-\u2014\u2013")
    core = punct.rstrip("\"\u201d\u2019'\u00bb)]*_")
    if core == ".":
        before = _WORD_BEFORE.search(prose, max(para_start, term.start() - 12), term.start())
        if before:
            word = before.group(1)
            lowered = word.lower()
            if lowered in ABBREVIATIONS:
                return True
            if lowered in NUMBER_ABBREVIATIONS and following.isdigit():
                return True  # "No. 5", but not "I said no. Then"
            if len(word) == 1 and word.isupper() and following and not following.isdigit():
                return True  # an initial: "J. Austen"
    # '"Stop!" Mary cried.' is one sentence
    return bool(core[-1:] in "!?" and len(core) < len(punct) and _DIALOGUE_TAG.match(prose, end))


def split_sentences(prose: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans ``(start, end)`` inside ``prose[start:end]`` (one paragraph), lazily:
    a megabyte-long paragraph of short sentences must not hold a list of every span."""
    sentence_start = start
    for term in _TERMINATOR.finditer(prose, start, end):
        if term.end() >= end:
            break
        if _no_split_after(prose, term, start):
            continue
        yield sentence_start, term.end()
        sentence_start = term.end()
    if sentence_start < end:
        yield sentence_start, end


def normalize_prose(prose: str) -> str | None:
    """Lower case with straight apostrophes, or None when lower-casing would change the
    length (a few Unicode letters do) and offsets would no longer line up."""
    lowered = prose.lower()
    if len(lowered) != len(prose):
        return None
    return lowered.replace("\u2019", "'")


def _quote_words(prose: str, sentences: list[Sentence], quotes: list[tuple[int, int]]) -> list[int]:
    """Words in each quote of one paragraph (quotes in text order, not overlapping), given
    the paragraph's sentences.

    Sentences inside a quote lend their word counts; only the parts of sentences a quote
    cuts are tokenized again. No word crosses a sentence boundary (and a sentence without
    words adds none), so this is the count of the whole range, for a fraction of the regex
    work (dialogue is a third of a novel: re-tokenizing all of it cost about 5 % of the
    analysis). One pass over both lists.
    """
    findall = WORD_RE.findall
    counts: list[int] = []
    first = 0  # the first sentence that may still meet a quote
    for start, end in quotes:
        while first < len(sentences) and sentences[first].end <= start:
            first += 1
        words = 0
        index = first
        while index < len(sentences) and sentences[index].start < end:
            sentence = sentences[index]
            if start <= sentence.start and sentence.end <= end:
                words += sentence.words
            else:
                words += len(findall(prose, max(start, sentence.start), min(end, sentence.end)))
            index += 1
        counts.append(words)
    return counts


def _build_paragraph(
    prose: str,
    norm: str | None,
    start: int,
    end: int,
    line: int,
    end_line: int,
    line_starts: list[int],
    quote_style: str,
) -> Paragraph:
    findall = WORD_RE.findall
    para = Paragraph(start=start, end=end, line=line, end_line=end_line)
    total = 0
    for s_start, s_end in split_sentences(prose, start, end):
        # interned: a novel repeats a few thousand words, so each sentence's tuple points at
        # shared strings instead of holding its own copies (a third of the memory); a tuple
        # is half the size of a list, which counts on a megabyte of "I ran. I ran."
        if norm is not None:
            tokens = tuple(map(intern, findall(norm, s_start, s_end)))
        else:
            tokens = tuple(
                intern(t.lower().replace("\u2019", "'")) for t in findall(prose, s_start, s_end)
            )
        n = len(tokens)
        if not n:
            continue
        # the sentence's line is the line of its first non-space character
        spaces = _SPACES.match(prose, s_start, s_end)
        first = spaces.end() if spaces else s_start
        s_line = bisect_right(line_starts, first)
        para.sentences.append(Sentence(start=first, end=s_end, line=s_line, words=n, tokens=tokens))
        total += n
    para.words = total
    if total:
        dialogue = 0
        quotes = dialogue_spans(prose, start, end, quote_style)
        counts = _quote_words(prose, para.sentences, quotes)
        for quote, q_words in zip(quotes, counts, strict=True):
            if q_words:
                dialogue += q_words
                para.dialogue_spans.append(quote)
        para.dialogue_words = dialogue
    return para


def parse_document(text: str, quote_style: str = "auto") -> Document:
    """Parse one Markdown file. Never raises on odd input; empty text gives an empty model.

    ``text`` should have ``\\n`` line ends (:func:`writers_tui.wordcount.normalize_newlines`).
    """
    item_starts: list[int] = []
    masked = mask_markdown(text, keep_headings=True, item_starts=item_starts)
    items = set(item_starts)
    line_starts = _line_starts(text)
    headings: list[Heading] = []
    breaks: list[int] = []
    scenes: list[Scene] = [Scene(index=0, line=1, end_line=1)]
    para_start = -1
    para_line = 0
    n_lines = len(line_starts)

    def close_paragraph(end: int, end_line: int) -> None:
        nonlocal para_start
        if para_start >= 0:
            para = _build_paragraph(
                prose, norm, para_start, end, para_line, end_line, line_starts, quote_style
            )
            if para.words:
                scenes[-1].paragraphs.append(para)
            para_start = -1

    # First pass: classify lines with cheap string tests (only lines starting with one of
    # "#*-_" can be a heading or a break) and cut the headings out of the prose mask.
    kinds: list[str] = []
    pieces: list[str] = []
    kept_from = 0
    for index, line in enumerate(masked.split("\n")):
        stripped = line.strip()
        if not stripped:
            kinds.append("blank")
            continue
        first = stripped[0]
        if first in "*-_" and _BREAK.match(line):
            kinds.append("break")
        elif first == "#" and (heading := _heading(line)):
            kinds.append("heading")
            headings.append(Heading(line=index + 1, level=heading[0], text=heading[1]))
            line_start = line_starts[index]
            pieces.append(masked[kept_from:line_start])
            pieces.append(" " * len(line))
            kept_from = line_start + len(line)
        else:
            kinds.append("text")
    pieces.append(masked[kept_from:])
    prose = "".join(pieces) if len(pieces) > 1 else masked
    norm = normalize_prose(prose)

    for index, kind in enumerate(kinds):
        line_start = line_starts[index]
        if kind == "text":
            if line_start in items and para_start >= 0:
                close_paragraph(line_start - 1, index)  # a list item is a block of its own
            if para_start < 0:
                para_start = line_start
                para_line = index + 1
            continue
        close_paragraph(line_start - 1 if line_start else 0, index)
        if kind == "break":
            breaks.append(index + 1)
            scenes[-1].end_line = index
            scenes.append(Scene(index=len(scenes), line=index + 2, end_line=index + 2))
    last_line = max(1, n_lines - 1 if text.endswith("\n") else n_lines)
    close_paragraph(len(text), last_line)
    scenes[-1].end_line = max(scenes[-1].line, last_line)
    # Breaks at the very top or bottom (or doubled) leave empty scenes: drop them.
    kept = [scene for scene in scenes if scene.paragraphs] or [scenes[0]]
    for number, scene in enumerate(kept):
        scene.index = number
    return Document(
        text=text,
        prose=prose,
        norm=norm,
        line_starts=line_starts,
        headings=headings,
        scenes=kept,
        breaks=breaks,
    )


_JOINED = "'\u2019-\u2010\u2011\u00ad.,"


def _valid_at(source: str, pos: int, end: int) -> bool:
    """Is ``source[pos:end]`` a whole token (not part of a longer word)?"""
    if pos > 0:
        before = source[pos - 1]
        if is_word_char(before) or (
            before in _JOINED and pos > 1 and is_word_char(source[pos - 2])
        ):
            return False
    if end < len(source):
        after = source[end]
        if is_word_char(after) or (
            after in _JOINED and end + 1 < len(source) and is_word_char(source[end + 1])
        ):
            return False
    return True


def locate_token(source: str, sentence: Sentence, index: int) -> int:
    """Offset of token ``index`` of a sentence, by finding the right occurrence of the word
    (cheap), or -1 when that is ambiguous (the caller then tokenizes the sentence)."""
    tokens = sentence.tokens
    word = tokens[index]
    wanted = tokens[:index].count(word)
    pos = sentence.start
    limit = sentence.end
    find = source.find
    while True:
        pos = find(word, pos, limit)
        if pos < 0:
            return -1
        if _valid_at(source, pos, pos + len(word)):
            if not wanted:
                return pos
            wanted -= 1
        pos += 1


def token_offsets(source: str, word: str) -> Iterator[int]:
    """Offsets of every whole-token use of ``word`` in ``source`` (case-sensitive), as the
    word rule reads them: ``law`` is not in ``mother-in-law`` nor in ``lawful``."""
    find = source.find
    pos = find(word)
    while pos >= 0:
        if _valid_at(source, pos, pos + len(word)):
            yield pos
        pos = find(word, pos + 1)
