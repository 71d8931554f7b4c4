"""What an AI call costs, from the ``genai-prices`` data shipped with the package.

Models are named ``provider/model`` (:mod:`writers_tui.model_names`). In order:

1. a provider the writer configured with a ``price_override`` costs that: ``"user price"``;
2. a local server (Ollama, llama.cpp, LM Studio, vLLM) costs nothing: ``"local"``;
3. every provider ``genai-prices`` knows is priced by it (offline, exact ``Decimal``);
4. anything else — a model genai-prices does not know, or a user-defined provider with no
   price — is *unpriced*: its cost is 0, its source says so and a warning is returned, so
   a missing price is never a silent $0.

An unknown provider is refused (ValueError with a did-you-mean), not priced.

Token convention: ``input_tokens`` here **excludes** cached (cache-read) tokens, which are
passed separately as ``cached_tokens``. ``genai-prices`` counts cache reads inside its
``input_tokens``, so we hand it ``input_tokens + cached_tokens`` and
``cache_read_tokens=cached_tokens``; the two conventions then price the same call.

Cache *writes* (Anthropic's ``cache_creation_input_tokens``) are part of ``input_tokens``
(they were not read from a cache) and are named again in the keyword-only
``cache_write_tokens``, so genai-prices can charge them at the write rate. Callers that do
not know about writes (``PriceFunction``, ``costs add``) price them at the input rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import partial

import genai_prices
from genai_prices import Usage, calc_price

from writers_tui.config import PriceOverride, ProviderSettings
from writers_tui.model_names import (
    LOCAL_PROVIDERS,
    LOCAL_SOURCE,
    PROVIDER_ALIASES,
    UNPRICED_SOURCE,
    USER_PRICE_SOURCE,
    Price,
    PriceFunction,
    check_provider,
    priced_providers,
    split_model_name,
)
from writers_tui.values import quantize_money

PRICES_SOURCE = f"genai-prices {genai_prices.__version__}"
PER_MILLION = Decimal(1_000_000)

__all__ = ["PRICES_SOURCE", "Price", "price", "pricer"]


def _check_tokens(**counts: int) -> None:
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")


def _user_price(
    override: PriceOverride, model: str, input_tokens: int, output_tokens: int, cached: int
) -> Price:
    cached_rate = override.input if override.cached is None else override.cached
    total = (
        input_tokens * override.input + cached * cached_rate + output_tokens * override.output
    ) / PER_MILLION
    return Price(quantize_money(total), USER_PRICE_SOURCE, model)


def _unpriced(model_name: str, why: str) -> Price:
    warning = (
        f"no price known for {model_name} ({why}); recorded as unpriced, "
        "so its cost is missing from the totals"
    )
    return Price(Decimal(0), UNPRICED_SOURCE, None, warning)


def price(
    model_name: str,
    input_tokens: int,
    output_tokens: int,
    cached_tokens: int = 0,
    *,
    providers: Mapping[str, ProviderSettings] | None = None,
    cache_write_tokens: int = 0,
) -> Price:
    """Price one call. ValueError (one line) for a malformed name, unknown provider or count.

    ``providers`` are the writer's configured providers (``Settings.providers``).
    ``input_tokens`` excludes ``cached_tokens`` and includes ``cache_write_tokens`` (see
    the module docstring); a user price charges cache writes at its input rate.
    """
    configured = providers or {}
    provider, model = split_model_name(model_name)
    check_provider(provider, configured)
    _check_tokens(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_tokens=cached_tokens,
        cache_write_tokens=cache_write_tokens,
    )
    if cache_write_tokens > input_tokens:
        raise ValueError("cache_write_tokens are part of input_tokens and cannot exceed them")
    own = configured.get(provider)
    if own is not None and own.price_override is not None:
        return _user_price(own.price_override, model, input_tokens, output_tokens, cached_tokens)
    if provider in LOCAL_PROVIDERS:
        return Price(Decimal(0), LOCAL_SOURCE, model)
    provider_id = PROVIDER_ALIASES.get(provider, provider)
    if provider_id not in priced_providers():
        return _unpriced(model_name, f"{provider} is your own provider and has no price_override")
    usage = Usage(
        input_tokens=input_tokens + cached_tokens,
        cache_read_tokens=cached_tokens or None,
        cache_write_tokens=cache_write_tokens or None,
        output_tokens=output_tokens,
    )
    try:
        calculation = calc_price(usage, model, provider_id=provider_id)
    except LookupError:
        return _unpriced(model_name, PRICES_SOURCE)
    return Price(quantize_money(calculation.total_price), PRICES_SOURCE, calculation.model.id)


def pricer(providers: Mapping[str, ProviderSettings] | None = None) -> PriceFunction:
    """:func:`price` bound to the writer's providers: what ``CostTracker`` is given."""
    return partial(price, providers=dict(providers or {}))
