"""End to end in a real terminal: tmux runs ``writers-tui PROJECT``; keys go in with
``send-keys``, the screen comes back with ``capture-pane``.

The writer's promise, checked the hard way: type into a scene, ``kill -9`` the app, find
the words on disk and a recovery dialog on the next start; quit cleanly and come back to
the same file and cursor with no dialog.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from writers_tui.project import new_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SCENE = "manuscript/1 Chapter One/1.1 Opening.md"
APP = [sys.executable, "-m", "writers_tui"]


class Terminal:
    """One tmux server of our own (its own socket), so nothing else on the machine
    interferes and the app inherits this test's hermetic environment.

    A second, idle session keeps the server alive between the app's runs, so tmux itself
    reaps the killed app: with no server left, the dead process would be re-parented to
    this machine's init, and where that never reaps, a zombie with the old pid would look
    like a live holder of the project's lock.
    """

    def __init__(self, socket: Path) -> None:
        self.socket = socket
        self.pids: list[int] = []

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def start(self, *command: str) -> None:
        if not self.pids:
            self.tmux("new-session", "-d", "-x", "120", "-y", "36", "-s", "keeper", "sleep 3600")
        self.tmux("new-session", "-d", "-x", "120", "-y", "36", "-s", "e2e", *command)
        self.pids.append(self.pid())

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").strip())

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        return until(lambda: text in self.screen(), timeout, f"{text!r} on screen", self.screen)

    def alive(self) -> bool:
        try:
            self.tmux("has-session", "-t", "e2e")
        except subprocess.CalledProcessError:
            return False
        return True


def until(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    show: Callable[[], str] = lambda: "",
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return show()
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{show()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "tmux.sock")
    yield term
    subprocess.run(["tmux", "-S", str(term.socket), "kill-server"], capture_output=True)
    for pid in term.pids:  # an app a failed test left running: stop it (it saves first)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue


def _session(project: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (project / ".session" / "current.json").read_text(encoding="utf-8")
    )
    return data


def test_type_kill_recover_quit_reopen(terminal: Terminal, tmp_path: Path) -> None:
    project = new_project(tmp_path / "novel", title="E2E")
    scene = project / SCENE
    env_cwd = ["env", f"PYTHONPATH={Path(__file__).resolve().parent.parent}", *APP]

    terminal.start(*env_cwd, str(project))
    terminal.wait_for("Writing")  # a new project opens in the Writing stage
    terminal.keys("F2")
    until(lambda: "1.1 Opening" in terminal.screen(), 15, "the first scene open", terminal.screen)
    terminal.keys("The rain came at last. ")
    until(
        lambda: "The rain came at last." in scene.read_text(encoding="utf-8"),
        10,
        "the typed words on disk",
    )

    os.kill(terminal.pid(), signal.SIGKILL)
    until(lambda: not terminal.alive(), 10, "the killed app's pane to close")
    assert "The rain came at last." in scene.read_text(encoding="utf-8")

    terminal.start(*env_cwd, str(project))
    terminal.wait_for("did not end cleanly")
    terminal.keys("c")  # Continue
    # The Writing stage, not the dialog (which also names the file): its words line.
    until(
        lambda: "this file" in (shown := terminal.screen()) and "did not end cleanly" not in shown,
        15,
        "the Writing stage after Continue",
        terminal.screen,
    )
    # One key at a time, as a writer types: in one burst, Textual 8.2.8 may handle the
    # escape sequence of End after the letters that follow it.
    terminal.keys("End")
    time.sleep(0.3)
    terminal.keys(" More.")
    until(
        lambda: "More." in scene.read_text(encoding="utf-8"),
        10,
        "the second edit on disk",
        terminal.screen,
    )

    terminal.keys("C-q")
    until(lambda: not terminal.alive(), 15, "a clean quit")
    assert _session(project)["ended_at"] is not None
    assert (project / ".session" / "lock").read_text() == ""  # released cleanly

    terminal.start(*env_cwd, str(project))
    screen = terminal.wait_for("1.1 Opening")
    assert "did not end cleanly" not in screen
    terminal.keys("Z")  # lands where the cursor was left: right after "More."
    until(
        lambda: "More.Z" in scene.read_text(encoding="utf-8"),
        10,
        "the cursor restored",
        lambda: scene.read_text(encoding="utf-8") + terminal.screen(),
    )
    terminal.keys("C-q")
    until(lambda: not terminal.alive(), 15, "a clean quit")


def test_ai_continue_accept_then_a_kill_mid_stream_is_billed(
    terminal: Terminal, tmp_path: Path
) -> None:
    """ctrl+g streams a continuation beside the text, alt+a puts it in the scene (on disk
    a second later); a second call killed mid-stream is on the ledger at its estimate
    once the project is opened again."""
    from tests.ai.ai_loopback import KEY, Reply, openai_events, serving
    from writers_tui.paths import user_config_file

    project = new_project(tmp_path / "novel", title="E2E")
    scene = project / SCENE
    with serving() as server:
        config = user_config_file()
        config.parent.mkdir(parents=True, exist_ok=True)
        base = server.url + "/v1"
        config.write_text(json.dumps({"providers": {"openai": {"base_url": base}}}))
        server.reply(
            Reply(events=openai_events(["The rain ", "did not ", "stop."])),
            Reply(events=openai_events(["It ", "went ", "on."]), pause_after=2),
        )
        command = [
            "env",
            f"PYTHONPATH={Path(__file__).resolve().parent.parent}",
            f"OPENAI_API_KEY={KEY}",
            *APP,
            str(project),
        ]
        terminal.start(*command)
        terminal.wait_for("1.1 Opening")
        terminal.keys("End")
        time.sleep(0.3)
        terminal.keys("C-g")
        terminal.wait_for("did not stop.")
        terminal.wait_for("Done")
        terminal.keys("M-a")
        until(
            lambda: "The rain did not stop." in scene.read_text(encoding="utf-8"),
            10,
            "the accepted suggestion on disk",
            terminal.screen,
        )
        terminal.keys("C-g")
        until(lambda: server.paused.is_set(), 10, "the second stream to start", terminal.screen)
        terminal.wait_for("streaming")
        assert KEY not in terminal.screen()
        os.kill(terminal.pid(), signal.SIGKILL)
        until(lambda: not terminal.alive(), 10, "the killed app's pane to close")
        server.release.set()

    lines = (project / ".session" / "costs.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["ok"]  # the kill lost one
    terminal.start(*command)
    terminal.wait_for("did not end cleanly")
    terminal.keys("c")
    terminal.wait_for("had not finished")  # the notice: the cut call is on record
    records = [
        json.loads(line) for line in (project / ".session" / "costs.jsonl").read_text().splitlines()
    ]
    assert [(r["status"], r["usage_source"]) for r in records] == [
        ("ok", "provider"),
        ("error", "estimated"),
    ]
    terminal.keys("C-q")
    until(lambda: not terminal.alive(), 15, "a clean quit")
