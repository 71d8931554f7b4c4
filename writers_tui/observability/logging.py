"""Structured JSON-lines logs, one file per session, never on the terminal.

The TUI owns the terminal, so a stray ``print`` or a log line on stderr would scribble over
the writer's screen. Everything goes through structlog into a plain :mod:`logging` logger
whose only handler is a queue: the event loop just enqueues a record, and a listener
thread writes it to ``.session/logs/<stamp>.jsonl`` and fsyncs each line (ARCHITECTURE
rule 4), so logging never stalls typing.

The file is opened with ``O_NOFOLLOW`` in a folder that must not be a symlink: a project
folder is untrusted input, and a planted link must not make the app append to a file
elsewhere. When the project cannot be written (read-only mode, or a hostile folder) the
log goes to the user state folder instead.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import queue
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
import structlog

from writers_tui.paths import APP_NAME, SESSION_DIR, ProjectPaths
from writers_tui.values import utc_now

#: The stdlib logger every writers-tui log record goes through.
ROOT_LOGGER = "writers_tui"
LOG_SUFFIX = ".jsonl"

_listener: logging.handlers.QueueListener | None = None
_current_path: Path | None = None


def user_log_dir() -> Path:
    """Where logs go when the project folder must not be written (read-only mode).

    Lives here rather than in ``paths.py`` only until the lead moves it there.
    """
    return Path(platformdirs.user_state_dir(APP_NAME)) / "logs"


def log_file_name(session_id: str | None = None, now: datetime | None = None) -> str:
    """``<session-id>.jsonl``, or a UTC timestamp plus pid when there is no session yet."""
    if session_id:
        return f"{session_id}{LOG_SUFFIX}"
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{os.getpid()}{LOG_SUFFIX}"


def session_log_path(
    root: Path | None, *, read_only: bool = False, session_id: str | None = None
) -> Path:
    """The log file for a session of ``root`` (or of no project: the user log folder)."""
    name = log_file_name(session_id)
    if root is None or read_only:
        prefix = f"{Path(root).name}-" if root is not None else ""
        return user_log_dir() / f"{prefix}{name}"
    return ProjectPaths(root).logs / name


class _SyncedFileHandler(logging.Handler):
    """Append one line per record, fsync'd; opened without following symlinks."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        _make_log_dir(path.parent)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        self._fd = os.open(path, flags, 0o600)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + "\n"
            os.write(self._fd, line.encode("utf-8", errors="replace"))
            os.fsync(self._fd)
        except Exception:  # a log line must never take the app down
            self.handleError(record)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
        super().close()


def _make_log_dir(folder: Path) -> None:
    """Create ``folder``; inside a project's ``.session/`` never through a symlink.

    A project folder is untrusted input: a planted ``.session`` or ``.session/logs`` link
    must not make the app write elsewhere, so from ``.session`` down each folder is made
    (or checked) one by one and a link is refused. Outside a project (the user log folder)
    parents are simply created.
    """
    parts = Path(folder).absolute().parts
    if SESSION_DIR not in parts:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return
    index = len(parts) - 1 - parts[::-1].index(SESSION_DIR)
    current = Path(*parts[:index])
    for name in parts[index:]:
        current = current / name
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            os.mkdir(current, 0o700)
            continue
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            raise OSError(f"{current} is a link or not a folder; not writing logs through it")


def _shared_processors() -> list[Any]:
    """What every line carries, from structlog and from plain ``logging`` callers alike."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _json_formatter() -> logging.Formatter:
    """Renders structlog events and stdlib records (the workspace uses ``logging``) as the
    same JSON objects, tracebacks included as text."""
    return structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.UnicodeDecoder(),
            structlog.processors.JSONRenderer(),
        ],
        foreign_pre_chain=_shared_processors(),
    )


def configure_logging(path: Path, debug: bool = False) -> Path:
    """Send every log record to ``path`` as JSON lines; return the file actually used.

    Calling it again moves logging to a new file (the app starts logging before it knows
    which project it opens). If ``path`` cannot be used, the user log folder is tried so
    that a crash still leaves a trace somewhere the writer can be pointed at.
    """
    global _listener, _current_path
    try:
        handler: logging.Handler = _SyncedFileHandler(path)
    except OSError:
        path = user_log_dir() / path.name
        handler = _SyncedFileHandler(path)
    handler.setFormatter(logging.Formatter("%(message)s"))
    shutdown_logging()
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(records, handler, respect_handler_level=False)
    # The queue handler renders each record to its JSON line (cheap) before enqueueing;
    # the listener thread only writes and fsyncs.
    enqueue = logging.handlers.QueueHandler(records)
    enqueue.setFormatter(_json_formatter())
    root = logging.getLogger(ROOT_LOGGER)
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(enqueue)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.propagate = False  # never reach the terminal through the root logger
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.stdlib.BoundLogger,
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    listener.start()
    _listener = listener
    _current_path = path
    return path


def current_log_path() -> Path | None:
    """The file logs go to now (what a crash message points the writer at)."""
    return _current_path


def shutdown_logging() -> None:
    """Write out queued records and close the file (at exit, or before moving files)."""
    global _listener
    if _listener is not None:
        _listener.stop()  # drains the queue first
        for handler in _listener.handlers:
            handler.close()
        _listener = None


def get_logger(name: str = ROOT_LOGGER) -> Any:
    """A structlog logger under ``writers_tui`` (a no-op sink until configured)."""
    if not name.startswith(ROOT_LOGGER):
        name = f"{ROOT_LOGGER}.{name}"
    return structlog.stdlib.get_logger(name)
