"""Building engines for the loopback tests (real SDK clients, real ledger)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ai_loopback import KEY, Loopback

from writers_tui.ai.budget import ReservationBook
from writers_tui.ai.capabilities import CapabilityRegistry
from writers_tui.ai.engine import AIEngine
from writers_tui.ai.pricing import pricer
from writers_tui.ai.retry import RetryPolicy
from writers_tui.ai.types import AIRequest, Message
from writers_tui.config import Budget, ProviderSettings, Settings
from writers_tui.storage.costs import CostTracker

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


def make_engine(
    root: Path,
    server: Loopback,
    *,
    provider: str = "openai",
    daily_limit: Decimal | None = None,
    timeout: float = 5.0,
    book: ReservationBook | None = None,
    threshold: Decimal | None = None,
) -> AIEngine:
    base = server.url + ("/v1" if provider != "anthropic" else "")
    settings = Settings(
        providers={provider: ProviderSettings(base_url=base, timeout=timeout)},
        budget=Budget(daily_limit=daily_limit),
    )
    if threshold is not None:
        settings.ai.confirm_threshold = threshold
    tracker = CostTracker(
        root, "session-1", budget=settings.budget, price=pricer(settings.providers)
    )
    return AIEngine(
        root,
        settings,
        tracker,
        environ={"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY},
        book=book or ReservationBook(),
        retry=FAST_RETRY,
        capabilities=CapabilityRegistry(),
    )


def request(model: str = "openai/gpt-4o", **changes: object) -> AIRequest:
    fields: dict[str, object] = {
        "model": model,
        "messages": (Message("user", "Who is Mickey?"),),
        "instructions": "Answer briefly.",
        "context": "Mickey is Noni's older sister.",
        "max_output_tokens": 50,
        "temperature": 0.7,
    }
    fields.update(changes)
    return AIRequest(**fields)  # type: ignore[arg-type]
