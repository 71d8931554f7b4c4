"""Characters: who the story bible says exists, and where the manuscript mentions them.

A character is one Markdown file in ``reference/characters/``. Its name is, in order of
preference: ``name:`` (or ``title:``) in the YAML front matter, the first ``#`` heading,
or the file name (``elizabeth-bennet.md`` → "Elizabeth Bennet"). Aliases come from
``aliases:`` in the front matter (``aliases: [Lizzy, Eliza]`` or a ``- item`` list) or an
``Aliases: Lizzy, Eliza`` line. A full name also matches its first word ("Elizabeth"),
unless that word is a title ("Mr.", "Lady") or the first word of another character's name.
Mentions are whole-word, case-sensitive matches of the
name or any alias in the prose (headings and front matter excluded); where names overlap
("Mr. Bennet", "Bennet") the longest match wins and is counted once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from writers_tui.analysis.models import CharacterHits
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

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "aliases": list(self.aliases), "source": self.source}


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


@dataclass(slots=True)
class CharacterMatcher:
    pattern: re.Pattern[str] | None
    owner: dict[str, str]  # matched text → character name


_MATCHERS: dict[str, CharacterMatcher] = {}


def _matcher(characters: Sequence[Character]) -> CharacterMatcher:
    key = characters_fingerprint(characters)
    found = _MATCHERS.get(key)
    if found is not None:
        return found
    owner: dict[str, str] = {}
    for character in characters:
        for name in character.names:
            name = " ".join(name.split())
            if name and name not in owner:
                owner[name] = character.name
    # "Elizabeth Bennet" is mostly "Elizabeth": a full name also matches its first word,
    # unless that is a title ("Mr. Darcy") or another character could claim it.
    firsts: dict[str, set[str]] = {}
    for character in characters:
        words = character.name.split()
        if len(words) > 1 and words[0].rstrip(".").lower() not in _TITLES:
            firsts.setdefault(words[0], set()).add(character.name)
    for first, claimants in firsts.items():
        if len(claimants) == 1 and first not in owner and first[:1].isupper():
            owner[first] = next(iter(claimants))
    if not owner:
        matcher = CharacterMatcher(pattern=None, owner={})
    else:
        alternatives = []
        for name in sorted(owner, key=len, reverse=True):
            alternatives.append(r"\s+".join(re.escape(part) for part in name.split(" ")))
        pattern = re.compile(
            r"(?<![^\W_])(?:"
            + "|".join(alternatives)
            # not inside a longer word ("Anna-Marie", "Lizzyish"), but "Lizzy's" counts
            + r")(?![^\W_])(?!-[^\W_])(?!['\u2019](?![sS](?![^\W_]))[^\W_])"
        )
        matcher = CharacterMatcher(pattern=pattern, owner=owner)
    _MATCHERS[key] = matcher
    return matcher


def count_mentions(doc: Document, characters: Sequence[Character]) -> dict[str, CharacterHits]:
    """Character name → mentions in one parsed document (characters never mentioned are
    left out)."""
    matcher = _matcher(characters)
    if matcher.pattern is None:
        return {}
    hits: dict[str, list[int]] = {}
    owner = matcher.owner
    for match in matcher.pattern.finditer(doc.prose):
        name = owner.get(" ".join(match.group().split()))
        if name is None:
            continue
        seen = hits.get(name)
        if seen is None:
            hits[name] = [1, match.start(), match.start()]
        else:
            seen[0] += 1
            seen[2] = match.start()
    return {
        name: CharacterHits(
            count=count, first_line=doc.line_col(first)[0], last_line=doc.line_col(last)[0]
        )
        for name, (count, first, last) in hits.items()
    }
