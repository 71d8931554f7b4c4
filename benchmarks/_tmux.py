"""A real terminal for the UI benchmarks: tmux, driven through one control-mode client.

Why control mode (``tmux -C``): a ``tmux send-keys`` *command* forks a tmux client per
key (a few ms of noise, more on a busy 2-core machine), and polling ``capture-pane``
forks one per poll. A single control-mode client instead takes commands on a pipe and
pushes a ``%output`` notification the moment the pane's program writes to its pty. So:

* a key is sent as a terminal sends it: tmux writes the key's bytes into the app's pty,
  and Textual's driver parses them;
* the benchmark timestamps (``time.monotonic()``) when it writes the ``send-keys`` command
  and when each ``%output`` chunk arrives: the frame has reached the terminal;
* ``capture-pane`` through the same client reads what the terminal shows, without forking.

Everything runs on a private tmux server (``-S`` with a socket in a private temp folder,
no config file), killed on exit; no other tmux session is touched.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "pride_and_prejudice.txt"
BENCH_APP = Path(__file__).resolve().parent / "_ui_bench_app.py"


def require_tmux() -> str:
    """The tmux executable, or exit with a clear message."""
    tmux = shutil.which("tmux")
    if tmux is None:
        sys.exit(
            "tmux is not installed: these benchmarks run the app in a real terminal.\n"
            "Install it (Debian/Ubuntu: `apt-get update && apt-get install -y tmux`) and rerun."
        )
    return tmux


def bench_app_cmd(widget: str, file: Path | None = None, log: Path | None = None) -> str:
    """Shell command running the benchmark app (see ``_ui_bench_app.py``)."""
    parts = [sys.executable, str(BENCH_APP), "--widget", widget]
    if file is not None:
        parts += ["--file", str(file)]
    if log is not None:
        parts += ["--log", str(log)]
    return shlex.join(parts)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory (VmRSS, or VmHWM for the peak) in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} for pid {pid}")


class Terminal:
    """A private tmux server with one window of ``width`` × ``height`` cells."""

    def __init__(self, width: int = 120, height: int = 40) -> None:
        self.tmux = require_tmux()
        self._socket_dir = tempfile.mkdtemp(prefix="writers-bench-tmux-")
        self.socket = os.path.join(self._socket_dir, "socket")
        self.width = width
        self.height = height
        self._outputs: deque[float] = deque()  # arrival times of %output chunks
        self._last_output = 0.0
        self._output_count = 0
        self._responses: deque[list[str]] = deque()
        self._cond = threading.Condition()
        self._client: subprocess.Popen[bytes] | None = None

    def _run(self, *args: str) -> str:
        return subprocess.run(
            [self.tmux, "-S", self.socket, "-f", "/dev/null", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def __enter__(self) -> Terminal:
        env = f"TERM=xterm-256color COLORTERM=truecolor exec {shlex.quote(sys.executable)}"
        idle = f"{env} -c 'import time; time.sleep(1e6)'"
        self._run(
            "new-session",
            "-d",
            "-c",
            self._socket_dir,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-s",
            "b",
            idle,
        )
        # A program that ends by itself (a crash) must not end the session and with it the
        # control client: remain-on-exit is a window option (``-w``), set for this window.
        self._run("set-option", "-g", "remain-on-exit", "on")
        self._run("set-option", "-w", "-t", "b", "remain-on-exit", "on")
        self._client = subprocess.Popen(
            [self.tmux, "-S", self.socket, "-f", "/dev/null", "-C", "attach", "-t", "b"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.command("refresh-client")  # wait for the client to be attached
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            self._client.stdin.close()  # type: ignore[union-attr]
            self._client.wait(5)
        subprocess.run(
            [self.tmux, "-S", self.socket, "kill-server"], capture_output=True, check=False
        )
        shutil.rmtree(self._socket_dir, ignore_errors=True)

    def _read(self) -> None:
        assert self._client is not None and self._client.stdout is not None
        block: list[str] | None = None
        for raw in self._client.stdout:
            now = time.monotonic()
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if block is not None:
                if line.startswith(("%end ", "%error ")):
                    with self._cond:
                        self._responses.append(block)
                        self._cond.notify_all()
                    block = None
                else:
                    block.append(line)
            elif line.startswith("%output "):
                with self._cond:
                    self._outputs.append(now)
                    self._last_output = now
                    self._output_count += 1
                    self._cond.notify_all()
            elif line.startswith("%begin "):
                block = []
            elif line.startswith("%exit"):
                print(f"tmux control client: {line}", file=sys.stderr, flush=True)

    def command(self, command: str, timeout: float = 10.0) -> list[str]:
        """Run a tmux command through the control client; its output lines."""
        assert self._client is not None and self._client.stdin is not None
        with self._cond:
            self._responses.clear()
        self._client.stdin.write(command.encode() + b"\n")
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._responses), timeout):
                raise TimeoutError(command)
            return self._responses.popleft()

    def send(self, command: str) -> float:
        """Write a command (e.g. ``send-keys``) without waiting; the time it was written."""
        assert self._client is not None and self._client.stdin is not None
        with self._cond:
            self._responses.clear()
        sent = time.monotonic()
        self._client.stdin.write(command.encode() + b"\n")
        return sent

    def launch(self, shell_command: str) -> float:
        """Replace the pane's program by ``shell_command``; the time it was asked to start."""
        self.clear_outputs()
        env = "TERM=xterm-256color COLORTERM=truecolor"
        # (run in a neutral folder: ``python -m`` puts the cwd first on sys.path, and the
        # server's environment, e.g. a PYTHONPATH to a scratch copy, passes through)
        started = self.send(
            f"respawn-pane -k -c {shlex.quote(self._socket_dir)} -t b "
            + shlex.quote(f"{env} exec {shell_command}")
        )
        return started

    def pane_pid(self) -> int:
        return int(self.command("display-message -p -t b '#{pane_pid}'")[0])

    def capture(self) -> str:
        return "\n".join(self.command("capture-pane -p -t b"))

    def clear_outputs(self) -> None:
        with self._cond:
            self._outputs.clear()

    def wait_quiet(self, quiet: float = 0.03, timeout: float = 10.0) -> None:
        """Wait until the pane has written nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                idle = time.monotonic() - self._last_output
            if idle >= quiet:
                return
            time.sleep(quiet - idle)
        raise TimeoutError("the pane never went quiet")

    def output_burst_after(
        self, since: float, quiet: float = 0.012, timeout: float = 2.0
    ) -> tuple[float, float] | None:
        """(first, last) arrival time of the output burst after ``since``: chunks until the
        pane is quiet for ``quiet`` s. None if nothing arrived within ``timeout``."""
        deadline = since + timeout
        with self._cond:
            while True:
                times = [t for t in self._outputs if t >= since]
                if times:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._cond.wait(remaining):
                    return None
            first = times[0]
            while True:
                last = self._last_output
                if not self._cond.wait(quiet) or self._last_output == last:
                    break
            self._outputs.clear()
            return first, self._last_output

    def wait_for_text(self, text: str, timeout: float = 30.0) -> float:
        """Wait until the screen shows ``text``; the arrival time of the output that
        completed that frame (checked with ``capture-pane`` after every output chunk)."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._cond:
                if self._output_count == seen:
                    self._cond.wait(0.05)
                seen = self._output_count
            if text in self.capture():
                # the chunk that completed the frame came before the capture's answer
                with self._cond:
                    return self._last_output
        raise TimeoutError(f"{text!r} never appeared on screen:\n{self.capture()}")

    def wait_for_screens(
        self, checks: dict[str, Callable[[str], bool]], timeout: float = 30.0
    ) -> dict[str, float]:
        """Like :meth:`wait_for_text` for several conditions on one launch: for each name,
        the arrival time of the output after which ``check(screen)`` first held. A check
        that holds on a later screen than the one it first held on keeps its first time;
        the screen is read after every output chunk, so a frame that lasted less than one
        ``capture-pane`` round trip (~1 ms) may be seen late, never early."""
        deadline = time.monotonic() + timeout
        seen = -1
        found: dict[str, float] = {}
        while time.monotonic() < deadline:
            with self._cond:
                if self._output_count == seen:
                    self._cond.wait(0.05)
                seen = self._output_count
            screen = self.capture()
            with self._cond:
                arrived = self._last_output
            for name, check in checks.items():
                if name not in found and check(screen):
                    found[name] = arrived
            if len(found) == len(checks):
                return found
        missing = sorted(set(checks) - set(found))
        raise TimeoutError(f"{missing} never held on screen:\n{self.capture()}")

    def stop_program(self) -> None:
        """End the pane's program (``respawn-pane -k``: SIGHUP, as a closed terminal)."""
        self.launch("sleep 1000000")
        self.wait_quiet(0.1)


def type_keys(
    term: Terminal, text: str, count: int, interval: float
) -> list[tuple[float, tuple[float, float] | None]]:
    """Type ``count`` characters of ``text`` (cycled) one every ``interval`` s, each as
    its own ``send-keys -l`` (tmux writes the key's bytes into the pty as a terminal
    would); per key, (time sent, (first, last) output arrival of its frame or None)."""
    out: list[tuple[float, tuple[float, float] | None]] = []
    for i in range(count):
        key = text[i % len(text)]
        started = term.send(f"send-keys -t b -l {shlex.quote(key)}")
        out.append((started, term.output_burst_after(started)))
        pause = interval - (time.monotonic() - started)
        if pause > 0:
            time.sleep(pause)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def non_blank(screen: str) -> bool:
    """The terminal shows anything at all (a first frame was painted)."""
    return bool(screen.strip())


MACHINE = f"{os.cpu_count()} CPU cores, shared with other work (figures are medians)"
