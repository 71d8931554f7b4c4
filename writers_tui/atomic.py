"""Durable writes: the one place that turns bytes into a file that survives a crash.

Rule 1 of ARCHITECTURE.md: temp file in the same folder (unique name, O_EXCL, mode of the
original or 0600), write, fsync, ``os.replace``, fsync the folder. Only when this returns is
anything reported as saved. Rule 2: the previous generation can be kept as ``NAME.bak``
(a hard link, so keeping it costs no copy). Rule 4: appends fsync every record and heal a
torn last line before adding to it.

A process killed mid-write leaves its temp file behind (``.NAME.p<pid>-<hex>.tmp``); the
name carries the writer's pid so :func:`remove_stale_temps` can tell a dead writer's
leftovers from a live writer's work in progress.

Every call here blocks on the disk; callers on an event loop run them in a thread.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

BACKUP_SUFFIX = ".bak"
DEFAULT_NEW_FILE_MODE = 0o600
#: The writer's own files (prose, reports): readable like anything else they create.
USER_FILE_MODE = 0o644

#: ``.NAME.p<pid>-<hex>.tmp`` (a write in progress) or ``….bak-tmp`` (a backup being linked).
_TEMP_NAME = re.compile(r"^\..+\.p(?P<pid>\d+)-[0-9a-f]{32}\.(?:tmp|bak-tmp)$")

#: Filesystems without hard links (exFAT, some network shares) answer ``os.link`` with these;
#: the backup is then a copy, so saving still works there.
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(folder: Path) -> None:
    """``mkdir -p``, durably: each folder it creates is fsync'd into its parent.

    Without this, a file written into a brand-new ``.session/`` could be fsync'd while the
    folder holding it is not yet on disk.
    """
    folder = Path(folder)
    if folder.is_dir():
        return
    ensure_dir(folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    fsync_dir(folder.parent)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def _temp_name(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.p{os.getpid()}-{uuid.uuid4().hex}.{suffix}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_into(source: Path, target: Path) -> None:
    """Copy ``source`` to a new file ``target`` (the backup, where hard links are refused)."""
    data = source.read_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DEFAULT_NEW_FILE_MODE)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    """Point ``NAME.bak`` at the current generation of ``path`` (a hard link, atomically)."""
    staging = _temp_name(path, "bak-tmp")
    try:
        try:
            os.link(path, staging)
        except FileNotFoundError:
            return
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            _copy_into(path, staging)
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

    The backup rename and the final rename share one folder fsync: both are in the same
    folder, and a crash between them leaves a ``.bak`` that is the current file, which is
    still a good generation.

    A symlink is written through: its target gets the new content (the writer's
    manuscript may live in a synced folder), the link itself stays a link.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    folder = path.parent
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode
    temp = _temp_name(path, "tmp")
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temp files left by writers that were killed mid-save; return what went.

    Only names this module makes are touched, and only when the pid in the name is not a
    running process (a live writer's temp, including this process's, is left alone; a pid
    reused since is merely left for a later call). A temp file is never the only copy of
    anything: its rename either happened (then it is gone) or the old file is intact.
    Called when a project opens, under the project lock.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return removed
    for name in names:
        match = _TEMP_NAME.match(name)
        if match is None or _pid_alive(int(match["pid"])):
            continue
        target = Path(folder) / name
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
            removed.append(target)
    if removed:
        fsync_dir(Path(folder))
    return removed


@contextlib.contextmanager
def _locked_append_fd(path: Path, new_file_mode: int) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, new_file_mode)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing drops the flock


def append_line(path: Path, line: bytes, *, new_file_mode: int = DEFAULT_NEW_FILE_MODE) -> None:
    """Append one newline-terminated record and fsync it (safe across processes and threads).

    An exclusive flock serialises writers (each call opens its own descriptor, so threads
    of one process are serialised too). If an earlier writer died mid-record (the file
    does not end in a newline), a newline is written first so the torn fragment stays a
    line of its own that readers skip, instead of corrupting this record.

    If the write or fsync fails, the file is cut back to its old length before the error
    propagates, so a failed append leaves no partial record and a retry cannot duplicate
    one. The first record of a file also fsyncs the folder (under the lock, so no other
    writer can report success before the file's name is durable).
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    path = Path(path)
    with _locked_append_fd(path, new_file_mode) as fd:
        size = os.fstat(fd).st_size
        if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        try:
            _write_all(fd, line)
            os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise
        if size == 0:
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
