"""Faults: retries, one-line errors, cancellation, cut streams, missing usage, budgets."""

from __future__ import annotations

import asyncio
import socket
import time
from decimal import Decimal
from pathlib import Path

import pytest
from ai_helpers import make_engine, request
from ai_loopback import KEY, Loopback, Reply, openai_events

from writers_tui.ai.budget import ReservationBook
from writers_tui.ai.errors import BudgetExceeded, ConfirmationRequired, ProviderError
from writers_tui.paths import ProjectPaths
from writers_tui.storage.ledger import Ledger


def _ledger(root: Path) -> list:
    return list(Ledger(ProjectPaths(root).ledger))


async def _run(engine, req=None):  # type: ignore[no-untyped-def]
    call = await engine.start(await engine.estimate(req or request()), confirmed=True)
    text = [chunk.text async for chunk in call]
    return text, await call.wait()


async def test_429_with_retry_after_is_retried_after_waiting(
    book_project: Path, server: Loopback
) -> None:
    server.reply(
        Reply(status=429, headers={"retry-after": "1"}, body={"error": {"message": "slow"}}),
        Reply(status=500, body={"error": {"message": "oops"}}),
        Reply(events=openai_events(["ok"])),
    )
    engine = make_engine(book_project, server)
    began = time.monotonic()
    text, outcome = await _run(engine)
    await engine.aclose()
    assert text == ["ok"] and outcome.status == "ok"
    assert len(server.requests) == 3
    assert time.monotonic() - began >= 0.95  # honoured Retry-After: 1


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (
            Reply(status=401, body={"error": {"message": f"Incorrect API key {KEY}"}}),
            "auth",
            "API key",
        ),
        (Reply(status=404, body={"error": {"message": "no such model"}}), "not_found", "not found"),
    ],
)
async def test_status_errors_are_one_redacted_line(
    book_project: Path, server: Loopback, reply: Reply, kind: str, words: str
) -> None:
    server.reply(reply)
    engine = make_engine(book_project, server)
    with pytest.raises(ProviderError) as caught:
        await _run(engine)
    await engine.aclose()
    message = str(caught.value)
    assert caught.value.kind == kind and words in message
    assert "\n" not in message and KEY not in message and "SECRETKEY" not in message
    assert _ledger(book_project) == []  # refused before any work: nothing billed


async def test_timeout_and_refused_connection_are_clear(
    book_project: Path, server: Loopback
) -> None:
    server.reply(Reply(pause_before=3, events=openai_events(["late"])))
    engine = make_engine(book_project, server, timeout=0.3)
    with pytest.raises(ProviderError) as caught:
        await _run(engine)
    assert caught.value.kind == "timeout" and "did not answer in time" in str(caught.value)
    await engine.aclose()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server.server_address = ("127.0.0.1", port)  # the URL the engine is given; nobody listens
    engine = make_engine(book_project, server)
    with pytest.raises(ProviderError) as refused:
        await _run(engine)
    await engine.aclose()
    assert refused.value.kind == "unreachable" and "is the server running" in str(refused.value)


async def test_cancel_mid_stream_keeps_text_and_bills_a_partial_record(
    book_project: Path, server: Loopback
) -> None:
    server.reply(Reply(events=openai_events(["One ", "two ", "three"]), pause_after=3))
    engine = make_engine(book_project, server)
    call = await engine.start(await engine.estimate(request()))
    seen = []
    async for chunk in call:
        seen.append(chunk.text)
        if len(seen) == 2:
            break
    outcome = await call.cancel()
    await engine.aclose()
    assert outcome.status == "cancelled" and outcome.text == "One two "
    [record] = _ledger(book_project)
    assert record.status == "cancelled" and record.usage_source == "partial"
    assert record.output_tokens > 0 and record.input_tokens > 0 and record.cost > 0
    assert engine.book.reserved(book_project) == 0


async def test_dropped_connection_is_an_error_with_partial_cost(
    book_project: Path, server: Loopback
) -> None:
    server.reply(Reply(events=openai_events(["Half ", "an ", "answer"]), drop_after=3))
    engine = make_engine(book_project, server)
    call = await engine.start(await engine.estimate(request()))
    seen: list[str] = []
    with pytest.raises(ProviderError):
        async for chunk in call:
            seen.append(chunk.text)
    await engine.aclose()
    assert "".join(seen) == "Half an "
    [record] = _ledger(book_project)
    assert record.status == "error" and record.usage_source == "partial"


async def test_malformed_chunk_is_an_error_not_text(book_project: Path, server: Loopback) -> None:
    server.reply(Reply(events=[*openai_events(["Fine "])[:2], "data: {not json\n\n"]))
    engine = make_engine(book_project, server)
    call = await engine.start(await engine.estimate(request()))
    seen: list[str] = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in call:
            seen.append(chunk.text)
    await engine.aclose()
    assert caught.value.kind == "bad_response" and seen == ["Fine "]


async def test_stream_without_usage_is_estimated(book_project: Path, server: Loopback) -> None:
    server.reply(Reply(events=openai_events(["No ", "usage ", "here"], usage=False)))
    engine = make_engine(book_project, server)
    _, outcome = await _run(engine)
    await engine.aclose()
    [record] = _ledger(book_project)
    assert record.usage_source == "estimated" and record.output_tokens == 4  # 14 chars / 4
    assert outcome.usage is not None and outcome.usage.source == "estimated"


async def test_refused_stream_options_is_learned_and_dropped(
    book_project: Path, server: Loopback
) -> None:
    server.reply(
        Reply(status=400, body={"error": {"message": "Unrecognized field: stream_options"}}),
        Reply(events=openai_events(["ok"], usage=False)),
        Reply(events=openai_events(["again"], usage=False)),
    )
    engine = make_engine(book_project, server)
    await _run(engine)
    await _run(engine)
    await engine.aclose()
    assert "stream_options" in server.requests[0]["body"]
    assert "stream_options" not in server.requests[1]["body"]
    assert "stream_options" not in server.requests[2]["body"]


async def test_confirm_threshold_and_budget(book_project: Path, server: Loopback) -> None:
    engine = make_engine(book_project, server, threshold=Decimal("0"))
    estimate = await engine.estimate(request())
    assert estimate.needs_confirmation and estimate.cost > 0
    with pytest.raises(ConfirmationRequired):
        await engine.start(estimate)
    over = make_engine(book_project, server, daily_limit=Decimal("0.0000001"))
    estimate = await over.estimate(request())
    assert estimate.over_budget and estimate.budget.exceeded[0].label == "daily"
    with pytest.raises(BudgetExceeded) as blocked:
        await over.start(estimate, confirmed=True)
    assert "daily budget" in str(blocked.value)
    server.reply(Reply(events=openai_events(["overridden"])))
    call = await over.start(estimate, confirmed=True, override_budget=True)
    assert [c.text async for c in call] == ["overridden"]
    await over.aclose()
    await engine.aclose()


async def test_concurrent_calls_cannot_pass_a_budget_together(
    book_project: Path, server: Loopback
) -> None:
    book = ReservationBook()
    probe = make_engine(book_project, server, book=book)
    one = (await probe.estimate(request())).cost
    engine = make_engine(book_project, server, daily_limit=one * Decimal("1.5"), book=book)
    server.reply(Reply(events=openai_events(["a"])), Reply(events=openai_events(["b"])))
    estimates = [await engine.estimate(request()) for _ in range(2)]
    results = await asyncio.gather(
        *(engine.start(e, confirmed=True) for e in estimates), return_exceptions=True
    )
    started = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BudgetExceeded)]
    assert len(started) == 1 and len(refused) == 1
    assert "running" in str(refused[0])
    await started[0].wait()
    await engine.aclose()
    await probe.aclose()
    assert book.reserved(book_project) == 0


async def test_closing_the_engine_stops_running_calls_as_cancelled(
    book_project: Path, server: Loopback
) -> None:
    """Quitting the app mid-stream: the call is stopped and billed as cancelled."""
    server.reply(Reply(events=openai_events(["a ", "b ", "c"]), pause_after=2))
    engine = make_engine(book_project, server)
    call = await engine.start(await engine.estimate(request()), confirmed=True)
    await asyncio.to_thread(server.paused.wait, 5)
    for _ in range(100):
        if call.text:
            break
        await asyncio.sleep(0.02)
    await engine.aclose()
    outcome = await call.wait()
    assert outcome.status == "cancelled" and outcome.text == "a "
    assert [r.status for r in _ledger(book_project)] == ["cancelled"]


def test_binary_files_are_not_bible_notes(book_project: Path) -> None:
    from writers_tui.ai.bible import load_bible

    (book_project / "reference" / "photo.md").write_bytes(bytes(range(256)) * 64)
    (book_project / "reference" / "nul.md").write_text("notes\x00more")
    sources = load_bible(book_project).sources
    assert "reference/photo.md" not in sources and "reference/nul.md" not in sources
    assert "reference/zz-mickey.md" in sources
