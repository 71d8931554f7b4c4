"""The binder: the manuscript as a tree in binder order, with words per file and folder.

It is given the workspace's flat, ordered ``BinderEntry`` list (``depth`` says where each
entry hangs) and only posts :class:`Binder.FileChosen`; opening the file is the screen's
job. Folder totals are summed here from the files under them, so a folder always agrees
with its scenes even if the entries carry no folder count.

Its keys (:data:`BINDER_ACTIONS`: new scene, new chapter, rename, delete, undo delete,
move up/down, move into a chapter) run ``screen.binder_op(...)``: the Writing screen,
which holds the workspace, does the work. Each has a binding id (``config.BINDING_IDS``)
and a palette command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from writers_tui.ui.ports import BinderEntryLike
from writers_tui.ui.textsafe import visible

#: Titles longer than this are cut with an ellipsis so the counts stay in one column.
TITLE_CELLS = 22


@dataclass(frozen=True)
class BinderAction:
    """One binder operation: its key, binding id, footer/palette title and help."""

    operation: str
    key: str
    binding_id: str
    title: str
    help: str
    show: bool = True


BINDER_ACTIONS: tuple[BinderAction, ...] = (
    BinderAction(
        "new_scene", "n", "binder.new_scene", "New scene", "A new scene after the selected one"
    ),
    BinderAction(
        "new_chapter",
        "N",
        "binder.new_chapter",
        "New chapter",
        "A new chapter after the selected one",
    ),
    BinderAction("rename", "r", "binder.rename", "Rename", "Rename the selected scene or chapter"),
    BinderAction(
        "delete",
        "delete,d",
        "binder.delete",
        "Delete",
        "Move the selected entry to the trash (undoable)",
    ),
    BinderAction(
        "undo_delete",
        "u",
        "binder.undo_delete",
        "Undo delete",
        "Bring back what was last moved to the trash",
    ),
    BinderAction(
        "move_up", "alt+up", "binder.move_up", "Move up", "Move the selected entry up", show=False
    ),
    BinderAction(
        "move_down",
        "alt+down",
        "binder.move_down",
        "Move down",
        "Move the selected entry down",
        show=False,
    ),
    BinderAction(
        "move_into",
        "m",
        "binder.move_into",
        "Move into chapter",
        "Move the selected entry into another chapter",
    ),
)


def _binder_bindings() -> list[BindingType]:
    return [
        Binding(
            action.key,
            f"screen.binder_op('{action.operation}')",
            action.title,
            id=action.binding_id,
            show=action.show,
            tooltip=action.help,
        )
        for action in BINDER_ACTIONS
    ]


@dataclass(frozen=True)
class BinderItem:
    """One row of the binder: the entry plus the words shown (a folder's sum)."""

    path: str
    title: str
    words: int
    depth: int
    is_folder: bool


def binder_items(entries: Sequence[BinderEntryLike]) -> list[BinderItem]:
    """The entries as rows, folders carrying the sum of the files under them."""
    items = [BinderItem(e.path, e.title, e.words, max(0, e.depth), e.is_folder) for e in entries]
    totals = [0 if item.is_folder else item.words for item in items]
    for index, item in enumerate(items):
        if not item.is_folder:
            continue
        total = 0
        for later in items[index + 1 :]:
            if later.depth <= item.depth:
                break
            if not later.is_folder:
                total += later.words
        totals[index] = total
    return [
        BinderItem(item.path, item.title, totals[i], item.depth, item.is_folder)
        for i, item in enumerate(items)
    ]


def _cut(title: str, cells: int) -> str:
    return title if len(title) <= cells else title[: cells - 1] + "…"


class Binder(Tree[BinderItem]):
    """A Tree of :class:`BinderItem`; Enter on a file posts :class:`FileChosen`."""

    BINDINGS: ClassVar[list[BindingType]] = _binder_bindings()

    DEFAULT_CSS = """
    Binder {
        width: 34;
        height: 1fr;
        background: $surface;
        border: tall $surface;
        padding: 0 1 0 0;
        &:focus { border: tall $accent 40%; }
    }
    """

    @dataclass
    class FileChosen(Message):
        path: str

    def __init__(self, *, id: str | None = "binder") -> None:
        super().__init__("Manuscript", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._items: list[BinderItem] = []
        self._binder_nodes: dict[str, TreeNode[BinderItem]] = {}
        self._active: str | None = None

    @property
    def items(self) -> list[BinderItem]:
        """The rows shown, in binder order."""
        return list(self._items)

    def set_entries(self, entries: Sequence[BinderEntryLike]) -> None:
        """Show ``entries`` (binder order), keeping folders open and the active file."""
        self._items = binder_items(entries)
        self.clear()
        self._binder_nodes = {}
        parents: list[TreeNode[BinderItem]] = [self.root]
        for item in self._items:
            del parents[item.depth + 1 :]
            parent = parents[-1]
            label = self._label(item)
            if item.is_folder:
                node = parent.add(label, data=item, expand=True)
                parents.append(node)
            else:
                node = parent.add_leaf(label, data=item)
            self._binder_nodes[item.path] = node
        if self._active is not None:
            self.mark_active(self._active)

    def set_words(self, path: str, words: int) -> None:
        """The live count for one file (the editor's), folders re-summed."""
        if not any(item.path == path for item in self._items):
            return
        self._items = binder_items(
            [
                BinderItem(i.path, i.title, words if i.path == path else i.words, i.depth, False)
                if not i.is_folder
                else i
                for i in self._items
            ]
        )
        for item in self._items:
            node = self._binder_nodes.get(item.path)
            if node is not None:
                node.data = item
                node.set_label(self._label(item))

    @property
    def selected(self) -> BinderItem | None:
        """The row under the binder's cursor (None in an empty binder)."""
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else None

    def select_path(self, path: str | None) -> bool:
        """Put the cursor on ``path`` (True if it is in the binder)."""
        node = self._binder_nodes.get(path) if path else None
        if node is None:
            return False
        self.move_cursor(node)
        return True

    def mark_active(self, path: str | None) -> None:
        """Move the cursor to the open file (so the binder shows where the writer is)."""
        self._active = path
        node = self._binder_nodes.get(path) if path else None
        if node is not None:
            self.move_cursor(node)

    def _label(self, item: BinderItem) -> Text:
        indent = 2 * item.depth + (0 if item.is_folder else 2)
        cells = max(8, TITLE_CELLS - indent)
        title = _cut(visible(item.title), cells).ljust(cells)
        text = Text(title, style=Style(bold=item.is_folder))
        text.append(f" {item.words:>6,}", style=Style(dim=True))
        return text

    def on_tree_node_selected(self, event: Tree.NodeSelected[BinderItem]) -> None:
        event.stop()
        item = event.node.data
        if item is not None and not item.is_folder:
            self.post_message(self.FileChosen(item.path))
