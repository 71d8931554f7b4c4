"""A scene's style flags as a list to step through, with "keep" marks.

Each row is one flag of ``workspace.analyze_file(path)`` (rule, 1-based span, text,
message). Highlighting a row posts :class:`FlagList.FlagChosen` so the screen can select
the span in the editor; ``k`` marks the flag "keep" (:class:`FlagList.KeepToggled`), and
kept flags are dimmed, or hidden with ``h``.

A flag's **key** — what ``keep_flag`` remembers — must survive edits elsewhere in the
scene, so it does not hold a line number: it is ``"{rule}:{text}:{n}"`` with ``text``
case-folded and ``n`` the flag's place among the flags with the same rule and text
(0 for the first "suddenly" adverb, 1 for the second …). See :func:`flag_keys`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class FlagLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def message(self) -> str: ...


#: How each rule is named in the list (unknown rules show as they are).
RULE_LABELS: dict[str, str] = {
    "adverb": "adverb",
    "filter_word": "filter word",
    "intensifier": "intensifier",
    "passive": "passive?",
    "simile": "simile",
    "echo": "echo",
    "cliche": "cliché",
    "anti_pattern": "anti-pattern",
    "spelling": "spelling",
}


def flag_key(rule: str, text: str, occurrence: int) -> str:
    """The remembered identity of a flag (see the module docstring)."""
    return f"{rule}:{text.casefold()}:{occurrence}"


def flag_keys(flags: Sequence[FlagLike]) -> list[str]:
    """The key of each flag, in order."""
    seen: dict[tuple[str, str], int] = {}
    keys: list[str] = []
    for flag in flags:
        ident = (flag.rule, flag.text.casefold())
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        keys.append(flag_key(flag.rule, flag.text, n))
    return keys


@dataclass(frozen=True)
class ShownFlag:
    flag: FlagLike
    key: str
    kept: bool


class FlagList(OptionList):
    """The flags of one file; n/p or up/down step, k keeps, h hides kept ones."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "cursor_down", "Next", id="flags.next", show=False),
        Binding("p", "cursor_up", "Previous", id="flags.previous", show=False),
        Binding("k", "keep", "Keep", id="enhancing.keep_flag"),
        Binding("h", "toggle_kept", "Hide kept", id="enhancing.hide_kept"),
    ]

    DEFAULT_CSS = """
    FlagList { height: 1fr; background: $surface; border: none; }
    FlagList:focus { border: none; }
    """

    @dataclass
    class FlagChosen(Message):
        flag: FlagLike
        key: str

    @dataclass
    class KeepToggled(Message):
        flag: FlagLike
        key: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: list[ShownFlag] = []
        self.hide_kept = False
        self._flags: list[FlagLike] = []
        self._kept: set[str] = set()

    def set_flags(self, flags: Sequence[FlagLike], kept: set[str]) -> None:
        """Show ``flags``; those whose key is in ``kept`` are dimmed (or hidden)."""
        self._flags = list(flags)
        self._kept = set(kept)
        self._render_rows()

    def _render_rows(self) -> None:
        previous = self.highlighted
        keys = flag_keys(self._flags)
        self.shown = [
            ShownFlag(flag, key, key in self._kept)
            for flag, key in zip(self._flags, keys, strict=True)
            if not (self.hide_kept and key in self._kept)
        ]
        self.clear_options()
        self.add_options(Option(self._row(shown)) for shown in self.shown)
        if self.shown:
            self.highlighted = min(previous or 0, len(self.shown) - 1)

    @staticmethod
    def _row(shown: ShownFlag) -> Text:
        flag = shown.flag
        rule = RULE_LABELS.get(flag.rule, flag.rule.replace("_", " "))
        row = Text()
        row.append(f"{flag.line:>4}  ", style="dim")
        row.append(f"{rule:<12} ", style="bold" if not shown.kept else "dim")
        row.append(flag.text, style="italic")
        if shown.kept:
            row.append("  kept", style="dim")
            row.stylize("dim")
        else:
            row.append(f"\n      {flag.message}", style="dim")
        return row

    @property
    def current(self) -> ShownFlag | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.shown)):
            return None
        return self.shown[index]

    def step(self, delta: int) -> None:
        """Move to the next (``+1``) or previous (``-1``) flag."""
        if not self.shown:
            return
        index = self.highlighted
        if index is None:
            self.highlighted = 0 if delta > 0 else len(self.shown) - 1
        else:
            self.highlighted = max(0, min(len(self.shown) - 1, index + delta))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        current = self.current
        if current is not None:
            self.post_message(self.FlagChosen(current.flag, current.key))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        current = self.current
        if current is not None:
            self.post_message(self.FlagChosen(current.flag, current.key))

    def mark_kept(self, key: str) -> None:
        """``key`` was remembered as kept: dim (or hide) it."""
        self._kept.add(key)
        self._render_rows()

    def action_keep(self) -> None:
        current = self.current
        if current is not None and not current.kept:
            self.post_message(self.KeepToggled(current.flag, current.key))

    def action_toggle_kept(self) -> None:
        self.hide_kept = not self.hide_kept
        self._render_rows()
