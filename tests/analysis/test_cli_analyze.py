"""``writers-tui analyze``: files and projects, human and JSON output, reports, scores log,
cache, and the bad-input contract (one line on stderr, exit 2, nothing written)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from writers_tui.cli_analyze import analyze

SCENE_ONE = (
    "---\ntitle: Opening\n---\n# One\n\n"
    'Anna walked in. "Hello," she said. She felt very tired.\n\n* * *\n\n'
    "Suddenly the air seemed colder.\n"
)
SCENE_TWO = "Mara waited. Anna did not come. The train was late, like a dog.\n"
#: long enough to be scored (a score needs 100 words of prose)
SCENE_LONG = "Suddenly the rain came down on the station roof. " + "".join(
    f"Anna counted the {n} train, and wrote its number in her little book. "
    for n in ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "last")
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript" / "part 1").mkdir(parents=True)
    (root / "manuscript" / "part 1" / "01 arrival.md").write_text(SCENE_ONE, encoding="utf-8")
    (root / "manuscript" / "part 1" / "02 waiting.md").write_text(SCENE_TWO, encoding="utf-8")
    (root / "reference" / "characters").mkdir(parents=True)
    (root / "reference" / "characters" / "anna.md").write_text(
        "---\nname: Anna Kell\naliases: [Anna]\n---\n", encoding="utf-8"
    )
    (root / "reference" / "style").mkdir()
    (root / "reference" / "style" / "filter_words.txt").write_text("waited\n", encoding="utf-8")
    (root / "reference" / "style" / "intensifiers.txt").write_text("!very\n", encoding="utf-8")
    return root


def run(*args: str):
    return CliRunner().invoke(analyze, list(args))


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_project_json(project: Path) -> None:
    result = run(str(project), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema_version"] == 1
    (m,) = data["manuscripts"]
    assert m["project"] == str(project)
    assert [f["path"] for f in m["files"]] == [
        "manuscript/part 1/01 arrival.md",
        "manuscript/part 1/02 waiting.md",
    ]
    first, second = m["files"]
    assert (first["words"], first["sentences"], first["dialogue_words"]) == (15, 4, 1)
    assert first["chapter"] == "part 1"
    assert [s["words"] for s in first["scenes"]] == [10, 5]
    # project lists: "very" removed from intensifiers, "waited" added to filter words
    assert first["flag_counts"] == {"anti_pattern": 2, "filter_word": 2}
    assert second["flag_counts"] == {"filter_word": 1, "simile": 1}
    assert m["totals"]["words"] == 28
    (anna,) = m["characters"]
    assert (anna["name"], anna["mentions"]) == ("Anna Kell", 2)
    assert anna["first"] == {"path": "manuscript/part 1/01 arrival.md", "line": 6}
    assert m["target_reading_ease"] == 65.0
    assert set(first["score"]) == {"total", "grade", "subscores", "withheld"}
    assert first["score"]["total"] is None  # 15 words: too few to grade
    assert "at least 100 words" in first["score"]["withheld"]
    assert m["cache"] == {"reused": 0, "analysed": 2}


def test_human_summary_scores_log_and_cache(project: Path) -> None:
    (project / "manuscript" / "part 1" / "03 long.md").write_text(SCENE_LONG, encoding="utf-8")
    result = run(str(project))
    assert result.exit_code == 0, result.output
    assert "01 arrival.md" in result.output
    assert "Anna Kell: 11 mention(s)" in result.output
    log = project / "output" / "reports" / "scores.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    # only scored files are logged: the two short scenes are too short to grade
    assert [line["path"] for line in lines] == ["manuscript/part 1/03 long.md"]
    assert lines[0]["time"].endswith("Z")
    assert set(lines[0]["subscores"]) >= {"anti_patterns", "readability"}
    assert len(list((project / ".session" / "cache" / "analysis").iterdir())) == 3
    # second run: from the cache, and one more line per scored file in the log
    again = run(str(project), "--json")
    assert json.loads(again.output)["manuscripts"][0]["cache"] == {"reused": 3, "analysed": 0}
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2


def test_report_is_written(project: Path) -> None:
    (project / "manuscript" / "part 1" / "03 long.md").write_text(SCENE_LONG, encoding="utf-8")
    result = run(str(project), "--report")
    assert result.exit_code == 0, result.output
    report = project / "output" / "reports" / f"analysis-{date.today().isoformat()}.md"
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Manuscript analysis")
    assert "| manuscript/part 1/01 arrival.md | 15 |" in text
    assert "Anti-pattern “Suddenly”" in text
    assert f"Report written to {report}" in result.output.replace("\n", "")


def test_reading_target_comes_from_preferences(project: Path) -> None:
    (project / ".session").mkdir()
    prefs = project / ".session" / "preferences.json"
    prefs.write_text(json.dumps({"analysis": {"target_reading_ease": 80}}), encoding="utf-8")
    data = json.loads(run(str(project), "--json").output)
    assert data["manuscripts"][0]["target_reading_ease"] == 80.0
    prefs.write_text("{broken", encoding="utf-8")
    data = json.loads(run(str(project), "--json").output)
    assert data["manuscripts"][0]["target_reading_ease"] == 65.0


def test_single_file_inside_and_outside_a_project(project: Path, tmp_path: Path) -> None:
    inside = project / "manuscript" / "part 1" / "02 waiting.md"
    data = json.loads(run(str(inside), "--json").output)
    assert data["manuscripts"][0]["project"] == str(project)
    assert data["manuscripts"][0]["files"][0]["flag_counts"]["filter_word"] == 1
    loose = tmp_path / "loose.md"
    loose.write_text(SCENE_TWO, encoding="utf-8")
    before = files_under(tmp_path) - files_under(project)
    result = run(str(loose), "--json")
    assert result.exit_code == 0
    (m,) = json.loads(result.output)["manuscripts"]
    assert m["project"] is None
    assert m["files"][0]["words"] == 13
    # no project: default lists, no scores log, no cache
    assert m["files"][0]["flag_counts"] == {"simile": 1}
    assert files_under(tmp_path) - files_under(project) == before


def test_folder_inside_a_project(project: Path) -> None:
    result = run(str(project / "manuscript" / "part 1"), "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.output)["manuscripts"][0]["files"]) == 2


def test_a_binary_file_is_refused_when_named_and_skipped_in_a_folder(project: Path) -> None:
    # issue 9 item 2: /bin/ls renamed to .md got 22,918 words and an A-
    garbage = project / "manuscript" / "zz garbage.md"
    garbage.write_bytes(
        Path("/bin/ls").read_bytes() if Path("/bin/ls").exists() else bytes(range(256)) * 40
    )
    before = files_under(project)
    result = run(str(garbage), "--json")
    assert result.exit_code == 2
    assert "binary file, not text" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert files_under(project) == before
    result = run(str(project), "--json")
    assert result.exit_code == 0, result.output
    (m,) = json.loads(result.stdout)["manuscripts"]
    assert "manuscript/zz garbage.md" not in [f["path"] for f in m["files"]]
    assert m["skipped"] == [
        {
            "path": "manuscript/zz garbage.md",
            "reason": "binary file, not text (it contains NUL bytes)",
        }
    ]
    assert "skipped manuscript/zz garbage.md" in result.stderr


def test_empty_project_is_fine(tmp_path: Path) -> None:
    (tmp_path / "empty" / "manuscript").mkdir(parents=True)
    result = run(str(tmp_path / "empty"))
    assert result.exit_code == 0
    assert "0 words" in result.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing.md", "no such file or folder"),
        (lambda root: root / "reference" / "style" / "filter_words.txt", "not a Markdown file"),
        (lambda root: root.parent, "not a project"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(project: Path, make, message) -> None:
    before = files_under(project.parent)
    result = run(str(project), str(make(project)), "--report")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert files_under(project.parent) == before


def test_no_paths_is_bad_input() -> None:
    result = run()
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr


def test_unreadable_file_is_bad_input(project: Path, monkeypatch) -> None:
    # chmod 000 does not stop root (the CI user), so simulate the denial itself
    from writers_tui.analysis import runner

    target = project / "manuscript" / "part 1" / "01 arrival.md"
    monkeypatch.setattr(runner.os, "access", lambda path, mode: Path(path) != target)
    result = run(str(target))
    assert result.exit_code == 2
    assert f"cannot read {target}: permission denied" in result.stderr


def test_file_that_fails_to_read_is_bad_input(project: Path, monkeypatch) -> None:
    target = project / "manuscript" / "part 1" / "02 waiting.md"
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self == target:
            raise OSError(5, "Input/output error")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    before = files_under(project)
    result = run(str(project))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "Input/output error" in result.stderr
    assert files_under(project) == before


def test_only_the_changed_scene_is_reanalysed(project: Path) -> None:
    assert run(str(project)).exit_code == 0
    scene = project / "manuscript" / "part 1" / "02 waiting.md"
    scene.write_text(SCENE_TWO + "\nShe left at last.\n", encoding="utf-8")
    data = json.loads(run(str(project), "--json").output)
    assert data["manuscripts"][0]["cache"] == {"reused": 1, "analysed": 1}
    assert data["manuscripts"][0]["files"][1]["words"] == 17
    # a corrupt cache file is ignored and rewritten, never an error
    for cached in (project / ".session" / "cache" / "analysis").iterdir():
        cached.write_text("{garbage", encoding="utf-8")
    result = run(str(project), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["manuscripts"][0]["cache"]["analysed"] == 2


def test_paths_are_normalised_and_each_file_analysed_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = run(".", "manuscript/part 1/../part 1/01 arrival.md", "--json")
    assert result.exit_code == 0, result.output
    (m,) = json.loads(result.output)["manuscripts"]
    assert m["project"] == str(project)
    assert [f["path"] for f in m["files"]] == [
        "manuscript/part 1/01 arrival.md",
        "manuscript/part 1/02 waiting.md",
    ]
    assert m["totals"]["words"] == 28
    # a project named through ".." is the project, not ".../part 1/../.."
    monkeypatch.chdir(project / "manuscript" / "part 1")
    (m,) = json.loads(run("../..", "--json").output)["manuscripts"]
    assert m["project"] == str(project)
    assert len(m["files"]) == 2


def test_a_folder_run_leaves_out_conflict_copies_like_the_project_run(project: Path) -> None:
    folder = project / "manuscript" / "part 1"
    (folder / "01 arrival.conflict-20260101T120000.md").write_text(SCENE_ONE, encoding="utf-8")
    (folder / ".hidden.md").write_text(SCENE_ONE, encoding="utf-8")
    for target in (folder, project):
        (m,) = json.loads(run(str(target), "--json").output)["manuscripts"]
        assert [f["path"] for f in m["files"]] == [
            "manuscript/part 1/01 arrival.md",
            "manuscript/part 1/02 waiting.md",
        ]


def test_identical_files_in_a_first_run_are_not_reported_as_cached(project: Path) -> None:
    folder = project / "manuscript" / "part 1"
    (folder / "03 copy.md").write_text(SCENE_TWO, encoding="utf-8")
    (m,) = json.loads(run(str(project), "--json").output)["manuscripts"]
    assert m["cache"] == {"reused": 0, "analysed": 3}
    (m,) = json.loads(run(str(project), "--json").output)["manuscripts"]
    assert m["cache"] == {"reused": 3, "analysed": 0}


def test_file_names_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """A name from a folder someone sent is data: no ESC sequences, no Rich markup."""
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "\x1b]52;c;ZXZpbA==\x07[bold]x\u202e.md").write_text(
        "Some words here. " * 30, encoding="utf-8"
    )
    result = CliRunner().invoke(analyze, [str(root)])
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert "\\x1b]52" in output  # shown, escaped (the table may cut the rest)
