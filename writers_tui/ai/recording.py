"""One ledger record per call, priced the way the provider bills it.

``CostTracker.price_operation`` builds the record; its price function knows input, output
and cache-read tokens only, so the record's cost is recomputed here with the cache writes
too (:func:`writers_tui.ai.pricing.price` ``cache_write_tokens``). The engine's own
:class:`~writers_tui.storage.models.LedgerRecord` fields are filled here as well (they
were extra keys before they were declared; old lines read into the same fields):

- ``cache_write_tokens``: the part of ``input_tokens`` written to the provider's cache;
- ``cache_savings``: what the cached tokens saved against the uncached price (only for a
  call that read cached tokens);
- ``prompt_chars``: the prompt's length, to calibrate offline token estimates;
- ``cache_hit``/``saved_cost``: an answer served from the response cache (cost 0,
  ``cost_source`` ``"cache"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from writers_tui.ai import pricing
from writers_tui.ai.types import AIRequest, Usage
from writers_tui.config import ProviderSettings
from writers_tui.model_names import Price
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.models import MAX_PROMPT_CHARS, CallCost, LedgerRecord, OperationStatus

CACHE_SOURCE = "cache"
_CALL_COST: TypeAdapter[Decimal] = TypeAdapter(CallCost)


def price_usage(model: str, usage: Usage, providers: Mapping[str, ProviderSettings]) -> Price:
    return pricing.price(
        model,
        usage.input_tokens,
        usage.output_tokens,
        usage.cached_tokens,
        providers=providers,
        cache_write_tokens=usage.cache_write_tokens,
    )


def cache_savings(model: str, usage: Usage, providers: Mapping[str, ProviderSettings]) -> Decimal:
    """What the cache reads saved: the same call priced with every prompt token uncached."""
    if not usage.cached_tokens:
        return Decimal(0)
    actual = price_usage(model, usage, providers)
    uncached = pricing.price(
        model,
        usage.input_tokens + usage.cached_tokens,
        usage.output_tokens,
        providers=providers,
    )
    return max(Decimal(0), uncached.cost - actual.cost)


def build_record(
    tracker: CostTracker,
    request: AIRequest,
    usage: Usage,
    *,
    providers: Mapping[str, ProviderSettings],
    estimated_cost: Decimal | None,
    status: OperationStatus,
    duration_ms: int,
    extra: Mapping[str, Any] | None = None,
) -> tuple[LedgerRecord, Price]:
    """The ledger record for one call (no I/O)."""
    price = price_usage(request.model, usage, providers)
    record, _ = tracker.price_operation(
        request.operation,
        request.model,
        usage.input_tokens,
        usage.output_tokens,
        cached_tokens=usage.cached_tokens,
        stage=request.stage,
        usage_source=usage.source,
        estimated_cost=estimated_cost,
        status=status,
        duration_ms=duration_ms,
    )
    chars = len(request.prompt_text)
    data = record.model_dump()
    data.update(
        cost=price.cost,
        cost_source=price.source,
        model_resolved=price.resolved_model,
        cache_write_tokens=usage.cache_write_tokens,
        cache_savings=(
            cache_savings(request.model, usage, providers) if usage.cached_tokens else None
        ),
        prompt_chars=chars if chars <= MAX_PROMPT_CHARS else None,
    )
    data.update(extra or {})
    return LedgerRecord.model_validate(data), price


def _saved(amount: Decimal | str) -> Decimal | None:
    """``amount`` as a call's cost, or None (unknown) if it is not one.

    It comes from a cache entry, a file in the project folder: a planted negative, NaN or
    absurd cost must not make the hit unrecordable (nor a ledger line that is skipped).
    """
    try:
        return _CALL_COST.validate_python(amount)
    except ValidationError:
        return None


def cache_hit_record(
    tracker: CostTracker, request: AIRequest, saved_cost: Decimal | str, duration_ms: int
) -> LedgerRecord:
    """A response-cache hit: no tokens, $0, ``cost_source`` "cache", what it saved.

    ``saved_cost`` is the cached call's cost; one that is not a valid cost is recorded as
    unknown (``saved_cost`` null) rather than refused.
    """
    record, _ = tracker.price_operation(
        request.operation,
        request.model,
        0,
        0,
        stage=request.stage,
        estimated_cost=Decimal(0),
        duration_ms=duration_ms,
    )
    data = record.model_dump()
    data.update(
        cost=Decimal(0),
        cost_source=CACHE_SOURCE,
        cache_hit=True,
        saved_cost=_saved(saved_cost),
    )
    return LedgerRecord.model_validate(data)
