"""Durable writes: the one place that turns bytes into a file that survives a crash.

Rule 1 of ARCHITECTURE.md: temp file in the same folder (unique name, O_EXCL, mode of the
original or 0600), write, fsync, ``os.replace``, fsync the folder. Only when this returns is
anything reported as saved. Rule 2: the previous generation can be kept as ``NAME.bak``
(a hard link, so keeping it costs no copy). Rule 4: appends fsync every record and heal a
torn last line before adding to it.

**No links.** A project folder is untrusted input: a link planted as
``.session/costs.jsonl`` (or as ``.session`` itself, ``output/reports``, a ``.bak`` name …)
must not make the app write wherever it points. So every step here works on a descriptor
of the target's folder, reached by :func:`open_folder`: from the anchor that
:func:`writers_tui.paths.guarded_split` names (the project root for ``.session/`` and
``output/``), each folder is opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to the one
above it, and every file in it is opened, linked, renamed or removed relative to that
descriptor with ``O_NOFOLLOW``. A link met on the way raises :class:`UnsafePath`; nothing is
followed and nothing is silently replaced. A link swapped in after the check cannot
redirect the write either: the folder descriptor is already pinned, and ``rename`` replaces
a name, never the file a link points to. (The writer's own manuscript links are resolved
deliberately by :mod:`writers_tui.storage.buffers`, which writes to the real file.)

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
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from writers_tui.paths import guarded_split

BACKUP_SUFFIX = ".bak"
DEFAULT_NEW_FILE_MODE = 0o600
#: The writer's own files (prose, reports): readable like anything else they create.
USER_FILE_MODE = 0o644

#: ``.NAME.p<pid>-<hex>.tmp`` (a write in progress), ``….bak-tmp`` (a backup being linked)
#: or ``….prev`` (the file a guarded write replaced, kept until it was checked).
_TEMP_NAME = re.compile(r"^\..+\.p(?P<pid>\d+)-[0-9a-f]{32}\.(?:tmp|bak-tmp|prev)$")

#: Filesystems without hard links (exFAT, some network shares) answer ``os.link`` with these;
#: the backup is then a copy, so saving still works there.
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}

#: What ``open`` says about ``O_NOFOLLOW`` meeting a link (ELOOP on Linux and macOS,
#: EMLINK on FreeBSD), or ``O_DIRECTORY`` meeting one that points at a file.
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK, errno.ENOTDIR}

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC

#: Called right before the final rename with the target's current ``lstat`` (None: no
#: file); raising aborts the write and leaves the target untouched.
BeforeReplace = Callable[[os.stat_result | None], None]


class UnsafePath(OSError):
    """A path the app was about to write (or read its state from) is a link, or not a file.

    The message is one line naming the path, so a front door prints ``str(error)`` as is
    and exits 2; ``strerror`` holds the same text for code that reports ``OSError``s.
    """

    def __init__(self, path: Path | str, reason: str = "is a symbolic link") -> None:
        message = f"{path} {reason}; writers-tui never writes through it (remove it and retry)"
        super().__init__(errno.ELOOP, message)
        self.path = Path(path)

    def __str__(self) -> str:
        return str(self.strerror)


# --- folders ---------------------------------------------------------------------------


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_child_dir(parent_fd: int, name: str, shown: Path, create: bool) -> int:
    """Open folder ``name`` below ``parent_fd`` without following a link (making it if
    ``create``; a new folder is fsync'd into its parent so files in it can be durable)."""
    if name in ("", ".", ".."):
        raise UnsafePath(shown, "is not a plain folder name")
    for attempt in range(2):
        try:
            return os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=parent_fd)
        except FileNotFoundError:
            if not create or attempt:
                raise
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, dir_fd=parent_fd)
                os.fsync(parent_fd)
        except OSError as error:
            if error.errno in _LINK_ERRNOS and _is_link(parent_fd, name):
                raise UnsafePath(shown) from None
            if error.errno == errno.ENOTDIR:
                raise UnsafePath(shown, "is not a folder") from None
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _make_dirs(folder: Path) -> None:
    """``mkdir -p`` in the writer's own space (links there are theirs to make), durably."""
    if folder.is_dir():
        return
    _make_dirs(folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    fd = os.open(folder.parent, _DIR_FLAGS)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_folder(folder: Path, *, create: bool = False) -> Iterator[int]:
    """A descriptor of ``folder`` reached without following a link below its anchor.

    ``create`` makes missing folders (``mkdir -p``, each fsync'd into its parent).
    Raises :class:`UnsafePath` when a folder on the way is a link.
    """
    anchor, names = guarded_split(Path(folder))
    if create:
        _make_dirs(anchor)
    fd = os.open(anchor, _DIR_FLAGS)
    try:
        here = anchor
        for name in names:
            here = here / name
            child = _open_child_dir(fd, name, here, create)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    with open_folder(folder) as fd:
        os.fsync(fd)


def ensure_dir(folder: Path) -> None:
    """``mkdir -p``, durably and without following a link inside ``.session/`` or
    ``output/``: each folder it creates is fsync'd into its parent.

    Without the fsync, a file written into a brand-new ``.session/`` could be fsync'd while
    the folder holding it is not yet on disk.
    """
    with open_folder(folder, create=True):
        pass


def _lstat_refusing_links(dir_fd: int, name: str, shown: Path) -> os.stat_result | None:
    """The entry ``name`` (None when absent); :class:`UnsafePath` if it is a link."""
    try:
        found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(found.st_mode):
        raise UnsafePath(shown)
    return found


def _open_file(dir_fd: int, name: str, shown: Path, flags: int, mode: int = 0o600) -> int:
    """``open`` relative to a checked folder; a link is :class:`UnsafePath`, and so is
    anything but a regular file (a FIFO planted as a state file would hang a read)."""
    try:
        fd = os.open(name, flags | _NOFOLLOW | os.O_NONBLOCK, mode, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in _LINK_ERRNOS and _is_link(dir_fd, name):
            raise UnsafePath(shown) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(shown, "is not a regular file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_file(path: Path) -> bytes:
    """The bytes of a state file, read without following a link (:class:`UnsafePath`)."""
    path = Path(path)
    with open_folder(path.parent) as folder:
        fd = _open_file(folder, path.name, path, os.O_RDONLY)
        try:
            return _read_fd(fd)
        finally:
            os.close(fd)


def _read_fd(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def open_lock_file(path: Path) -> int:
    """``O_RDWR | O_CREAT`` descriptor of a lock file (never through a link); the caller
    owns it. The folder is made if missing."""
    path = Path(path)
    with open_folder(path.parent, create=True) as folder:
        return _open_file(folder, path.name, path, os.O_RDWR | os.O_CREAT, 0o600)


def same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` (not followed) still names the file open as ``fd``.

    A sync tool that replaces ``.session/lock`` by rename leaves a held flock on a file no
    other process will ever open again; this is how the holder and the next comer notice.
    """
    try:
        at_path = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (at_path.st_dev, at_path.st_ino) == (held.st_dev, held.st_ino)


# --- writes ----------------------------------------------------------------------------


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def _temp_name(name: str, suffix: str) -> str:
    return f".{name}.p{os.getpid()}-{uuid.uuid4().hex}.{suffix}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_into(folder: int, source: str, target: str, shown: Path) -> None:
    """Copy ``source`` to a new file ``target`` (the backup, where hard links are refused)."""
    fd = _open_file(folder, source, shown, os.O_RDONLY)
    try:
        data = _read_fd(fd)
    finally:
        os.close(fd)
    fd = os.open(
        target,
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW,
        DEFAULT_NEW_FILE_MODE,
        dir_fd=folder,
    )
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_staging(folder: int, name: str, suffix: str, shown: Path) -> str | None:
    """Hard-link the current ``name`` (never a link: already checked) to a hidden name
    beside it; None when there is no current file."""
    staging = _temp_name(name, suffix)
    try:
        os.link(name, staging, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        _copy_into(folder, name, staging, shown)
    return staging


def _keep_backup(folder: int, name: str, path: Path) -> None:
    """Point ``NAME.bak`` at the current generation of ``name`` (a hard link, atomically)."""
    backup = name + BACKUP_SUFFIX
    _lstat_refusing_links(folder, backup, path.with_name(backup))
    staging = None
    try:
        staging = _link_staging(folder, name, "bak-tmp", path)
        if staging is not None:
            os.replace(staging, backup, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        if staging is not None:
            with contextlib.suppress(OSError):
                os.unlink(staging, dir_fd=folder)
        raise


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    keep_backup: bool = False,
    new_file_mode: int = DEFAULT_NEW_FILE_MODE,
    before_replace: BeforeReplace | None = None,
    keep_replaced: bool = False,
) -> Path | None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    ``keep_backup`` first keeps the current file as ``NAME.bak``; callers pass it only when
    the current file is known to be good (it parsed), so a ``.bak`` is always usable.
    On any error the temp file is removed and the old file is untouched.

    ``before_replace(lstat)`` runs after the temp file is durable, immediately before the
    rename; it raises to abort (the prose store uses it to notice an outside edit that
    landed during the fsync). ``keep_replaced`` hard-links the file about to be replaced
    to a hidden ``.NAME.p<pid>-<hex>.prev`` beside it and returns that path (None when
    there was no file): the caller checks it and must remove or rename it. Together they
    shrink "an outside edit overwritten without a trace" to the gap between two syscalls.

    The backup rename and the final rename share one folder fsync: both are in the same
    folder, and a crash between them leaves a ``.bak`` that is the current file, which is
    still a good generation.

    ``path`` itself, its ``.bak`` and every folder below the anchor must not be links
    (:class:`UnsafePath`).
    """
    path = Path(path)
    name = path.name
    with open_folder(path.parent) as folder:
        current = _lstat_refusing_links(folder, name, path)
        mode = new_file_mode if current is None else stat.S_IMODE(current.st_mode)
        temp = _temp_name(name, "tmp")
        replaced: str | None = None
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode, dir_fd=folder)
        try:
            try:
                os.fchmod(fd, mode)  # O_CREAT's mode is filtered by the umask; keep the original's.
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if keep_backup:
                _keep_backup(folder, name, path)
            if before_replace is not None:
                before_replace(_lstat_refusing_links(folder, name, path))
            if keep_replaced:
                replaced = _link_staging(folder, name, "prev", path)
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            for leftover in (temp, replaced):
                if leftover is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(leftover, dir_fd=folder)
            raise
        os.fsync(folder)
    return None if replaced is None else path.with_name(replaced)


def atomic_write_text(path: Path, text: str, **kwargs: object) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), **kwargs)  # type: ignore[arg-type]


def replace_file(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` in the same folder, durably, following no link
    (quarantine moves a bad file aside with it)."""
    with open_folder(target.parent) as folder:
        _lstat_refusing_links(folder, target.name, target)
        os.replace(source.name, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        os.fsync(folder)


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
    Called when a project opens, under the project lock. Names are removed relative to
    the folder's checked descriptor, so a linked ``.session`` is refused, not cleaned.
    """
    removed: list[Path] = []
    try:
        with open_folder(folder) as fd:
            for name in os.listdir(fd):
                match = _TEMP_NAME.match(name)
                if match is None or _pid_alive(int(match["pid"])):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name, dir_fd=fd)
                    removed.append(Path(folder) / name)
            if removed:
                os.fsync(fd)
    except FileNotFoundError:
        return removed
    return removed


def append_line(path: Path, line: bytes, *, new_file_mode: int = DEFAULT_NEW_FILE_MODE) -> None:
    """Append one newline-terminated record and fsync it (safe across processes and threads).

    An exclusive flock serialises writers (each call opens its own descriptor, so threads
    of one process are serialised too). If an earlier writer died mid-record (the file
    does not end in a newline), a newline is written first so the torn fragment stays a
    line of its own that readers skip, instead of corrupting this record.

    If the write or fsync fails, the file is cut back to its old length before the error
    propagates, so a failed append leaves no partial record and a retry cannot duplicate
    one. The first record of a file also fsyncs the folder (under the lock, so no other
    writer can report success before the file's name is durable). A link planted at
    ``path`` (or above it in ``.session/`` or ``output/``) is :class:`UnsafePath`.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    path = Path(path)
    with open_folder(path.parent) as folder:
        fd = _open_file(
            folder, path.name, path, os.O_RDWR | os.O_APPEND | os.O_CREAT, new_file_mode
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
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
                os.fsync(folder)
        finally:
            os.close(fd)  # closing drops the flock


def read_lines(path: Path) -> Iterator[bytes]:
    """Complete lines of an append-only file; a torn (unterminated) last line is skipped.

    Opened like every state file (:func:`read_file`): a link or a device planted as the
    log raises :class:`UnsafePath` instead of streaming ``/dev/zero`` into memory.
    """
    path = Path(path)
    try:
        with open_folder(path.parent) as folder:
            fd = _open_file(folder, path.name, path, os.O_RDONLY)
    except FileNotFoundError:
        return
    with open(fd, "rb") as handle:
        for raw in handle:
            if raw.endswith(b"\n"):
                yield raw
