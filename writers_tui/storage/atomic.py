"""Durable writes: the one place that turns bytes into a file that survives a crash.

Rule 1 of ARCHITECTURE.md: temp file in the same folder (unique name, O_EXCL, mode of the
original or 0600), write, fsync, ``os.replace``, fsync the folder. Only when this returns is
anything reported as saved. Rule 2: the previous generation can be kept as ``NAME.bak``
(a hard link, so keeping it costs no copy). Rule 4: appends fsync every record and heal a
torn last line before adding to it.

Every call here blocks on the disk; callers on an event loop run them in a thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

BACKUP_SUFFIX = ".bak"
DEFAULT_NEW_FILE_MODE = 0o600


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _keep_backup(path: Path) -> None:
    """Point ``NAME.bak`` at the current generation of ``path`` (a hard link, atomically)."""
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}.bak-tmp")
    try:
        os.link(path, staging)
    except FileNotFoundError:
        return
    try:
        os.replace(staging, backup_path(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staging)
        raise


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    keep_backup: bool = False,
    new_file_mode: int = DEFAULT_NEW_FILE_MODE,
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    ``keep_backup`` first keeps the current file as ``NAME.bak``; callers pass it only when
    the current file is known to be good (it parsed), so a ``.bak`` is always usable.
    On any error the temp file is removed and the old file is untouched.
    """
    path = Path(path)
    folder = path.parent
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode
    temp = folder / f".{path.name}.{uuid.uuid4().hex}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            os.fchmod(fd, mode)  # O_CREAT's mode is filtered by the umask; keep the original's.
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep_backup:
            _keep_backup(path)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(folder)


def atomic_write_text(path: Path, text: str, **kwargs: object) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def _locked_append_fd(path: Path) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, DEFAULT_NEW_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing drops the flock


def append_line(path: Path, line: bytes) -> None:
    """Append one newline-terminated record and fsync it (safe across processes).

    An exclusive flock serialises writers from several processes. If an earlier writer
    died mid-record (the file does not end in a newline), a newline is written first so
    the torn fragment stays a line of its own that readers skip, instead of corrupting
    this record.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    path = Path(path)
    is_new = not path.exists()
    with _locked_append_fd(path) as fd:
        size = os.fstat(fd).st_size
        if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        _write_all(fd, line)
        os.fsync(fd)
    if is_new:
        fsync_dir(path.parent)


def read_lines(path: Path) -> Iterator[bytes]:
    """Complete lines of an append-only file; a torn (unterminated) last line is skipped."""
    try:
        with open(path, "rb") as handle:
            for raw in handle:
                if raw.endswith(b"\n"):
                    yield raw
    except FileNotFoundError:
        return
