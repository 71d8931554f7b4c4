"""The one streaming interface: ``ProviderClient.stream(request)`` → text chunks, then Usage.

Whatever the provider, a stream yields :class:`TextChunk` in order and ends with exactly
one :class:`Usage`. It hides the differences: the wire format (OpenAI-compatible or
Anthropic), what the endpoint supports (learned in :mod:`capabilities`: a refused
``stream_options`` or system prompt is dropped and the request retried; a server that
cannot stream gets one non-streaming call), a stream without usage (counted offline and
marked ``estimated``), and transient failures (:mod:`retry`, before any text only).

Errors are raised as :class:`~writers_tui.ai.errors.ProviderError`, never yielded: a
provider's complaint cannot end up in the manuscript. Cancelling is closing the stream
(``aclose()``) or cancelling the task iterating it; :meth:`ProviderStream.partial_usage`
then says what the call is known (or estimated) to have used, to bill it.

The wire modules (and with them the ``openai``/``anthropic`` SDKs, about a second to
import) are imported when the first client for their wire format is built, not with this
module: importing the engine stays cheap, and a writer who never uses AI never pays it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from types import ModuleType
from typing import Any

from writers_tui.ai.capabilities import REGISTRY, CapabilityKey, CapabilityRegistry, fallback_for
from writers_tui.ai.errors import from_sdk
from writers_tui.ai.providers import ProviderConfig
from writers_tui.ai.retry import RetryPolicy
from writers_tui.ai.types import AIRequest, Chunk, TextChunk, Usage

log = logging.getLogger("writers_tui.ai")

#: ``(model, text) → tokens``, offline.
TokenCounter = Callable[[str, str], int]

#: Capability fallbacks tried per call at most (each drops one feature).
MAX_FALLBACKS = 3


def _default_counter(model: str, text: str) -> int:
    return (len(text) + 3) // 4


def wire_module(config: ProviderConfig) -> ModuleType:
    """The wire format's module (``stream``, ``complete``, ``make_client``), imported now."""
    if config.wire == "anthropic":
        from writers_tui.ai import wire_anthropic

        return wire_anthropic
    from writers_tui.ai import wire_openai

    return wire_openai


class ProviderClient:
    """Calls one provider; holds one SDK client (and its connection pool).

    Cheap to make, except that the first one for a wire format imports its SDK (blocking:
    ~0.2 s for openai, ~0.6 s for anthropic; an async caller can warm it up beforehand
    with ``await asyncio.to_thread(wire_module, config)``).
    """

    def __init__(
        self,
        config: ProviderConfig,
        *,
        retry: RetryPolicy | None = None,
        capabilities: CapabilityRegistry | None = None,
        count_tokens: TokenCounter = _default_counter,
    ) -> None:
        self.config = config
        self.retry = retry or RetryPolicy()
        self.capabilities = capabilities or REGISTRY
        self.count_tokens = count_tokens
        self._wire: Any = wire_module(config)
        self._sdk: Any = self._wire.make_client(config)

    def stream(self, request: AIRequest) -> ProviderStream:
        return ProviderStream(self, request)

    async def aclose(self) -> None:
        await self._sdk.close()

    def key(self, request: AIRequest) -> CapabilityKey:
        return (self.config.name, self.config.base_url, request.model)


class ProviderStream:
    """One call's chunks; after it ends (or is cut), what it used."""

    def __init__(self, client: ProviderClient, request: AIRequest) -> None:
        self.client = client
        self.request = request
        self.text_parts: list[str] = []
        self.known_input: Usage | None = None  # the input side, once the provider said it
        self.usage: Usage | None = None
        #: True once the provider accepted the request (it may bill from here on).
        self.accepted = False
        self._waiting: tuple[str, float] | None = None  # why, and until when (monotonic)
        self._iterator = self._run()

    def __aiter__(self) -> AsyncIterator[Chunk]:
        return self._iterator

    @property
    def waiting(self) -> str | None:
        """While a retry waits: why, and how long is left (the panel shows it)."""
        if self._waiting is None:
            return None
        why, until = self._waiting
        return f"{why}; trying again in {max(0.0, until - time.monotonic()):.0f} s"

    async def aclose(self) -> None:
        await self._iterator.aclose()

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def partial_usage(self) -> Usage:
        """What a cut or cancelled call used: the provider's counts where known, else offline."""
        count = functools.partial(self.client.count_tokens, self.request.model)
        known = self.known_input
        output = count(self.text) if self.text else 0
        if known is not None:
            return Usage(
                known.input_tokens,
                max(known.output_tokens, output),
                known.cached_tokens,
                known.cache_write_tokens,
                source="partial",
            )
        return Usage(count(self.request.prompt_text), output, source="partial")

    def _estimated(self) -> Usage:
        count = functools.partial(self.client.count_tokens, self.request.model)
        if self.known_input is not None:
            known = self.known_input
            return Usage(
                known.input_tokens,
                count(self.text),
                known.cached_tokens,
                known.cache_write_tokens,
                source="estimated",
            )
        return Usage(count(self.request.prompt_text), count(self.text), source="estimated")

    async def _run(self) -> AsyncGenerator[Chunk, None]:
        client, config = self.client, self.client.config
        key = client.key(self.request)
        attempt = fallbacks = 0
        while True:
            caps = client.capabilities.get(key)
            try:
                if caps.streaming:
                    async for item in self._attempt_stream(caps):
                        yield item
                else:
                    async for item in self._attempt_complete(caps):
                        yield item
                return
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except Exception as raw:
                error = from_sdk(raw, config.name, config.base_url, config.secrets)
            if self.text_parts or self.usage is not None:
                raise error
            drop = fallback_for(error, caps)
            if drop is not None and fallbacks < MAX_FALLBACKS:
                fallbacks += 1
                client.capabilities.learn(key, **drop)
                log.info("ai.capability_fallback", extra={"provider": config.name, **drop})
                continue
            delay = client.retry.delay(attempt, error)
            if delay is None:
                raise error
            attempt += 1
            log.info("ai.retry", extra={"provider": config.name, "delay": delay})
            self._waiting = (str(error), time.monotonic() + delay)
            try:
                await asyncio.sleep(delay)
            finally:
                self._waiting = None

    async def _attempt_stream(self, caps: Any) -> AsyncIterator[Chunk]:
        client, config = self.client, self.client.config
        async for item in client._wire.stream(client._sdk, self.request, config, caps):
            self.accepted = True
            if isinstance(item, TextChunk):
                self.text_parts.append(item.text)
                yield item
            elif item.source == "partial":
                self.known_input = item
            else:
                self.usage = item
        self.accepted = True
        if self.usage is None:
            if caps.usage_in_stream:
                client.capabilities.learn(client.key(self.request), usage_in_stream=False)
            self.usage = self._estimated()
        yield self.usage

    async def _attempt_complete(self, caps: Any) -> AsyncIterator[Chunk]:
        client, config = self.client, self.client.config
        text, usage = await client._wire.complete(client._sdk, self.request, config, caps)
        self.accepted = True
        if text:
            self.text_parts.append(text)
            yield TextChunk(text)
        self.usage = usage or self._estimated()
        yield self.usage
