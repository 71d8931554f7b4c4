"""CLI: `costs [PROJECT]` reports, `costs add` records; bad input is one line, exit 2."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from writers_tui.ai.pricing import price
from writers_tui.cli import main
from writers_tui.config import Budget, PreferencesData
from writers_tui.paths import ProjectPaths, user_config_file
from writers_tui.storage.models import LedgerRecord, SessionData
from writers_tui.storage.stores import preferences_store, session_store

GPT_COST = price("openai/gpt-4o", 1000, 500).cost


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    return root


def run(*args: str) -> tuple[int, str, str]:
    """The costs command through the real entry point (which keeps errors to one line)."""
    result = CliRunner().invoke(main, ["costs", *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def add(project: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "add",
        str(project),
        "--model",
        "openai/gpt-4o",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "500",
        *extra,
    )


def ledger_lines(project: Path) -> list[dict]:
    path = ProjectPaths(project).ledger
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_add_records_durably_and_prints_the_record(project: Path) -> None:
    code, out, err = add(project, "--operation", "scene_generation", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["operation"] == "scene_generation"
    assert Decimal(str(record["cost"])) == GPT_COST
    assert record["cost_source"].startswith("genai-prices ")
    assert ledger_lines(project) == [record]
    summary = json.loads(ProjectPaths(project).costs.read_text())
    assert summary["ledger_records"] == 1


def test_add_human_output_names_model_tokens_and_cost(project: Path) -> None:
    code, out, _ = run(
        "add",
        str(project),
        "--model",
        "anthropic/claude-sonnet-4-5",
        "--input-tokens",
        "1200",
        "--output-tokens",
        "300",
        "--cached-tokens",
        "4000",
    )
    assert code == 0
    assert "anthropic/claude-sonnet-4-5" in out and "4,000 cached" in out
    (record,) = ledger_lines(project)
    assert record["cached_tokens"] == 4000 and record["input_tokens"] == 1200
    expected = price("anthropic/claude-sonnet-4-5", 1200, 300, 4000).cost
    assert Decimal(str(record["cost"])) == expected


def test_add_defaults_to_the_current_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    code, _, _ = run(
        "add", "--model", "ollama/llama3.2", "--input-tokens", "5", "--output-tokens", "5"
    )
    assert code == 0
    assert ledger_lines(project)[0]["cost_source"] == "local"


def test_unknown_model_is_recorded_as_unpriced_with_a_warning(project: Path) -> None:
    code, _, err = run(
        "add",
        str(project),
        "--model",
        "openai/gpt-imaginary",
        "--input-tokens",
        "1",
        "--output-tokens",
        "1",
    )
    assert code == 0
    assert "no price known for openai/gpt-imaginary" in err
    assert ledger_lines(project)[0]["cost_source"] == "unpriced"
    code, out, _ = run(str(project), "--json")
    assert json.loads(out)["unpriced_count"] == 1


def test_add_attributes_the_cost_to_the_open_session(project: Path) -> None:
    ProjectPaths(project).session_dir.mkdir()
    session_store(project).save_sync(SessionData(session_id="live-one"))
    assert add(project)[0] == 0
    assert ledger_lines(project)[0]["session_id"] == "live-one"
    code, out, _ = run(str(project), "--period", "session", "--json")
    report = json.loads(out)
    assert code == 0 and report["session_id"] == "live-one" and report["count"] == 1


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--model", "gpt-4o", "--input-tokens", "1", "--output-tokens", "1"], "provider/model"),
        (["--model", "acme/x", "--input-tokens", "1", "--output-tokens", "1"], "unknown provider"),
        (
            ["--model", "openai/gpt-4o", "--input-tokens", "-3", "--output-tokens", "1"],
            "--input-tokens",
        ),
        (
            ["--model", "openai/gpt-4o", "--input-tokens", "1.5", "--output-tokens", "1"],
            "--input-tokens",
        ),
        (
            ["--model", "openai/gpt-4o", "--input-tokens", "1", "--output-tokens", "many"],
            "--output-tokens",
        ),
        (["--model", "openai/gpt-4o", "--input-tokens", "1"], "--output-tokens"),
        (
            [
                "--model",
                "openai/gpt-4o",
                "--input-tokens",
                "1",
                "--output-tokens",
                "1",
                "--cached-tokens",
                "-1",
            ],
            "--cached-tokens",
        ),
        (
            [
                "--model",
                "openai/gpt-4o",
                "--input-tokens",
                "1",
                "--output-tokens",
                "1",
                "--operation",
                " ",
            ],
            "--operation",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    project: Path, args: list[str], complaint: str
) -> None:
    code, out, err = run("add", str(project), *args)
    assert code == 2
    assert complaint in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and out == ""
    assert not ProjectPaths(project).session_dir.exists()


def test_a_folder_that_is_not_a_project_is_bad_input(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for args in (
        [
            "add",
            str(plain),
            "--model",
            "openai/gpt-4o",
            "--input-tokens",
            "1",
            "--output-tokens",
            "1",
        ],
        [str(plain)],
    ):
        code, _, err = run(*args)
        assert code == 2 and "not a writers-tui project" in err
        assert len(err.strip().splitlines()) == 1
    assert list(plain.iterdir()) == []


def test_json_and_csv_together_is_bad_input(project: Path) -> None:
    code, _, err = run(str(project), "--json", "--csv")
    assert code == 2 and "--json and --csv" in err


def test_report_json_shape(project: Path) -> None:
    for _ in range(3):
        add(project, "--operation", "draft")
    run(
        "add",
        str(project),
        "--model",
        "ollama/llama3.2",
        "--input-tokens",
        "9",
        "--output-tokens",
        "9",
    )
    code, out, _ = run(str(project), "--period", "all", "--by", "model", "--json")
    assert code == 0
    report = json.loads(out, parse_float=Decimal)
    assert report["period"] == "all" and report["from"] is None
    assert report["total"] == 3 * GPT_COST and report["count"] == 4
    assert set(report["periods"]) == {"session", "day", "week", "month", "all"}
    assert report["periods"]["day"]["count"] == 4
    assert report["breakdown"][0] == {
        "key": "openai/gpt-4o",
        "cost": 3 * GPT_COST,
        "count": 3,
        "unpriced_count": 0,
    }
    assert report["ledger"] == {"records": 4, "skipped_lines": 0, "duplicate_lines": 0}
    assert report["budget"] == []


def test_report_reads_budget_from_preferences(project: Path) -> None:
    ProjectPaths(project).session_dir.mkdir()
    budget = Budget(daily_limit=GPT_COST * 4)
    preferences_store(project).save_sync(PreferencesData(budget=budget))
    add(project)
    code, _, err = add(project)
    assert code == 0 and "warning" not in err
    code, _, err = add(project, "--operation", "third")
    assert code == 0 and "Budget warning" not in err  # 75 %
    code, _, err = add(project)
    assert "Budget warning: 100% of the daily budget" in err  # crossed 80 % on this add
    code, out, _ = run(str(project), "--json")
    (day,) = json.loads(out)["budget"]
    assert day["period"] == "day" and day["percent"] == 100.0
    code, out, _ = run(str(project))
    assert "daily" in out and "100%" in out


def test_csv_breakdown_by_day_and_by_operation(project: Path) -> None:
    add(project, "--operation", "a")
    add(project, "--operation", "b")
    add(project, "--operation", "b")
    code, out, _ = run(str(project), "--by", "operation", "--period", "all", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["operation"] for r in rows] == ["b", "a"]
    assert Decimal(rows[0]["cost"]) == 2 * GPT_COST and rows[0]["count"] == "2"
    code, out, _ = run(str(project), "--by", "day", "--csv")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["count"] == "3"


def test_human_report_is_a_table_and_flags_unpriced(project: Path) -> None:
    run(
        "add",
        str(project),
        "--model",
        "gemini/gemini-imaginary",
        "--input-tokens",
        "1",
        "--output-tokens",
        "1",
    )
    code, out, _ = run(str(project), "--by", "model")
    assert code == 0
    assert "month" in out and "gemini/gemini-imaginary" in out
    assert "no known price" in out


def test_report_never_writes(project: Path) -> None:
    add(project)
    ProjectPaths(project).costs.write_text("{broken")
    before = sorted(p.name for p in ProjectPaths(project).session_dir.iterdir())
    code, out, err = run(str(project), "--json", "--period", "all")
    assert code == 0 and json.loads(out)["count"] == 1
    assert "costs.json is unusable" in err
    assert sorted(p.name for p in ProjectPaths(project).session_dir.iterdir()) == before


def test_explicit_show_and_help_route_correctly(project: Path) -> None:
    add(project)
    code, out, _ = run("show", str(project), "--json")
    assert code == 0 and json.loads(out)["count"] == 1
    code, out, _ = run("--help")
    assert code == 0 and "add" in out and "show" in out
    code, out, _ = run("add", "--help")
    assert code == 0 and "NOT counting cached" in out


def _session_files(project: Path) -> list[str]:
    folder = project / ".session"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _add(project: Path, input_tokens: str) -> Result:
    args = ["costs", "add", str(project), "--model", "openai/gpt-4o"]
    return CliRunner().invoke(main, [*args, "--input-tokens", input_tokens, "--output-tokens", "0"])


@pytest.mark.parametrize("tokens", ["999999999999999999", "100000000000000000000000000000000"])
def test_absurd_token_counts_are_bad_input_and_write_nothing(project: Path, tokens: str) -> None:
    before = _session_files(project)
    result = _add(project, tokens)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--input-tokens" in result.stderr
    assert _session_files(project) == before


def test_budget_from_the_environment_applies(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRITERS_TUI_BUDGET__DAILY_LIMIT", "0.01")
    result = _add(project, "1000000")
    assert result.exit_code == 0, result.stderr
    assert "budget" in result.stderr.lower()


def _add_model(project: Path, model: str) -> tuple[int, str, str]:
    args = ["--model", model, "--input-tokens", "1000", "--output-tokens", "500", "--json"]
    return run("add", str(project), *args)


def test_every_genai_prices_provider_is_accepted_and_priced(project: Path) -> None:
    code, out, err = _add_model(project, "mistral/mistral-large-latest")
    assert code == 0, err
    record = json.loads(out)
    assert record["provider"] == "mistral" and record["cost_source"].startswith("genai-prices")
    expected = price("mistral/mistral-large-latest", 1000, 500).cost
    assert Decimal(str(record["cost"])) == expected > 0


def test_mistyped_provider_gets_did_you_mean_and_writes_nothing(project: Path) -> None:
    code, out, err = _add_model(project, "mistrall/x")
    assert code == 2 and out == ""
    assert err == ("writers-tui: --model: unknown provider 'mistrall'; did you mean 'mistral'?\n")
    assert not ProjectPaths(project).session_dir.exists()


def test_user_defined_provider_with_a_price_is_user_priced(project: Path) -> None:
    user_config_file().parent.mkdir(parents=True)
    user_config_file().write_text(
        json.dumps({"providers": {"myllm": {"price_override": {"input": 2, "output": 10}}}})
    )
    code, out, err = _add_model(project, "myllm/big-model")
    assert code == 0, err
    record = json.loads(out)
    assert record["cost_source"] == "user price"
    assert Decimal(str(record["cost"])) == Decimal("0.007")  # 1000×$2 + 500×$10 per million


def test_a_project_cannot_plant_a_price_override(project: Path) -> None:
    preferences = ProjectPaths(project).preferences
    preferences.parent.mkdir()
    planted = {"openai": {"price_override": {"input": 0, "output": 0}}}
    preferences.write_text(json.dumps({"schema_version": 1, "providers": planted}))
    code, out, err = add(project, "--json")
    assert code == 0
    assert Decimal(str(json.loads(out)["cost"])) == GPT_COST
    assert "'providers' can only be set in your user config" in err


# -- hostile ledgers (issue 7) -------------------------------------------------------


def _plant(project: Path, *lines: str) -> None:
    ledger = ProjectPaths(project).ledger
    ledger.parent.mkdir(exist_ok=True)
    with open(ledger, "a") as handle:
        handle.writelines(line + "\n" for line in lines)


def _line(cost: object, record_id: str = "") -> str:
    """A ledger line as a hostile folder may hold it: a real record with ``cost`` forced."""
    record = LedgerRecord(
        provider="openai", model="gpt-4o", input_tokens=1000, output_tokens=500,
        cost_source="user price",
    ).model_dump(mode="json")  # fmt: skip
    record["cost"] = cost
    if record_id:
        record["id"] = record_id
    return json.dumps(record)


def test_show_warns_once_with_the_count_of_lines_not_counted(project: Path) -> None:
    _plant(project, _line(-1000), _line(1, "same-id"), _line(1, "same-id"), "{torn")
    code, out, err = run(str(project), "--json")
    assert code == 0
    assert json.loads(out)["total"] == 1
    warnings = [line for line in err.splitlines() if "skipped" in line]
    assert len(warnings) == 1 and "3 line(s) skipped (1 repeat an earlier id)" in warnings[0]


def test_add_records_after_huge_values_and_never_tracebacks(project: Path) -> None:
    _plant(project, *(_line(999999999999) for _ in range(3)))
    code, _, err = add(project)
    assert code == 0, err
    assert len(ledger_lines(project)) == 4
    code, out, _ = run(str(project), "--json", "--period", "all")
    assert json.loads(out)["total"] == float(GPT_COST)


def test_the_summary_failure_warning_is_printed_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add(project)[0] == 0
    budget = PreferencesData(budget=Budget(daily_limit=Decimal(1)))
    preferences_store(project).save_sync(budget)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("writers_tui.storage.json_store.atomic_write_bytes", full_disk)
    code, _, err = add(project)
    assert code == 0
    assert err.count("costs.json could not be updated") == 1, err


@pytest.mark.parametrize("command", ["add", "show"])
def test_a_symlinked_ledger_is_one_line_exit_2_and_untouched(
    project: Path, tmp_path: Path, command: str
) -> None:
    outside = tmp_path / "bashrc"
    outside.write_text("echo hi\n")
    (project / ".session").mkdir()
    ProjectPaths(project).ledger.symlink_to(outside)
    code, out, err = add(project) if command == "add" else run(str(project))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "symbolic link" in err
    assert outside.read_text() == "echo hi\n"


def test_tokens_beyond_the_ledger_bound_are_bad_input(project: Path) -> None:
    code, _, err = run(
        "add", str(project), "--model", "openai/gpt-4o",
        "--input-tokens", str(10**9 + 1), "--output-tokens", "1",
    )  # fmt: skip
    assert code == 2 and "input-tokens" in err
    assert ledger_lines(project) == []
