"""The command palette (ctrl+p): every action, every stage, every scene, recent projects.

Terminals eat some keys (F-keys in some emulators), so the palette is the way to reach
everything. The App builds the list (:meth:`WritersApp.palette_commands`) when the
palette opens; this provider only matches and shows it. Scenes are listed as
"open <title>" from the workspace's binder, so "open chapter 5" finds Chapter 5.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    callback: Callable[[], object]
    #: Shown before the writer types anything (actions and places; not every scene).
    discover: bool = True


class HasPaletteCommands(Protocol):
    async def palette_commands(
        self, screen: Screen[Any] | None = None
    ) -> Sequence[PaletteCommand]: ...


class StudioCommands(Provider):
    """Matches the App's commands against what the writer types."""

    _commands: Sequence[PaletteCommand] = ()

    async def startup(self) -> None:
        source = cast(HasPaletteCommands, self.app)
        loader: Callable[[Screen[Any]], Awaitable[Sequence[PaletteCommand]]] | None = getattr(
            source, "palette_commands", None
        )
        # The screen the palette was opened over: its own actions are offered too.
        self._commands = await loader(self.screen) if loader is not None else ()

    async def discover(self) -> Hits:
        for command in self._commands:
            if command.discover:
                yield DiscoveryHit(command.name, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(command.name), command.callback, help=command.help
                )
