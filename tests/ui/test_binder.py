"""The binder shows the manuscript in binder order with words per file and folder."""

from __future__ import annotations

from textual.widgets import Tree

from tests.ui.conftest import Entry, WidgetHarness
from writers_tui.ui.widgets.binder import Binder, binder_items

ENTRIES = [
    Entry("manuscript/1 Arrival", "1 Arrival", 0, 0, True),
    Entry("manuscript/1 Arrival/1.1 Rain.md", "1.1 Rain", 812, 1),
    Entry("manuscript/1 Arrival/1.2 Letter.md", "1.2 Letter", 1328, 1),
    Entry("manuscript/2 Netherfield", "2 Netherfield", 0, 0, True),
    Entry("manuscript/2 Netherfield/2.1 Ball.md", "2.1 Ball", 4410, 1),
    Entry("manuscript/10 Epilogue.md", "10 Epilogue", 90, 0),
]


def test_folders_carry_the_sum_of_their_files() -> None:
    items = binder_items(ENTRIES)
    assert [(i.title, i.words) for i in items] == [
        ("1 Arrival", 2140),
        ("1.1 Rain", 812),
        ("1.2 Letter", 1328),
        ("2 Netherfield", 4410),
        ("2.1 Ball", 4410),
        ("10 Epilogue", 90),
    ]


async def test_tree_in_binder_order_and_choosing_a_file_posts_its_path() -> None:
    binder = Binder()
    chosen: list[str] = []

    class Harness(WidgetHarness):
        def on_binder_file_chosen(self, message: Binder.FileChosen) -> None:
            chosen.append(message.path)

    async with Harness(binder).run_test(size=(60, 20)) as pilot:
        binder.set_entries(ENTRIES)
        await pilot.pause()
        top = [node.data.title for node in binder.root.children if node.data]
        assert top == ["1 Arrival", "2 Netherfield", "10 Epilogue"]
        first = binder.root.children[0]
        assert [c.data.title for c in first.children if c.data] == ["1.1 Rain", "1.2 Letter"]
        assert "2,140" in str(first.label)
        binder.mark_active("manuscript/1 Arrival/1.2 Letter.md")
        binder.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert chosen == ["manuscript/1 Arrival/1.2 Letter.md"]
        # Enter on a folder toggles it and chooses nothing.
        binder.move_cursor(first)
        await pilot.press("enter")
        await pilot.pause()
        assert chosen == ["manuscript/1 Arrival/1.2 Letter.md"]


async def test_live_word_count_updates_the_file_and_its_folder() -> None:
    binder = Binder()
    async with WidgetHarness(binder).run_test(size=(60, 20)) as pilot:
        binder.set_entries(ENTRIES)
        binder.set_words("manuscript/1 Arrival/1.1 Rain.md", 900)
        await pilot.pause()
        words = {item.title: item.words for item in binder.items}
        assert words["1.1 Rain"] == 900
        assert words["1 Arrival"] == 2228
        assert isinstance(binder, Tree)
