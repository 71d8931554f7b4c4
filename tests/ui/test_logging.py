"""Logs are JSON lines in the project's .session/logs/, one file per session, never on the
terminal and never written through a link planted in the project."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from writers_tui.observability.logging import (
    configure_logging,
    get_logger,
    session_log_path,
    shutdown_logging,
    user_log_dir,
)


@pytest.fixture(autouse=True)
def _stop_logging() -> Iterator[None]:
    yield
    shutdown_logging()


def test_json_lines_in_the_session_logs_folder(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = session_log_path(project)
    assert path.parent == project / ".session" / "logs"
    used = configure_logging(path, debug=False)
    log = get_logger("tests")
    log.info("hello", words=3)
    log.debug("hidden")
    shutdown_logging()
    lines = [json.loads(line) for line in used.read_text().splitlines()]
    assert [(r["event"], r["level"], r["words"]) for r in lines] == [("hello", "info", 3)]
    assert "timestamp" in lines[0]
    assert oct(used.stat().st_mode & 0o777) == "0o600"
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_debug_logs_verbose(project: Path) -> None:
    used = configure_logging(session_log_path(project), debug=True)
    get_logger("tests").debug("detail")
    shutdown_logging()
    assert '"detail"' in used.read_text()


def test_read_only_logs_to_the_user_folder(project: Path) -> None:
    path = session_log_path(project, read_only=True)
    assert path.parent == user_log_dir()
    assert path.name.startswith("novel-")


def test_a_planted_link_is_not_followed(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".session").mkdir(exist_ok=True)
    os.symlink(elsewhere, project / ".session" / "logs")
    used = configure_logging(session_log_path(project))
    get_logger("tests").info("safe")
    shutdown_logging()
    assert used.parent == user_log_dir()
    assert list(elsewhere.iterdir()) == []
    assert '"safe"' in used.read_text()


def test_plain_logging_records_become_json_lines_too(project: Path) -> None:
    import logging

    used = configure_logging(session_log_path(project))
    try:
        raise ValueError("disk on fire")
    except ValueError:
        logging.getLogger("writers_tui.workspace").exception("save of %s failed", "1.1.md")
    shutdown_logging()
    (record,) = [json.loads(line) for line in used.read_text().splitlines()]
    assert record["event"] == "save of 1.1.md failed"
    assert record["logger"] == "writers_tui.workspace"
    assert record["level"] == "error"
    assert "ValueError: disk on fire" in record["exception"]
