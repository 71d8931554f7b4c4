"""One writer per project: an ``flock`` on ``.session/lock`` (rule 9 of ARCHITECTURE.md).

The lock file also says who holds it (pid, host, boot id, start time). A clean release
empties it. So when the next process takes the lock and finds the file still filled in, the
previous holder died without closing — the kernel dropped its flock when it died — and the
session is *interrupted*, not "in use". A second live process gets :class:`ProjectInUse`
naming the holder, and can fall back to read-only.
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

from writers_tui.atomic import ensure_dir
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
            return cls(int(raw["pid"]), str(raw["host"]), str(raw["boot_id"]), raw["started_at"])
        except (ValueError, KeyError, TypeError):
            return None

    def describe(self) -> str:
        since = self.started_at
        with contextlib.suppress(ValueError):
            since = datetime.fromisoformat(self.started_at).strftime("%Y-%m-%d %H:%M UTC")
        return f"pid {self.pid} on {self.host}, since {since}"


class ProjectInUse(RuntimeError):
    """Another live process holds the project."""

    def __init__(self, root: Path, holder: LockHolder | None) -> None:
        self.root = root
        self.holder = holder
        who = holder.describe() if holder else "another process"
        super().__init__(
            f"{root.name} is already open in another writers-tui ({who}); "
            "open it read-only or close the other window"
        )


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
        """Take the lock or raise :class:`ProjectInUse`. Never blocks."""
        ensure_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock_with_retries(fd)
        except BlockingIOError:
            holder = LockHolder.parse(_read_all(fd))
            os.close(fd)
            raise ProjectInUse(self.root, holder) from None
        except BaseException:
            os.close(fd)
            raise
        leftover = _read_all(fd)
        self.previous_holder = LockHolder.parse(leftover) if leftover.strip() else None
        self._stale = bool(leftover.strip())
        _overwrite(fd, json.dumps(asdict(LockHolder.me())) + "\n")
        self._fd = fd
        return self

    def was_interrupted(self) -> bool:
        """True when the previous holder never released the lock (it crashed or was killed)."""
        return self._stale

    def release(self) -> None:
        """Empty the file (the mark of a clean close), then drop the flock."""
        if self._fd is None:
            return
        try:
            _overwrite(self._fd, "")
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    @staticmethod
    def inspect(root: Path) -> tuple[bool, LockHolder | None]:
        """(held by a live process?, holder written in the file) without taking the lock."""
        path = ProjectPaths(root).lock
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False, None
        try:
            holder = LockHolder.parse(_read_all(fd))
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True, holder
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False, holder
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
