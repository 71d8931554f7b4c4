"""Key-to-frame latency, CPU per key and memory of the editor, in a real terminal (tmux).

Each configuration runs the benchmark app (``_ui_bench_app.py``: a stock TextArea or the
ProseEditor, soft wrap on, cursor in the middle of the document, no cursor blink) in a
120×40 tmux pane. Keys are typed as a terminal sends them: ``send-keys`` through one
tmux control-mode client writes each key's bytes into the app's pty (see ``_tmux.py``).

**Key-to-frame** is the time from writing the ``send-keys`` command to the arrival, at
the terminal, of the last output chunk of the frame that key caused (``%output``
notifications of the control client; the app's cursor does not blink and nothing else
paints, so the burst after a key is that key's frame). This includes tmux's own work and
the pty both ways — constant across configurations, so ratios understate differences a
little. The app also logs, per edit, when the TextArea started the edit and when the
next frame went to Textual's driver: the **in-app** column (edit → frame handed to the
driver) is the editor's share alone.

Keys are letters and spaces of ordinary prose, one every ``--interval`` seconds (a fast
typist: 60 ms ≈ 200 wpm), so frames never merge; the first ``--warmup`` keys of each run
are discarded. Configurations run interleaved over ``--rounds`` rounds so the machine's
noise (2 cores, shared with other work) falls on all of them alike. The baseline is the
stock TextArea with the 7 KB scene, measured in the same run.

**CPU per key**: the app's user+system CPU time over the typing run, per key (includes
its idle loop between keys, which is near zero, and for ProseEditor the word counts).
**RSS**: resident memory of the app after the document loaded and the peak (VmHWM) after
typing, against the bare Textual app (one label).

Documents are Pride and Prejudice (tests/fixtures): its first 7 KB, its first 10,000
words (a long scene), and the whole book (704 KB, 13,426 lines).

Targets (issue 8): median ≤ 1.2× the baseline and p95 ≤ 16 ms at every size; memory with
the 700 KB file ≤ 60 MB. Run from the repository root:

    .venv/bin/python benchmarks/bench_ui_editor.py [--keys 120] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._tmux import (  # noqa: E402
    FIXTURE,
    Terminal,
    bench_app_cmd,
    cpu_seconds,
    require_tmux,
    rss_mb,
)
from writers_tui.wordcount import count_words  # noqa: E402

TYPED = (
    "it was a truth universally acknowledged that a writer in possession of a good "
    "sentence must be in want of a faster editor "
)


@dataclass
class Result:
    widget: str
    doc: str
    e2e_first: list[float] = field(default_factory=list)
    e2e: list[float] = field(default_factory=list)
    in_app: list[float] = field(default_factory=list)
    cpu_per_key: list[float] = field(default_factory=list)
    rss_loaded: list[float] = field(default_factory=list)
    rss_peak: list[float] = field(default_factory=list)
    missed: int = 0

    @property
    def label(self) -> str:
        name = {"textarea": "TextArea", "prose": "ProseEditor"}[self.widget]
        return f"{name} {self.doc}"


def documents(folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, a snippet visible on the first frame)."""
    book = FIXTURE.read_text(encoding="utf-8")
    paragraphs = book.split("\n\n")

    def prefix(limit: int, *, words: bool) -> str:
        text = ""
        for paragraph in paragraphs:
            candidate = f"{text}\n\n{paragraph}" if text else paragraph
            size = count_words(candidate) if words else len(candidate.encode())
            if size > limit:
                break
            text = candidate
        return text + "\n"

    texts = {
        "7 KB": prefix(7_000, words=False),
        "10k words": prefix(10_000, words=True),
        "700 KB": book,
    }
    out: dict[str, tuple[Path, str]] = {}
    for name, text in texts.items():
        path = folder / f"{name.replace(' ', '_')}.md"
        path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        middle = lines[len(lines) // 2 : len(lines) // 2 + 15]
        snippet = next(line for line in middle if len(line) > 30)[:24]
        out[name] = (path, snippet)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_once(
    term: Terminal,
    result: Result,
    doc: tuple[Path, str],
    *,
    keys: int,
    warmup: int,
    interval: float,
    folder: Path,
) -> None:
    path, snippet = doc
    log = folder / f"edits-{time.monotonic_ns()}.log"
    term.launch(bench_app_cmd(result.widget, path, log))
    term.wait_for_text(snippet, timeout=60)
    term.wait_quiet(0.5)
    pid = term.pane_pid()
    result.rss_loaded.append(rss_mb(pid))
    cpu_start = cpu_seconds(pid)
    sends: list[float] = []
    for i in range(keys + warmup):
        key = TYPED[i % len(TYPED)]
        started = term.send(f"send-keys -t b -l {shlex.quote(key)}")
        burst = term.output_burst_after(started)
        if burst is None:
            result.missed += 1
        elif i >= warmup:
            sends.append(started)
            result.e2e_first.append(burst[0] - started)
            result.e2e.append(burst[1] - started)
        pause = interval - (time.monotonic() - started)
        if pause > 0:
            time.sleep(pause)
    result.cpu_per_key.append((cpu_seconds(pid) - cpu_start) / (keys + warmup))
    result.rss_peak.append(rss_mb(pid, "VmHWM"))
    term.launch("sleep 1000000")  # ends the app (respawn-pane -k)
    term.wait_quiet(0.1)
    rows = [line.split() for line in log.read_text().splitlines()]
    result.in_app.extend(float(frame) - float(edit) for _, edit, frame in rows[warmup:])


def bare_rss(term: Terminal) -> float:
    term.launch(bench_app_cmd("bare"))
    term.wait_for_text("bare app ready", timeout=60)
    term.wait_quiet(0.5)
    rss = rss_mb(term.pane_pid())
    term.launch("sleep 1000000")
    term.wait_quiet(0.1)
    return rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=120, help="measured keys per run")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.06, help="seconds between keys")
    parser.add_argument("--widgets", default="textarea,prose")
    args = parser.parse_args()
    require_tmux()

    with tempfile.TemporaryDirectory() as tmp, Terminal(120, 40) as term:
        folder = Path(tmp)
        docs = documents(folder)
        results = [Result(widget, doc) for widget in args.widgets.split(",") for doc in docs]
        bare = []
        for round_index in range(args.rounds):
            bare.append(bare_rss(term))
            for result in results:
                print(f"round {round_index + 1}: {result.label} …", file=sys.stderr, flush=True)
                run_once(
                    term,
                    result,
                    docs[result.doc],
                    keys=args.keys,
                    warmup=args.warmup,
                    interval=args.interval,
                    folder=folder,
                )
        report(results, statistics.median(bare), args)


def report(results: list[Result], bare: float, args: argparse.Namespace) -> None:
    baseline = statistics.median(results[0].e2e)
    base_cpu = statistics.median(results[0].cpu_per_key)
    print(
        f"\nKey-to-frame in tmux 120×40, {args.rounds} rounds × {args.keys} keys every "
        f"{args.interval * 1000:.0f} ms, interleaved; 2-core shared machine."
    )
    print(f"Baseline: {results[0].label}, median {baseline * 1000:.2f} ms.\n")
    header = (
        f"{'editor / document':<24} {'median':>8} {'p95':>8} {'max':>8} {'ratio':>6} "
        f"{'in-app med':>10} {'in-app p95':>10} {'CPU/key':>8} {'CPU ×':>6} "
        f"{'RSS':>7} {'peak':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        e2e, in_app, cpu = r.e2e, r.in_app, statistics.median(r.cpu_per_key)
        print(
            f"{r.label:<24} {statistics.median(e2e) * 1000:7.2f}m "
            f"{percentile(e2e, 0.95) * 1000:7.2f}m {max(e2e) * 1000:7.1f}m "
            f"{statistics.median(e2e) / baseline:6.2f} "
            f"{statistics.median(in_app) * 1000:9.2f}m {percentile(in_app, 0.95) * 1000:9.2f}m "
            f"{cpu * 1000:7.2f}m {cpu / base_cpu:6.2f} "
            f"{statistics.median(r.rss_loaded):6.1f}M {statistics.median(r.rss_peak):6.1f}M"
            + (f"  ({r.missed} keys without a frame)" if r.missed else "")
        )
    print(f"{'bare Textual app (label)':<24} {'':>70} {bare:6.1f}M")
    print("\n(m = ms; M = MB; ratio = median / baseline median; CPU × = CPU per key / baseline)")
    print("Targets: median ratio ≤ 1.2, p95 ≤ 16 ms (no highlighting); RSS with 700 KB ≤ 60 MB.")


if __name__ == "__main__":
    main()
