"""The story bible and the plan as a tree: ``reference/`` and ``planning/``, by folder.

It takes binder-shaped entries (path, title, words, depth, is_folder, in listing order:
a folder before what is in it) so it can be fed plain data, and says which file the
writer chose with :class:`BibleTree.FileChosen`. Folders start expanded: a bible is a few
dozen files, and seeing them all is the point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from writers_tui.ui.ports import BinderEntryLike
from writers_tui.ui.textsafe import visible


@dataclass(frozen=True)
class BibleNode:
    """What a tree node stands for."""

    path: str
    is_folder: bool


class BibleTree(Tree[BibleNode]):
    """Files of the bible by folder; enter opens a file."""

    DEFAULT_CSS = """
    BibleTree { width: 32; height: 1fr; border: round $panel; background: $surface; }
    BibleTree:focus-within { border: round $primary; }
    """

    @dataclass
    class FileChosen(Message):
        path: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Bible", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.border_title = "Bible & plan"
        self._by_path: dict[str, TreeNode[BibleNode]] = {}

    def set_entries(self, entries: Sequence[BinderEntryLike]) -> None:
        """Rebuild the tree from a listing (depth 0 is ``reference``/``planning``)."""
        self.clear()
        self._by_path = {}
        parents: list[TreeNode[BibleNode]] = [self.root]
        for entry in entries:
            depth = max(0, min(entry.depth, len(parents) - 1))
            del parents[depth + 1 :]
            parent = parents[depth]
            data = BibleNode(entry.path, entry.is_folder)
            if entry.is_folder:
                node = parent.add(Text(visible(f"{entry.title}/")), data=data, expand=True)
                parents.append(node)
            else:
                words = f"  {entry.words:,}" if entry.words else ""
                node = parent.add_leaf(Text(visible(f"{entry.title}{words}")), data=data)
            self._by_path[entry.path] = node

    def files(self) -> list[str]:
        """The files shown, in order."""
        return [
            path for path, node in self._by_path.items() if node.data and not node.data.is_folder
        ]

    def mark(self, path: str | None) -> None:
        """Move the tree's cursor to ``path`` (when it is shown)."""
        node = self._by_path.get(path) if path is not None else None
        if node is not None:
            self.move_cursor(node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[BibleNode]) -> None:
        event.stop()
        data = event.node.data
        if data is not None and not data.is_folder:
            self.post_message(self.FileChosen(data.path))
