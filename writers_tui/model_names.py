"""Model names (``provider/model``), which providers exist, and what a price looks like.

Every layer names models the same way — ``anthropic/claude-sonnet-4-5``, ``ollama/llama3.2``
— so this knowledge lives at the bottom: settings validate the model chosen per stage with
it, storage records costs with it, and ``ai/`` prices calls with it, none importing another.

A provider is *known* when it is one of:

- a provider ``genai-prices`` ships prices for (read offline from the package's own data,
  loaded on first use, not at import), plus the alias ``gemini`` for Google;
- a local server (:data:`LOCAL_PROVIDERS`), which costs nothing and says ``"local"``;
- a provider the writer defined in their user config (``providers`` section), passed in
  by the caller as ``user_providers``.

Anything else is refused with a one-line "did you mean" error, so a typo never becomes a
silent $0 record.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated

from pydantic import AfterValidator

#: Local model servers: free, priced as ``"local"``.
LOCAL_PROVIDERS: tuple[str, ...] = ("ollama", "llamacpp", "lmstudio", "vllm")

#: Our provider prefixes that genai-prices knows under another id.
PROVIDER_ALIASES: dict[str, str] = {"gemini": "google"}

#: What a provider name may look like (also the rule for user-defined providers).
PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
#: What the model part may look like: the ids providers use (``gpt-4o``,
#: ``llama3.1:8b-instruct-q4_K_M``, ``hf.co/user/Model-GGUF:Q4_K_M``, ``@cf/meta/llama-3.1-8b``) —
#: no spaces, controls, brackets (markup) or quotes; ``.``/``..`` segments are refused.
MODEL_ID = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9._:@+/-]{0,199}$")

LOCAL_SOURCE = "local"
USER_PRICE_SOURCE = "user price"
UNPRICED_SOURCE = "unpriced"


@cache
def priced_providers() -> frozenset[str]:
    """The provider ids genai-prices ships prices for (its bundled data, offline)."""
    from genai_prices.data_snapshot import get_snapshot

    return frozenset(provider.id for provider in get_snapshot().providers)


def known_providers(user_providers: Iterable[str] = ()) -> tuple[str, ...]:
    """Every provider name a model may use, sorted."""
    return tuple(
        sorted(
            priced_providers() | set(PROVIDER_ALIASES) | set(LOCAL_PROVIDERS) | set(user_providers)
        )
    )


def split_model_name(value: str) -> tuple[str, str]:
    """``"openai/gpt-4o"`` → ``("openai", "gpt-4o")``. Checks the form, not the provider.

    ValueError (one line, naming the value) when it is not ``provider/model``.
    """
    provider, sep, model = value.partition("/")
    if not sep or not provider or not model.strip() or value != value.strip():
        raise ValueError(f"model {value[:80]!r} must be named provider/model, e.g. openai/gpt-4o")
    if not MODEL_ID.match(model) or any(part in (".", "..") for part in model.split("/")):
        raise ValueError(
            f"model {value[:80]!r}: the model part may hold letters, digits and . _ : @ + - / "
            "(at most 200), e.g. openai/gpt-4o"
        )
    return provider, model


def check_provider(provider: str, user_providers: Iterable[str] = ()) -> str:
    """``provider`` if it is known (see the module docstring), else a did-you-mean ValueError."""
    known = known_providers(user_providers)
    if provider in known:
        return provider
    close = difflib.get_close_matches(provider.lower(), known, n=1)
    hint = (
        f"did you mean {close[0]!r}?"
        if close
        else "define it under 'providers' in your user config, or use one of " + ", ".join(known)
    )
    raise ValueError(f"unknown provider {provider!r}; {hint}")


def check_model_name(value: str, user_providers: Iterable[str] = ()) -> str:
    """A well-formed ``provider/model`` with a known provider, else a one-line ValueError."""
    provider, _ = split_model_name(value)
    check_provider(provider, user_providers)
    return value


def _check_form(value: str) -> str:
    split_model_name(value)
    return value


#: A ``provider/model`` string, checked for its form only: which providers exist depends on
#: the writer's user-defined providers, so callers that know them call
#: :func:`check_model_name` (settings do, once every source is merged).
ModelName = Annotated[str, AfterValidator(_check_form)]


#: How seed-era bare model names ("claude", "gemini-flash", "gpt-4") map to a provider.
_PROVIDER_BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("claude", "anthropic"),
    ("gemini", "google"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("llama", "ollama"),
    ("mistral", "ollama"),
    ("qwen", "ollama"),
    ("gemma", "ollama"),
    ("phi", "ollama"),
)


def qualify_model(name: str) -> str | None:
    """``provider/model`` for a seed-era model name, or None when the provider is unknown."""
    provider, sep, _ = name.partition("/")
    if sep:
        return name if provider in known_providers() else None
    lowered = name.lower()
    for prefix, provider in _PROVIDER_BY_PREFIX:
        if lowered.startswith(prefix):
            return f"{provider}/{name}"
    return None


@dataclass(frozen=True)
class Price:
    """The cost of one call and where the number came from.

    ``source`` is ``"genai-prices X.Y.Z"``, ``"local"``, ``"user price"`` or
    ``"unpriced"``; an unpriced call costs 0 *and says so* in ``warning``.
    """

    cost: Decimal
    source: str
    resolved_model: str | None
    warning: str | None = None

    @property
    def priced(self) -> bool:
        return self.source != UNPRICED_SOURCE


#: Prices one call: ``(model_name, input_tokens, output_tokens, cached_tokens) → Price``.
#: Storage takes one of these (``ai.pricing`` makes it) instead of importing ``ai/``.
PriceFunction = Callable[[str, int, int, int], Price]
