"""One writer per project: an ``flock`` on ``.session/lock`` (rule 9 of ARCHITECTURE.md).

The lock file also says who holds it (pid, host, boot id, start time). A clean release
empties it. So when the next process takes the lock and finds the file still filled in, the
previous holder died without closing — the kernel dropped its flock when it died — and the
session is *interrupted*, not "in use". A second live process gets :class:`ProjectInUse`
naming the holder, and can fall back to read-only.

The file is opened without following a link (:class:`~writers_tui.atomic.UnsafePath`), and
every error path closes the descriptor, so a failed start never leaves a flock behind. A
sync tool that replaces the file by rename leaves our flock on an inode nobody else will
open: a newcomer then finds a *live* holder written in the new file (the sync tool copied
it) and is refused all the same; the holder notices with :meth:`ProjectLock.check`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from writers_tui.atomic import open_lock_file, read_file, same_file
from writers_tui.paths import ProjectPaths
from writers_tui.values import utc_now


def boot_id() -> str:
    """This boot of the machine; a holder from another boot cannot still be alive."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    boot_id: str
    started_at: str

    @classmethod
    def me(cls) -> LockHolder:
        stamp = utc_now().isoformat(timespec="seconds").replace("+00:00", "Z")
        return cls(os.getpid(), socket.gethostname(), boot_id(), stamp)

    @classmethod
    def parse(cls, text: str) -> LockHolder | None:
        """The holder written in a lock file, or None when it is empty or unreadable."""
        try:
            raw = json.loads(text)
            return cls(
                int(raw["pid"]), str(raw["host"]), str(raw["boot_id"]), str(raw["started_at"])
            )
        except (ValueError, KeyError, TypeError, RecursionError):
            return None  # garbage (or 100,000 nested brackets) is an unknown holder

    def describe(self) -> str:
        since = self.started_at
        with contextlib.suppress(ValueError):
            since = datetime.fromisoformat(self.started_at).strftime("%Y-%m-%d %H:%M UTC")
        return f"pid {self.pid} on {self.host}, since {since}"


class ProjectInUse(RuntimeError):
    """Another live process holds the project."""

    def __init__(self, root: Path, holder: LockHolder | None, *, replaced: bool = False) -> None:
        self.root = root
        self.holder = holder
        who = holder.describe() if holder else "another process"
        why = " (its lock file was replaced behind its back)" if replaced else ""
        super().__init__(
            f"{root.name} is already open in another writers-tui ({who}){why}; "
            "open it read-only or close the other window"
        )


#: Lock files this process holds, by path: a holder naming this very process is live only
#: if one of them still holds the project (otherwise it is a lock this process abandoned).
_HELD: dict[Path, ProjectLock] = {}


class ProjectLock:
    """``with ProjectLock(root) as lock:`` — hold the project for this process."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = ProjectPaths(root).lock
        self._fd: int | None = None
        self.previous_holder: LockHolder | None = None
        self._stale = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> ProjectLock:
        """Take the lock or raise :class:`ProjectInUse`. Never blocks.

        The descriptor is closed on every failure (ENOSPC writing the holder included), so
        a failed attempt never keeps the project.
        """
        for _ in range(ACQUIRE_RETRIES):
            fd = open_lock_file(self.path)
            try:
                if self._take(fd):
                    self._fd = fd
                    _HELD[self.path] = self
                    return self
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # replaced between open and flock: lock the file now there
        raise ProjectInUse(self.root, None, replaced=True)

    def _take(self, fd: int) -> bool:
        """Flock ``fd`` and write us in; False if the path no longer names it."""
        try:
            _flock_with_retries(fd)
        except BlockingIOError:
            raise ProjectInUse(self.root, LockHolder.parse(_read_all(fd))) from None
        if not same_file(fd, self.path):
            return False
        leftover = _read_all(fd)
        previous = LockHolder.parse(leftover) if leftover.strip() else None
        if previous is not None and _holder_alive(previous, self.path):
            raise ProjectInUse(self.root, previous, replaced=True)
        _overwrite(fd, json.dumps(asdict(LockHolder.me())) + "\n")
        self.previous_holder = previous
        self._stale = bool(leftover.strip())
        return True

    def check(self) -> str | None:
        """None while ``.session/lock`` is still the file we hold; otherwise a warning.

        A sync tool (or the writer) replaced or removed it. We lock and fill in the file
        now at the path when nobody else holds it, so the next instance is kept out even
        if the replacement was empty; if someone does hold it, the warning says so.
        Cheap (two stats); the Workspace calls it before each session save.
        """
        fd = self._fd
        if fd is None or same_file(fd, self.path):
            return None
        name = self.path
        try:
            new_fd = open_lock_file(self.path)
        except OSError as error:
            return f"{name} was replaced and cannot be re-taken: {error.strerror or error}"
        try:
            fcntl.flock(new_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _overwrite(new_fd, json.dumps(asdict(LockHolder.me())) + "\n")
        except BlockingIOError:
            os.close(new_fd)
            return (
                f"{name} was replaced and another process now holds it: "
                "two writers-tui may be writing this project; close one of them"
            )
        except BaseException:
            os.close(new_fd)
            raise
        self._fd = new_fd
        os.close(fd)
        return f"{name} was replaced by another program (a sync tool?); it is locked again"

    def was_interrupted(self) -> bool:
        """True when the previous holder never released the lock (it crashed or was killed)."""
        return self._stale

    def release(self) -> None:
        """Empty the file (the mark of a clean close), then drop the flock.

        The descriptor is closed even when emptying fails (the error is raised after).
        """
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _HELD.pop(self.path, None)
        try:
            _overwrite(fd, "")
        finally:
            os.close(fd)  # closing drops the flock

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    @staticmethod
    def inspect(root: Path) -> tuple[bool, LockHolder | None]:
        """(held by a live process?, holder written in the file) without taking the lock.

        A lock file whose flock is free but which names a live holder was replaced
        behind that holder's back: it counts as held.
        """
        path = ProjectPaths(root).lock
        try:
            data = read_file(path)
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return False, None
        try:
            holder = LockHolder.parse(data.decode("utf-8", errors="replace"))
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True, holder
            fcntl.flock(fd, fcntl.LOCK_UN)
            return holder is not None and _holder_alive(holder, path), holder
        finally:
            os.close(fd)


#: ``inspect()`` (``doctor``, ``session show``) holds a shared lock for a moment; a few
#: short retries keep such a probe from passing for a second instance.
ACQUIRE_RETRIES = 5
ACQUIRE_RETRY_SECONDS = 0.01


def _flock_with_retries(fd: int) -> None:
    for _ in range(ACQUIRE_RETRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            time.sleep(ACQUIRE_RETRY_SECONDS)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _holder_alive(holder: LockHolder, path: Path) -> bool:
    """Whether the process a lock file names is still running and is the one that wrote it.

    Only reached when the flock was free: normally the holder died (a crash, so the
    session is interrupted). But if it lives, on this host and boot, and started before
    it wrote the file (so its pid was not reused since), the file was replaced while held.
    """
    if holder.pid == os.getpid():
        return path in _HELD
    return holder_process_alive(holder)


def holder_process_alive(holder: LockHolder) -> bool:
    """Whether ``holder``'s process still runs (this host and boot, its pid not reused).

    Another host's process cannot be checked: it counts as gone (flock does not reach
    across machines either). This process counts as the holder only if it started before
    the holder's time was written (a file left by an earlier process with our pid is not
    ours).
    """
    if holder.host != socket.gethostname():
        return False  # flock does not reach across machines; nothing to tell
    current_boot = boot_id()
    if holder.boot_id and current_boot and holder.boot_id != current_boot:
        return False
    try:
        os.kill(holder.pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False  # gone, or a pid no process can have (a planted file)
    except PermissionError:
        pass  # someone else's process: alive
    if _is_zombie(holder.pid):
        return False  # killed and not yet reaped (an init that never reaps): it holds nothing
    started = _process_started_at(holder.pid)
    if started is None:
        return True
    try:
        wrote = datetime.fromisoformat(holder.started_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return True
    return started <= wrote + PID_START_SLACK_SECONDS


#: ``started_at`` has a one-second resolution and the process starts before it locks.
PID_START_SLACK_SECONDS = 2.0


def _is_zombie(pid: int) -> bool:
    """A dead process its parent has not reaped yet (state ``Z`` in ``/proc/PID/stat``)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _process_started_at(pid: int) -> float | None:
    """When ``pid`` started (Unix time), from ``/proc``; None where that is unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _read_all(fd: int) -> str:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0).decode("utf-8", errors="replace") if size else ""


def _overwrite(fd: int, text: str) -> None:
    """Rewrite in place: the flock belongs to this inode, so no rename here."""
    data = text.encode("utf-8")
    os.ftruncate(fd, 0)
    if data:
        os.pwrite(fd, data, 0)
    os.fsync(fd)
