"""The keymap as the Preferences screen edits it: pure functions, no widgets.

The app's bindings each carry an id (``config.BINDING_IDS``) and ``settings.keymap`` maps
an id to new keys. Editing one id can put two ids on one key — Textual then runs only one
of them, silently — so the screen shows such conflicts before anything is saved. Keys are
compared in Textual's long form (``question_mark``, not ``?``), as ``App.set_keymap``
stores them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import _character_to_key, format_key

__all__ = [
    "BindingRow",
    "KeysError",
    "binding_rows",
    "conflicts",
    "describe_keys",
    "parse_keys",
    "reserved_keys",
]

_MODIFIERS = ("ctrl", "shift", "alt", "super", "meta", "hyper")
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")


class KeysError(ValueError):
    """The keys typed for a binding are not a key list Textual understands."""


@dataclass(frozen=True)
class BindingRow:
    """One remappable binding: its id, what it does, its default keys and its keys now."""

    binding_id: str
    description: str
    default: str
    keys: str

    @property
    def remapped(self) -> bool:
        return self.keys != self.default


def _normal_key(token: str) -> str:
    """One key in long form: ``"?"`` → ``"question_mark"``, ``"Ctrl+W"`` → ``"ctrl+w"``."""
    if len(token) == 1:
        return _character_to_key(token)
    *modifiers, last = token.split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    last = last.strip()
    last = _character_to_key(last) if len(last) == 1 else last.lower()
    if any(modifier not in _MODIFIERS for modifier in modifiers) or not _KEY_NAME.match(last):
        raise KeysError(f"{token!r} is not a key (e.g. ctrl+w, f10, alt+shift+n)")
    return "+".join([*modifiers, last])


def parse_keys(text: str) -> str:
    """A comma-separated key list in long form; :class:`KeysError` for anything else."""
    tokens = [token.strip() for token in text.split(",")]
    if not text.strip() or any(not token for token in tokens):
        raise KeysError("type one or more keys separated by commas, e.g. ctrl+w or f10")
    return ",".join(_normal_key(token) for token in tokens)


def split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def describe_keys(keys: str) -> str:
    """How a key list is shown (``ctrl+s`` → ``^s``, as the footer shows it)."""
    return ", ".join(format_key(key) for key in split_keys(keys))


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    return list(Binding.make_bindings(bindings))


def binding_rows(
    bindings: Iterable[BindingType], binding_ids: Iterable[str], keymap: Mapping[str, str]
) -> list[BindingRow]:
    """One row per id, in ``binding_ids`` order, from the app's ``BINDINGS`` and a keymap."""
    by_id: dict[str, list[Binding]] = {}
    for binding in _bindings(bindings):
        if binding.id:
            by_id.setdefault(binding.id, []).append(binding)
    rows: list[BindingRow] = []
    for binding_id in binding_ids:
        found = by_id.get(binding_id, [])
        default = ",".join(_character_to_key(b.key) if len(b.key) == 1 else b.key for b in found)
        description = next((b.description for b in found if b.description), binding_id)
        keys = keymap.get(binding_id) or default
        rows.append(BindingRow(binding_id, description, default, parse_keys(keys) if keys else ""))
    return rows


def reserved_keys(bindings: Iterable[BindingType]) -> set[str]:
    """Keys the app binds without an id (ctrl+c): no remappable binding may take them."""
    return {
        key for binding in _bindings(bindings) if not binding.id for key in split_keys(binding.key)
    }


def conflicts(keys_by_id: Mapping[str, str], reserved: Iterable[str] = ()) -> dict[str, list[str]]:
    """``{key: [ids…]}`` for every key bound to two or more ids (or an id and a reserved key).

    A reserved key's holder is listed as ``"(app)"``.
    """
    holders: dict[str, list[str]] = {key: ["(app)"] for key in reserved}
    for binding_id, keys in keys_by_id.items():
        for key in split_keys(keys):
            holders.setdefault(key, []).append(binding_id)
    return {key: ids for key, ids in holders.items() if len(ids) > 1}
