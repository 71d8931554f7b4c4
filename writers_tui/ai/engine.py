"""The AI engine: estimate, confirm, reserve, stream, record — for one project.

How a caller (the app's suggestion panel, ``writers-tui ask``) uses it::

    engine = AIEngine(root, settings, tracker)
    estimate = await engine.estimate(request)        # offline; no network
    if estimate.needs_confirmation: ask the writer (estimate has model, tokens, cost)
    if estimate.over_budget: show estimate.budget, let the writer override
    call = await engine.start(estimate, confirmed=True, override_budget=False)
    async for chunk in call: panel.append(chunk.text)   # TextChunk only
    outcome = await call.wait()                      # or: await call.cancel()

``start`` reserves the estimate against the budget (:mod:`budget`) and raises
:class:`ConfirmationRequired` / :class:`BudgetExceeded` before any network traffic. The
stream runs in its own task, so :meth:`AICall.cancel` works from any task (a key binding)
and still bills the call: the ledger gets one record whatever happens — ``ok`` with the
provider's usage, ``cancelled`` or ``error`` with partial usage — and only then is the
reservation released. Provider errors are raised from the iteration (after the text that
did arrive), never yielded as text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

from writers_tui.ai import providers as provider_configs
from writers_tui.ai import recording
from writers_tui.ai.budget import BOOK, BudgetCheck, Reservation, ReservationBook
from writers_tui.ai.capabilities import CapabilityRegistry
from writers_tui.ai.client import ProviderClient, ProviderStream
from writers_tui.ai.errors import AIError, ConfirmationRequired, NotRecordable, ProviderError
from writers_tui.ai.providers import ProviderConfig
from writers_tui.ai.response_cache import CachedAnswer, ResponseCache, request_key
from writers_tui.ai.retry import RetryPolicy
from writers_tui.ai.tokens import TokenEstimator
from writers_tui.ai.types import AIRequest, TextChunk, Usage, clean_text
from writers_tui.config import Settings
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.inflight import begin_call, end_call, recover_calls
from writers_tui.storage.models import LedgerRecord, OperationStatus

log = logging.getLogger(__name__)

#: Longest a reader waits for queued text while the provider's bytes keep coming.
_YIELD_SECONDS = 0.001

#: Characters of answer per token asked for before a stream is stopped as an overrun
#: (prose runs ~4 characters a token), and the least any answer may have.
_CHARS_PER_TOKEN_CAP = 16
_MIN_ANSWER_CHARS = 20_000


def answer_limit(request: AIRequest) -> int:
    """The most text a call may bring: a server that ignores ``max_tokens`` is stopped."""
    return max(_MIN_ANSWER_CHARS, request.max_output_tokens * _CHARS_PER_TOKEN_CAP)


#: Errors after which the provider may have billed the call although no text arrived.
_MAY_HAVE_BILLED = ("timeout", "cut", "bad_response")


@dataclass(frozen=True)
class Estimate:
    """What a call is expected to cost, and what the caller must do before starting it.

    The confirm dialog shows ``model``, ``input_tokens``, ``output_tokens``, ``cost``;
    the budget dialog shows ``budget`` (each limit: spent, running, this call, after).
    """

    request: AIRequest
    provider: ProviderConfig
    input_tokens: int
    output_tokens: int
    cost: Decimal
    cost_source: str
    priced: bool
    warning: str | None  # e.g. "no price known for …" (unpriced)
    chars_per_token: float
    threshold: Decimal
    budget: BudgetCheck
    cache_key: str | None  # set for deterministic requests
    cache_hit: bool  # the response cache has the answer: $0, no network

    @property
    def model(self) -> str:
        return self.request.model

    @property
    def operation(self) -> str:
        return self.request.operation

    @property
    def sources(self) -> tuple[str, ...]:
        return self.request.sources

    @property
    def needs_confirmation(self) -> bool:
        """Above the threshold — or of unknown price: a model genai-prices does not know
        could cost anything, and $0 would slip past both the threshold and the budget."""
        return not self.cache_hit and (self.cost > self.threshold or not self.priced)

    @property
    def over_budget(self) -> bool:
        return not self.cache_hit and not self.budget.ok


@dataclass(frozen=True)
class Ticket:
    """A call's provisional record on disk, until its real record is in the ledger."""

    path: Path
    record_id: str


@dataclass(frozen=True)
class CallOutcome:
    """How a call ended. ``text`` is everything that arrived (kept on cancel or error)."""

    text: str
    status: OperationStatus
    usage: Usage | None
    record: LedgerRecord | None  # None only when nothing can have been billed
    error: AIError | None = None
    cache_hit: bool = False
    budget_warning: str | None = None  # the once-per-period 80 % warning, if this crossed it


class _End:
    pass


_END = _End()


class AICall:
    """A running call: iterate it for :class:`TextChunk`; cancel it; wait for its outcome."""

    def __init__(
        self,
        engine: AIEngine,
        estimate: Estimate,
        reservation: Reservation | None,
        cached: CachedAnswer | None,
        ticket: Ticket | None = None,
    ) -> None:
        self.engine = engine
        self.estimate = estimate
        self._reservation = reservation
        self._cached = cached
        self._ticket = ticket
        self._provider_stream: ProviderStream | None = None
        self._queue: asyncio.Queue[TextChunk | _End] = asyncio.Queue()
        self._parts: list[str] = []
        self._outcome: CallOutcome | None = None
        self._cancelled = False
        engine._running.add(self)
        self._task = asyncio.create_task(self._produce(), name=f"ai:{estimate.model}")

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def waiting(self) -> str | None:
        """Why nothing arrives right now (a retry after a 429 or a 5xx), or None."""
        return self._provider_stream.waiting if self._provider_stream is not None else None

    def __aiter__(self) -> AICall:
        return self

    async def __anext__(self) -> TextChunk:
        try:
            item = await self._queue.get()
        except asyncio.CancelledError:
            self._task.cancel()  # the consumer went away: stop (and bill) the call
            raise
        if isinstance(item, _End):
            self._queue.put_nowait(item)  # later iterations end too
            outcome = await self.wait()
            if outcome.error is not None and outcome.status == "error":
                raise outcome.error
            raise StopAsyncIteration
        return item

    async def wait(self) -> CallOutcome:
        """The outcome, once the call is over and recorded."""
        await asyncio.shield(self._task)
        assert self._outcome is not None
        return self._outcome

    async def cancel(self) -> CallOutcome:
        """Stop the stream; the partial text is kept and the call billed as cancelled."""
        if not self._task.done():
            self._cancelled = True
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        assert self._outcome is not None
        return self._outcome

    async def _produce(self) -> None:
        started = time.monotonic()
        try:
            if self._cached is not None:
                self._outcome = await self._serve_cached(self._cached, started)
            else:
                self._outcome = await self._stream(started)
        finally:
            # Whatever happened (even a bug), the reservation goes and the reader wakes up;
            # an unexpected exception then surfaces from wait() and the iteration.
            if self._reservation is not None:
                self._reservation.release()
            self._queue.put_nowait(_END)
        self.engine._running.discard(self)
        listener = self.engine.on_outcome
        if listener is not None and self._outcome is not None:
            try:
                listener(self._outcome)
            except Exception:  # a listener's bug must not turn a recorded call into a failure
                log.exception("on_outcome listener failed")

    async def _serve_cached(self, cached: CachedAnswer, started: float) -> CallOutcome:
        text = clean_text(cached.text)
        self._parts.append(text)
        self._queue.put_nowait(TextChunk(text))
        record = await self.engine._record_hit(self.estimate.request, cached, started)
        return CallOutcome(text, "ok", Usage(0, 0), record, cache_hit=True)

    async def _stream(self, started: float) -> CallOutcome:
        request = self.estimate.request
        stream = self.engine.client(self.estimate.provider).stream(request)
        self._provider_stream = stream
        status: OperationStatus = "ok"
        error: ProviderError | None = None
        usage: Usage | None = None
        yielded_at = 0.0
        room = answer_limit(request)
        try:
            async for item in stream:
                if isinstance(item, TextChunk):
                    text = clean_text(item.text)[:room]
                    if not text:
                        continue
                    room -= len(text)
                    item = TextChunk(text)
                    self._parts.append(text)
                    self._queue.put_nowait(item)
                    if room <= 0:
                        raise ProviderError(
                            f"the model sent far more than the ~{request.max_output_tokens:,} "
                            f"tokens asked for; stopped at {answer_limit(request):,} characters",
                            kind="bad_response",
                        )
                    # Buffered SSE never makes the SDK wait, so without this the reader
                    # would only wake after a whole burst: let it run now and then.
                    now = time.monotonic()
                    if now - yielded_at >= _YIELD_SECONDS:
                        yielded_at = now
                        await asyncio.sleep(0)
                else:
                    usage = item
        except asyncio.CancelledError:
            status, usage = "cancelled", stream.partial_usage()
        except ProviderError as failure:
            with contextlib.suppress(Exception):
                await stream.aclose()  # an overrun is ours to stop: close the connection
            status, error = "error", failure
            billed = stream.accepted or self._parts or failure.kind in _MAY_HAVE_BILLED
            usage = stream.partial_usage() if billed else None
        # Recording must finish even if the task is cancelled again meanwhile.
        record, warning = await asyncio.shield(
            self.engine._record(self.estimate, stream, usage, status, started, self._ticket)
        )
        return CallOutcome(self.text, status, usage, record, error, budget_warning=warning)


class AIEngine:
    """AI calls for one project: estimates, reservations, streaming, the ledger."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        tracker: CostTracker,
        *,
        environ: Mapping[str, str] | None = None,
        book: ReservationBook | None = None,
        retry: RetryPolicy | None = None,
        capabilities: CapabilityRegistry | None = None,
        cache: ResponseCache | None = None,
        on_outcome: Callable[[CallOutcome], None] | None = None,
    ) -> None:
        self.root = Path(root)
        self.settings = settings
        self.tracker = tracker
        self.environ = environ
        self.book = book or BOOK
        self.retry = retry
        self.capabilities = capabilities
        self.cache = cache or ResponseCache(self.root)
        self.tokens = TokenEstimator()
        self._calibrated = False
        self._clients: dict[str, ProviderClient] = {}
        self._closing: set[asyncio.Future[None]] = set()
        self._running: set[AICall] = set()  # stopped (and billed) by aclose()
        #: Called on the loop once each call is over and recorded (the workspace's events).
        self.on_outcome = on_outcome

    # -- configuration -------------------------------------------------------------

    def provider(self, model: str) -> ProviderConfig:
        """The provider for ``model``; :class:`NotConfigured` (how to set it up) if AI is off."""
        return provider_configs.for_model(model, self.settings, self.environ)

    def client(self, config: ProviderConfig) -> ProviderClient:
        """The provider's client, reused while its configuration stays the same (a warm
        connection). :meth:`estimate` builds it off the loop; this builds it only if not."""
        if not self._has_client(config):
            self._install(self._new_client(config))
        return self._clients[config.name]

    def _has_client(self, config: ProviderConfig) -> bool:
        client = self._clients.get(config.name)
        return client is not None and client.config == config

    def _new_client(self, config: ProviderConfig) -> ProviderClient:
        """Blocking: imports the SDK (0.2-0.8 s the first time) and sets up TLS (~20 ms)."""
        return ProviderClient(
            config,
            retry=self.retry,
            capabilities=self.capabilities,
            count_tokens=self.tokens.count,
        )

    def _install(self, client: ProviderClient) -> None:
        """On the loop: ``client`` replaces the provider's old one, which is closed."""
        old = self._clients.get(client.config.name)
        if old is not None and old is not client:  # the writer changed its settings
            self._closing.add(asyncio.ensure_future(old.aclose()))
            self._closing = {task for task in self._closing if not task.done()}
        self._clients[client.config.name] = client

    async def aclose(self) -> None:
        """Stop the calls still running (billed as cancelled), then close the clients."""
        for call in list(self._running):
            await call.cancel()
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        await asyncio.gather(*self._closing, return_exceptions=True)
        self._closing.clear()

    # -- before the call -------------------------------------------------------------

    async def estimate(self, request: AIRequest) -> Estimate:
        """Tokens and cost, offline; the budget as the call would leave it."""
        config = self.provider(request.model)
        # The SDK and its TLS context take 0.2-0.8 s the first time: off the loop, before
        # the call needs them.
        if not self._has_client(config):
            self._install(await asyncio.to_thread(self._new_client, config))
        if not self._calibrated:
            # Calls cut by an earlier crash are billed first (at their estimates).
            recovered = await asyncio.to_thread(recover_calls, self.root, self.tracker)
            self.tracker.warnings.extend(recovered.problems)
            await asyncio.to_thread(self.tokens.learn_from, iter(self.tracker.ledger))
            self._calibrated = True
        input_tokens = self.tokens.count(request.model, request.prompt_text)
        output_tokens = request.max_output_tokens
        price = recording.price_usage(
            request.model, Usage(input_tokens, output_tokens), self.settings.providers
        )
        key = request_key(request, config.base_url) if request.deterministic else None
        hit = key is not None and (await asyncio.to_thread(self.cache.get, key)) is not None
        await asyncio.to_thread(self.tracker.refresh)
        budget = await asyncio.to_thread(self.book.check, self.tracker, price.cost)
        return Estimate(
            request=request,
            provider=config,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost=price.cost,
            cost_source=price.source,
            priced=price.priced,
            warning=price.warning,
            chars_per_token=self.tokens.chars_per_token(request.model),
            threshold=self.settings.ai.confirm_threshold,
            budget=budget,
            cache_key=key,
            cache_hit=hit,
        )

    async def start(
        self, estimate: Estimate, *, confirmed: bool = False, override_budget: bool = False
    ) -> AICall:
        """Reserve and begin the call.

        :class:`ConfirmationRequired` when the estimate is above the threshold and not
        ``confirmed``; :class:`BudgetExceeded` (with the check for the dialog) when it does
        not fit what is left — counting calls running now — unless ``override_budget``.
        """
        if estimate.cache_key is not None:
            cached = await asyncio.to_thread(self.cache.get, estimate.cache_key)
            if cached is not None:
                return AICall(self, estimate, None, cached)
        if estimate.needs_confirmation and not confirmed:
            why = (
                f"estimated at ~${estimate.cost:.4f} (above your ${estimate.threshold} confirm "
                "threshold)"
                if estimate.priced
                else "of unknown cost (no price is known for this model)"
            )
            raise ConfirmationRequired(f"{estimate.model}: this call is {why}; confirm to proceed")
        reservation = await asyncio.to_thread(
            self.book.reserve, self.tracker, estimate.cost, override=override_budget
        )
        try:
            ticket = await asyncio.to_thread(self._begin_ticket, estimate)
        except OSError as error:  # a call that could not be billed after a crash: not sent
            reservation.release()
            raise NotRecordable(
                f"not sent: its cost could not be put on record ({error.strerror or error})"
            ) from None
        return AICall(self, estimate, reservation, None, ticket)

    def _begin_ticket(self, estimate: Estimate) -> Ticket:
        """The call's provisional record on disk (:mod:`writers_tui.storage.inflight`)."""
        request = estimate.request
        provisional, _ = recording.build_record(
            self.tracker,
            request,
            Usage(estimate.input_tokens, estimate.output_tokens, source="estimated"),
            providers=self.settings.providers,
            estimated_cost=estimate.cost,
            status="error",
            duration_ms=0,
        )
        return Ticket(begin_call(self.root, provisional), provisional.id)

    # -- after the call (engine-side so AICall stays about streaming) ----------------

    async def _record(
        self,
        estimate: Estimate,
        stream: ProviderStream,
        usage: Usage | None,
        status: OperationStatus,
        started: float,
        ticket: Ticket | None,
    ) -> tuple[LedgerRecord | None, str | None]:
        if usage is None:  # refused before any work: nothing billed, nothing to recover
            if ticket is not None:
                await asyncio.to_thread(end_call, ticket.path)
            return None, None
        request = estimate.request
        if usage.source != "provider" and usage.output_tokens > request.max_output_tokens:
            # Counted offline (cut, cancelled, overran): a provider stops at max_tokens, so
            # what a runaway server sent past it is not billed as if it were real.
            usage = replace(usage, output_tokens=request.max_output_tokens)
        record, price = recording.build_record(
            self.tracker,
            request,
            usage,
            providers=self.settings.providers,
            estimated_cost=estimate.cost,
            status=status,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        if ticket is not None:  # the provisional record's id: the ledger counts it once
            record = record.model_copy(update={"id": ticket.record_id})
        await asyncio.to_thread(self.tracker.record, record)
        if ticket is not None:
            await asyncio.to_thread(end_call, ticket.path)
        if price.warning:
            self.tracker.warnings.append(price.warning)
        if usage.source == "provider":
            self.tokens.learn(
                request.model, len(request.prompt_text), usage.input_tokens + usage.cached_tokens
            )
        if status == "ok" and estimate.cache_key is not None:
            await asyncio.to_thread(
                self.cache.put,
                estimate.cache_key,
                request.model,
                stream.text,
                usage,
                str(record.cost),
            )
        warning = await asyncio.to_thread(self.tracker.should_warn_budget)
        return record, warning

    async def _record_hit(
        self, request: AIRequest, cached: CachedAnswer, started: float
    ) -> LedgerRecord:
        record = recording.cache_hit_record(
            self.tracker,
            request,
            cached.cost,
            int((time.monotonic() - started) * 1000),
        )
        await asyncio.to_thread(self.tracker.record, record)
        return record


CallStatus = Literal["ok", "error", "cancelled"]
