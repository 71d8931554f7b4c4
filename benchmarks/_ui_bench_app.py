"""The small Textual apps the tmux benchmarks run (one process per measurement).

    python benchmarks/_ui_bench_app.py --widget bare|textarea|prose [--file F] [--log L]

``bare`` is a Textual app with one label; ``textarea`` a stock TextArea; ``prose`` the
writers-tui ProseEditor. The editor gets focus with the cursor in the middle of the
document (the writer is mid-manuscript, the visible rows are far from both ends) and
``cursor_blink = False`` (``--top`` leaves the cursor at the top, for startup), so the
only output after a key is that key's frame.

With ``--log``, the app appends one line per edit: ``seq t_edit t_frame``, both from
``time.monotonic()`` (CLOCK_MONOTONIC, shared by every process on the machine):
``t_edit`` when the TextArea started the edit, ``t_frame`` when the next frame after it
was handed to Textual's driver (the writer thread puts it on the pty microseconds later).
``WRITERS_BENCH_STALL_LOG`` adds the event-loop stall monitor of ``_instrument.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Label  # noqa: E402

from benchmarks._instrument import install  # noqa: E402


class BenchApp(App[None]):
    def __init__(
        self, widget: str, text: str, log: Path | None, language: str | None, top: bool = False
    ) -> None:
        super().__init__()
        self.widget = widget
        self.text = text
        self.language = language
        self.top = top
        self.edit_log = log.open("a", buffering=1) if log else None
        self.pending: list[tuple[int, float]] = []
        self.seq = 0

    def compose(self) -> ComposeResult:
        if self.widget == "bare":
            yield Label("bare app ready")
            return
        # Imported here so that the bare app imports only what a bare app needs.
        from textual.widgets import TextArea

        editor: TextArea
        if self.widget == "prose":
            from writers_tui.ui.widgets.editor import ProseEditor

            editor = ProseEditor(self.text, language=self.language, id="editor")
        else:
            editor = TextArea(self.text, language=self.language, soft_wrap=True, id="editor")
        yield editor

    def on_mount(self) -> None:
        if self.widget == "bare":
            return
        from textual.widgets import TextArea

        editor = self.query_one("#editor", TextArea)
        editor.cursor_blink = False
        editor.focus()
        if not self.top:
            editor.move_cursor((editor.document.line_count // 2, 0), center=True)
        if self.edit_log is not None:
            self._instrument(editor)

    def _instrument(self, editor: Any) -> None:
        stock_edit = editor.edit

        def edit(edit: Any) -> Any:
            self.seq += 1
            self.pending.append((self.seq, time.monotonic()))
            return stock_edit(edit)

        editor.edit = edit  # type: ignore[method-assign]
        driver = self._driver
        assert driver is not None
        stock_write = driver.write

        def write(data: str) -> None:
            stock_write(data)
            if self.pending and self.edit_log is not None:
                now = time.monotonic()
                for seq, started in self.pending:
                    self.edit_log.write(f"{seq} {started:.6f} {now:.6f}\n")
                self.pending.clear()

        driver.write = write  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--widget", choices=["bare", "textarea", "prose"], required=True)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--language")
    parser.add_argument("--top", action="store_true", help="leave the cursor at the top")
    args = parser.parse_args()
    install()  # benchmark instruments asked for by WRITERS_BENCH_* variables (none: no-op)
    text = args.file.read_text(encoding="utf-8") if args.file else ""
    BenchApp(args.widget, text, args.log, args.language, args.top).run()


if __name__ == "__main__":
    main()
