"""Characters: who the story bible says exists, and where the manuscript mentions them.

A character is one Markdown file in ``reference/characters/``. Its name is, in order of
preference: ``name:`` (or ``title:``) in the YAML front matter, the first ``#`` heading,
or the file name (``elizabeth-bennet.md`` → "Elizabeth Bennet"). Aliases come from
``aliases:`` in the front matter (``aliases: [Lizzy, Eliza]`` or a ``- item`` list) or an
``Aliases: Lizzy, Eliza`` line. A full name also matches its first word ("Elizabeth"),
unless that word is a title ("Mr.", "Lady").

Mentions are whole-word, case-sensitive matches of a name or alias in the prose (headings
and front matter excluded); where names overlap ("Mr. Bennet", "Bennet") the longest match
wins and is counted once. Relatives share surnames and titles tell them apart, so:

- a titled mention ("Miss Bingley") counts for a character only when that character
  declares the titled form, declares a name with the same title ("Mr. Bingley" makes
  "Mr Bingley" his), or the word after the title is the character's given name
  ("Miss Elizabeth");
- a first name that another character's name also contains ("Fitzwilliam" for
  Fitzwilliam Darcy and Colonel Fitzwilliam), or an alias two characters declare, is
  ambiguous.

Neither is guessed: both are reported as *unattributed* mentions, with the characters
they could be, so the writer can add an alias.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from writers_tui.analysis.models import CharacterHits, Mention
from writers_tui.analysis.text import Document

__all__ = [
    "Character",
    "CharacterMatcher",
    "characters_fingerprint",
    "count_mentions",
    "parse_character_file",
    "parse_front_matter",
]

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
_ITEM = re.compile(r"^[ \t]+-[ \t]+(.*)$")
_HEADING = re.compile(r"^[ \t]{0,3}#[ \t]+(.+?)[ \t#]*$", re.M)
#: Words that open a name without being one ("Mr. Darcy" is not "Mr").
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "sir",
        "lady",
        "lord",
        "dame",
        "madam",
        "madame",
        "captain",
        "capt",
        "colonel",
        "col",
        "general",
        "major",
        "lieutenant",
        "sergeant",
        "professor",
        "prof",
        "father",
        "mother",
        "aunt",
        "uncle",
        "king",
        "queen",
        "prince",
        "princess",
        "saint",
        "st",
        "the",
        "old",
        "young",
        "little",
        "big",
    }
)
_ALIAS_LINE = re.compile(r"^\W*(?:aliases|also known as|aka)\W*:\W*(.+)$", re.I | re.M)


@dataclass(frozen=True, slots=True)
class Character:
    name: str
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_unquote(part) for part in value.split(",") if _unquote(part)]


def parse_front_matter(text: str) -> dict[str, str | list[str]]:
    """The small subset of YAML writers put in front matter: ``key: value``,
    ``key: [a, b]`` and ``key:`` followed by ``- item`` lines. Anything else is ignored."""
    match = _FRONT.match(text)
    if not match:
        return {}
    data: dict[str, str | list[str]] = {}
    current: str | None = None
    for line in match.group(1).splitlines():
        item = _ITEM.match(line)
        if item and current is not None:
            existing = data.get(current)
            items = existing if isinstance(existing, list) else []
            items.append(_unquote(item.group(1)))
            data[current] = items
            continue
        key = _KEY.match(line)
        if not key:
            continue
        current = key.group(1).lower()
        value = key.group(2).strip()
        if value.startswith("["):
            data[current] = _split_list(value)
        elif value:
            data[current] = _unquote(value)
        else:
            data[current] = []
    return data


def parse_character_file(filename: str, text: str) -> Character | None:
    """A character from one story-bible file (``filename`` is its name, e.g. ``anna.md``)."""
    meta = parse_front_matter(text)
    name = ""
    for key in ("name", "title"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            name = value.strip()
            break
    if not name:
        heading = _HEADING.search(_FRONT.sub("", text, count=1))
        if heading:
            name = heading.group(1).strip()
    if not name:
        stem = filename.rsplit("/", 1)[-1]
        stem = stem[: stem.rfind(".")] if "." in stem else stem
        name = " ".join(re.split(r"[-_\s]+", stem)).strip()
        if name.islower():
            name = name.title()
    if not name:
        return None
    aliases: list[str] = []
    for key in ("aliases", "alias", "aka", "nicknames"):
        value = meta.get(key)
        if isinstance(value, list):
            aliases.extend(value)
        elif isinstance(value, str):
            aliases.extend(_split_list(value))
    if not aliases:
        line = _ALIAS_LINE.search(text)
        if line:
            aliases.extend(_split_list(line.group(1)))
    seen = {name}
    unique = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias not in seen:
            seen.add(alias)
            unique.append(alias)
    return Character(name=name, aliases=tuple(unique), source=filename)


def characters_fingerprint(characters: Sequence[Character]) -> str:
    digest = hashlib.sha256()
    for character in characters:
        digest.update("\0".join(character.names).encode() + b"\1")
    return digest.hexdigest()[:16]


#: Titles that may stand before a name in the prose (capitalised, with or without a dot).
_PROSE_TITLES = sorted(
    (t.capitalize() for t in _TITLES - {"the", "old", "young", "little", "big"}),
    key=len,
    reverse=True,
)


def _key(name: str) -> str:
    """How names compare: single spaces, no dots ("Mr. Darcy" is "Mr Darcy")."""
    return " ".join(word.rstrip(".") for word in name.split())


def _is_title(word: str) -> bool:
    return word.rstrip(".").lower() in _TITLES


def _name_pattern(name: str) -> str:
    """A name as a regex: any spaces between words, a title's dot optional."""
    return r"\s+".join(
        re.escape(word[:-1]) + r"\.?" if word.endswith(".") else re.escape(word)
        for word in name.split()
    )


@dataclass(slots=True)
class CharacterMatcher:
    pattern: re.Pattern[str] | None
    #: name key → the characters it names (more than one: ambiguous)
    owner: dict[str, frozenset[str]]
    #: character → the titles its declared names carry ("Mr" for "Mr. Darcy")
    titles: dict[str, frozenset[str]]
    #: name key → the characters whose given name it is ("Elizabeth")
    given: dict[str, frozenset[str]]


_MATCHERS: dict[str, CharacterMatcher] = {}


def _matcher(characters: Sequence[Character]) -> CharacterMatcher:
    key = characters_fingerprint(characters)
    found = _MATCHERS.get(key)
    if found is not None:
        return found
    declared: dict[str, set[str]] = {}
    titles: dict[str, set[str]] = {}
    words_in: dict[str, set[str]] = {}  # a word → characters with it anywhere in a name
    for character in characters:
        titles[character.name] = set()
        for name in character.names:
            name_key = _key(name)
            if not name_key:
                continue
            declared.setdefault(name_key, set()).add(character.name)
            words = name_key.split(" ")
            if len(words) > 1 and _is_title(words[0]):
                titles[character.name].add(words[0])
            for word in words:
                if not _is_title(word):
                    words_in.setdefault(word, set()).add(character.name)
    given: dict[str, set[str]] = {}
    for character in characters:
        words = _key(character.name).split(" ")
        if len(words) > 1 and not _is_title(words[0]) and words[0][:1].isupper():
            given.setdefault(words[0], set()).add(character.name)
    owner = {name: frozenset(claimants) for name, claimants in declared.items()}
    # "Elizabeth Bennet" is mostly "Elizabeth": a full name also matches its first word,
    # shared with every character whose names contain that word ("Fitzwilliam").
    for first, claimants in given.items():
        if first not in owner:
            owner[first] = frozenset(claimants | words_in.get(first, set()))
    if not owner:
        matcher = CharacterMatcher(None, {}, {}, {})
    else:
        names = "|".join(_name_pattern(n) for n in sorted(owner, key=len, reverse=True))
        prefix = "|".join(map(re.escape, _PROSE_TITLES))
        pattern = re.compile(
            rf"(?<![^\W_])(?:(?P<title>{prefix})\.?\s+)?(?P<name>{names})"
            # not inside a longer word ("Anna-Marie", "Lizzyish"), but "Lizzy's" counts
            r"(?![^\W_])(?!-[^\W_])(?!['\u2019](?![sS](?![^\W_]))[^\W_])"
        )
        matcher = CharacterMatcher(
            pattern,
            owner,
            {name: frozenset(t) for name, t in titles.items()},
            {name: frozenset(c) for name, c in given.items()},
        )
    _MATCHERS[key] = matcher
    return matcher


def _attribute(
    matcher: CharacterMatcher, title: str | None, name: str
) -> tuple[str | None, list[str]]:
    """(the character a mention is, or None, and the candidates when it is ambiguous)."""
    owner = matcher.owner
    if title is not None:
        full = owner.get(f"{title} {name}")
        if full is not None:
            if len(full) == 1:
                return next(iter(full)), []
            return None, sorted(full)
    claimants = owner.get(name, frozenset())
    if title is not None:
        given = matcher.given.get(name, frozenset())
        fitting = {c for c in claimants if c in given or title in matcher.titles.get(c, ())}
        if len(fitting) == 1:
            return next(iter(fitting)), []
        if fitting:
            return None, sorted(fitting)
        # nobody declares this title for the name: it may be a relative ("Miss Bingley")
        return None, sorted(c for c in claimants if not matcher.titles.get(c))
    if len(claimants) == 1:
        return next(iter(claimants)), []
    return None, sorted(claimants)


def count_mentions(
    doc: Document, characters: Sequence[Character]
) -> tuple[dict[str, CharacterHits], dict[str, Mention]]:
    """Character name → mentions in one parsed document (characters never mentioned are
    left out), and the unattributed mentions by the text as written."""
    matcher = _matcher(characters)
    if matcher.pattern is None:
        return {}, {}
    hits: dict[str, list[int]] = {}
    unknown: dict[str, Mention] = {}
    for match in matcher.pattern.finditer(doc.prose):
        title = match.group("title")
        name = _key(match.group("name"))
        character, candidates = _attribute(matcher, title, name)
        if character is None:
            said = " ".join(match.group().split())
            line = doc.line_col(match.start())[0]
            mention = unknown.get(said)
            if mention is None:
                unknown[said] = Mention(said, 1, line, line, candidates)
            else:
                mention.count += 1
                mention.last_line = line
            continue
        start = match.start()
        seen = hits.get(character)
        if seen is None:
            hits[character] = [1, start, start]
        else:
            seen[0] += 1
            seen[2] = start
    found = {
        name: CharacterHits(
            count=count, first_line=doc.line_col(first)[0], last_line=doc.line_col(last)[0]
        )
        for name, (count, first, last) in hits.items()
    }
    return found, unknown
