"""AI in the studio, end to end: the real app, the real workspace and ledger, the real
``openai`` SDK talking SSE to a loopback server on 127.0.0.1.

Covered: AI off says how to turn it on; continue streams into the suggestion panel while
the writer types; accept inserts at the cursor as one undo step; reject discards; escape
stops the stream (partial text kept, the call billed as cancelled); a provider error is a
status line, never text; the confirm dialog above the threshold and the budget dialog
with its override; the status bar's cost moves when the call ends (before the ledger
poll); the Costs screen lists the call; ask the story bible names its files and records
the question; the palette's model switch; the key never reaches a file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.ai.ai_loopback import KEY, Loopback, Reply, openai_events, serving
from tests.ui.apphelpers import SCENE, SIZE, dialog_ready, set_preferences, studio, until
from tests.ui.apphelpers import writing_ready as _writing_ready
from writers_tui.paths import user_config_file
from writers_tui.ui.app import WritersApp
from writers_tui.ui.modals.ai_call import BudgetBlocked, ConfirmCall
from writers_tui.ui.modals.ask_bible import AskBible
from writers_tui.ui.screens.costs import CostsScreen
from writers_tui.ui.screens.writing import WritingScreen

TOKENS = ["The rain ", "did not ", "stop."]


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serving() as loopback:
        yield loopback


@pytest.fixture
def ai_on(server: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    """OpenAI configured at the loopback server (user config + key in the environment)."""
    config = user_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        json.dumps({"providers": {"openai": {"base_url": server.url + "/v1", "timeout": 5}}})
    )
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return server


def ledger(root: Path) -> list[dict[str, Any]]:
    path = root / ".session" / "costs.jsonl"
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]


def writing(app: WritersApp) -> WritingScreen:
    screen = app.screen
    assert isinstance(screen, WritingScreen)
    return screen


async def writing_ready(pilot: Pilot[Any], at_end: bool = True) -> WritingScreen:
    await _writing_ready(pilot)
    screen = writing(pilot.app)  # type: ignore[arg-type]
    if at_end:
        editor = screen.editor
        editor.cursor_location = editor.document.end
    return screen


def notices(app: WritersApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def dismissed(pilot: Pilot[Any], kind: type) -> None:
    """Escape on the dialog of ``kind``: wait until it is gone."""
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(pilot.app.screen, kind))
    await pilot.pause()


async def finished(pilot: Pilot[Any], screen: WritingScreen) -> None:
    await until(pilot, lambda: screen.suggestion.stream.outcome is not None)
    await pilot.pause()


async def test_ai_off_says_how_to_turn_it_on_and_sends_nothing(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot, at_end=False)  # that AI is off comes first
        await pilot.press("ctrl+g")
        await until(pilot, lambda: any("AI is off" in n for n in notices(app)))
        assert not screen.suggestion.shown
        await pilot.press("alt+q")
        await until(pilot, lambda: isinstance(app.screen, AskBible))
        await pilot.pause()
        assert "OPENAI_API_KEY" in str(app.screen.query_one("#ask-answer").status_label.render())  # type: ignore[attr-defined]
    assert ledger(project) == []


async def test_continue_streams_beside_the_editor_and_accept_is_one_undo(
    project: Path, ai_on: Loopback
) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS, prompt=300, completion=6)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        editor = screen.editor
        before = editor.text
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        panel = screen.suggestion
        assert panel.shown and panel.stream.text == "".join(TOKENS)
        assert editor.text == before  # nothing reaches the manuscript before accepting
        sent = ai_on.requests[0]["body"]
        assert sent["stream"] is True and sent["model"] == "gpt-4o-mini"
        assert sent["messages"][-1]["content"] == before  # the text up to the cursor
        # The status bar has the cost now, not at the next ledger poll (5 s).
        records = ledger(project)
        assert [r["operation"] for r in records] == ["continue"]
        assert app.status.session_cost == Decimal(records[0]["cost"]) > 0
        assert "Done" in str(panel.stream.status_label.render())

        await pilot.press("alt+a")
        await pilot.pause()
        assert not panel.shown
        assert editor.text.rstrip().endswith("The rain did not stop.")
        assert len(editor.text) > len(before)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor.text == before  # one undo step takes the whole suggestion out


async def test_reject_discards_and_the_writer_types_while_it_streams(
    project: Path, ai_on: Loopback
) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS), pause_after=3))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        editor = screen.editor
        await pilot.press("ctrl+g")
        await until(pilot, lambda: "The rain" in screen.suggestion.stream.text)
        assert screen.suggestion.stream.streaming
        await pilot.press("x", "y", "z")  # typing stays live in the editor
        await pilot.pause()
        assert editor.text.endswith("xyz")
        typed = editor.text
        await pilot.press("alt+r")
        await until(pilot, lambda: not screen.suggestion.shown)
        assert editor.text == typed
        await until(pilot, lambda: bool(ledger(project)))
    assert [r["status"] for r in ledger(project)] == ["cancelled"]  # what arrived is billed


async def test_escape_stops_keeps_the_partial_text_and_bills_it(
    project: Path, ai_on: Loopback
) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS), pause_after=2))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: screen.suggestion.stream.text == "The rain ")
        await pilot.press("escape")
        await finished(pilot, screen)
        outcome = screen.suggestion.stream.outcome
        assert outcome is not None and outcome.status == "cancelled"
        assert screen.suggestion.stream.text == "The rain "
        assert "Stopped" in str(screen.suggestion.stream.status_label.render())
        record = ledger(project)[0]
        assert record["status"] == "cancelled" and record["usage_source"] == "partial"
        assert app.status.session_cost == Decimal(record["cost"]) > 0
        await pilot.press("alt+a")
        await pilot.pause()
        assert screen.editor.text.rstrip().endswith("The rain")


async def test_a_provider_error_is_a_status_line_never_text(project: Path, ai_on: Loopback) -> None:
    ai_on.reply(Reply(status=401, body={"error": {"message": f"bad key {KEY}"}}))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        before = screen.editor.text
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        status = str(screen.suggestion.stream.status_label.render())
        assert status.startswith("Failed:") and KEY not in status
        assert screen.suggestion.stream.text == ""
        await pilot.press("alt+a")
        await pilot.pause()
        assert screen.editor.text == before


async def test_confirm_above_the_threshold_cancel_sends_nothing_send_streams(
    project: Path, ai_on: Loopback
) -> None:
    set_preferences(project, ai={"confirm_threshold": "0"})
    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, ConfirmCall)
        await dismissed(pilot, ConfirmCall)
        assert ai_on.requests == [] and not screen.suggestion.shown
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, ConfirmCall)
        await pilot.click("#send")
        await finished(pilot, screen)
        assert screen.suggestion.stream.text == "".join(TOKENS)
        assert len(ai_on.requests) == 1


async def test_over_budget_blocks_and_only_the_override_sends(
    project: Path, ai_on: Loopback
) -> None:
    set_preferences(project, budget={"daily_limit": "0.000001"})
    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, BudgetBlocked)
        await dismissed(pilot, BudgetBlocked)
        assert ai_on.requests == []
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, BudgetBlocked)
        await pilot.press("alt+o")
        await finished(pilot, screen)
        assert len(ai_on.requests) == 1
        assert [r["status"] for r in ledger(project)] == ["ok"]


async def test_the_costs_screen_lists_the_call(project: Path, ai_on: Loopback) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS, prompt=300, completion=6)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, CostsScreen))
        costs = app.screen
        await until(pilot, lambda: "continue" in costs_text(costs))
        assert "gpt-4o-mini" in costs_text(costs)


def costs_text(screen: Any) -> str:
    from textual.widgets import DataTable

    parts = []
    for table in screen.query(DataTable):
        for row in range(table.row_count):
            parts.append(" ".join(str(cell) for cell in table.get_row_at(row)))
    return "\n".join(parts)


async def test_ask_the_bible_streams_names_the_files_and_records_the_question(
    project: Path, ai_on: Loopback
) -> None:
    (project / "reference" / "mickey.md").write_text("Mickey is Noni's older sister.\n")
    ai_on.reply(Reply(events=openai_events(["Noni's ", "older sister."])))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("alt+q")
        await until(pilot, lambda: isinstance(app.screen, AskBible))
        ask = app.screen
        assert isinstance(ask, AskBible)
        ask.query_one(Input).value = "Who is Mickey?"
        await pilot.press("enter")
        await until(pilot, lambda: ask.answer.outcome is not None)
        assert ask.answer.text == "Noni's older sister."
        assert "mickey" in str(ask.query_one("#ask-sources").render())  # type: ignore[attr-defined]
        body = json.dumps(ai_on.requests[0]["body"])
        assert "Mickey is Noni's older sister." in body and "Who is Mickey?" in body
        workspace = app.workspace
        assert workspace is not None
        assert [q.query for q in workspace.session_data.recent_queries][-1] == "Who is Mickey?"  # type: ignore[attr-defined]
        assert [r["operation"] for r in ledger(project)] == ["ask"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WritingScreen))


async def test_draft_this_scene_sends_its_synopsis_and_lands_as_a_new_paragraph(
    project: Path, ai_on: Loopback
) -> None:
    scene = project / SCENE
    scene.write_text("---\nsynopsis: Noni finds the letter under the door\n---\n\nIt rained.\n")
    ai_on.reply(Reply(events=openai_events(["She ", "found it."])))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("alt+d")
        await finished(pilot, screen)
        assert "Noni finds the letter under the door" in json.dumps(ai_on.requests[0]["body"])
        await pilot.press("alt+a")
        await pilot.pause()
        assert screen.editor.text.endswith("It rained.\n\nShe found it.\n")


async def test_draft_without_a_synopsis_says_where_to_add_one(
    project: Path, ai_on: Loopback
) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("alt+d")
        await until(pilot, lambda: any("synopsis" in n for n in notices(app)))
    assert ai_on.requests == []


async def test_the_palette_switches_the_stage_model(project: Path, ai_on: Loopback) -> None:
    from writers_tui.ui.ai_models import set_model

    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        workspace = app.workspace
        assert workspace is not None
        names = [c.name for c in await app.palette_commands(app.screen)]
        assert "AI model for Writing: openai/gpt-4o-mini (in use)" in names
        await set_model(workspace, "writing", "openai/gpt-4o")
        assert str(workspace.settings.model_preferences["writing"]) == "openai/gpt-4o"
        assert workspace.ai.status("writing").model == "openai/gpt-4o"
        with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
            await set_model(workspace, "writing", "anthropic/claude-sonnet-4-5")
        assert str(workspace.settings.model_preferences["writing"]) == "openai/gpt-4o"
    saved = json.loads((project / ".session" / "preferences.json").read_text())
    assert saved["model_preferences"] == {"writing": "openai/gpt-4o"}


async def test_the_key_reaches_no_file(project: Path, ai_on: Loopback, tmp_path: Path) -> None:
    ai_on.reply(
        Reply(events=openai_events(TOKENS)),
        Reply(status=401, body={"error": {"message": f"Incorrect API key {KEY}"}}),
    )
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        await pilot.press("alt+r")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: len(ledger(project)) >= 1 and not screen.suggestion.busy)
        await pilot.press("ctrl+q")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (project / ".session" / "lock").exists():
        time.sleep(0.05)
    home = Path(str(user_config_file())).parents[2]  # the hermetic HOME of this test
    leaked = [
        path
        for folder in (project, home, tmp_path)
        for path in folder.rglob("*")
        if path.is_file() and KEY.encode() in path.read_bytes()
    ]
    assert leaked == []


async def test_the_80_percent_warning_comes_once_per_period(project: Path, ai_on: Loopback) -> None:
    # Each call bills 20,000 prompt tokens of gpt-4o-mini ($0.003): the first crosses 80 %.
    for _ in range(2):
        ai_on.reply(Reply(events=openai_events(TOKENS, prompt=20_000, completion=6)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        workspace = app.workspace
        assert workspace is not None
        spent = (await workspace.add_expense("openai/gpt-4o-mini", 1_000_000, 0)).cost
        await workspace.update_setting("budget.daily_limit", str(spent / Decimal("0.795")))

        def budget_warnings() -> int:
            return sum(1 for n in app._notifications if n.title == "Budget")

        assert budget_warnings() == 0
        for _ in range(2):
            await pilot.press("ctrl+g")
            await finished(pilot, screen)
            await pilot.press("alt+r")
            await until(pilot, lambda: not screen.suggestion.shown)
        await until(pilot, lambda: budget_warnings() >= 1)
        await pilot.pause(0.3)
        assert budget_warnings() == 1
        assert [r["status"] for r in ledger(project)] == ["ok", "ok", "ok"]


# -- what a fresh-eyes review broke (each fixed; each test failed before its fix) ----------


async def test_alt_keys_with_a_character_answer_the_dialog_not_the_manuscript(
    project: Path, ai_on: Loopback
) -> None:
    """A terminal sends alt+s as ESC s: Textual's key is "alt+s" *with* character "s"."""
    from textual import events

    set_preferences(project, ai={"confirm_threshold": "0"})
    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        before = screen.editor.text
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, ConfirmCall)
        app.post_message(events.Key("alt+s", "s"))
        await finished(pilot, screen)
        assert len(ai_on.requests) == 1
        assert screen.editor.text == before  # no stray "s" in the scene


async def test_terminal_controls_from_the_model_never_reach_the_screen_or_the_scene(
    project: Path, ai_on: Loopback
) -> None:
    evil = ["\x1b[2J\x1b]0;TITLE\x07Rain", "\x00 fell\r\n", "\u202eon the roof.\x9b"]
    ai_on.reply(Reply(events=openai_events(evil)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        assert screen.suggestion.stream.text == "[2J]0;TITLERain fell\non the roof."
        await pilot.press("alt+a")
        await pilot.pause()
        assert "\x1b" not in screen.editor.text and "\u202e" not in screen.editor.text


async def test_markup_in_a_provider_error_is_shown_as_written(
    project: Path, ai_on: Loopback
) -> None:
    ai_on.reply(Reply(status=400, body={"error": {"message": "bad [/] thing [bold]x"}}))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        status = str(screen.suggestion.stream.status_label.render())
        assert "bad [/] thing [bold]x" in status and status.startswith("Failed")


async def test_two_quick_presses_start_one_call(project: Path, ai_on: Loopback) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS), pause_after=2), Reply(events=[]))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g", "ctrl+g")
        await until(pilot, lambda: ai_on.paused.is_set())
        await pilot.press("ctrl+g")
        await pilot.pause(0.3)
        assert len(ai_on.requests) == 1
        assert any("on its way" in n for n in notices(app))
        assert screen.suggestion.stream.text == "The rain "


async def test_a_model_that_will_not_stop_is_stopped(project: Path, ai_on: Loopback) -> None:
    flood = ["x" * 1000 + " "] * 60  # 60,000 characters for 400 tokens asked
    ai_on.reply(Reply(events=openai_events(flood)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        assert len(screen.suggestion.stream.text) == 20_000
        assert "far more than" in str(screen.suggestion.stream.status_label.render())
    (record,) = ledger(project)
    assert record["status"] == "error" and record["usage_source"] == "partial"
    assert record["output_tokens"] == 400  # never billed past what was asked for


async def test_a_suggestion_goes_only_into_the_scene_it_was_written_for(
    project: Path, ai_on: Loopback
) -> None:
    from tests.ui.apphelpers import SECOND

    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        screen.open_file(SECOND)
        await until(pilot, lambda: screen.path == SECOND)
        other = screen.editor.text
        await pilot.press("alt+a")
        await pilot.pause()
        assert screen.editor.text == other
        assert any("written for" in n for n in notices(app))
        assert screen.suggestion.shown  # still there, to accept in its own scene


async def test_a_rate_limited_call_says_it_is_waiting(project: Path, ai_on: Loopback) -> None:
    ai_on.reply(
        Reply(status=429, headers={"retry-after": "2"}, body={"error": {"message": "slow down"}}),
        Reply(events=openai_events(TOKENS)),
    )
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        status = screen.suggestion.stream.status_label
        await until(pilot, lambda: "trying again in" in str(status.render()))
        assert "rate limit" in str(status.render())
        await finished(pilot, screen)
        assert screen.suggestion.stream.text == "".join(TOKENS)


async def test_on_a_narrow_terminal_the_suggestion_docks_under_the_text(
    project: Path, ai_on: Loopback
) -> None:
    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=(70, 24)) as pilot:
        screen = await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await finished(pilot, screen)
        panel = screen.suggestion
        assert panel.has_class("-below")
        assert panel.region.width == 70 and panel.region.y > screen.editor.region.y
        assert screen.editor.region.width > 60  # the text keeps the width


async def test_a_model_of_unknown_price_always_asks_first(project: Path, ai_on: Loopback) -> None:
    """$0 for an unpriced model would slip past the threshold and the budget alike."""
    set_preferences(project, model_preferences={"writing": "openai/gpt-9-ultra"})
    ai_on.reply(Reply(events=openai_events(TOKENS)))
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("ctrl+g")
        await dialog_ready(pilot, ConfirmCall)
        shown = " ".join(str(widget.render()) for widget in app.screen.query(Static))
        assert "unknown (no price known)" in shown
        await dismissed(pilot, ConfirmCall)
    assert ai_on.requests == []


def test_the_text_before_the_cursor_is_read_back_only_as_far_as_needed() -> None:
    from textual.widgets.text_area import Document

    from writers_tui.ui.screens.writing_ai import text_before

    document = Document("\n".join(f"line {n:05d}" for n in range(50_000)))
    cursor = (40_000, 4)
    window = text_before(document, cursor, limit=100)
    assert window.endswith("\nline") and 100 <= len(window) < 120
    assert text_before(document, (2, 3), limit=10_000) == "line 00000\nline 00001\nlin"
    assert text_before(document, cursor, limit=10**9, start=(39_999, 0)) == "line 39999\nline"
