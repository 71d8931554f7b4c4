"""doctor: every kind of bad state a hostile or unlucky folder can hold is a finding.

Each test plants one bad state on real files and asserts that ``diagnose`` names it
(severity "problem" unless harmless), never follows a link and never raises.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from writers_tui.ai.pricing import price
from writers_tui.paths import ProjectPaths
from writers_tui.storage import doctor as doctor_module
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.doctor import Finding, diagnose
from writers_tui.storage.lock import ProjectLock
from writers_tui.storage.models import LedgerRecord

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    (root / ".session").mkdir()
    return root


def problems(root: Path) -> list[Finding]:
    return [finding for finding in diagnose(root) if finding.severity == "problem"]


def text(findings: list[Finding]) -> str:
    return "\n".join(f"{f.check}: {f.message}" for f in findings)


def _record(**overrides: object) -> str:
    fields = LedgerRecord(
        provider="openai", model="gpt-4o", input_tokens=1, output_tokens=1,
        cost_source="user price", timestamp=datetime(2024, 11, 13, tzinfo=UTC),
    ).model_dump(mode="json")  # fmt: skip
    fields.update(overrides)
    return json.dumps(fields)


def _plant(root: Path, *lines: str) -> None:
    with open(ProjectPaths(root).ledger, "a") as handle:
        handle.writelines(line + "\n" for line in lines)


def test_a_healthy_project_has_no_problems(project: Path) -> None:
    CostTracker(project, price=price).log_operation("scene", "openai/gpt-4o", 10, 10)
    assert problems(project) == []


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (_record(cost=-1000), "cost: Input should be greater than or equal to 0"),
        (_record(cost=999999999999), "cost: Input should be less than or equal to"),
        (_record(input_tokens=10**12), "input_tokens"),
    ],
)
def test_bad_ledger_values_are_reported(project: Path, line: str, needle: str) -> None:
    _plant(project, _record(), line)
    found = text(problems(project))
    assert "1 line(s) skipped" in found and needle in found and "line 2" in found


def test_repeated_ids_are_reported(project: Path) -> None:
    _plant(project, _record(id="same"), _record(id="same"))
    assert "1 repeating an earlier id" in text(problems(project))


def test_ledger_problems_folded_into_costs_json_are_still_reported(project: Path) -> None:
    _plant(project, _record(cost=-5), _record())
    CostTracker(project)  # folds them in; doctor then reads only what came after
    _plant(project, _record())
    found = text(problems(project))
    assert "1 line(s) skipped" in found and "line 1: cost" in found
    assert "checked the 1 line(s) after costs.json's offset" in found


def test_a_summary_hiding_bad_lines_is_caught_by_the_sample(project: Path) -> None:
    _plant(project, _record(), _record(cost=-5))
    CostTracker(project)
    costs = ProjectPaths(project).costs
    doc = json.loads(costs.read_text())
    doc["ledger_skipped"] = 0
    costs.write_text(json.dumps(doc))
    assert "costs.json counts no bad lines" in text(problems(project))


@pytest.mark.parametrize(
    "where", [".session/costs.jsonl", ".session/current.json", "output/reports/scores.jsonl"]
)
def test_a_symlink_is_reported_and_never_followed(
    project: Path, tmp_path: Path, where: str
) -> None:
    fifo = tmp_path / "fifo"  # following it would hang doctor
    os.mkfifo(fifo)
    link = project / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "writers_tui", "doctor", str(project)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "symbolic links" in done.stdout and where in done.stdout
    assert "Traceback" not in done.stderr


def test_a_symlinked_session_folder_is_reported(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / ".session"
    other.mkdir(parents=True)
    (project / ".session").rmdir()
    (project / ".session").symlink_to(other)
    assert "symbolic links (never followed, never written through): .session" in text(
        problems(project)
    )


@pytest.mark.parametrize(
    "name", ["lock", "current.json", "costs.json", "preferences.json", "history.json"]
)
def test_deeply_nested_json_is_a_finding_not_a_crash(project: Path, name: str) -> None:
    (project / ".session" / name).write_bytes(DEEP)
    assert problems(project), name


def test_a_deeply_nested_journal_sidecar_is_a_finding(project: Path) -> None:
    recovery = ProjectPaths(project).recovery
    recovery.mkdir()
    (recovery / "a.md").write_text("text")
    (recovery / "a.json").write_bytes(DEEP)
    assert "a.json (not valid JSON)" in text(problems(project))


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.md", "manuscript/../../x"])
def test_journals_pointing_outside_the_project_are_reported(project: Path, target: str) -> None:
    recovery = ProjectPaths(project).recovery
    recovery.mkdir()
    (recovery / "j.md").write_text("planted")
    (recovery / "j.json").write_text(json.dumps({"schema_version": 1, "path": target}))
    found = text(problems(project))
    assert "points outside the project" in found and "unsaved text" not in found


def test_unreadable_files_are_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EACCES, injected: these tests run as root, for whom chmod 000 changes nothing."""
    secret = project / ".session" / "notes.json"
    secret.write_text("{}")
    real_open = os.open

    def denied(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == secret:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(doctor_module.os, "open", denied)
    assert ".session/notes.json (Permission denied)" in text(problems(project))


def test_a_lock_replaced_while_held_is_reported(project: Path) -> None:
    with ProjectLock(project):
        lock = ProjectPaths(project).lock
        replacement = lock.with_name("lock.synced")
        replacement.write_text(lock.read_text())
        os.replace(replacement, lock)  # what a sync tool does
        assert "was replaced while pid" in text(problems(project))


def test_leftover_temp_files_are_reported(project: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    name = f".costs.json.p{dead}-{'0' * 32}.tmp"
    (project / ".session" / name).write_text("{")
    findings = diagnose(project)
    assert any(f.check == "temp files" and name in f.message for f in findings)


def test_doctor_checks_the_ledger_from_the_summary_offset(project: Path) -> None:
    _plant(project, *(_record() for _ in range(50)))
    CostTracker(project)
    found = text(diagnose(project))
    assert "costs.jsonl: 50 records (checked the 0 line(s) after costs.json's offset" in found
    assert "50 of them re-validated" in found
