"""Anthropic's messages wire format, through the ``anthropic`` SDK.

The story bible goes in a system block marked ``cache_control: ephemeral``, so repeated
calls read it from Anthropic's cache. Usage arrives in two parts: ``message_start`` carries
the input side (``input_tokens`` plus ``cache_creation_input_tokens`` and
``cache_read_input_tokens``, which are *on top of* ``input_tokens``), and each
``message_delta`` carries the cumulative output (and, on newer servers, cumulative input
counts that replace the start's). :class:`UsageAccumulator` folds them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anthropic

from writers_tui.ai.errors import ProviderError
from writers_tui.ai.providers import ProviderConfig
from writers_tui.ai.types import AIRequest, Capabilities, TextChunk, Usage


def make_client(config: ProviderConfig) -> anthropic.AsyncAnthropic:
    """An SDK client with its own retries off: :mod:`writers_tui.ai.retry` decides."""
    return anthropic.AsyncAnthropic(
        api_key=config.api_key.reveal(),
        base_url=config.base_url,
        timeout=config.timeout,
        max_retries=0,
    )


def _arguments(request: AIRequest, caps: Capabilities) -> dict[str, Any]:
    _, model = request.model.split("/", 1)
    blocks: list[dict[str, Any]] = []
    if request.context:
        blocks.append(
            {"type": "text", "text": request.context, "cache_control": {"type": "ephemeral"}}
        )
    if request.instructions:
        blocks.append({"type": "text", "text": request.instructions})
    turns: list[dict[str, Any]] = [{"role": m.role, "content": m.content} for m in request.messages]
    # The anthropic 2.x SDK takes no ``temperature`` (models choose their own sampling);
    # a deterministic request is still cached by us (response cache) by its temperature.
    arguments: dict[str, Any] = {"model": model, "max_tokens": request.max_output_tokens}
    if blocks and caps.system_prompt:
        arguments["system"] = blocks
    elif blocks and turns:
        system = "\n\n".join(block["text"] for block in blocks)
        turns[0] = {"role": turns[0]["role"], "content": f"{system}\n\n{turns[0]['content']}"}
    arguments["messages"] = turns
    return arguments


@dataclass
class UsageAccumulator:
    """Anthropic's usage, folded from ``message_start`` and the cumulative deltas."""

    input_tokens: int = 0
    cache_write: int = 0
    cache_read: int = 0
    output_tokens: int = 0
    started: bool = False
    finished: bool = False

    def start(self, usage: Any) -> None:
        self.started = True
        self.input_tokens = usage.input_tokens or 0
        self.cache_write = usage.cache_creation_input_tokens or 0
        self.cache_read = usage.cache_read_input_tokens or 0
        self.output_tokens = usage.output_tokens or 0

    def delta(self, usage: Any) -> None:
        self.finished = True
        self.output_tokens = usage.output_tokens  # cumulative, not an increment
        if usage.input_tokens is not None:
            self.input_tokens = usage.input_tokens
        if usage.cache_creation_input_tokens is not None:
            self.cache_write = usage.cache_creation_input_tokens
        if usage.cache_read_input_tokens is not None:
            self.cache_read = usage.cache_read_input_tokens

    def usage(self) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + self.cache_write,
            cached_tokens=self.cache_read,
            cache_write_tokens=self.cache_write,
            output_tokens=self.output_tokens,
            source="provider",
        )


async def stream(
    client: anthropic.AsyncAnthropic,
    request: AIRequest,
    config: ProviderConfig,
    caps: Capabilities,
) -> AsyncIterator[TextChunk | Usage]:
    """Text chunks in order; a ``partial`` Usage once the input side is known; the final one."""
    response = await client.messages.create(stream=True, **_arguments(request, caps))
    folded = UsageAccumulator()
    stopped = False
    try:
        async for event in response:
            if event.type == "message_start":
                folded.start(event.message.usage)
                known = folded.usage()
                yield Usage(
                    known.input_tokens,
                    known.output_tokens,
                    known.cached_tokens,
                    known.cache_write_tokens,
                    source="partial",
                )
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                yield TextChunk(event.delta.text)
            elif event.type == "message_delta":
                folded.delta(event.usage)
            elif event.type == "message_stop":
                stopped = True
    finally:
        await response.close()
    if not stopped:  # no message_stop: the connection was cut
        raise ProviderError(f"{config.name} dropped the connection mid-answer", kind="cut")
    if folded.started and folded.finished:
        yield folded.usage()


async def complete(
    client: anthropic.AsyncAnthropic,
    request: AIRequest,
    config: ProviderConfig,
    caps: Capabilities,
) -> tuple[str, Usage | None]:
    """The non-streaming fallback: the whole answer and its usage."""
    message = await client.messages.create(**_arguments(request, caps))
    text = "".join(block.text for block in message.content if block.type == "text")
    folded = UsageAccumulator()
    folded.start(message.usage)
    return text, folded.usage()
