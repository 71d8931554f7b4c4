"""``writers-tui costs``: see what AI help has cost, and record an outside expense.

``costs [PROJECT] [--period …] [--by …] [--json|--csv]`` reports (read-only: it never
writes or moves a file). ``costs add [PROJECT] --model provider/model …`` appends one record
to the ledger; it is safe while the app or other ``costs add`` runs use the same project
(the ledger append is flock'd and fsync'd, the summary catches up from the ledger).

JSON output: money is a JSON number with at most 8 decimals, exactly as on disk (parse with
``json.loads(text, parse_float=decimal.Decimal)`` to keep it exact). Shapes: docs/costs.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table

from writers_tui.ai import pricing
from writers_tui.atomic import UnsafePath
from writers_tui.cli_common import echo_json, fail, resolve_project
from writers_tui.config import Settings, SettingsError, load_settings
from writers_tui.storage.costs import BREAKDOWNS, PERIODS, CostTracker, format_usd
from writers_tui.storage.expenses import (
    ExpenseError,
    check_expense,
    cost_report,
    record_expense,
    report_csv,
)
from writers_tui.storage.models import MAX_TOKENS
from writers_tui.storage.stores import session_store

FAILED = 1

#: Token counts a real call could have; beyond this a typo, not an expense. The ledger's
#: own bound, so nothing `costs add` accepts is later skipped as out of bounds.
TOKENS = click.IntRange(min=0, max=MAX_TOKENS)

INPUT_TOKENS_HELP = (
    "Prompt tokens NOT counting cached (cache-read) tokens; give those with --cached-tokens."
)


class _CostsGroup(click.Group):
    """``costs [PROJECT] …`` means ``costs show [PROJECT] …``; ``costs add …`` records.

    A group with an optional positional argument would swallow ``add`` as the project,
    so anything that is not a subcommand name (or a request for help) is routed to
    ``show``. A project folder literally named ``add`` or ``show`` is spelled ``./add``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_CostsGroup)
def costs() -> None:
    """AI costs of a project: `costs [PROJECT]` reports, `costs add` records an expense."""


# -- shared ----------------------------------------------------------------------------


def _settings(root: Path) -> Settings:
    """The writer's settings for ``root`` (read-only); a bad value is bad input (exit 2)."""
    try:
        loaded = load_settings(root)
    except SettingsError as error:
        fail(str(error))
    _warn(loaded.warnings)
    return loaded.settings


def _live_session_id(root: Path) -> str:
    """The session an outside expense belongs to: the open one, if any."""
    loaded = session_store(root).load(quarantine_bad=False)
    if loaded.source == "default" or loaded.value.ended_at is not None:
        return ""
    return loaded.value.session_id


def _warn(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"writers-tui: warning: {message}", err=True)


def _disk_failure(error: OSError, doing: str) -> NoReturn:
    """A link planted in .session/ is bad input (exit 2); any other disk error is exit 1."""
    if isinstance(error, UnsafePath):
        fail(str(error))
    click.echo(f"writers-tui: could not {doing}: {error.strerror or error}", err=True)
    raise SystemExit(FAILED)


# -- costs add -------------------------------------------------------------------------


@costs.command("add")
@click.argument("project", required=False)
@click.option("--model", required=True, help="provider/model, e.g. anthropic/claude-sonnet-4-5")
@click.option("--input-tokens", type=TOKENS, required=True, help=INPUT_TOKENS_HELP)
@click.option("--output-tokens", type=TOKENS, required=True)
@click.option("--cached-tokens", type=TOKENS, default=0, show_default=True)
@click.option("--operation", default="manual", show_default=True, help="What the call was for.")
@click.option("--json", "as_json", is_flag=True, help="Print the ledger record as JSON.")
def add(
    project: str | None,
    model: str,
    input_tokens: int,
    output_tokens: int,
    cached_tokens: int,
    operation: str,
    as_json: bool,
) -> None:
    """Record an AI expense made outside the app (priced from genai-prices).

    Exit 0 means the record is in .session/costs.jsonl and on disk.
    """
    root = resolve_project(project)
    settings = _settings(root)
    price = pricing.pricer(settings.providers)
    try:
        check_expense(  # before the ledger is even opened: bad input writes nothing
            price,
            model,
            input_tokens,
            output_tokens,
            cached_tokens=cached_tokens,
            operation=operation,
        )
        tracker = CostTracker(root, _live_session_id(root), budget=settings.budget, price=price)
        recorded = record_expense(
            tracker,
            price,
            model,
            input_tokens,
            output_tokens,
            cached_tokens=cached_tokens,
            operation=operation,
        )
    except ExpenseError as error:
        fail(error.cli_message())
    except OSError as error:
        _disk_failure(error, "record the cost")
    record = recorded.record
    _warn(recorded.warnings)
    if recorded.budget_warning:
        _warn([recorded.budget_warning])
    if as_json:
        echo_json(record.model_dump(mode="json"))
        return
    tokens = f"{input_tokens:,} in / {output_tokens:,} out"
    if cached_tokens:
        tokens += f" / {cached_tokens:,} cached"
    click.echo(
        f"Recorded {record.model_name} ({record.operation}): {tokens} tokens, "
        f"{format_usd(record.cost)} [{record.cost_source}] id {record.id}"
    )


# -- costs [show] ----------------------------------------------------------------------


def _print_human(tracker: CostTracker, report: dict[str, Any], period: str, by: str | None) -> None:
    console = Console(highlight=False)
    overview = Table(title=f"AI costs — {tracker.paths.root.name}", title_justify="left")
    for column in ("period", "cost", "calls", "unpriced"):
        overview.add_column(column, justify="left" if column == "period" else "right")
    for name in PERIODS:
        totals = tracker.totals(name)
        unpriced = str(totals.unpriced_count) if totals.unpriced_count else "-"
        style = "bold" if name == period else None
        overview.add_row(name, format_usd(totals.total), str(totals.count), unpriced, style=style)
    console.print(overview)
    if by is not None:
        table = Table(title=f"{period} by {by}", title_justify="left")
        for column in (by, "cost", "calls", "unpriced"):
            table.add_column(column, justify="left" if column == by else "right")
        for key, part in tracker.breakdown(by, period).items():
            unpriced = str(part.unpriced_count) if part.unpriced_count else "-"
            table.add_row(key, format_usd(part.total), str(part.count or "-"), unpriced)
        console.print(table)
    usages = tracker.budget_usage()
    if usages:
        table = Table(title="budget", title_justify="left")
        for column in ("limit", "period", "spent", "of", "used"):
            table.add_column(column, justify="left" if column in ("limit", "period") else "right")
        for usage in usages:
            percent = f"{usage.ratio * 100:.0f}%"
            style = "red" if usage.spent > usage.limit else None
            table.add_row(
                usage.label,
                usage.key,
                format_usd(usage.spent),
                format_usd(usage.limit),
                percent,
                style=style,
            )
        console.print(table)
    unpriced = report["periods"]["all"]["unpriced_count"]
    if unpriced:
        console.print(
            f"[yellow]{unpriced} call(s) have no known price and count as $0 above.[/yellow]"
        )


@costs.command("show")
@click.argument("project", required=False)
@click.option("--period", type=click.Choice(PERIODS), default="month", show_default=True)
@click.option("--by", "by", type=click.Choice(BREAKDOWNS), default=None, help="Split the period.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV of the breakdown (or of the periods).")
def show(project: str | None, period: str, by: str | None, as_json: bool, as_csv: bool) -> None:
    """Report AI costs by session, day, week (ISO, local time), month or all time.

    This is what `writers-tui costs [PROJECT]` runs; it never writes a file.
    Record an outside expense with `writers-tui costs add`.
    """
    if as_json and as_csv:
        fail("--json and --csv cannot be used together")
    root = resolve_project(project)
    budget = _settings(root).budget
    try:
        tracker = CostTracker(root, _live_session_id(root), budget=budget, readonly=True)
    except OSError as error:
        _disk_failure(error, "read the costs")
    _warn(tracker.take_warnings())
    ledger_warning = tracker.ledger_warning()
    if ledger_warning:
        _warn([ledger_warning])
    report = cost_report(tracker, period, by)
    if as_json:
        echo_json(report)
    elif as_csv:
        click.echo(report_csv(report), nl=False)
    else:
        _print_human(tracker, report, period, by)
