"""The ``writers-tui`` command: the front doors to a project.

``writers-tui [PROJECT]`` opens the studio (the Textual app); every other command
inspects or changes a project without a terminal UI. Commands live in small ``cli_*``
modules and are registered here; the heavy ones load only when named.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from writers_tui import __version__
from writers_tui.atomic import UnsafePath
from writers_tui.cli_app import can_open_studio, open_studio
from writers_tui.cli_common import BAD_INPUT, echo_json, fail, markup_safe, resolve_project
from writers_tui.cli_project import demo, new
from writers_tui.config import SettingsError, load_settings
from writers_tui.storage.doctor import diagnose
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.session import SessionState, session_state

#: Subcommands imported only when named: the AI SDKs and the analysis engine cost about a
#: second and 60 MB at start-up that opening the studio should not pay.
LAZY_COMMANDS: dict[str, str] = {
    "analyze": "writers_tui.cli_analyze:analyze",
    "ask": "writers_tui.cli_ask:ask",
    "cache": "writers_tui.cli_cache:cache",
    "costs": "writers_tui.cli_costs:costs",
}


class ProjectGroup(click.Group):
    """A group whose first argument may be a project folder instead of a command.

    It also keeps the CLI contract for click's own errors: a usage error (unknown option,
    missing value) is one line on stderr and exit 2, not a usage screen.
    """

    def _names(self) -> set[str]:
        return {*self.commands, *LAZY_COMMANDS}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._names())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module, attribute = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self._names():
            self._check_not_a_typo(args[0])
            ctx.meta["project"] = args.pop(0)
        return super().parse_args(ctx, args)

    def _check_not_a_typo(self, word: str) -> None:
        """A first word that is no folder but is close to a command is a mistyped command.

        An existing folder, or a word that looks like a path, is always a project (a
        project folder named like a command is spelled ``./analyze``).
        """
        if Path(word).exists() or os.sep in word or word.startswith((".", "~")):
            return
        close = difflib.get_close_matches(word, sorted(self._names()), n=1)
        if close:
            fail(f"No such command {word!r}. Did you mean {close[0]!r}?")

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help() if error.ctx else error.format_message())
            sys.exit(BAD_INPUT)
        except click.UsageError as error:
            fail(f"{error.format_message()} (see --help)")
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except UnsafePath as error:  # a link planted in .session/ or output/: refused
            fail(str(error))
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=ProjectGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="writers-tui")
@click.option("--debug", is_flag=True, help="Verbose logging into .session/logs/.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """writers-tui: a keyboard-first terminal writing studio for novelists.

    Run with a PROJECT folder (or inside one) to open it in the studio.
    """
    if ctx.invoked_subcommand is not None:
        if "project" in ctx.meta:
            fail(
                f"put the project after the command: "
                f"writers-tui {ctx.invoked_subcommand} {ctx.meta['project']}"
            )
        return
    if can_open_studio():
        sys.exit(open_studio(Path(ctx.meta.get("project") or "."), debug=debug))
    root = resolve_project(ctx.meta.get("project"))
    click.echo(
        f"{root.name}: the studio needs a terminal (this output is not one).\n"
        "Headless, the same project:\n"
        f"  writers-tui session show {root}\n"
        f"  writers-tui analyze {root}\n"
        f"  writers-tui costs {root}\n"
        f"  writers-tui doctor {root}"
    )


@main.group()
def session() -> None:
    """Inspect the current session and past sessions."""


def _console_with_warnings(warnings: list[str]) -> Console:
    """A console for the human-readable output, having shown any loading warnings."""
    console = Console()
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    return console


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def _models_per_stage(root: Path) -> dict[str, str]:
    """The model chosen for each stage, from settings (where it lives); {} if unreadable."""
    try:
        settings = load_settings(root).settings
    except SettingsError:
        return {}
    return {stage.value: model for stage, model in settings.model_preferences.items()}


@session.command("show")
@click.argument("project", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def session_show(project: str | None, as_json: bool) -> None:
    """The live (or last) session of PROJECT: stage, open files, models, lock state."""
    root = resolve_project(project)
    status = session_state(root)
    models = _models_per_stage(root)
    state, holder, data = status.state.value, status.holder, status.session
    held = status.state is SessionState.OPEN_ELSEWHERE
    if as_json:
        echo_json(
            {
                "project": str(root),
                "state": state,
                "holder": holder.__dict__ if (held and holder) else None,
                "session": data.model_dump(mode="json") if data else None,
                "models": models,
                "source": status.source,
                "warnings": status.warnings,
            }
        )
        return
    console = _console_with_warnings(status.warnings)
    if data is None:
        console.print(f"{root.name}: no session yet (open the project to start one)")
        return
    table = Table(title=markup_safe(f"{data.project_name} — session {state}"), show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("session", data.session_id)
    table.add_row("started", _when(data.created_at))
    table.add_row("last saved", _when(data.last_saved_at))
    table.add_row("ended", _when(data.ended_at))
    if held and holder:
        table.add_row("open in", holder.describe())
    table.add_row("stage", data.current_state.stage.value)
    table.add_row("screen", " › ".join(data.current_state.breadcrumb) or data.current_state.screen)
    files = [
        markup_safe(f"{f.path}  (line {f.cursor_line + 1}, col {f.cursor_col + 1})")
        for f in data.open_files
    ]
    table.add_row("open files", "\n".join(files) or "—")
    table.add_row(
        "models", "\n".join(f"{stage}: {model}" for stage, model in models.items()) or "—"
    )
    table.add_row("words written", f"{data.words_now - data.words_at_start:+,}")
    queries = [q.query for q in data.recent_queries[-3:]]
    table.add_row("recent queries", "\n".join(queries) or "—")
    console.print(table)


@session.command("history")
@click.argument("project", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def session_history(project: str | None, as_json: bool) -> None:
    """The last 20 sessions of PROJECT: duration, cost, files, operations, words."""
    root = resolve_project(project)
    loaded = SessionHistory(root).load(quarantine_bad=False)
    entries = loaded.value.sessions
    if as_json:
        echo_json(
            {
                "project": str(root),
                "sessions": [entry.model_dump(mode="json") for entry in entries],
                "warnings": loaded.warnings,
            }
        )
        return
    console = _console_with_warnings(loaded.warnings)
    if not entries:
        console.print(f"{root.name}: no finished sessions yet")
        return
    table = Table(title=markup_safe(f"{root.name} — last {len(entries)} sessions"))
    for column in ("started", "minutes", "cost", "words", "files", "operations", "ended"):
        table.add_column(
            column, justify="right" if column in ("minutes", "cost", "words") else "left"
        )
    for entry in reversed(entries):
        operations = ", ".join(f"{k} ×{v}" for k, v in entry.operations_count.items())
        files = len(set(entry.files_created) | set(entry.files_modified))
        table.add_row(
            _when(entry.start_time),
            str(entry.duration_minutes),
            f"${entry.total_cost:.4f}",
            f"{entry.words_written:+,}",
            str(files),
            operations or "—",
            "interrupted" if entry.interrupted else "closed",
        )
    console.print(table)


@main.command()
@click.argument("project", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor(project: str | None, as_json: bool) -> None:
    """Check PROJECT's saved state. Exit 0 when healthy, 1 when problems are found."""
    root = resolve_project(project, inspect_broken=True)
    findings = diagnose(root)
    problems = [f for f in findings if f.severity == "problem"]
    if as_json:
        echo_json(
            {
                "project": str(root),
                "healthy": not problems,
                "findings": [f.__dict__ for f in findings],
            }
        )
    else:
        marks = {"ok": "[green]✓[/]", "info": "[blue]i[/]", "problem": "[red]✗[/]"}
        console = Console()
        for finding in findings:
            console.print(
                f"{marks[finding.severity]} {finding.check}: {finding.message}", highlight=False
            )
        verdict = f"{len(problems)} problem(s) found" if problems else "healthy"
        console.print(f"{root.name}: {verdict}")
    raise SystemExit(1 if problems else 0)


main.add_command(new)
main.add_command(demo)
