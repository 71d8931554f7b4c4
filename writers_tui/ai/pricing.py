"""What an AI call costs, from the ``genai-prices`` data shipped with the package.

Models are named ``provider/model``. Remote providers are priced by ``genai-prices``
(offline, exact ``Decimal``); local servers (Ollama, llama.cpp) cost nothing and say
``"local"``. A remote model ``genai-prices`` does not know is *unpriced*: its cost is 0 but
its source says so and a warning is returned, so a missing price is never a silent $0.

Token convention: ``input_tokens`` here **excludes** cached (cache-read) tokens, which are
passed separately as ``cached_tokens``. ``genai-prices`` counts cache reads inside its
``input_tokens``, so we hand it ``input_tokens + cached_tokens`` and
``cache_read_tokens=cached_tokens``; the two conventions then price the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import genai_prices
from genai_prices import Usage, calc_price

from writers_tui.storage.models import LOCAL_PROVIDERS, check_model_name
from writers_tui.values import quantize_money

PRICES_SOURCE = f"genai-prices {genai_prices.__version__}"
LOCAL_SOURCE = "local"
UNPRICED_SOURCE = "unpriced"

#: Our provider prefixes → genai-prices provider ids. ``gemini/`` is Google's API too.
GENAI_PROVIDER_IDS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
}


@dataclass(frozen=True)
class Price:
    """The cost of one call and where the number came from."""

    cost: Decimal
    source: str  # PRICES_SOURCE | "local" | "unpriced"
    resolved_model: str | None
    warning: str | None = None

    @property
    def priced(self) -> bool:
        return self.source != UNPRICED_SOURCE


def split_model_name(model_name: str) -> tuple[str, str]:
    """``"openai/gpt-4o"`` → ``("openai", "gpt-4o")``; ValueError naming what is wrong."""
    check_model_name(model_name)
    provider, _, model = model_name.partition("/")
    return provider, model


def _check_tokens(**counts: int) -> None:
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")


def price(model_name: str, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Price:
    """Price one call. Raises ValueError for a malformed model name or token count.

    ``input_tokens`` excludes ``cached_tokens`` (see the module docstring).
    """
    provider, model = split_model_name(model_name)
    _check_tokens(
        input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached_tokens
    )
    if provider in LOCAL_PROVIDERS:
        return Price(Decimal(0), LOCAL_SOURCE, model)
    usage = Usage(
        input_tokens=input_tokens + cached_tokens,
        cache_read_tokens=cached_tokens or None,
        output_tokens=output_tokens,
    )
    provider_id = GENAI_PROVIDER_IDS.get(provider, provider)
    try:
        calculation = calc_price(usage, model, provider_id=provider_id)
    except LookupError:
        warning = (
            f"no price known for {model_name} ({PRICES_SOURCE}); recorded as unpriced, "
            "so its cost is missing from the totals"
        )
        return Price(Decimal(0), UNPRICED_SOURCE, None, warning)
    return Price(quantize_money(calculation.total_price), PRICES_SOURCE, calculation.model.id)
