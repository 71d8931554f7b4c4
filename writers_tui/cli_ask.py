"""``writers-tui ask [PROJECT] "QUESTION"``: ask the story bible, from the shell.

The answer comes from ``reference/`` and ``planning/`` (the bible is the cacheable prefix),
streams to stdout, and ends with the files it used. The call is estimated first; above
``ai.confirm_threshold`` it asks (a terminal) or refuses (no terminal) unless ``--yes``;
over budget it refuses unless ``--over-budget``. The cost goes to the ledger (appends are
safe while the app runs). The question goes to ``recent_queries`` in ``current.json`` —
unless the app holds the project (its session owns that file): then the answer and its
cost are still recorded and stderr says the query was not added.

Exit 0 answered; 2 bad input, AI off, not confirmed or over budget; 1 provider failure.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click

from writers_tui.ai import pricing
from writers_tui.ai.bible import load_bible
from writers_tui.ai.engine import AIEngine, CallOutcome
from writers_tui.ai.errors import AIError, BudgetExceeded, NotConfigured, ProviderError
from writers_tui.ai.operations import ask_request
from writers_tui.ai.providers import default_model
from writers_tui.cli_common import BAD_INPUT, echo_json, fail, resolve_project
from writers_tui.config import Settings, SettingsError, load_settings
from writers_tui.model_names import check_model_name
from writers_tui.storage.costs import CostTracker, format_usd
from writers_tui.storage.lock import ProjectInUse, ProjectLock
from writers_tui.storage.session import Session
from writers_tui.storage.stores import session_store

FAILED = 1
MAX_QUESTION = 4_000


def _warn(message: str) -> None:
    click.echo(f"writers-tui: {message}", err=True)


def _live_session(root: Path) -> tuple[str, bool]:
    """(session id a cost belongs to, whether current.json exists)."""
    loaded = session_store(root).load(quarantine_bad=False)
    if loaded.source == "default":
        return "", False
    return ("" if loaded.value.ended_at else loaded.value.session_id), True


def _record_query(root: Path, question: str) -> str | None:
    """Add the question to recent_queries; the reason when it could not be."""
    try:
        with ProjectLock(root):
            session = Session(root)
            session.add_recent_query(question, source="ask")
            session.save_sync()
    except ProjectInUse as held:
        return f"the project is open in writers-tui ({held}); query not added to recent queries"
    except OSError as error:
        return f"query not added to recent queries ({error.strerror or error})"
    return None


async def _answer(
    engine: AIEngine,
    root: Path,
    question: str,
    model: str,
    yes: bool,
    over_budget: bool,
    as_json: bool,
) -> tuple[CallOutcome, tuple[str, ...]]:
    bible = await asyncio.to_thread(load_bible, root, question)
    request = ask_request(model, question, bible)
    estimate = await engine.estimate(request)
    if estimate.warning:
        _warn(f"warning: {estimate.warning}")
    confirmed = yes or not estimate.needs_confirmation
    if not confirmed:
        cost = (
            f"~{format_usd(estimate.cost)} (above your {format_usd(estimate.threshold)} "
            "confirm threshold)"
            if estimate.priced
            else "cost unknown (no price is known for this model)"
        )
        line = (
            f"{model}: ~{estimate.input_tokens:,} tokens in, up to {estimate.output_tokens:,} "
            f"out, {cost}"
        )
        if not sys.stdin.isatty():
            fail(f"{line}; no terminal to confirm on: pass --yes")
        confirmed = click.confirm(f"{line}. Ask?", err=True, default=False)
        if not confirmed:
            fail("not confirmed; nothing sent")
    try:
        call = await engine.start(estimate, confirmed=True, override_budget=over_budget)
    except BudgetExceeded as blocked:
        fail(f"{blocked}; pass --over-budget to ask anyway")
    try:
        async for chunk in call:
            if not as_json:
                click.echo(chunk.text, nl=False)
    finally:
        outcome = await call.wait()
        await engine.aclose()
    return outcome, bible.sources


@click.command()
@click.argument("project_or_question", nargs=-1, required=True)
@click.option("--model", help="provider/model (default: your model preference, or a default).")
@click.option("--yes", is_flag=True, help="Do not ask before a call above the confirm threshold.")
@click.option("--over-budget", is_flag=True, help="Ask even if it breaks a budget limit.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer, files and cost as JSON.")
def ask(
    project_or_question: tuple[str, ...],
    model: str | None,
    yes: bool,
    over_budget: bool,
    as_json: bool,
) -> None:
    """Ask a question of the story bible: writers-tui ask [PROJECT] "QUESTION"."""
    if len(project_or_question) > 2:
        fail('give the question as one quoted argument: writers-tui ask [PROJECT] "QUESTION"')
    project = project_or_question[0] if len(project_or_question) == 2 else None
    question = project_or_question[-1].strip()
    root = resolve_project(project)
    if not question or len(question) > MAX_QUESTION:
        fail(f"the question must be 1-{MAX_QUESTION} characters")
    try:
        loaded = load_settings(root)
    except SettingsError as error:
        fail(str(error))
    for warning in loaded.warnings:
        _warn(f"warning: {warning}")
    settings: Settings = loaded.settings
    try:
        chosen = model or default_model(settings, "creation")
        check_model_name(chosen, settings.providers)
        session_id, has_session = _live_session(root)
        tracker = CostTracker(
            root, session_id, budget=settings.budget, price=pricing.pricer(settings.providers)
        )
        engine = AIEngine(root, settings, tracker)
        engine.provider(chosen)
    except NotConfigured as off:
        fail(str(off))
    except ValueError as error:
        fail(f"--model: {error}")
    try:
        outcome, sources = asyncio.run(
            _answer(engine, root, question, chosen, yes, over_budget, as_json)
        )
    except ProviderError as error:
        _warn(f"\n{error}" if not as_json else str(error))
        raise SystemExit(FAILED) from None
    except AIError as error:
        fail(str(error))
    note = _record_query(root, question) if has_session else "no session yet; query not added"
    for warning in tracker.take_warnings():
        _warn(f"warning: {warning}")
    if outcome.budget_warning:
        _warn(outcome.budget_warning)
    record = outcome.record
    if as_json:
        payload: dict[str, Any] = {
            "answer": outcome.text,
            "files": list(sources),
            "model": chosen,
            "status": outcome.status,
            "cache_hit": outcome.cache_hit,
            "record": record.model_dump(mode="json") if record else None,
            "recent_query_recorded": note is None,
        }
        echo_json(payload)
    else:
        click.echo("")
        click.echo(f"\nFrom: {', '.join(sources) if sources else '(no bible files found)'}")
        if record is not None:
            _warn(f"cost {format_usd(record.cost)} ({record.cost_source})")
    if note and has_session:
        _warn(note)
    raise SystemExit(0 if outcome.status == "ok" else BAD_INPUT)
