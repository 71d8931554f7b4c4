"""Streaming through the real SDKs against loopback servers: order, usage, exact prices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ai_helpers import make_engine, request
from ai_loopback import Loopback, Reply, anthropic_events, openai_events
from genai_prices import Usage as PricesUsage
from genai_prices import calc_price

from writers_tui.paths import ProjectPaths
from writers_tui.storage.ledger import Ledger

TOLERANCE = Decimal("0.000001")


def _ledger(root: Path) -> list:
    return list(Ledger(ProjectPaths(root).ledger))


async def test_openai_tokens_arrive_in_order_and_cached_tokens_are_priced_as_cached(
    book_project: Path, server: Loopback
) -> None:
    tokens = ["The ", "letter ", "came ", "on ", "the ", "third ", "day."]
    server.reply(Reply(events=openai_events(tokens, prompt=1200, cached=1000, completion=7)))
    engine = make_engine(book_project, server)
    call = await engine.start(await engine.estimate(request()))
    received = [chunk.text async for chunk in call]
    outcome = await call.wait()
    await engine.aclose()

    assert received == tokens
    sent = server.requests[0]["body"]
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["messages"][0]["role"] == "system"
    assert sent["messages"][0]["content"].startswith("Mickey is Noni")  # stable prefix first
    [record] = _ledger(book_project)
    assert (record.input_tokens, record.cached_tokens, record.output_tokens) == (200, 1000, 7)
    assert record.usage_source == "provider" and record.status == "ok"
    expected = calc_price(
        PricesUsage(input_tokens=1200, cache_read_tokens=1000, output_tokens=7),
        "gpt-4o",
        provider_id="openai",
    ).total_price
    assert abs(record.cost - expected) <= TOLERANCE
    assert record.cache_savings is not None and record.cache_savings > 0
    assert outcome.record is not None and outcome.record.id == record.id


async def test_anthropic_cache_writes_and_reads_are_priced_on_top_of_input(
    book_project: Path, server: Loopback
) -> None:
    tokens = ["Mickey ", "is ", "Noni's ", "sister."]
    server.reply(
        Reply(
            events=anthropic_events(
                tokens, input_tokens=50, cache_write=2000, cache_read=3000, output=9
            )
        )
    )
    engine = make_engine(book_project, server, provider="anthropic")
    call = await engine.start(await engine.estimate(request("anthropic/claude-sonnet-4-5")))
    received = [chunk.text async for chunk in call]
    await call.wait()
    await engine.aclose()

    assert received == tokens
    system = server.requests[0]["body"]["system"]
    assert system[0]["cache_control"] == {"type": "ephemeral"}
    assert system[0]["text"].startswith("Mickey is Noni")
    [record] = _ledger(book_project)
    assert (record.input_tokens, record.cached_tokens, record.output_tokens) == (2050, 3000, 9)
    assert record.cache_write_tokens == 2000
    expected = calc_price(
        PricesUsage(
            input_tokens=50 + 2000 + 3000,
            cache_write_tokens=2000,
            cache_read_tokens=3000,
            output_tokens=9,
        ),
        "claude-sonnet-4-5",
        provider_id="anthropic",
    ).total_price
    assert abs(record.cost - expected) <= TOLERANCE
