"""``writers-tui new`` and ``writers-tui demo`` through click, on real folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from writers_tui.cli import main
from writers_tui.paths import ProjectPaths


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_makes_a_project(tmp_path: Path) -> None:
    target = tmp_path / "book"
    code, out, err = run("new", str(target), "--template", "short-story", "--title", "Rain")
    assert code == 0, err
    assert f"Created short-story project at {target}" in out
    assert "writers-tui session show" in out and f"writers-tui {target}" in out
    assert ProjectPaths(target).is_project()
    assert "Rain" in (target / "planning/outline.md").read_text()


def test_new_on_an_existing_project_only_completes_it(tmp_path: Path) -> None:
    target = tmp_path / "book"
    assert run("new", str(target))[0] == 0
    code, out, _ = run("new", str(target))
    assert code == 0
    assert "already a project" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--template", "poem"], "unknown template 'poem'"),
        (["--title", "   "], "the title is empty"),
    ],
)
def test_new_bad_options_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    code, out, err = run("new", str(tmp_path / "book"), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run("new", str(tmp_path))
    assert code == 2
    assert err.startswith("writers-tui: ") and err.count("\n") == 1
    assert "not empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_in_an_unwritable_location_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run("new", str(blocker / "book"))
    assert code == 2
    assert "cannot create the project" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_demo_creates_then_reuses(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    code, out, err = run("demo", str(target))
    assert code == 0, err
    assert f"Created the demo project at {target}" in out
    assert "words" in out and "writers-tui analyze" in out
    assert (target / "manuscript" / "1 Chapter 1.md").is_file()
    code, out, _ = run("demo", str(target))
    assert code == 0
    assert f"Using the existing demo project at {target}" in out


def test_demo_defaults_to_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, out, err = run("demo")
    assert code == 0, err
    made = tmp_path / "data" / "writers-tui" / "demo"
    assert str(made) in out
    assert ProjectPaths(made).is_project()


def test_demo_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("x")
    code, out, err = run("demo", str(tmp_path))
    assert code == 2 and out == ""
    assert "not empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]


@pytest.mark.parametrize(
    ("word", "command"), [("analyse", "analyze"), ("doctr", "doctor"), ("sesion", "session")]
)
def test_mistyped_command_gets_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(word, "x")
    assert code == 2 and out == ""
    assert err == f"writers-tui: No such command '{word}'. Did you mean '{command}'?\n"
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_named_like_a_typo_is_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("new", str(tmp_path / "analyse"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run("analyse")
    assert code == 0, err
    assert out.startswith("analyse: the studio needs a terminal")


def test_unknown_word_that_is_no_command_is_a_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("my-lost-novel")
    assert code == 2 and err == "writers-tui: my-lost-novel: no such folder\n"
