"""``writers-tui new`` and ``writers-tui demo``: making a project folder.

Both are thin: :mod:`writers_tui.project` does the work (all-or-nothing, never
overwriting), and a :class:`~writers_tui.project.ProjectError` becomes the CLI contract's
one-line error with exit 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from writers_tui.cli_app import can_open_studio, open_studio
from writers_tui.cli_common import fail
from writers_tui.paths import ProjectPaths, user_data_dir
from writers_tui.project import (
    DEFAULT_TEMPLATE,
    ProjectError,
    is_demo,
    make_demo,
    new_project,
    total_words,
)


def _next_steps(root: Path) -> str:
    return (
        f"Open it in the studio:  writers-tui {root}\n"
        "Headless:\n"
        f"  writers-tui session show {root}\n"
        f"  writers-tui analyze {root}\n"
        f"  writers-tui costs {root}"
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    help="Project skeleton: novel or short-story.",
)
@click.option("--title", help="The book's title (default: from the folder name).")
def new(path: Path, template: str, title: str | None) -> None:
    """Make a new project at PATH (a new or empty folder) with a story-bible skeleton."""
    existing = path.is_dir() and ProjectPaths(path).is_project()
    try:
        root = new_project(path, template=template, title=title)
    except ProjectError as error:
        fail(str(error))
    if existing:
        click.echo(f"{root} is already a project; added any missing {template} skeleton files")
    else:
        click.echo(f"Created {template} project at {root}")
    click.echo(_next_steps(root))


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--no-open", is_flag=True, help="Only make the project; do not open the studio.")
def demo(path: Path | None, no_open: bool) -> None:
    """Make (if needed) the sample project at PATH, eight chapters of Pride and Prejudice,
    and open it in the studio (when this is a terminal).

    Without PATH the demo lives in the user data folder. An existing demo is reused as it
    is, including any changes made to it.
    """
    target = path if path is not None else user_data_dir() / "demo"
    existed = is_demo(target)
    try:
        root = make_demo(target)
    except ProjectError as error:
        fail(str(error))
    verb = "Using the existing" if existed else "Created the"
    click.echo(f"{verb} demo project at {root} ({total_words(root):,} words)")
    if not no_open and can_open_studio():
        raise SystemExit(open_studio(root))
    click.echo(_next_steps(root))
