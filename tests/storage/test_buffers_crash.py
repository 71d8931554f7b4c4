"""kill -9 during continuous BufferStore saving never leaves a torn or empty file.

A real child process saves ever-changing versions of a manuscript through
``BufferStore.save`` (the async path: snapshot on the loop, write in a thread) and reports
each version it was told is saved. The parent SIGKILLs it at random moments and then
checks the file is one complete version, no older than the last one reported as saved
and no newer than the one in flight.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from writers_tui.storage.buffers import BufferStore, Saved

RUNS = 36
PARALLEL = 3  # children killed together; each has its own project

CHILD = r"""
import asyncio, os, sys
from writers_tui.storage.buffers import BufferStore

def version(n):
    count = 300 + n % 7 * 400
    lines = "".join(f"{n}:{i} the rain kept on against the window\n" for i in range(count))
    return f"version {n}\n{lines}end {n}\n"

async def main(root):
    store = BufferStore(root)
    buffer = await store.open("manuscript/chapter-1.md")
    os.write(1, b"ready\n")
    n = 0
    while True:
        n += 1
        buffer.set_text(version(n))
        await store.save(buffer)
        os.write(1, f"{n}\n".encode())

asyncio.run(main(sys.argv[1]))
"""

VERSION = re.compile(r"version (\d+)\n")


def complete_version(text: str) -> int:
    """The version number of a complete file; fails the test for anything torn."""
    match = VERSION.match(text)
    assert match, f"file does not start with a version header: {text[:40]!r}"
    n = int(match.group(1))
    body = text[match.end() :]
    assert body.endswith(f"end {n}\n"), f"version {n} is truncated"
    lines = body.splitlines()[:-1]
    assert lines, f"version {n} has no body"
    assert all(line.startswith(f"{n}:") for line in lines), f"version {n} mixes versions"
    return n


def spawn(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root)], stdout=subprocess.PIPE, env=env
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    return child


def test_kill_9_during_saves_leaves_a_complete_version(tmp_path: Path) -> None:
    rng = random.Random(20241113)
    checked = 0
    mid_stream = 0  # kills that landed after at least one reported save
    for batch in range(RUNS // PARALLEL):
        roots = [tmp_path / f"run-{batch}-{i}" for i in range(PARALLEL)]
        for root in roots:
            (root / "manuscript").mkdir(parents=True)
            (root / "manuscript" / "chapter-1.md").write_text("version 0\n0:0\nend 0\n")
        children = [spawn(root) for root in roots]
        time.sleep(rng.uniform(0.02, 0.3))  # picks the kill moment; nothing is awaited here
        for child in children:
            os.kill(child.pid, signal.SIGKILL)
        for root, child in zip(roots, children, strict=True):
            out, _ = child.communicate(timeout=30)
            assert child.returncode == -signal.SIGKILL
            reported = [int(line) for line in out.split()]
            confirmed = reported[-1] if reported else 0
            path = root / "manuscript" / "chapter-1.md"
            found = complete_version(path.read_text())
            assert confirmed <= found <= confirmed + 1
            assert not list(path.parent.glob("*.conflict-*")), "a lone writer saw a conflict"
            # The next session opens it and saves normally.
            store = BufferStore(root)
            buffer = store.open_sync(path)
            buffer.set_text(buffer.text + "after the crash\n")
            assert isinstance(store.save_sync(buffer), Saved)
            checked += 1
            mid_stream += confirmed > 0
    assert checked == RUNS // PARALLEL * PARALLEL
    assert mid_stream >= RUNS // 2, "most kills must land while saves are streaming"
