"""Pricing: genai-prices for remote models, $0 'local', never a silent $0 for unknowns."""

from __future__ import annotations

from decimal import Decimal

import genai_prices
import pytest
from genai_prices import Usage, calc_price

from writers_tui.ai.pricing import (
    LOCAL_SOURCE,
    PRICES_SOURCE,
    UNPRICED_SOURCE,
    price,
    split_model_name,
)


def test_remote_model_is_priced_exactly_by_genai_prices() -> None:
    expected = calc_price(
        Usage(input_tokens=12450, output_tokens=3200), "gpt-4o", provider_id="openai"
    )
    result = price("openai/gpt-4o", 12450, 3200)
    assert isinstance(result.cost, Decimal)
    assert result.cost == expected.total_price
    assert result.source == f"genai-prices {genai_prices.__version__}" == PRICES_SOURCE
    assert result.resolved_model == "gpt-4o"
    assert result.priced and result.warning is None


def test_cached_tokens_are_excluded_from_input_tokens() -> None:
    """Our --input-tokens excludes cache reads; genai-prices' input_tokens includes them."""
    expected = calc_price(
        Usage(input_tokens=3000, cache_read_tokens=2000, output_tokens=100),
        "claude-sonnet-4-5",
        provider_id="anthropic",
    )
    result = price("anthropic/claude-sonnet-4-5", 1000, 100, cached_tokens=2000)
    assert result.cost == expected.total_price
    uncached = price("anthropic/claude-sonnet-4-5", 3000, 100)
    assert result.cost < uncached.cost  # cache reads are cheaper than fresh input


@pytest.mark.parametrize("prefix", ["google", "gemini"])
def test_google_and_gemini_prefixes_price_as_google(prefix: str) -> None:
    expected = calc_price(
        Usage(input_tokens=1000, output_tokens=1000), "gemini-2.5-flash", provider_id="google"
    )
    result = price(f"{prefix}/gemini-2.5-flash", 1000, 1000)
    assert result.cost == expected.total_price > 0


@pytest.mark.parametrize("name", ["ollama/llama3.2", "llamacpp/qwen2.5-7b-instruct"])
def test_local_models_cost_nothing_and_say_local(name: str) -> None:
    result = price(name, 50_000, 20_000)
    assert result.cost == Decimal(0)
    assert result.source == LOCAL_SOURCE
    assert result.priced and result.warning is None


def test_unknown_remote_model_is_unpriced_with_a_warning() -> None:
    result = price("openai/gpt-imaginary-9", 1000, 1000)
    assert result.cost == Decimal(0)
    assert result.source == UNPRICED_SOURCE
    assert not result.priced
    assert result.warning is not None and "openai/gpt-imaginary-9" in result.warning


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("gpt-4o", "provider/model"),
        ("openai/", "provider/model"),
        ("mystery/gpt-4o", "unknown provider 'mystery'"),
    ],
)
def test_malformed_model_names_are_rejected(name: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        price(name, 1, 1)


@pytest.mark.parametrize(
    ("tokens", "field"),
    [((-1, 0, 0), "input_tokens"), ((0, -5, 0), "output_tokens"), ((0, 0, -2), "cached_tokens")],
)
def test_negative_token_counts_are_rejected(tokens: tuple[int, int, int], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        price("openai/gpt-4o", *tokens)


def test_split_model_name_keeps_slashes_in_the_model_part() -> None:
    assert split_model_name("ollama/library/llama3.2") == ("ollama", "library/llama3.2")
