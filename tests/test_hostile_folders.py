"""Fuzz: hostile project folders (issue 7). A project folder is untrusted input, so for
any mix of planted links (to files and folders outside, loops, dangling), ``..`` and
absolute paths in state files, JSON nested 100,000 deep and absurd numbers:

- no file outside the project changes (a sentinel tree beside it is hashed before/after);
- no command prints a traceback (each ends with its own one-line message and exit code).

The real commands run on real files: ``session show``, ``doctor``, ``costs add`` and
``analyze --report`` through click's runner, and a real Workspace opened and closed.
Bounded to roughly 30 seconds; marked slow (CI still runs it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import tempfile
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writers_tui.cli import main
from writers_tui.project import new_project
from writers_tui.workspace import Workspace

pytestmark = pytest.mark.slow

#: Where a hostile folder may plant something: files and folders the app reads or writes.
SLOTS = [
    ".session",
    ".session/lock",
    ".session/current.json",
    ".session/current.json.bak",
    ".session/history.json",
    ".session/preferences.json",
    ".session/costs.json",
    ".session/costs.jsonl",
    ".session/recovery",
    ".session/recovery/manuscript%2Fch.md.1.json",
    "output",
    "output/reports",
    "output/reports/scores.jsonl",
    "manuscript/linked.md",
    "manuscript/linked-dir",
]

DEEP = "[" * 100_000 + "]" * 100_000
HOSTILE_PATHS = ["../outside/victim.txt", "/etc/passwd", "linked-dir/victim.txt", "", ".."]

KINDS = st.sampled_from(
    [
        "link-file",  # a link to a file outside
        "link-dir",  # a link to a folder outside
        "loop",  # a link to itself
        "dangling",  # a link to a name outside that does not exist yet
        "deep",  # JSON nested 100,000 deep
        "numbers",  # absurd numbers
        "paths",  # a state file full of hostile paths
        "garbage",
    ]
)


def _plant(root: Path, outside: Path, slot: str, kind: str) -> None:
    target = root / slot
    for ancestor in list(target.relative_to(root).parents)[:-1]:
        folder = root / ancestor
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return  # an earlier plant replaced a folder above: never plant through it
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        return  # keep an existing real folder (it may hold other plants)
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "link-file":
        target.symlink_to(outside / "victim.txt")
    elif kind == "link-dir":
        target.symlink_to(outside, target_is_directory=True)
    elif kind == "loop":
        target.symlink_to(target.name)
    elif kind == "dangling":
        target.symlink_to(outside / "created-by-us")
    elif kind == "deep":
        target.write_text(DEEP)
    elif kind == "numbers":
        target.write_text(
            '{"schema_version": 1e400, "pid": -1, "cost": 999999999999, '
            '"input_tokens": 1e308, "total": -875, "started_at": 9}\n'
        )
    elif kind == "paths":
        files = [{"path": p, "cursor_line": 0, "cursor_col": 0} for p in HOSTILE_PATHS]
        target.write_text(
            json.dumps(
                {
                    "schema_version": 1,
                    "path": HOSTILE_PATHS[0],
                    "open_files": files,
                    "active_file": "/etc/passwd",
                    "current_state": {"breadcrumb": ["../../../etc"]},
                }
            )
        )
    else:
        target.write_bytes(b"\xff\x00{")


def _tree_hash(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


def _no_traceback(result: object, what: str) -> None:
    exception = getattr(result, "exception", None)
    output = getattr(result, "output", "")
    if exception is not None and not isinstance(exception, SystemExit):
        trace = "".join(traceback.format_exception(exception))
        raise AssertionError(f"{what} raised:\n{trace}")
    assert "Traceback" not in output, f"{what} printed a traceback:\n{output}"


async def _open_and_close(root: Path) -> None:
    try:
        workspace = await Workspace.open(root)
    except (OSError, RuntimeError, ValueError):
        return  # refused with a clear error (UnsafePath, ProjectHeld, NotAProject …)
    with contextlib.suppress(OSError):
        if workspace.recovery is not None:
            await workspace.continue_session()
        for entry in workspace.session_data.open_files:  # what the UI would reopen
            with contextlib.suppress(ValueError, OSError):
                await workspace.open_file(entry.path)
    try:
        await workspace.close()
    except OSError:
        await workspace.abandon()


COMMANDS = [
    ["session", "show"],
    ["doctor"],
    ["costs", "add", "--model", "ollama/llama3.2", "--input-tokens", "10", "--output-tokens", "5"],
    ["analyze", "--report"],
]


@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(SLOTS), KINDS), min_size=1, max_size=5))
def test_a_hostile_folder_never_changes_anything_outside_and_never_crashes(
    plants: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        outside = base / "outside"
        outside.mkdir()
        (outside / "victim.txt").write_text("export PS1='$ '\n")
        (outside / "nested").mkdir()
        (outside / "nested" / "keep.md").write_text("someone else's\n")
        root = base / "novel"
        new_project(root, title="Hostile")
        (root / "manuscript" / "ch.md").write_text("Some words here.\n")
        for slot, kind in plants:
            _plant(root, outside, slot, kind)
        before = _tree_hash(outside)
        runner = CliRunner()
        for command in COMMANDS:
            args = [*command[:2], str(root), *command[2:]]
            if command[0] == "analyze":
                args = ["analyze", str(root), "--report"]
            elif command[0] == "doctor":
                args = ["doctor", str(root)]
            result = runner.invoke(main, args, catch_exceptions=True)
            _no_traceback(result, " ".join(command))
        asyncio.run(_open_and_close(root))
        assert _tree_hash(outside) == before, f"plants {plants} changed a file outside"


def test_a_linked_ledger_with_an_interrupted_session_closes_cleanly(tmp_path: Path) -> None:
    """Found by the fuzzer: continuing a session whose ledger is a link failed half-way
    (the session taken, its saver never made), and close() then tripped an assertion."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = new_project(tmp_path / "novel", title="Hostile")
    _plant(root, outside, ".session/current.json", "paths")
    _plant(root, outside, ".session/costs.jsonl", "link-file")
    before = _tree_hash(outside)
    asyncio.run(_open_and_close(root))
    assert _tree_hash(outside) == before
