"""The OpenAI chat-completions wire format, through the ``openai`` SDK.

Used for OpenAI and every OpenAI-compatible server (Ollama, llama.cpp, LM Studio, vLLM,
OpenRouter, Groq, Mistral, DeepSeek, Together, x-ai, Gemini's compatible endpoint).
OpenAI counts cached tokens *inside* ``prompt_tokens``; :func:`usage_from` subtracts them so
``input_tokens`` follows the ledger's convention (cache reads excluded). OpenAI caches long
prompts on its own; putting the story bible first is all it needs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
from openai.types import CompletionUsage

from writers_tui.ai.errors import ProviderError
from writers_tui.ai.providers import ProviderConfig
from writers_tui.ai.types import AIRequest, Capabilities, TextChunk, Usage


def make_client(config: ProviderConfig) -> openai.AsyncOpenAI:
    """An SDK client with its own retries off: :mod:`writers_tui.ai.retry` decides."""
    return openai.AsyncOpenAI(
        api_key=config.api_key.reveal(),
        base_url=config.base_url,
        timeout=config.timeout,
        max_retries=0,
    )


def messages(request: AIRequest, caps: Capabilities) -> list[dict[str, str]]:
    """Stable context first (one system message), then the conversation."""
    system = "\n\n".join(part for part in (request.context, request.instructions) if part)
    turns = [{"role": m.role, "content": m.content} for m in request.messages]
    if not system:
        return turns
    if caps.system_prompt:
        return [{"role": "system", "content": system}, *turns]
    first = turns[0] if turns else {"role": "user", "content": ""}
    merged = {"role": first["role"], "content": f"{system}\n\n{first['content']}"}
    return [merged, *turns[1:]]


def _arguments(request: AIRequest, config: ProviderConfig, caps: Capabilities) -> dict[str, Any]:
    _, model = request.model.split("/", 1)
    arguments: dict[str, Any] = {
        "model": model,
        "messages": messages(request, caps),
        "temperature": request.temperature,
    }
    # OpenAI's newer models take only max_completion_tokens; compatible servers know max_tokens.
    key = "max_completion_tokens" if config.name == "openai" else "max_tokens"
    arguments[key] = request.max_output_tokens
    return arguments


def usage_from(usage: CompletionUsage | None) -> Usage | None:
    """Ledger-convention usage from the SDK's (None when the server sent none)."""
    if usage is None:
        return None
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    written = (details.cache_write_tokens or 0) if details else 0
    uncached = max(0, usage.prompt_tokens - cached)
    return Usage(
        input_tokens=uncached,
        cached_tokens=cached,
        cache_write_tokens=min(written, uncached),
        output_tokens=usage.completion_tokens,
        source="provider",
    )


async def stream(
    client: openai.AsyncOpenAI, request: AIRequest, config: ProviderConfig, caps: Capabilities
) -> AsyncIterator[TextChunk | Usage]:
    """Text chunks in order, then the usage chunk if the server sent one."""
    arguments = _arguments(request, config, caps)
    if caps.usage_in_stream and config.stream_usage:
        arguments["stream_options"] = {"include_usage": True}
    response = await client.chat.completions.create(stream=True, **arguments)
    finished = False
    try:
        async for chunk in response:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield TextChunk(choice.delta.content)
                finished = finished or choice.finish_reason is not None
            found = usage_from(chunk.usage)
            if found is not None:
                yield found
    finally:
        await response.close()
    if not finished:  # the body ended before the model did: the connection was cut
        raise ProviderError(f"{config.name} dropped the connection mid-answer", kind="cut")


async def complete(
    client: openai.AsyncOpenAI, request: AIRequest, config: ProviderConfig, caps: Capabilities
) -> tuple[str, Usage | None]:
    """The non-streaming fallback: the whole answer and its usage, if reported."""
    response = await client.chat.completions.create(**_arguments(request, config, caps))
    text = "".join(choice.message.content or "" for choice in response.choices)
    return text, usage_from(response.usage)
