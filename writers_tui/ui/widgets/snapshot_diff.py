"""What changed since a snapshot: the workspace's diff (hunks with line numbers) shown.

``workspace.diff_snapshot`` already did the diffing (in a thread); this view only paints
its hunks — removed lines (in the snapshot, not now) in the error colour, added lines
(now, not in the snapshot) in the success colour, with both line numbers — and offers the
restore. It dismisses with True when the writer asks to restore that snapshot.

(The conflict dialog's ``DiffView`` is mine/theirs-specific: its labels and its two
choices are about a conflict, so it is not reused here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

#: Lines shown before the rest is cut (a note says how many were left out).
MAX_LINES = 800


class DiffLineLike(Protocol):
    @property
    def kind(self) -> str: ...  # context / removed / added
    @property
    def text(self) -> str: ...
    @property
    def old_line(self) -> int | None: ...
    @property
    def new_line(self) -> int | None: ...


class DiffHunkLike(Protocol):
    @property
    def header(self) -> str: ...
    @property
    def lines(self) -> Sequence[DiffLineLike]: ...


class TextDiffLike(Protocol):
    @property
    def hunks(self) -> Sequence[DiffHunkLike]: ...
    @property
    def added(self) -> int: ...
    @property
    def removed(self) -> int: ...


_STYLE = {"removed": "$error", "added": "$success", "context": ""}
_MARK = {"removed": "−", "added": "+", "context": " "}


def diff_content(diff: TextDiffLike, limit: int = MAX_LINES) -> tuple[Content, int]:
    """The diff as styled text, and how many lines were left out."""
    parts: list[Content] = []
    total = 0
    for hunk in diff.hunks:
        total += 1 + len(hunk.lines)
        if len(parts) >= limit:
            continue
        parts.append(Content.styled(hunk.header, "$accent"))
        for line in hunk.lines:
            if len(parts) >= limit:
                break
            old = f"{line.old_line:>5}" if line.old_line is not None else "     "
            new = f"{line.new_line:>5}" if line.new_line is not None else "     "
            text = f"{old} {new} {_MARK.get(line.kind, ' ')} {line.text}"
            style = _STYLE.get(line.kind, "")
            parts.append(Content.styled(text, style) if style else Content(text))
    return Content("\n").join(parts), max(0, total - len(parts))


class SnapshotDiffView(ModalScreen[bool]):
    """The snapshot against the current text; ``r`` restores it, escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "restore", "Restore this snapshot", id="snapshots.restore"),
        Binding("escape", "back", "Back"),
    ]

    DEFAULT_CSS = """
    SnapshotDiffView { align: center middle; }
    SnapshotDiffView > #dialog {
        width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    SnapshotDiffView #heading { height: 1; text-style: bold; }
    SnapshotDiffView #legend { height: 1; color: $text-muted; }
    SnapshotDiffView #body { height: 1fr; }
    """

    def __init__(self, title: str, taken: str, diff: TextDiffLike) -> None:
        super().__init__()
        self.file_title = title
        self.taken = taken
        self.diff = diff

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"{self.file_title}: snapshot of {self.taken} → now", id="heading")
            yield Label(
                f"− only in the snapshot ({self.diff.removed})   "
                f"+ only in the current text ({self.diff.added})",
                id="legend",
            )
            with VerticalScroll(id="body"):
                if not self.diff.hunks:
                    yield Static("The current text is the same as this snapshot.", id="same")
                else:
                    content, left_out = diff_content(self.diff)
                    yield Static(content, id="diff")
                    if left_out:
                        yield Static(f"… {left_out} more lines not shown", classes="hint")
        yield Footer(compact=True)

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
