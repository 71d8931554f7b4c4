"""``writers-tui ask`` and ``cache`` end to end against a loopback server; no key leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ai_loopback import KEY, Loopback, Reply, openai_events
from click.testing import CliRunner

from writers_tui.cli import main
from writers_tui.paths import ProjectPaths
from writers_tui.storage.ledger import Ledger
from writers_tui.storage.lock import ProjectLock
from writers_tui.storage.stores import session_store


@pytest.fixture
def env(server: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    return server


def _ask(*args: str) -> object:
    return CliRunner().invoke(main, ["ask", *args], catch_exceptions=False)


def test_ask_streams_names_files_records_cost_and_query(book_project: Path, env: Loopback) -> None:
    session_store(book_project).save_sync(session_store(book_project).load().value)
    env.reply(Reply(events=openai_events(["Mickey ", "is ", "Noni's ", "sister."])))
    result = _ask(str(book_project), "Who is Mickey?", "--model", "openai/gpt-4o", "--yes")
    assert result.exit_code == 0, result.output
    assert "Mickey is Noni's sister." in result.stdout
    assert "reference/zz-mickey.md" in result.stdout and "planning/zz-outline.md" in result.stdout
    system = env.requests[0]["body"]["messages"][0]["content"]
    assert "Mickey is Noni's older sister." in system
    [record] = list(Ledger(ProjectPaths(book_project).ledger))
    assert record.operation == "ask" and record.cost > 0
    queries = session_store(book_project).load().value.recent_queries
    assert [q.query for q in queries] == ["Who is Mickey?"]


def test_ask_while_the_app_holds_the_project_answers_but_skips_recent_queries(
    book_project: Path, env: Loopback
) -> None:
    session_store(book_project).save_sync(session_store(book_project).load().value)
    env.reply(Reply(events=openai_events(["Yes."])))
    with ProjectLock(book_project):
        result = _ask(str(book_project), "Is it raining?", "--model", "openai/gpt-4o", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["answer"] == "Yes." and payload["recent_query_recorded"] is False
    assert "not added to recent queries" in result.stderr
    assert session_store(book_project).load().value.recent_queries == []


def test_ask_without_a_provider_says_how_to_configure(book_project: Path) -> None:
    result = _ask(str(book_project), "Who is Mickey?")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr and len(result.stderr.strip().splitlines()) <= 2


def test_ask_above_threshold_without_tty_or_yes_is_refused(
    book_project: Path, env: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRITERS_TUI_AI__CONFIRM_THRESHOLD", "0")
    result = _ask(str(book_project), "Who?", "--model", "openai/gpt-4o")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert env.requests == []


def test_ask_provider_failure_exits_1_without_the_key(book_project: Path, env: Loopback) -> None:
    env.reply(Reply(status=401, body={"error": {"message": f"bad key {KEY}"}}))
    result = _ask(str(book_project), "Who?", "--model", "openai/gpt-4o", "--yes")
    assert result.exit_code == 1 and "refused the API key" in result.stderr
    assert KEY not in result.output + result.stderr


def test_bad_input_exits_2(book_project: Path, env: Loopback) -> None:
    assert _ask(str(book_project), "   ").exit_code == 2
    assert _ask(str(book_project), "Q", "--model", "nonsense").exit_code == 2


def test_response_cache_serves_deterministic_asks_at_zero_and_no_key_on_disk(
    book_project: Path, env: Loopback, hermetic_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import writers_tui.ai.operations as operations

    monkeypatch.setattr(operations, "ASK_TEMPERATURE", 0.0, raising=False)
    env.reply(Reply(events=openai_events(["Cached ", "answer."])))
    args = (str(book_project), "Who is Mickey?", "--model", "openai/gpt-4o", "--yes", "--json")
    first = json.loads(_ask(*args).stdout)
    second = json.loads(_ask(*args).stdout)
    assert len(env.requests) == 1  # the second was served from .session/cache/ai/
    assert second["answer"] == first["answer"] == "Cached answer." and second["cache_hit"]
    assert second["record"]["cost"] == 0 and second["record"]["cost_source"] == "cache"
    stats = CliRunner().invoke(main, ["cache", "stats", str(book_project), "--json"])
    assert json.loads(stats.stdout)["entries"] == 1 and json.loads(stats.stdout)["hits"] == 1
    cleared = CliRunner().invoke(main, ["cache", "clear", str(book_project)])
    assert "removed 1" in cleared.stdout
    for folder in (book_project, hermetic_user_dirs):
        for path in folder.rglob("*"):
            if path.is_file():
                assert KEY.encode() not in path.read_bytes(), path
