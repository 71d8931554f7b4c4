"""Projects, documents and a hermetic user environment for the real-app benchmarks.

Every project is built once per benchmark run under a temp folder (the *pristine* copy),
opened and closed cleanly once through the product's own :class:`Workspace` API (so its
``.session/`` is exactly what a writer's clean quit leaves, with the cursor where the
benchmark wants it), and then **copied afresh for every measured launch**
(:func:`fresh_copy`): no launch sees the lock, logs, session or saved edits of the one
before, and none gets the interrupted-session dialog.

The app runs with ``HOME`` and the XDG folders pointing into a per-launch temp folder
(:func:`hermetic_env`), so the writer's real config, recent-projects list and data are
never read or written. The text is Pride and Prejudice (``tests/fixtures``): prefixes of
it for the scene sizes, the whole book for the 704 KB single-file manuscript, and its
paragraphs shuffled (fixed seed) into 500 scene files in 25 chapter folders for the
1M-word project.
"""

from __future__ import annotations

import asyncio
import os
import random
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._tmux import FIXTURE  # noqa: E402
from writers_tui.project import new_project  # noqa: E402
from writers_tui.wordcount import count_words  # noqa: E402

APP_WRAPPER = Path(__file__).resolve().parent / "_app_bench.py"


@dataclass(frozen=True)
class Project:
    """A pristine project and what its first useful frame shows.

    ``snippet`` is text from the open file that is on screen once the editor shows it
    (never a title the binder or status bar also shows); ``text_bytes`` is the UTF-8 size
    of the whole manuscript, the "text itself" of the memory target.
    """

    name: str
    root: Path
    snippet: str
    text_bytes: int
    words: int


def book() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def prefix(limit: int, *, words: bool) -> str:
    """The longest run of whole paragraphs of the book within ``limit`` bytes or words."""
    text = ""
    for paragraph in book().split("\n\n"):
        candidate = f"{text}\n\n{paragraph}" if text else paragraph
        size = count_words(candidate) if words else len(candidate.encode())
        if size > limit:
            break
        text = candidate
    return text + "\n"


def documents() -> dict[str, str]:
    """The editor documents of issue 8: a 7 KB scene, a 10k-word scene, the 704 KB book."""
    return {
        "7 KB": prefix(7_000, words=False),
        "10k words": prefix(10_000, words=True),
        "700 KB": book(),
    }


def middle_snippet(text: str) -> tuple[int, str]:
    """(line, snippet): the middle line of ``text`` and a long line just below it, which
    is on screen when the cursor is centred on the middle line."""
    lines = text.splitlines()
    middle = len(lines) // 2
    snippet = next(line for line in lines[middle : middle + 15] if len(line) > 30)[:24]
    return middle, snippet


def _empty_project(root: Path, title: str) -> Path:
    new_project(root, "novel", title)
    for stray in (root / "manuscript").rglob("*.md"):
        stray.unlink()  # the template's sample scene: the benchmark decides the manuscript
    return root


def _close_cleanly(root: Path, path: str, line: int) -> None:
    """Open and close ``root`` once with the product's Workspace (cursor at ``line`` of
    ``path``), as a writer's clean quit would leave it."""
    from writers_tui.workspace import Workspace

    async def run() -> None:
        workspace = await Workspace.open(root)
        if workspace.recovery is not None:
            await workspace.start_fresh()
        await workspace.open_file(path)
        workspace.set_cursor(path, line, 0)
        await workspace.close()

    asyncio.run(run())


def single_file_project(folder: Path, name: str, text: str, *, middle: bool) -> Project:
    """A project whose manuscript is one file holding ``text``; the cursor mid-document
    (``middle``: the writer is mid-manuscript) or at the top (a first look at it)."""
    root = _empty_project(folder / name.replace(" ", "_"), f"Bench {name}")
    relative = "manuscript/Manuscript.md"
    (root / relative).write_text(text, encoding="utf-8")
    if middle:
        line, snippet = middle_snippet(text)
    else:
        line = 0
        snippet = next(line for line in text.splitlines() if len(line.strip()) > 30)[:24]
    with hermetic_home(folder / "prep-home"):
        _close_cleanly(root, relative, line)
    return Project(name, root, snippet, len(text.encode()), count_words(text))


def big_project(folder: Path, *, files: int = 500, chapters: int = 25, words: int = 1_000_000):
    """``files`` scenes in ``chapters`` chapter folders, ~``words`` words in all, made of
    the book's paragraphs shuffled with a fixed seed (real prose, real word lengths)."""
    paragraphs = [p for p in book().split("\n\n") if p.strip()]
    rng = random.Random(8)
    root = _empty_project(folder / "big_project", "Bench 1M words")
    per_file = words // files
    per_chapter = files // chapters
    total_bytes = total_words = 0
    first: tuple[str, str] | None = None
    pool: list[str] = []
    for chapter in range(1, chapters + 1):
        chapter_dir = root / "manuscript" / f"{chapter} Chapter {chapter}"
        chapter_dir.mkdir(parents=True)
        for scene in range(1, per_chapter + 1):
            body: list[str] = []
            count = 0
            while count < per_file:
                if not pool:
                    pool = paragraphs[:]
                    rng.shuffle(pool)
                paragraph = pool.pop()
                body.append(paragraph)
                count += len(paragraph.split())
            text = "\n\n".join(body) + "\n"
            relative = f"manuscript/{chapter_dir.name}/{chapter}.{scene} Scene {scene}.md"
            (root / relative).write_text(text, encoding="utf-8")
            total_bytes += len(text.encode())
            total_words += count_words(text)
            if first is None:
                long_line = next(line for line in text.splitlines() if len(line.strip()) > 30)
                first = (relative, long_line[:24])
    assert first is not None
    with hermetic_home(folder / "prep-home"):
        _close_cleanly(root, first[0], 0)
    return Project("1M words, 500 files", root, first[1], total_bytes, total_words)


def demo_project(folder: Path) -> Project:
    """The demo (8 chapters of Pride and Prejudice), as ``writers-tui demo`` makes it."""
    from writers_tui.project import make_demo, manuscript_files

    root = make_demo(folder / "demo")
    first = manuscript_files(root)[0]
    text = first.read_text(encoding="utf-8")
    snippet = next(line for line in text.splitlines() if len(line.strip()) > 30)[:24]
    relative = first.relative_to(root).as_posix()
    with hermetic_home(folder / "prep-home"):
        _close_cleanly(root, relative, 0)
    manuscript = "".join(p.read_text(encoding="utf-8") for p in manuscript_files(root))
    return Project("demo project", root, snippet, len(manuscript.encode()), 0)


def fresh_copy(project: Project, dest: Path) -> Path:
    """A copy of the pristine project for one launch (``dest`` must not exist)."""
    shutil.copytree(project.root, dest, symlinks=True)
    return dest


def hermetic_env(home: Path) -> dict[str, str]:
    """HOME and the XDG folders inside ``home``: nothing of the writer's is read."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home)}
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    return env


class hermetic_home:
    """Point this process's HOME/XDG variables into ``home`` for a ``with`` block."""

    def __init__(self, home: Path) -> None:
        self.env = hermetic_env(home)
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        for key, value in self.env.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def app_cmd(root: Path, home: Path, instruments: dict[str, str] | None = None) -> str:
    """Shell command running the real app on ``root`` with a hermetic home.

    Without ``instruments`` it is exactly ``python -m writers_tui ROOT`` (what the
    ``writers-tui`` command runs); with them (``WRITERS_BENCH_*`` variables, see
    ``_instrument.py``) the benchmark wrapper ``_app_bench.py`` runs the same entry point
    with the instruments switched on."""
    env = hermetic_env(home) | (instruments or {})
    assignments = [f"{key}={value}" for key, value in env.items()]
    program = [str(APP_WRAPPER)] if instruments else ["-m", "writers_tui"]
    return shlex.join(["env", *assignments, sys.executable, *program, str(root)])
