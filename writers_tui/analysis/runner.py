"""All the file I/O of the analysis, in one place: resolving what to analyse, reading
manuscript files, project word lists and the story bible, the on-disk cache, the
Markdown report and the scores log.

The writer's settings (reading-ease target, quote style …) are not read here: the caller
passes a function giving a project's :class:`ProjectSettings` (the CLI reads them from the
app's settings), so the analysis does not depend on the storage layer.

The metric modules never touch the disk; this module feeds them text and persists their
results. Writes are durable (temp file + fsync + ``os.replace``; appends fsync each line)
through :mod:`writers_tui.atomic`, the one durable-write implementation.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from writers_tui import atomic
from writers_tui.analysis.characters import Character, parse_character_file
from writers_tui.analysis.export import ManuscriptOut, Skipped
from writers_tui.analysis.lists import LIST_NAMES, StyleLists, default_lists
from writers_tui.analysis.manuscript import (
    ANALYZER_VERSION,
    AnalysisConfig,
    Analyzer,
    ManuscriptAnalysis,
    SourceFile,
)
from writers_tui.analysis.models import FILE_ANALYSIS, FileAnalysis
from writers_tui.analysis.scoring import ScoringConfig
from writers_tui.analysis.spelling import (
    DEFAULT_DICTIONARY,
    SpellingConfig,
    dictionary_note,
    parse_words,
)
from writers_tui.paths import ProjectPaths
from writers_tui.project import (
    MANUSCRIPT_SUFFIXES,
    manuscript_files,
    markdown_files_under,
    natural_key,
)
from writers_tui.wordcount import NotTextError, decode_text

__all__ = [
    "AnalysisInputError",
    "DiskCache",
    "ProjectSettings",
    "RunResult",
    "Target",
    "analyze_targets",
    "append_record",
    "config_for",
    "find_project_root",
    "load_characters",
    "load_places",
    "load_project_words",
    "load_style_lists",
    "resolve_targets",
    "write_text",
]

#: 2: flags share messages, files carry prose-signal counts and unattributed mentions;
#: 3: files carry their dictionary words and distinct-sentence hashes (no grade for garbage).
CACHE_SCHEMA = 3
SCORES_SCHEMA = 1


class AnalysisInputError(Exception):
    """Bad input for ``analyze``: the message names the path and what is wrong."""


# --- durable writes -----------------------------------------------------------------------


def write_text(path: Path, text: str, *, mode: int = atomic.USER_FILE_MODE) -> None:
    """A report or cache file, written durably (the folder is created if needed)."""
    atomic.ensure_dir(path.parent)
    atomic.atomic_write_text(path, text, new_file_mode=mode)


def append_record(path: Path, line: str) -> None:
    """One fsync'd line of an append-only log such as ``scores.jsonl``."""
    atomic.ensure_dir(path.parent)
    atomic.append_line(path, line.encode("utf-8"), new_file_mode=atomic.USER_FILE_MODE)


# --- what to analyse ---------------------------------------------------------------------


@dataclass(slots=True)
class Target:
    """Files to analyse together: a project's (or a loose group's) files, binder order."""

    root: Path | None  # the project folder, or None for files outside any project
    files: list[Path] = field(default_factory=list)
    #: files named on the command line (a binary one is bad input; one found in a
    #: folder is skipped with a warning)
    named: set[Path] = field(default_factory=set)

    @property
    def paths(self) -> ProjectPaths | None:
        return ProjectPaths(self.root) if self.root else None


def _normalized(path: Path) -> Path:
    """Absolute, with ``.`` and ``..`` folded away (lexically, like the shell's ``cd``), so
    one file has one name: ``part1/../part1/01.md`` is ``part1/01.md``."""
    return Path(os.path.normpath(path.absolute()))


def find_project_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that is a project."""
    path = _normalized(path)
    for folder in (path, *path.parents):
        if folder.is_dir() and ProjectPaths(folder).is_project():
            return folder
    return None


def _markdown_under(folder: Path) -> list[Path]:
    """The manuscript files under a folder, walked exactly as the binder walks them
    (conflict copies and hidden entries left out)."""
    try:
        with os.scandir(folder):
            pass
    except OSError as error:
        raise AnalysisInputError(f"cannot read folder {folder}: {error.strerror}") from None
    return markdown_files_under(folder, within=find_project_root(folder))


def resolve_targets(paths: Sequence[Path]) -> list[Target]:
    """Turn command-line paths into targets, or raise :class:`AnalysisInputError`.

    A project folder means its whole manuscript; a folder inside a project means the
    Markdown files under it; a ``.md`` file means itself. Files of one project are
    analysed together, in the order given.
    """
    if not paths:
        raise AnalysisInputError("no PATH given: name a Markdown file or a project folder")
    by_root: dict[Path | None, Target] = {}
    order: list[Target] = []
    seen: set[Path] = set()  # each file once, however it was spelled
    for raw in paths:
        if not Path(raw).exists():
            raise AnalysisInputError(f"no such file or folder: {raw}")
        path = _normalized(Path(raw))
        if path.is_dir():
            if ProjectPaths(path).is_project():
                root: Path | None = path
                files = manuscript_files(path)
            else:
                root = find_project_root(path)
                if root is None:
                    raise AnalysisInputError(
                        f"not a project (no manuscript/ or .session/ folder): {raw}"
                    )
                files = _markdown_under(path)
        elif path.is_file():
            if path.suffix.lower() not in MANUSCRIPT_SUFFIXES:
                raise AnalysisInputError(f"not a Markdown file (.md): {raw}")
            if not os.access(path, os.R_OK):
                raise AnalysisInputError(f"cannot read {raw}: permission denied")
            root = find_project_root(path.parent)
            files = [path]
        else:
            raise AnalysisInputError(f"not a file or folder: {raw}")
        target = by_root.get(root)
        if target is None:
            target = by_root[root] = Target(root=root)
            order.append(target)
        if path.is_file():
            target.named.add(path)
        for file in files:
            if file not in seen:
                seen.add(file)
                target.files.append(file)
    return order


# --- project settings --------------------------------------------------------------------


def load_style_lists(paths: ProjectPaths | None) -> StyleLists:
    """The default lists extended by ``reference/style/NAME.txt`` files (unreadable or
    unknown files are skipped: a list must never stop an analysis)."""
    lists = default_lists()
    if paths is None or not paths.style_lists.is_dir():
        return lists
    for name in LIST_NAMES:
        file = paths.style_lists / f"{name}.txt"
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        lists = lists.extended(name, text)
    return lists


def _bible_entries(folder: Path | None) -> tuple[Character, ...]:
    """The entries of one story-bible folder (``*.md``, name order): a name and aliases
    each, read as character files are (front matter, first heading or file name)."""
    if folder is None or not folder.is_dir():
        return ()
    characters: list[Character] = []
    try:
        files = sorted(folder.iterdir(), key=lambda p: natural_key(p.name))
    except OSError:
        return ()
    for file in files:
        if file.suffix.lower() not in MANUSCRIPT_SUFFIXES or not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        character = parse_character_file(file.name, text)
        if character is not None:
            characters.append(character)
    return tuple(characters)


def load_characters(paths: ProjectPaths | None) -> tuple[Character, ...]:
    """Characters of the story bible, ``reference/characters/*.md`` in name order."""
    return _bible_entries(paths.characters if paths else None)


def load_places(paths: ProjectPaths | None) -> tuple[Character, ...]:
    """Places of the story bible, ``reference/places/*.md``: only their names are used
    (they join the spelling word list)."""
    return _bible_entries(paths.reference / "places" if paths else None)


def load_project_words(
    paths: ProjectPaths | None, characters: Iterable[Character] = ()
) -> frozenset[str]:
    """The words the spell check accepts besides its dictionary: ``reference/style/
    words.txt`` and every word of the story bible's names and aliases (characters and
    places), case kept. An unreadable word list is skipped: it must never stop an
    analysis."""
    words: set[str] = set()
    if paths is None:
        return frozenset()
    with contextlib.suppress(OSError):
        text = (paths.style_lists / "words.txt").read_text(encoding="utf-8", errors="replace")
        words |= parse_words(text)
    for entry in (*characters, *load_places(paths)):
        words |= parse_words("\n".join(entry.names))
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """The writer's analysis settings for one project (the app's settings supply them)."""

    target_reading_ease: float = 65.0
    quote_style: str = "auto"
    flag_filter_words_in_dialogue: bool = False
    spell_check: bool = True
    spelling_dictionary: str = DEFAULT_DICTIONARY


def config_for(
    paths: ProjectPaths | None, settings: ProjectSettings | None = None
) -> AnalysisConfig:
    """The analysis configuration of a project: its lists, story bible and settings."""
    settings = settings or ProjectSettings()
    characters = load_characters(paths)
    spelling = (
        SpellingConfig(
            dictionary=settings.spelling_dictionary,
            words=load_project_words(paths, characters),
        )
        if settings.spell_check
        else None
    )
    return AnalysisConfig(
        lists=load_style_lists(paths),
        characters=characters,
        quote_style=settings.quote_style,
        flag_filter_words_in_dialogue=settings.flag_filter_words_in_dialogue,
        spelling=spelling,
        scoring=ScoringConfig(target_reading_ease=settings.target_reading_ease),
    )


# --- the cache ---------------------------------------------------------------------------


class DiskCache:
    """Per-file results as ``.session/cache/analysis/<key>.json``.

    A cache file that is missing, unreadable or malformed is a miss (and is rewritten);
    failing to write one is ignored: the cache only ever saves time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> FileAnalysis | None:
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if data.get("schema_version") != CACHE_SCHEMA or data.get("key") != key:
                return None
            return FILE_ANALYSIS.validate_python(data["analysis"])
        except Exception:  # any damage at all is just a miss
            return None

    def put(self, key: str, analysis: FileAnalysis) -> None:
        body = FILE_ANALYSIS.dump_json(analysis).decode("utf-8")
        document = f'{{"schema_version":{CACHE_SCHEMA},"key":{json.dumps(key)},"analysis":{body}}}'
        with contextlib.suppress(OSError):
            write_text(self._file(key), document, mode=0o600)


# --- running -----------------------------------------------------------------------------


@dataclass(slots=True)
class RunResult:
    target: Target
    analysis: ManuscriptAnalysis
    target_reading_ease: float
    #: one line per problem the writer should know about (a file read as Windows-1252)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def export(self) -> ManuscriptOut:
        """This run in the shape of the ``--json`` output."""
        return ManuscriptOut.of(
            self.analysis,
            project=str(self.target.root) if self.target.root else None,
            target_reading_ease=self.target_reading_ease,
            warnings=self.warnings,
            skipped=self.skipped,
        )


def read_source(path: Path) -> tuple[str, str | None]:
    """A manuscript file's text and a warning when its encoding was a guess.

    Raises :class:`AnalysisInputError` when it cannot be read and
    :class:`~writers_tui.wordcount.NotTextError` when it is not text.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AnalysisInputError(f"cannot read {path}: {error.strerror}") from None
    decoded = decode_text(data)
    return decoded.text, decoded.warning


def _display_path(file: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return file.relative_to(root).as_posix()
    with contextlib.suppress(ValueError):
        return file.relative_to(Path.cwd()).as_posix()
    return file.as_posix()


def _chapter(file: Path, paths: ProjectPaths | None) -> str:
    if paths is not None:
        with contextlib.suppress(ValueError):
            relative = file.relative_to(paths.manuscript)
            if len(relative.parts) > 1:
                return relative.parent.as_posix()
    return file.stem


def analyze_targets(
    targets: Iterable[Target],
    settings_for: Callable[[Path | None], ProjectSettings] | None = None,
    *,
    use_disk_cache: bool = True,
) -> list[RunResult]:
    """Read and analyse every target. Reads everything before anything is written.

    ``settings_for(root)`` gives a project's settings (``root`` is None for loose files).
    A binary file named on the command line is bad input; one found in a folder is
    skipped and reported, so one stray file does not stop a whole manuscript.
    """
    prepared: list[tuple[Target, list[SourceFile], list[str], list[Skipped]]] = []
    for target in targets:
        paths = target.paths
        sources: list[SourceFile] = []
        warnings: list[str] = []
        skipped: list[Skipped] = []
        for file in target.files:
            shown = _display_path(file, target.root)
            try:
                text, warning = read_source(file)
            except NotTextError as error:
                if file in target.named:
                    raise AnalysisInputError(f"{file}: {error}") from None
                skipped.append(Skipped(shown, str(error)))
                continue
            if warning:
                warnings.append(f"{shown}: {warning}")
            sources.append(SourceFile(path=shown, text=text, chapter=_chapter(file, paths)))
        prepared.append((target, sources, warnings, skipped))
    results = []
    for target, sources, warnings, skipped in prepared:
        paths = target.paths
        settings = settings_for(target.root) if settings_for else ProjectSettings()
        config = config_for(paths, settings)
        note = dictionary_note(settings.spelling_dictionary) if settings.spell_check else None
        if note:
            warnings.append(note)
        store = DiskCache(paths.analysis_cache) if (paths and use_disk_cache) else None
        analysis = Analyzer(config, store=store).analyze(sources)
        results.append(RunResult(target, analysis, settings.target_reading_ease, warnings, skipped))
    return results


def append_scores(result: RunResult, *, now: datetime | None = None) -> Path | None:
    """One line per scored file in ``output/reports/scores.jsonl`` (projects only)."""
    paths = result.target.paths
    if paths is None:
        return None
    now = now or datetime.now(UTC)
    run_id = str(uuid.uuid4())
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    for file in result.analysis.files:
        if file.score.total is None:
            continue  # not scored (too little prose): nothing to draw a trend from
        record = {
            "schema_version": SCORES_SCHEMA,
            "time": stamp,
            "run_id": run_id,
            "analyzer_version": ANALYZER_VERSION,
            "path": file.path,
            "sha256": file.sha256,
            "words": file.analysis.words,
            "total": round(file.score.total, 1),
            "grade": file.score.grade,
            "subscores": {s.key: round(s.score, 1) for s in file.score.subscores},
            "target_reading_ease": result.target_reading_ease,
        }
        append_record(paths.scores_log, json.dumps(record, ensure_ascii=False))
    return paths.scores_log


def report_path(result: RunResult, today: date | None = None) -> Path:
    """``output/reports/analysis-YYYY-MM-DD.md`` of the project (or of the current folder
    for files outside any project)."""
    today = today or date.today()
    folder = result.target.paths.reports if result.target.paths else Path("output/reports")
    return folder / f"analysis-{today.isoformat()}.md"
