"""Pricing: genai-prices for remote models, $0 'local', never a silent $0 for unknowns."""

from __future__ import annotations

from decimal import Decimal

import genai_prices
import pytest
from genai_prices import Usage, calc_price

from writers_tui.ai.pricing import PRICES_SOURCE, price, pricer
from writers_tui.config import PriceOverride, ProviderSettings
from writers_tui.model_names import (
    LOCAL_SOURCE,
    UNPRICED_SOURCE,
    USER_PRICE_SOURCE,
    known_providers,
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


def test_every_genai_prices_provider_is_known() -> None:
    from genai_prices.data_snapshot import get_snapshot

    ids = {provider.id for provider in get_snapshot().providers}
    assert len(ids) > 40 and ids <= set(known_providers())
    assert {"mistral", "deepseek", "groq", "x-ai", "openrouter", "together"} <= ids


@pytest.mark.parametrize(
    ("name", "genai_model", "provider_id"),
    [
        ("mistral/mistral-large-latest", "mistral-large-latest", "mistral"),
        ("deepseek/deepseek-chat", "deepseek-chat", "deepseek"),
        ("x-ai/grok-3", "grok-3", "x-ai"),
        ("openrouter/openai/gpt-4o", "openai/gpt-4o", "openrouter"),
    ],
)
def test_other_providers_are_priced_by_genai_prices(
    name: str, genai_model: str, provider_id: str
) -> None:
    usage = Usage(input_tokens=1000, output_tokens=500)
    expected = calc_price(usage, genai_model, provider_id=provider_id)
    result = price(name, 1000, 500)
    assert result.cost == expected.total_price > 0 and result.source == PRICES_SOURCE


@pytest.mark.parametrize("provider", ["ollama", "llamacpp", "lmstudio", "vllm"])
def test_every_local_provider_is_free(provider: str) -> None:
    assert price(f"{provider}/anything", 10, 10).source == LOCAL_SOURCE


def test_unknown_provider_gets_did_you_mean() -> None:
    with pytest.raises(
        ValueError, match=r"^unknown provider 'mistrall'; did you mean 'mistral'\?$"
    ):
        price("mistrall/x", 1, 1)
    with pytest.raises(ValueError, match="define it under 'providers'"):
        price("zzzzzz/x", 1, 1)


def test_user_defined_provider_with_price_override() -> None:
    providers = {
        "myllm": ProviderSettings(
            price_override=PriceOverride(input=Decimal(3), output=Decimal(15), cached=Decimal(1))
        )
    }
    result = price("myllm/big", 1_000_000, 100_000, cached_tokens=500_000, providers=providers)
    assert result.source == USER_PRICE_SOURCE and result.priced
    assert result.cost == Decimal("3") + Decimal("0.5") + Decimal("1.5")
    assert pricer(providers)("myllm/big", 1_000_000, 100_000, 500_000) == result


def test_user_price_override_wins_over_genai_prices() -> None:
    providers = {"openai": ProviderSettings(price_override=PriceOverride(input=1, output=1))}
    result = price("openai/gpt-4o", 1_000_000, 0, providers=providers)
    assert (result.cost, result.source) == (Decimal(1), USER_PRICE_SOURCE)


def test_user_defined_provider_without_price_is_unpriced_not_free() -> None:
    providers = {"myllm": ProviderSettings(base_url="http://localhost:9000/v1")}
    result = price("myllm/big", 1000, 1000, providers=providers)
    assert not result.priced and result.warning is not None and "myllm/big" in result.warning


def test_a_provider_proxied_by_the_user_is_still_priced_by_genai_prices() -> None:
    providers = {"openai": ProviderSettings(base_url="https://proxy.example/v1")}
    assert price("openai/gpt-4o", 1000, 500, providers=providers) == price(
        "openai/gpt-4o", 1000, 500
    )
