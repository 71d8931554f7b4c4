"""Value types every layer shares: money, UTC times and ids.

Money is ``Decimal`` in memory and a JSON number with at most 8 decimals on disk (never a
float that accumulates). Times are timezone-aware UTC, written as ISO-8601 with ``Z`` by
:func:`utc_iso`, the one time format on disk. Ids are UUIDv7, sortable by creation time.
Nothing here touches the disk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

import uuid_utils
from pydantic import AfterValidator, BeforeValidator, PlainSerializer

MONEY_QUANTUM = Decimal("0.00000001")


def quantize_money(value: Decimal) -> Decimal:
    return value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)


MAX_MONEY = Decimal(10) ** 12


def _money_in(value: Any) -> Any:
    # A float read from JSON becomes Decimal through its shortest repr, not its binary value.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _money_checked(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_MONEY:
        raise ValueError("an amount of money must be a finite number below 10^12")
    return quantize_money(value)


def _money_out(value: Decimal) -> float | int:
    quantized = quantize_money(value)
    return int(quantized) if quantized == quantized.to_integral_value() else float(quantized)


Money = Annotated[
    Decimal,
    BeforeValidator(_money_in),
    AfterValidator(_money_checked),
    PlainSerializer(_money_out, when_used="json"),
]


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_iso(value: datetime) -> str:
    """UTC ISO-8601 with ``Z``, the one time format on disk."""
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


UtcTime = Annotated[datetime, AfterValidator(_as_utc), PlainSerializer(utc_iso, when_used="json")]


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (0 if the clock went backwards)."""
    return max(0, int((end - start).total_seconds() // 60))


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A UUIDv7: unique and sortable by creation time."""
    return str(uuid_utils.uuid7())
