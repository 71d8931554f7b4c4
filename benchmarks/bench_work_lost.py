"""Work lost to kill -9 while the writer types continuously.

A child process "types": every ~20 ms it appends a numbered word (``w1 w2 …``) to a
scene-sized buffer and reports ``<n> <monotonic time>`` on stdout, unbuffered. Saving is
exactly the app's policy: a :class:`BufferSaver` (save ~1 s after the last keystroke, at
most every 2 s while typing) over a :class:`BufferStore`. The parent SIGKILLs the child at
a random moment, reads the file, finds the last word that reached it and computes how many
seconds of typing were lost: from that word to the last word typed before the kill.
Continuous typing never goes idle, so this measures the ``max_delay`` bound (the worst
case); a writer who pauses loses at most what they typed since the pause + ~1 s.

Baseline, measured in the same run with the same kill moments: the seed's policy, an
interval save every 30 s (an :class:`AutoSaver` over the same store, no debounce).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_work_lost [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._prose import prose
from writers_tui.storage.autosave import AutoSaver
from writers_tui.storage.buffer_saver import BufferSaver
from writers_tui.storage.buffers import BufferStore

KEY_INTERVAL = 0.02
IDLE = 1.0
MAX_DELAY = 2.0
SCENE_SIZE = 20_000
SEED_INTERVAL = 30.0
LAST_WORD = re.compile(rb"w(\d+) *\Z")
POLICIES = ("debounce", "interval30")


async def type_forever(root: Path, policy: str) -> None:
    """The child: type a numbered word every KEY_INTERVAL, saved by ``policy``."""
    store = BufferStore(root)
    buffer = await store.open("manuscript/scene.md")
    if policy == "debounce":
        BufferSaver(store, idle=IDLE, max_delay=MAX_DELAY).start()
    else:

        async def save_all() -> None:
            await store.flush_all()

        AutoSaver(save_all, store.needs_save, interval=SEED_INTERVAL).start()
    os.write(1, b"ready\n")
    text = buffer.text
    n = 0
    while True:
        n += 1
        text += f"w{n} "
        buffer.set_text(text)
        os.write(1, f"{n} {time.monotonic()}\n".encode())
        await asyncio.sleep(KEY_INTERVAL)


def one_run(root: Path, policy: str, kill_after: float) -> tuple[float, int]:
    """Kill one typing child; return (seconds lost, words lost)."""
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "scene.md").write_text(prose(SCENE_SIZE) + "\n")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_work_lost",
            "--child",
            str(root),
            "--policy",
            policy,
        ],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    time.sleep(kill_after)
    os.kill(child.pid, signal.SIGKILL)
    out, _ = child.communicate()
    typed = {}
    for line in out.splitlines():
        number, moment = line.split()
        typed[int(number)] = float(moment)
    last_typed = max(typed)
    match = LAST_WORD.search((root / "manuscript" / "scene.md").read_bytes())
    saved = int(match.group(1)) if match else 0
    started = min(typed.values())
    saved_at = typed.get(saved, started)
    return typed[last_typed] - saved_at, last_typed - saved


def report(name: str, seconds: list[float], words: list[int]) -> float:
    seconds = sorted(seconds)
    print(
        f"{name:<34} seconds lost: median {statistics.median(seconds):5.2f}  "
        f"p90 {seconds[int(len(seconds) * 0.9) - 1]:5.2f}  max {seconds[-1]:5.2f}   "
        f"words lost: median {statistics.median(words):4.0f}  max {max(words)}"
    )
    return seconds[-1]


def main(runs: int, seed: int) -> None:
    print(f"$ python -m benchmarks.bench_work_lost --runs {runs} --seed {seed}")
    print(
        f"a keystroke every {KEY_INTERVAL * 1000:.0f} ms, kill -9 at a random moment "
        f"0.5-5 s after start, {runs} runs per policy (same kill moments)"
    )
    rng = random.Random(seed)
    lost: dict[str, tuple[list[float], list[int]]] = {policy: ([], []) for policy in POLICIES}
    with tempfile.TemporaryDirectory(prefix="bench-tmp-", dir=Path.cwd()) as folder:
        for run in range(runs):
            kill_after = rng.uniform(0.5, 5.0)
            for policy in POLICIES:
                seconds, words = one_run(Path(folder) / f"{policy}-{run}", policy, kill_after)
                lost[policy][0].append(seconds)
                lost[policy][1].append(words)
    ours = report(f"debounce {IDLE:g} s idle / {MAX_DELAY:g} s max", *lost["debounce"])
    seed_max = report(f"baseline: interval {SEED_INTERVAL:g} s (seed)", *lost["interval30"])
    print(f"max seconds lost: baseline/debounce = {seed_max / ours:.1f}x")
    print(
        "note: the baseline never saved before these kills, so it lost everything typed; "
        f"its loss is capped by the run length here and reaches {SEED_INTERVAL:g} s in a long "
        "session"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--policy", choices=POLICIES, default="debounce", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        asyncio.run(type_forever(args.child, args.policy))
    else:
        main(args.runs, args.seed)
