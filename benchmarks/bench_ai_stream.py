"""The AI engine's streaming path against the bare openai SDK on the same loopback stream.

A loopback server (``_sse_server.py``, its own process so it never holds this one's GIL)
speaks OpenAI chat-completions SSE with the final usage chunk. In the same run, calls
alternate between the **bare SDK** — ``openai.AsyncOpenAI(base_url=…, api_key=…)``
``.chat.completions.create(stream=True, stream_options={"include_usage": True})``, the
same messages and arguments the engine sends, text collected from the deltas — and the
**engine** as the app drives it: ``AIEngine(root, settings, tracker)`` for a fresh
project (``new_project``), ``estimate(request)``, ``start(estimate, confirmed=True)``,
``async for chunk in call``, ``await call.wait()``. Each side keeps one client (pooled
keep-alive connection) as the app does, and a few calls warm both up first.

* **time to first token** (20-chunk stream): from ``create`` / ``start`` to the first text
  in the consumer's hands. The engine's ``estimate`` is not part of it (the app estimates,
  maybe asks, then starts); it is its own row, "estimate before the call". Target: the
  engine adds ≤ 5 ms (median). For reference, the first call of a *new* client / engine
  (the SDK client built inside the timing for the bare side; lazily by the engine).
* **per-chunk overhead** (2,000 chunks, sent as fast as the loopback carries them): start
  → last chunk, bare vs engine, and the difference per chunk; then the ledger write after
  the stream: last chunk → ``await call.wait()`` returned, and of that the engine's
  ``_record`` (ledger append + fsync, costs.json, budget warning) timed on its own.
* **chunk delivery latency** (200 chunks 1 ms apart, each stamped with the server's
  ``time.monotonic()`` as it was written): how long a chunk takes to reach the reader.

To say where the engine's time goes, its instance (never the class) is watched: the time
the first chunk sat in the call's queue before the reader got it, the ledger write, and
how many SDK clients ``engine.client()`` built (one note per measurement).

**The suggestion panel in the studio** (``measure_app_panel``): the real app as
``writers-tui PROJECT`` builds it (``make_app(Settings(), root=…)``) on a fresh copy of
the demo novel (``make_demo``, 8 chapters; its first chapter open, the cursor mid-scene),
OpenAI configured as a writer would (user config ``providers.openai.base_url`` at the
loopback server, ``OPENAI_API_KEY`` in the environment). It runs in Textual's headless
``App.run_test`` (120×40) in this process's event loop: each frame is still composed by
Textual and, here, also encoded to the terminal's bytes as the Linux driver would (then
dropped), so only the pty write is missing. Keys go in through ``driver.send_message``,
the way the terminal's input thread hands them over (``Pilot.press`` without its
wait-for-idle, which would slow the typing down exactly when the loop is busy). A stream
is 2,000 chunks 2 ms apart (a fast model), a paragraph every 80 words.

* **event-loop stalls**: the stall monitor of ``_instrument.py`` (a task sleeping 1 ms,
  logging each wake more than 0.2 ms late) runs in the app's loop through cycles of four
  phases: (1) idle, the scene open; (2) typing, prose keys every 60 ms into the editor;
  (3) typing while a ctrl+g continuation streams into the panel; (4) the stream alone.
  The figure per phase is the median over cycles of the phase's worst stall (/ the max).
  A stream phase runs from the first text on screen to the outcome (the ledger written);
  the opening (ctrl+g → first text: the panel opens, the binder and inspector fold, the
  editor re-wraps) is its own row. Target: (3) ≤ 5 ms over (1) and over (2). The
  collector's full (generation-2) pauses are timed through ``gc.callbacks``, and the
  stall rows are given again with every stall that overlaps one left out.
* **time to first token on screen**: ctrl+g → the first frame composed after the first
  text went into the panel, minus the estimate (the bible read and the token count),
  against the bare SDK's first token on the same stream; both stop after it (escape, in
  the app), so each call opens a new connection. Split into its steps (reference rows).

Figures are medians (p95 after the slash) over the calls of each side; "added" is engine
minus bare. HOME and the XDG folders point into a temp folder, so nothing of the
writer's is read or written. ``--profile`` prints where the engine's time goes.

    .venv/bin/python benchmarks/bench_ai_stream.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import json
import math
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openai  # noqa: E402
from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.keys import _character_to_key  # noqa: E402

from benchmarks._instrument import TICK, monitor_loop, read_stall_log  # noqa: E402
from benchmarks._sse_server import SSEServer  # noqa: E402
from writers_tui.ai.budget import ReservationBook  # noqa: E402
from writers_tui.ai.capabilities import CapabilityRegistry  # noqa: E402
from writers_tui.ai.client import ProviderClient  # noqa: E402
from writers_tui.ai.engine import AIEngine, CallOutcome  # noqa: E402
from writers_tui.ai.pricing import pricer  # noqa: E402
from writers_tui.ai.providers import ProviderConfig  # noqa: E402
from writers_tui.ai.types import AIRequest, Message  # noqa: E402
from writers_tui.config import ProviderSettings, Settings  # noqa: E402
from writers_tui.paths import user_config_file  # noqa: E402
from writers_tui.project import make_demo, new_project  # noqa: E402
from writers_tui.storage.costs import CostTracker  # noqa: E402
from writers_tui.ui.app import WritersApp, make_app  # noqa: E402
from writers_tui.ui.screens.writing import WritingScreen  # noqa: E402
from writers_tui.ui.widgets.ai_stream import StreamView  # noqa: E402

MACHINE = f"{os.cpu_count()} CPU cores, shared with the server process and other work"
MODEL = "openai/gpt-4o"
KEY = "sk-bench-0123456789abcdef"
TTFT_CHUNKS = 20
LONG_CHUNKS = 2000
PACED_CHUNKS, PACED_GAP_US = 200, 1000
TTFT_TARGET_MS = 5.0


@dataclass(frozen=True)
class Plan:
    """How many calls each measurement makes per side (after ``warmup`` unmeasured ones).

    The app measurements: ``app_cycles`` × the four stall phases (``app_phase`` seconds
    for idle and typing; a stream lasts as long as it lasts), ``app_first_token`` calls.
    """

    first_token: int
    cold: int
    long_stream: int
    paced: int
    warmup: int
    app_cycles: int = 3
    app_phase: float = 3.0
    app_first_token: int = 10


FULL = Plan(first_token=200, cold=20, long_stream=30, paced=10, warmup=10)
QUICK = Plan(
    first_token=40,
    cold=5,
    long_stream=8,
    paced=3,
    warmup=3,
    app_cycles=1,
    app_phase=2.0,
    app_first_token=3,
)


# -- statistics and the table ------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def med_p95(samples: list[float], scale: float = 1.0) -> tuple[float, float]:
    return statistics.median(samples) * scale, p95(samples) * scale


@dataclass
class Row:
    """One line of the table: the engine's figure, the bare SDK's, what the engine adds.

    Values are (median, p95) in ``unit``. ``target`` bounds the added median when there
    is a bare figure (else the engine's median); None: a reference row.
    """

    label: str
    unit: str
    engine: tuple[float, float]
    bare: tuple[float, float] | None = None
    added: tuple[float, float] | None = None
    target: float | None = None

    def __post_init__(self) -> None:
        if self.added is None and self.bare is not None:
            self.added = (self.engine[0] - self.bare[0], self.engine[1] - self.bare[1])

    @property
    def judged(self) -> float:
        return self.added[0] if self.added is not None else self.engine[0]

    @property
    def result(self) -> str:
        if self.target is None:
            return "ref"
        return "pass" if self.judged <= self.target else "MISS"


def compare(
    label: str,
    unit: str,
    engine: list[float],
    bare: list[float],
    target: float | None = None,
) -> Row:
    scale = {"ms": 1e3, "µs": 1e6}[unit]
    return Row(label, unit, med_p95(engine, scale), med_p95(bare, scale), target=target)


def single(label: str, unit: str, samples: list[float]) -> Row:
    scale = {"ms": 1e3, "µs": 1e6}[unit]
    return Row(label, unit, med_p95(samples, scale))


def _pair(values: tuple[float, float] | None, unit: str, signed: bool = False) -> str:
    if values is None:
        return "—"
    digits = 2 if unit == "ms" else 1
    sign = "+" if signed else ""
    return f"{values[0]:{sign}.{digits}f} / {values[1]:{sign}.{digits}f} {unit}"


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'measurement':<46} {'bare SDK':>20} {'engine':>20} {'added':>20} "
        f"{'target':>9} {'result':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        target = "—" if row.target is None else f"≤{row.target:g} {row.unit}"
        print(
            f"{row.label:<46} {_pair(row.bare, row.unit):>20} {_pair(row.engine, row.unit):>20} "
            f"{_pair(row.added, row.unit, signed=True):>20} {target:>9} {row.result:>6}"
        )


# -- the rig: server, project, engines, bare clients --------------------------------


def hermetic_user_dirs(home: Path) -> None:
    """HOME and the XDG folders in ``home``; no provider variables leak in; no proxy."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "ANTHROPIC_")) or name.lower().endswith("_proxy"):
            del os.environ[name]
    os.environ["HOME"] = str(home)
    for variable, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        (home / folder).mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(home / folder)
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


REQUEST = AIRequest(
    model=MODEL,
    messages=(Message("user", "Who is Mickey, and what does she want from Noni?"),),
    instructions="Answer briefly, in the story's voice.",
    context="Mickey is Noni's older sister. " * 40,  # a small story bible
    max_output_tokens=LONG_CHUNKS,
    temperature=0.7,  # not deterministic: no response cache, every call streams
)


def bare_arguments(request: AIRequest) -> dict[str, Any]:
    """The request as the engine's OpenAI wire sends it, spelled out for the bare SDK."""
    system = f"{request.context}\n\n{request.instructions}"
    return {
        "model": request.model.split("/", 1)[1],
        "messages": [
            {"role": "system", "content": system},
            *({"role": m.role, "content": m.content} for m in request.messages),
        ],
        "temperature": request.temperature,
        "max_completion_tokens": request.max_output_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


@dataclass
class Watch:
    """What one engine did, seen from outside (its instance's methods wrapped, no more)."""

    record_times: list[float] = field(default_factory=list)  # engine._record, per call
    clients_built: int = 0  # how often engine.client() handed out a different SDK client
    calls: int = 0


@dataclass
class Rig:
    """What every measurement shares: the loopback server and a fresh project."""

    server: SSEServer
    root: Path
    request: AIRequest = REQUEST

    def engine(self, base_url: str) -> tuple[AIEngine, Watch]:
        """An engine as the app builds one, for a provider at ``base_url``, and its watch."""
        settings = Settings(providers={"openai": ProviderSettings(base_url=base_url)})
        tracker = CostTracker(
            self.root, "bench-session", budget=settings.budget, price=pricer(settings.providers)
        )
        engine = AIEngine(
            self.root,
            settings,
            tracker,
            environ={"OPENAI_API_KEY": KEY},
            book=ReservationBook(),
            capabilities=CapabilityRegistry(),
        )
        return engine, watch_engine(engine)

    def bare(self, base_url: str) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=base_url, api_key=KEY)


def watch_engine(engine: AIEngine) -> Watch:
    """Time the engine's ledger write and count its SDK clients (this instance only)."""
    watch = Watch()
    stock_record, stock_client = engine._record, engine.client
    latest: list[ProviderClient] = []  # only the newest: old ones may be collected

    async def record(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await stock_record(*args, **kwargs)
        finally:
            watch.record_times.append(time.perf_counter() - began)

    def client(config: ProviderConfig) -> ProviderClient:
        made = stock_client(config)
        watch.calls += 1
        if not latest or made is not latest[0]:
            watch.clients_built += 1
            latest[:] = [made]
        return made

    # Instance attributes shadow the methods for this engine only.
    setattr(engine, "_record", record)  # noqa: B010
    setattr(engine, "client", client)  # noqa: B010
    return watch


@dataclass
class Trace:
    """One call as its consumer saw it (``time.perf_counter()``)."""

    start: float
    first: float
    last: float  # the last text chunk
    end: float  # the iteration ended
    done: float  # the outcome is known (engine: ``await call.wait()`` returned)
    chunks: int
    estimate: float = 0.0  # engine only: the estimate before the call
    queued: float = 0.0  # engine only: the first chunk was put on the call's queue
    latencies: list[float] = field(default_factory=list)  # stamped streams only


def _latency(text: str) -> float:
    return time.monotonic() - float(text)


async def bare_call(client: openai.AsyncOpenAI, request: AIRequest, *, stamped: bool) -> Trace:
    arguments = bare_arguments(request)
    parts: list[str] = []
    latencies: list[float] = []
    first = last = 0.0
    start = time.perf_counter()
    stream = await client.chat.completions.create(**arguments)
    async for chunk in stream:
        for choice in chunk.choices:
            if choice.delta.content:
                last = time.perf_counter()
                first = first or last
                parts.append(choice.delta.content)
                if stamped:
                    latencies.append(_latency(choice.delta.content))
    end = time.perf_counter()
    return Trace(start, first, last, end, end, len(parts), latencies=latencies)


async def engine_call(engine: AIEngine, request: AIRequest, *, stamped: bool) -> Trace:
    parts: list[str] = []
    latencies: list[float] = []
    first = last = 0.0
    asked = time.perf_counter()
    estimate = await engine.estimate(request)
    start = time.perf_counter()
    call = await engine.start(estimate, confirmed=True)
    queued = 0.0
    stock_put = call._queue.put_nowait  # the stream task has not run yet

    def put(item: Any) -> None:
        nonlocal queued
        queued = queued or time.perf_counter()
        stock_put(item)

    setattr(call._queue, "put_nowait", put)  # noqa: B010 (this call's queue only)
    async for chunk in call:
        last = time.perf_counter()
        first = first or last
        parts.append(chunk.text)
        if stamped:
            latencies.append(_latency(chunk.text))
    end = time.perf_counter()
    outcome: CallOutcome = await call.wait()
    done = time.perf_counter()
    if outcome.status != "ok" or outcome.usage is None or outcome.usage.source != "provider":
        raise RuntimeError(f"the engine's call did not end well: {outcome}")
    return Trace(start, first, last, end, done, len(parts), start - asked, queued, latencies)


async def alternate(
    runs: int,
    warmup: int,
    chunks: int,
    bare_side: Callable[[], Awaitable[Trace]],
    engine_side: Callable[[], Awaitable[Trace]],
) -> tuple[list[Trace], list[Trace]]:
    """``warmup + runs`` calls per side, alternating which goes first; warmups dropped."""
    bare: list[Trace] = []
    ours: list[Trace] = []
    for index in range(warmup + runs):
        order = [(bare_side, bare), (engine_side, ours)]
        for side, traces in order if index % 2 else order[::-1]:
            trace = await side()
            if trace.chunks != chunks:
                raise RuntimeError(f"expected {chunks} chunks, the consumer got {trace.chunks}")
            if index >= warmup:
                traces.append(trace)
    return bare, ours


# -- the measurements ----------------------------------------------------------------
#
# Each is one async function (rig, plan) → lines of the table (a Row, or a str: a note
# printed under the table), listed in MEASUREMENTS; main() runs them in order in one event
# loop. A further part (the UI's streaming path) is its own function, appended there.

Line = Row | str
Measurement = Callable[[Rig, Plan], Awaitable[list[Line]]]


def clients_note(watch: Watch, what: str) -> str:
    return (
        f"{what}: the engine built {watch.clients_built} SDK client(s) for {watch.calls} "
        "calls; the bare side reused 1."
    )


async def measure_first_token(rig: Rig, plan: Plan) -> list[Line]:
    """Time to first token on a warm client (and the engine's estimate, apart)."""
    url = rig.server.url(TTFT_CHUNKS)
    (engine, watch), client = rig.engine(url), rig.bare(url)
    try:
        bare, ours = await alternate(
            plan.first_token,
            plan.warmup,
            TTFT_CHUNKS,
            lambda: bare_call(client, rig.request, stamped=False),
            lambda: engine_call(engine, rig.request, stamped=False),
        )
    finally:
        await engine.aclose()
        await client.close()
    return [
        compare(
            f"time to first token ({TTFT_CHUNKS}-chunk stream)",
            "ms",
            [t.first - t.start for t in ours],
            [t.first - t.start for t in bare],
            target=TTFT_TARGET_MS,
        ),
        single(
            "  of which the 1st chunk sat in the call's queue",
            "ms",
            [t.first - t.queued for t in ours],
        ),
        single("estimate before the call (not in TTFT)", "ms", [t.estimate for t in ours]),
        clients_note(watch, f"first token ({TTFT_CHUNKS} chunks)"),
    ]


async def measure_cold_first_token(rig: Rig, plan: Plan) -> list[Line]:
    """The first call of a new SDK client / a new engine: the client is built in the call."""
    url = rig.server.url(TTFT_CHUNKS)
    bare: list[float] = []
    ours: list[float] = []
    for index in range(plan.cold + 1):
        engine, _ = rig.engine(url)
        began = time.perf_counter()
        client = rig.bare(url)  # built inside the timing, as the engine builds its own
        bare_trace = await bare_call(client, rig.request, stamped=False)
        engine_trace = await engine_call(engine, rig.request, stamped=False)
        await engine.aclose()
        await client.close()
        if index:  # the very first pays the process's lazy imports
            bare.append(bare_trace.first - began)
            ours.append(engine_trace.first - engine_trace.start)
    return [compare("  first call of a new client / engine", "ms", ours, bare)]


async def measure_long_stream(rig: Rig, plan: Plan) -> list[Line]:
    """2,000 chunks as fast as they come: the engine's cost per chunk; the ledger write."""
    url = rig.server.url(LONG_CHUNKS)
    (engine, watch), client = rig.engine(url), rig.bare(url)
    try:
        bare, ours = await alternate(
            plan.long_stream,
            min(plan.warmup, 3),
            LONG_CHUNKS,
            lambda: bare_call(client, rig.request, stamped=False),
            lambda: engine_call(engine, rig.request, stamped=False),
        )
    finally:
        await engine.aclose()
        await client.close()
    total = compare(
        f"{LONG_CHUNKS:,} chunks: start → last chunk",
        "ms",
        [t.last - t.start for t in ours],
        [t.last - t.start for t in bare],
    )
    per_chunk = compare(
        f"  per chunk (the same ÷ {LONG_CHUNKS:,})",
        "µs",
        [(t.last - t.start) / LONG_CHUNKS for t in ours],
        [(t.last - t.start) / LONG_CHUNKS for t in bare],
    )
    return [
        total,
        per_chunk,
        compare(
            "  time to first token",
            "ms",
            [t.first - t.start for t in ours],
            [t.first - t.start for t in bare],
        ),
        compare(
            "  last chunk → outcome (bare: stream ended)",
            "ms",
            [t.done - t.last for t in ours],
            [t.done - t.last for t in bare],
        ),
        single(
            "  of which the ledger write (engine._record)",
            "ms",
            watch.record_times[-len(ours) :],
        ),
        clients_note(watch, f"{LONG_CHUNKS:,} chunks"),
    ]


async def measure_paced_latency(rig: Rig, plan: Plan) -> list[Line]:
    """A paced stream, each chunk stamped by the server: write → in the reader's hands."""
    url = rig.server.url(PACED_CHUNKS, PACED_GAP_US, stamp=True)
    (engine, _), client = rig.engine(url), rig.bare(url)
    try:
        bare, ours = await alternate(
            plan.paced,
            1,
            PACED_CHUNKS,
            lambda: bare_call(client, rig.request, stamped=True),
            lambda: engine_call(engine, rig.request, stamped=True),
        )
    finally:
        await engine.aclose()
        await client.close()
    return [
        compare(
            f"chunk latency ({PACED_CHUNKS} chunks {PACED_GAP_US // 1000} ms apart)",
            "µs",
            [lag for t in ours for lag in t.latencies],
            [lag for t in bare for lag in t.latencies],
        )
    ]


# -- the app: the suggestion panel in the real studio, headless ------------------------
#
# The studio as ``writers-tui PROJECT`` builds it (``make_app(Settings(), root=…)``) on a
# copy of the demo novel, in ``App.run_test`` (Textual's headless driver) in this
# measurement's event loop, OpenAI configured at the loopback server through the user
# config (``providers.openai.base_url``) and ``OPENAI_API_KEY``, as a writer would.

APP_CHUNKS = LONG_CHUNKS
APP_GAP_US = 2000  # a fast model: ~450 chunks a second once the server's writes count
APP_PARAGRAPH = 80  # words: a blank line before every 80th, as prose has
APP_SIZE = (120, 40)
KEY_EVERY = 0.06
TYPED = "she had said eight o'clock and it was nearly ten the street below shone "
STALL_TARGET_MS = 5.0
AFTER_TYPING = 1.2  # auto-save runs ≤ 1 s after the last key: not the next phase's


@dataclass
class PanelCall:
    """One ctrl+g as the suggestion panel saw it (``time.monotonic()``)."""

    pressed: float
    estimate: float = 0.0  # how long ``ai.estimate_continue`` took (the bible, the count)
    started: float = 0.0  # ``ai.start(estimate)`` called (the dialogs, if any, passed)
    sent: float = 0.0  # ``ai.start`` returned: the call is under way
    first_chunk: float = 0.0  # the panel's worker got the first chunk from the call
    inserted: float = 0.0  # the first text went into the panel's text area
    on_screen: float = 0.0  # the first frame composed after that
    flushes: int = 0  # inserts into the text area
    finished: float = 0.0  # the outcome was seen (the ledger written)


@dataclass
class StudioWatch:
    """What the running studio did, seen from outside (its instances wrapped, no more)."""

    current: PanelCall | None = None
    frames: int = 0


class _StampedList(list[str]):
    """The stream view's pending chunks: the first append of a call is stamped."""

    def __init__(self, watch: StudioWatch) -> None:
        super().__init__()
        self.watch = watch

    def append(self, text: str) -> None:
        call = self.watch.current
        if call is not None and not call.first_chunk:
            call.first_chunk = time.monotonic()
        super().append(text)


def watch_studio(app: WritersApp, screen: WritingScreen) -> StudioWatch:
    """Stamp the panel's first chunk, its inserts and the frames after them; and encode
    every frame to the terminal's bytes as the Linux driver would (the headless driver
    skips that; the bytes are dropped)."""
    watch = StudioWatch()
    view = screen.suggestion.stream
    ai = app.workspace.ai  # type: ignore[union-attr]
    stock_display, stock_flush = app._display, view._flush
    stock_estimate, stock_start = ai.estimate_continue, ai.start
    console = app.console

    def display(on: Any, renderable: Any) -> None:
        stock_display(on, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(console)
        watch.frames += 1
        call = watch.current
        if call is not None and call.inserted and not call.on_screen:
            call.on_screen = time.monotonic()

    def flush() -> None:
        shown = view.chunks_shown
        stock_flush()
        call = watch.current
        if call is not None and view.chunks_shown > shown:
            call.flushes += 1
            call.inserted = call.inserted or time.monotonic()

    async def estimate_continue(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            return await stock_estimate(*args, **kwargs)
        finally:
            if watch.current is not None:
                watch.current.estimate = time.monotonic() - began

    async def start(*args: Any, **kwargs: Any) -> Any:
        call = watch.current
        if call is not None:
            call.started = time.monotonic()
        try:
            return await stock_start(*args, **kwargs)
        finally:
            if call is not None:
                call.sent = time.monotonic()

    # Instance attributes shadow the methods for these instances only; the view's
    # flush timer and the screen's ctrl+g look them up on the instance when they run.
    setattr(app, "_display", display)  # noqa: B010
    setattr(view, "_flush", flush)  # noqa: B010
    setattr(ai, "estimate_continue", estimate_continue)  # noqa: B010
    setattr(ai, "start", start)  # noqa: B010
    view._pending = _StampedList(watch)
    return watch


def send_key(app: WritersApp, key: str) -> None:
    """A key as the terminal's input thread hands it over (``driver.send_message``, what
    ``Pilot.press`` does, without its wait-for-idle, which would bend the pace under load)."""
    if len(key) == 1:
        event = events.Key(key if key.isalnum() else _character_to_key(key), key)
    else:
        event = events.Key(key, None)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def wait_for(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the studio did not get there in {timeout:g} s: {what}")
        await asyncio.sleep(0.005)


async def type_until(app: WritersApp, done: asyncio.Event) -> int:
    """Prose keys every ``KEY_EVERY`` s on a fixed schedule (a late key is not pushed back)."""
    typed = 0
    due = time.monotonic()
    while not done.is_set():
        send_key(app, TYPED[typed % len(TYPED)])
        typed += 1
        due += KEY_EVERY
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), max(0.0, due - time.monotonic()))
    return typed


class Studio:
    """The running studio with its scene open, the watch, and the phases' windows."""

    def __init__(self, app: WritersApp, screen: WritingScreen, watch: StudioWatch) -> None:
        self.app, self.screen, self.watch = app, screen, watch
        self.windows: list[tuple[str, float, float]] = []
        self.calls: list[PanelCall] = []

    @property
    def view(self) -> StreamView:
        return self.screen.suggestion.stream

    async def idle(self, seconds: float) -> None:
        start = time.monotonic()
        await asyncio.sleep(seconds)
        self.windows.append(("idle", start, time.monotonic()))

    async def typing(self, seconds: float) -> None:
        done = asyncio.Event()
        start = time.monotonic()
        typist = asyncio.create_task(type_until(self.app, done))
        await asyncio.sleep(seconds)
        done.set()
        await typist
        self.windows.append(("typing", start, time.monotonic()))
        await asyncio.sleep(AFTER_TYPING)

    async def stream(self, *, typing: bool) -> None:
        """ctrl+g, the whole stream (typing meanwhile or not) until the call is recorded.

        Two windows: "open" from ctrl+g to the first text on screen (the panel opens, the
        binder and inspector fold, the editor re-wraps to its new width: once per call),
        then the phase's own from there until the outcome is known (the ledger written).
        """
        done = asyncio.Event()
        call = await self.press_continue()
        typist = asyncio.create_task(type_until(self.app, done)) if typing else None
        await wait_for(lambda: self.view.outcome is not None, 60, "the stream's end")
        end = call.finished = time.monotonic()
        done.set()
        if typist is not None:
            await typist
        self.windows.append(("open", call.pressed, call.on_screen))
        self.windows.append(("typing+stream" if typing else "stream", call.on_screen, end))
        outcome = self.view.outcome
        if outcome is None or outcome.status != "ok" or self.view.chunks_shown != APP_CHUNKS:
            raise RuntimeError(f"the panel showed {self.view.chunks_shown} chunks: {outcome}")
        await self.reject()
        await asyncio.sleep(AFTER_TYPING if typing else 0.3)

    async def press_continue(self) -> PanelCall:
        if self.screen.suggestion.shown or self.app.screen is not self.screen:
            raise RuntimeError(f"not ready for ctrl+g: {self.app.screen}")
        self.view.chunks_shown = 0
        call = self.watch.current = PanelCall(time.monotonic())
        self.calls.append(call)
        send_key(self.app, "ctrl+g")
        return call

    async def reject(self) -> None:
        send_key(self.app, "alt+r")
        await wait_for(lambda: not self.screen.suggestion.shown, 10, "the panel closed")

    async def first_token(self) -> PanelCall:
        """ctrl+g until the first text is on screen; then escape stops it and it is rejected."""
        call = await self.press_continue()
        await wait_for(lambda: call.on_screen, 10, "the first text on screen")
        send_key(self.app, "escape")
        await wait_for(lambda: self.view.outcome is not None, 10, "the stopped call's end")
        await self.reject()
        await asyncio.sleep(0.05)
        return call


def configure_openai(base_url: str) -> None:
    """OpenAI at ``base_url`` in the (temp) user config, the key in the environment."""
    config = user_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"providers": {"openai": {"base_url": base_url}}}))
    os.environ["OPENAI_API_KEY"] = KEY


@contextlib.asynccontextmanager
async def running_studio(rig: Rig, log: Path) -> AsyncIterator[Studio]:
    """The studio on a fresh copy of the demo, its scene open, the cursor mid-scene, and
    the stall monitor of ``_instrument.py`` (1 ms sleeps, wakes > 0.2 ms late logged)
    running in its event loop."""
    project = make_demo(rig.root.parent / f"demo-{time.monotonic_ns()}")
    configure_openai(rig.server.url(APP_CHUNKS, APP_GAP_US, paragraph=APP_PARAGRAPH))
    app = make_app(Settings(), root=project, handle_signals=False)
    try:
        async with app.run_test(size=APP_SIZE):
            await wait_for(
                lambda: isinstance(app.screen, WritingScreen) and app.screen.path is not None,
                30,
                "the Writing stage with its scene",
            )
            screen = app.screen
            assert isinstance(screen, WritingScreen)
            editor = screen.editor
            middle = editor.document.line_count // 2
            editor.cursor_location = (middle, len(editor.document.get_line(middle)))
            studio = Studio(app, screen, watch_studio(app, screen))
            await asyncio.sleep(2.0)  # startup work (word counts, the session's first save)
            monitor = asyncio.create_task(monitor_loop(str(log)))
            try:
                yield studio
            finally:
                monitor.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await monitor
    finally:
        os.environ.pop("OPENAI_API_KEY", None)


async def bare_first_token(client: openai.AsyncOpenAI, request: AIRequest) -> float:
    """The bare SDK's time to the first text, its stream then closed (as escape does)."""
    start = time.perf_counter()
    stream = await client.chat.completions.create(**bare_arguments(request))
    async for chunk in stream:
        if any(choice.delta.content for choice in chunk.choices):
            first = time.perf_counter()
            await stream.close()
            return first - start
    raise RuntimeError("the bare stream had no text")


@dataclass
class GCWatch:
    """The collector's pauses (``gc.callbacks``): (start, end, generation), monotonic."""

    pauses: list[tuple[float, float, int]] = field(default_factory=list)
    _began: float = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.monotonic()
        else:
            self.pauses.append((self._began, time.monotonic(), info["generation"]))

    def full(self, start: float, end: float) -> list[float]:
        """How long each full (generation-2) collection begun in the window took."""
        return [e - s for s, e, gen in self.pauses if gen == 2 and start <= s < end]

    def during_full(self, wake: float, lag: float) -> bool:
        """Whether a late wake's stall overlaps a full collection."""
        began = wake - lag - TICK
        return any(s < wake and e > began for s, e, gen in self.pauses if gen == 2)


def worst_stall(stalls: list[tuple[float, float]], start: float, end: float) -> float:
    return max((lag for t, lag in stalls if start <= t < end), default=0.0)


def phase_worsts(
    windows: list[tuple[str, float, float]], stalls: list[tuple[float, float]]
) -> dict[str, list[float]]:
    """Each phase kind's list of worst stalls, one per window."""
    worst: dict[str, list[float]] = {}
    for kind, start, end in windows:
        worst.setdefault(kind, []).append(worst_stall(stalls, start, end))
    return worst


async def measure_app_panel(rig: Rig, plan: Plan) -> list[Line]:
    """The studio's own time to first token, and its event loop while the panel streams."""
    log = rig.root.parent / f"stalls-{time.monotonic_ns()}.log"
    client = rig.bare(rig.server.url(APP_CHUNKS, APP_GAP_US, paragraph=APP_PARAGRAPH))
    firsts: list[PanelCall] = []
    bare_first: list[float] = []
    collector = GCWatch()
    gc.callbacks.append(collector)
    try:
        async with running_studio(rig, log) as studio:
            for index in range(plan.app_first_token + 1):  # the first one loads the SDK
                call = await studio.first_token()
                bare = await bare_first_token(client, rig.request)
                if index:
                    firsts.append(call)
                    bare_first.append(bare)
            for _ in range(plan.app_cycles):
                await studio.idle(plan.app_phase)
                await studio.typing(plan.app_phase)
                await studio.stream(typing=True)
                await studio.stream(typing=False)
    finally:
        gc.callbacks.remove(collector)
        await client.close()
    stalls = read_stall_log(log)
    worst = phase_worsts(studio.windows, stalls)
    phase = {kind: med_p95(values, 1e3) for kind, values in worst.items()}
    # The same with every stall that overlaps a full collection left out: what is left.
    no_full = phase_worsts(
        studio.windows, [(t, lag) for t, lag in stalls if not collector.during_full(t, lag)]
    )
    left = {kind: med_p95(values, 1e3) for kind, values in no_full.items()}
    full = [
        pause
        for kind, start, end in studio.windows
        if kind == "typing+stream"
        for pause in collector.full(start, end)
    ]
    seconds = sum(end - start for kind, start, end in studio.windows if kind == "typing+stream")
    streams = [c for c in studio.calls if c not in firsts]
    return [
        Row(
            "panel stall: (3) typing+stream vs (1) idle",
            "ms",
            phase["typing+stream"],
            phase["idle"],
            target=STALL_TARGET_MS,
        ),
        Row(
            "panel stall: (3) typing+stream vs (2) typing",
            "ms",
            phase["typing+stream"],
            phase["typing"],
            target=STALL_TARGET_MS,
        ),
        Row("panel stall: (4) stream only vs (1) idle", "ms", phase["stream"], phase["idle"]),
        Row("panel stall: (2) typing only vs (1) idle", "ms", phase["typing"], phase["idle"]),
        Row("panel stall: opening it (ctrl+g) vs (1) idle", "ms", phase["open"], phase["idle"]),
        single("  full GC pauses in (3) (gen 2; all of them)", "ms", full or [0.0]),
        Row(
            "  (3) vs (2), stalls in a full GC left out",
            "ms",
            left["typing+stream"],
            left["typing"],
        ),
        Row("  (4) vs (1), stalls in a full GC left out", "ms", left["stream"], left["idle"]),
        compare(
            "panel: ctrl+g → text on screen − estimate",
            "ms",
            [c.on_screen - c.pressed - c.estimate for c in firsts],
            bare_first,
        ),
        single(
            "  ctrl+g → ai.start() called, − estimate",
            "ms",
            [c.started - c.pressed - c.estimate for c in firsts],
        ),
        single("  ai.start() called → returned", "ms", [c.sent - c.started for c in firsts]),
        single("  ai.start() returned → 1st chunk", "ms", [c.first_chunk - c.sent for c in firsts]),
        single(
            "  1st chunk → text on screen (flush timer)",
            "ms",
            [c.on_screen - c.first_chunk for c in firsts],
        ),
        single("  the estimate (taken out)", "ms", [c.estimate for c in firsts]),
        (
            f"panel: {APP_CHUNKS:,} chunks {APP_GAP_US / 1000:g} ms apart (a paragraph every "
            f"{APP_PARAGRAPH} words), demo novel, headless {APP_SIZE[0]}×{APP_SIZE[1]}; a stream "
            f"took {statistics.median(c.finished - c.pressed for c in streams):.1f} s, "
            f"{statistics.median(c.flushes for c in streams):.0f} inserts into the panel "
            f"(median); {len(full)} full GC(s) in {seconds:.0f} s of (3)."
        ),
    ]


MEASUREMENTS: tuple[Measurement, ...] = (
    measure_first_token,
    measure_cold_first_token,
    measure_long_stream,
    measure_paced_latency,
    measure_app_panel,
)


# -- profile (on request) ------------------------------------------------------------


async def profile_engine(rig: Rig, calls: int, chunks: int) -> str:
    """cProfile over ``calls`` engine calls of ``chunks`` chunks (after one warm-up call)."""
    engine, _ = rig.engine(rig.server.url(chunks))
    await engine_call(engine, rig.request, stamped=False)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        await engine_call(engine, rig.request, stamped=False)
    profiler.disable()
    await engine.aclose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(r"writers_tui/ai", 12)
    return out.getvalue()


# -- main ------------------------------------------------------------------------------


async def run(
    rig: Rig, plan: Plan, measurements: tuple[Measurement, ...], profile_calls: int
) -> tuple[list[Line], str]:
    lines: list[Line] = []
    for measure in measurements:
        print(f"{measure.__name__} …", file=sys.stderr, flush=True)
        lines += await measure(rig, plan)
    profile = await profile_engine(rig, profile_calls, LONG_CHUNKS) if profile_calls else ""
    # SDK clients nobody closed close themselves when collected: let them, while the loop
    # is still running (else "Event loop is closed" noise at exit).
    gc.collect()
    await asyncio.sleep(0.05)
    return lines, profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: a few calls each")
    parser.add_argument("--profile", action="store_true", help="also profile the engine")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="bench-ai-stream-") as tmp,
        SSEServer() as server,
    ):
        folder = Path(tmp)
        hermetic_user_dirs(folder / "home")
        rig = Rig(server, new_project(folder / "novel"))
        calls = (5 if args.quick else 20) if args.profile else 0
        lines, profile = asyncio.run(run(rig, plan, MEASUREMENTS, calls))
    print(
        f"\nAI streaming: the engine vs the bare openai SDK {openai.__version__}, one loopback "
        f"SSE server (own process), Python {sys.version.split()[0]}; {MACHINE}."
    )
    print(
        f"Calls per side: {plan.first_token} (first token), {plan.cold} (new client), "
        f"{plan.long_stream} ({LONG_CHUNKS:,} chunks), {plan.paced} (paced), after warm-ups, "
        f"alternating; the studio: {plan.app_first_token} first tokens, {plan.app_cycles} "
        f"cycle(s) of {plan.app_phase:g} s idle, {plan.app_phase:g} s typing, typing + stream, "
        "stream. Median / p95.\n"
    )
    print_table([line for line in lines if isinstance(line, Row)])
    print(
        "\nadded = engine − bare, at the median / at p95; the target bounds the added median."
        "\nThe first-token rows start at create() / start(): the estimate is its own row."
        "\npanel stall rows: 'engine' = the phase measured, 'bare SDK' = the phase it is held"
        "\nagainst; each the median over cycles of the phase's worst stall / p95 (few cycles:"
        "\nthe max). panel: the studio itself (headless), its own time to first token vs the"
        "\nbare SDK's on the same stream."
    )
    for line in lines:
        if isinstance(line, str):
            print(line)
    print(f"total {time.perf_counter() - began:.1f} s")
    if profile:
        print(f"\ncProfile of the engine, {LONG_CHUNKS:,}-chunk calls, by own time:\n{profile}")


if __name__ == "__main__":
    main()
