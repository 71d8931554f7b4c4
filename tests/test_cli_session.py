"""CLI: session show / session history / doctor / the bare command, good and bad input."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from writers_tui.cli import main
from writers_tui.storage.session import SessionManager


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    return root


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _state(project: Path) -> dict:
    code, out, _ = _run("session", "show", str(project), "--json")
    assert code == 0
    return json.loads(out)


def test_session_show_through_the_lifecycle(project: Path) -> None:
    assert _state(project)["state"] == "none"
    manager = SessionManager(project)
    manager.open()
    assert manager.session is not None
    manager.session.set_stage("writing")
    manager.session.save_sync()
    shown = _state(project)
    assert shown["state"] == "open"
    assert shown["holder"]["pid"] == os.getpid()
    assert shown["session"]["current_state"]["stage"] == "writing"
    manager.close(total_cost=Decimal("0.5"))
    assert _state(project)["state"] == "closed"

    code, out, _ = _run("session", "history", str(project), "--json")
    assert code == 0
    (entry,) = json.loads(out)["sessions"]
    assert entry["total_cost"] == 0.5 and entry["interrupted"] is False
    code, out, _ = _run("session", "history", str(project))
    assert code == 0 and "closed" in out
    code, out, _ = _run("session", "show", str(project))
    assert code == 0 and "writing" in out


def test_session_show_reports_interrupted_after_kill_9(project: Path) -> None:
    script = (
        "import sys,time;from pathlib import Path;"
        "from writers_tui.storage.session import SessionManager;"
        "m=SessionManager(Path(sys.argv[1]));m.open();print('up',flush=True);time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(project)], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().strip() == b"up"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _state(project)["state"] == "interrupted"


def test_session_show_does_not_move_a_corrupt_file(project: Path) -> None:
    (project / ".session").mkdir()
    current = project / ".session" / "current.json"
    current.write_text("{ not json")
    shown = _state(project)
    assert shown["state"] == "none" and shown["warnings"]
    assert current.read_text() == "{ not json"


@pytest.mark.parametrize("command", [["session", "show"], ["session", "history"], ["doctor"]])
def test_bad_project_is_exit_2_with_one_line(tmp_path: Path, command: list[str]) -> None:
    code, out, err = _run(*command, str(tmp_path / "missing"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no such folder" in err
    code, _, err = _run(*command, str(tmp_path))
    assert code == 2 and "not a writers-tui project" in err
    assert not (tmp_path / ".session").exists()


def test_doctor_healthy_then_problems(project: Path) -> None:
    manager = SessionManager(project)
    manager.open()
    manager.close()
    code, out, _ = _run("doctor", str(project), "--json")
    report = json.loads(out)
    assert code == 0 and report["healthy"], report
    (project / ".session" / "preferences.json").write_text('{"autosave_interval": -1}')
    (project / ".session" / "costs.jsonl").write_text('{"torn": \n{"id": 1}\n')
    code, out, _ = _run("doctor", str(project))
    assert code == 1
    assert "preferences" in out and "2 line(s) skipped" in out
    assert (project / ".session" / "preferences.json").exists(), "doctor never moves files"


def test_bare_command_without_a_terminal_points_to_the_headless_commands(
    project: Path,
) -> None:
    code, out, _ = _run(str(project))  # CliRunner's stdin/stdout are not a terminal
    assert code == 0
    assert "needs a terminal" in out and "session show" in out
    assert not (project / ".session" / "lock").exists(), "nothing was opened"


def test_python_dash_m_works(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "writers_tui", "session", "show", str(project), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "none"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["session", "show", "--jsn"], "No such option '--jsn'"),
        (["costs", "--period", "year"], "Invalid value for '--period'"),
        (["analyze"], "no PATH given"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], needle: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "writers_tui", *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and needle in done.stderr


def test_project_before_a_command_is_refused_not_ignored(project: Path) -> None:
    code, out, err = _run(str(project), "costs", "--json")
    assert code == 2 and out == ""
    assert f"writers-tui costs {project}" in err


@pytest.mark.parametrize(
    "command", [["session", "show"], ["session", "history"], ["costs"], ["costs", "--json"]]
)
def test_a_session_that_is_a_file_is_one_line_exit_2(project: Path, command: list[str]) -> None:
    (project / ".session").mkdir(exist_ok=True)
    shutil.rmtree(project / ".session")
    (project / ".session").write_text("not a folder\n")
    code, _out, err = _run(*command, str(project))
    assert code == 2 and "not a folder" in err and len(err.strip().splitlines()) == 1
    assert (project / ".session").read_text() == "not a folder\n"


def test_doctor_reports_a_session_that_is_a_file(project: Path) -> None:
    (project / ".session").mkdir(exist_ok=True)
    shutil.rmtree(project / ".session")
    (project / ".session").write_text("not a folder\n")
    code, out, _ = _run("doctor", str(project))
    assert code == 1 and ".session is not a folder" in out
