"""What flows through the AI engine: a request in; text chunks and one usage out.

These are plain frozen dataclasses so the UI, the CLI and the tests can build and compare
them without touching an SDK. Token counts follow the ledger's convention
(docs/costs.md): ``input_tokens`` are prompt tokens *not* read from a cache (cache writes
included), ``cached_tokens`` are cache reads, and ``cache_write_tokens`` names the part of
``input_tokens`` that was written to the provider's cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from writers_tui.storage.models import UsageSource

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One turn of the conversation (the system prompt is not a message: see AIRequest)."""

    role: Role
    content: str


@dataclass(frozen=True)
class AIRequest:
    """One call to a model.

    ``context`` is the stable part (story bible, planning notes): it is sent first, as a
    cacheable prefix, so repeated calls over the same bible pay the cached rate.
    ``instructions`` is the operation's system prompt, sent after the context.
    ``max_output_tokens`` is the operation's target length: the cost estimate assumes it.
    ``temperature`` 0 makes a request deterministic, and so eligible for the response cache.
    """

    model: str  # provider/model
    messages: tuple[Message, ...]
    instructions: str = ""
    context: str = ""
    max_output_tokens: int = 1024
    temperature: float = 0.7
    operation: str = "ask"
    stage: str = ""
    #: Files the context was built from (relative paths), so an answer can name them.
    sources: tuple[str, ...] = ()

    @property
    def prompt_text(self) -> str:
        """Everything the model reads, for offline token estimates."""
        return "\n".join([self.context, self.instructions, *(m.content for m in self.messages)])

    @property
    def deterministic(self) -> bool:
        return self.temperature == 0


@dataclass(frozen=True)
class TextChunk:
    """A piece of the model's answer, in order. Never an error message."""

    text: str


#: What a model's text may not carry into a terminal or a manuscript: C0 controls but tab
#: and newline (ESC starts a terminal escape sequence), DEL, C1 controls, and the bidi
#: embeddings, overrides and isolates that show text reversed. Carriage returns go too.
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """A model's text as it may be shown and inserted: prose, never terminal commands."""
    return _UNSAFE_TEXT.sub("", text)


@dataclass(frozen=True)
class Usage:
    """What the call used; the last item of every stream.

    ``source`` is ``"provider"`` (reported by the provider), ``"estimated"`` (the provider
    reported nothing: counted offline) or ``"partial"`` (the stream was cancelled or cut:
    what is known plus an offline count of the rest).
    """

    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    source: UsageSource = "provider"

    def __post_init__(self) -> None:
        for name in ("input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be ≥ 0")


Chunk = TextChunk | Usage


@dataclass(frozen=True)
class Capabilities:
    """What a provider endpoint can do, as far as we know (learned when a call fails)."""

    streaming: bool = True
    usage_in_stream: bool = True
    system_prompt: bool = True
    notes: tuple[str, ...] = field(default=())
