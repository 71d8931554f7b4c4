"""``writers-tui cache stats|clear [PROJECT]``: the AI response cache (.session/cache/ai/).

Answers to deterministic requests (temperature 0) are kept there and served at $0; a hit
is a ledger record with ``cost_source`` "cache". ``stats`` counts entries and hits;
``clear`` removes the entries (the ledger keeps what was spent and saved).
"""

from __future__ import annotations

from decimal import Decimal

import click

from writers_tui.ai.recording import CACHE_SOURCE
from writers_tui.ai.response_cache import ResponseCache
from writers_tui.cli_common import echo_json, resolve_project
from writers_tui.paths import ProjectPaths
from writers_tui.storage.costs import format_usd
from writers_tui.storage.ledger import Ledger


@click.group()
def cache() -> None:
    """The AI response cache: `cache stats`, `cache clear`."""


@cache.command("stats")
@click.argument("project", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(project: str | None, as_json: bool) -> None:
    """Entries, size, and how many calls the cache answered (and what that saved)."""
    root = resolve_project(project)
    found = ResponseCache(root).stats()
    hits, saved = 0, Decimal(0)
    for record in Ledger(ProjectPaths(root).ledger):
        if record.cost_source == CACHE_SOURCE:
            hits += 1
            saved += record.saved_cost or Decimal(0)
    if as_json:
        echo_json(
            {
                "entries": found.entries,
                "bytes": found.bytes,
                "hits": hits,
                "saved": float(saved),
                "folder": str(found.folder),
            }
        )
        return
    click.echo(
        f"{found.entries} cached answers ({found.bytes:,} bytes) in {found.folder}\n"
        f"{hits} calls answered from the cache, saving {format_usd(saved)}"
    )


@cache.command("clear")
@click.argument("project", required=False)
def clear(project: str | None) -> None:
    """Remove every cached answer."""
    root = resolve_project(project)
    click.echo(f"removed {ResponseCache(root).clear()} cached answers")
