"""What every screen of an open project shares: the status bar and the key footer.

The App keeps one :class:`~writers_tui.ui.status.StatusData` (reactive ``status``) built
from the Workspace's events; each screen's bar watches it, so switching stages never
shows a stale bar. The screen's own stage name is put into the data it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from writers_tui.ui.stages import Place
from writers_tui.ui.status import StatusData
from writers_tui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from writers_tui.ui.app import WritersApp


class StudioScreen(Screen[None]):
    """A place of the app with the status bar at the bottom."""

    def __init__(self, place: Place) -> None:
        super().__init__(id=f"screen-{place.mode}", classes="studio")
        self.place = place

    @property
    def studio(self) -> WritersApp:
        return cast("WritersApp", self.app)

    def compose_status(self) -> ComposeResult:
        with Vertical(id="bottom"):
            yield Footer(compact=True, show_command_palette=True)
            yield StatusBar(clock=self.studio.clock)

    def on_mount(self) -> None:
        self.watch(self.studio, "status", self._show_status, init=True)

    def _show_status(self, data: StatusData) -> None:
        self.query_one(StatusBar).data = data.with_(stage=self.place.title)
