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

Figures are medians (p95 after the slash) over the calls of each side; "added" is engine
minus bare. HOME and the XDG folders point into a temp folder, so nothing of the
writer's is read or written. ``--profile`` prints where the engine's time goes.

    .venv/bin/python benchmarks/bench_ai_stream.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import math
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from benchmarks._sse_server import SSEServer  # noqa: E402
from writers_tui.ai.budget import ReservationBook  # noqa: E402
from writers_tui.ai.capabilities import CapabilityRegistry  # noqa: E402
from writers_tui.ai.client import ProviderClient  # noqa: E402
from writers_tui.ai.engine import AIEngine, CallOutcome  # noqa: E402
from writers_tui.ai.pricing import pricer  # noqa: E402
from writers_tui.ai.providers import ProviderConfig  # noqa: E402
from writers_tui.ai.types import AIRequest, Message  # noqa: E402
from writers_tui.config import ProviderSettings, Settings  # noqa: E402
from writers_tui.project import new_project  # noqa: E402
from writers_tui.storage.costs import CostTracker  # noqa: E402

MACHINE = f"{os.cpu_count()} CPU cores, shared with the server process and other work"
MODEL = "openai/gpt-4o"
KEY = "sk-bench-0123456789abcdef"
TTFT_CHUNKS = 20
LONG_CHUNKS = 2000
PACED_CHUNKS, PACED_GAP_US = 200, 1000
TTFT_TARGET_MS = 5.0


@dataclass(frozen=True)
class Plan:
    """How many calls each measurement makes per side (after ``warmup`` unmeasured ones)."""

    first_token: int
    cold: int
    long_stream: int
    paced: int
    warmup: int


FULL = Plan(first_token=200, cold=20, long_stream=30, paced=10, warmup=10)
QUICK = Plan(first_token=40, cold=5, long_stream=8, paced=3, warmup=3)


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


MEASUREMENTS: tuple[Measurement, ...] = (
    measure_first_token,
    measure_cold_first_token,
    measure_long_stream,
    measure_paced_latency,
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
        "alternating. Median / p95.\n"
    )
    print_table([line for line in lines if isinstance(line, Row)])
    print(
        "\nadded = engine − bare, at the median / at p95; the target bounds the added median."
        "\nThe first-token rows start at create() / start(): the estimate is its own row."
    )
    for line in lines:
        if isinstance(line, str):
            print(line)
    print(f"total {time.perf_counter() - began:.1f} s")
    if profile:
        print(f"\ncProfile of the engine, {LONG_CHUNKS:,}-chunk calls, by own time:\n{profile}")


if __name__ == "__main__":
    main()
