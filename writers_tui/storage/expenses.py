"""Recording a manual AI expense and exporting the costs report: one implementation.

``writers-tui costs add`` / ``costs --csv`` and the Costs screen (through the Workspace)
both call these functions, so an expense typed into the app is validated, priced and
recorded exactly like one given on the command line, and an exported CSV is byte for byte
what the CLI prints. The CLI turns :class:`ExpenseError` into its one-line exit-2 error;
the Workspace raises it to the UI.

Also here: :func:`recent_records`, the newest ledger records for the operation history,
read backwards from the end of ``costs.jsonl`` so a long ledger costs O(limit), not
O(records), in time and memory.

Every function blocks on the disk; the Workspace runs them in a thread.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from writers_tui.model_names import PriceFunction
from writers_tui.storage.costs import PERIODS, BudgetUsage, CostTracker
from writers_tui.storage.ledger import Ledger, parse_line
from writers_tui.storage.models import MAX_TOKENS, CostTotals, LedgerRecord
from writers_tui.values import Money

__all__ = [
    "MAX_OPERATION_NAME",
    "ExpenseError",
    "RecordedExpense",
    "check_expense",
    "check_operation",
    "cost_report",
    "money_json",
    "recent_records",
    "record_expense",
    "report_csv",
]

MAX_OPERATION_NAME = 64
_MONEY = TypeAdapter(Money)
#: Bytes read per step when walking the ledger backwards.
_TAIL_CHUNK = 64 * 1024


class ExpenseError(ValueError):
    """An expense that cannot be recorded: ``str()`` is one line naming the input
    (``model: unknown provider …``); ``option`` is that input's name, or ``"record"``.
    """

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)

    def cli_message(self) -> str:
        """The same line naming the command-line option (``--model: …``)."""
        if self.option == "record":
            return str(self)
        return "--" + str(self).replace(self.option, self.option.replace("_", "-"), 1)


@dataclass(frozen=True)
class RecordedExpense:
    """A record now durably in the ledger, with what the writer should be told."""

    record: LedgerRecord
    warnings: list[str]  # unpriced model, skipped ledger lines, summary not written …
    budget_warning: str | None  # the first time a budget period passed its warn ratio


def check_operation(name: str) -> str:
    """The operation name as recorded (trimmed), or :class:`ExpenseError`."""
    name = name.strip()
    if not name or len(name) > MAX_OPERATION_NAME or not name.isprintable():
        raise ExpenseError(
            "operation", f"operation {name!r} must be 1-{MAX_OPERATION_NAME} printable characters"
        )
    return name


def _check_tokens(option: str, value: int) -> None:
    # bool is an int to Python, never a token count.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS:
        raise ExpenseError(option, f"{option} must be a whole number from 0 to {MAX_TOKENS:,}")


def check_expense(
    price: PriceFunction,
    model: str,
    input_tokens: int,
    output_tokens: int,
    *,
    cached_tokens: int = 0,
    operation: str = "manual",
) -> str:
    """Everything about an expense that can be checked without the disk; returns the
    operation name as it will be recorded, or raises :class:`ExpenseError`.

    ``costs add`` calls it before it even opens the ledger, so bad input writes nothing.
    """
    operation = check_operation(operation)
    for option, value in (
        ("input_tokens", input_tokens),
        ("output_tokens", output_tokens),
        ("cached_tokens", cached_tokens),
    ):
        _check_tokens(option, value)
    try:
        price(model, input_tokens, output_tokens, cached_tokens)
    except (ValueError, ArithmeticError) as error:
        raise ExpenseError("model", f"model: {error}") from None
    return operation


def record_expense(
    tracker: CostTracker,
    price: PriceFunction,
    model: str,
    input_tokens: int,
    output_tokens: int,
    *,
    cached_tokens: int = 0,
    operation: str = "manual",
) -> RecordedExpense:
    """Validate (:func:`check_expense`), price and durably record one expense made
    outside the app; then check the budget (warned once per period).

    Nothing is written when :class:`ExpenseError` is raised. ``price`` is the tracker's
    price function (``ai.pricing.pricer(settings.providers)``): storage never imports
    ``ai/``, so the caller passes it, as it does to the tracker.
    """
    operation = check_expense(
        price, model, input_tokens, output_tokens, cached_tokens=cached_tokens, operation=operation
    )
    skipped_before = tracker.skipped_lines
    try:
        record, priced = tracker.price_operation(
            operation, model, input_tokens, output_tokens, cached_tokens=cached_tokens
        )
    except ValueError as error:
        raise ExpenseError("record", str(error)) from None
    tracker.record(record)
    budget_warning = tracker.should_warn_budget()
    warnings = [priced.warning] if priced.warning else []
    warnings.extend(tracker.take_warnings())
    ledger_warning = tracker.ledger_warning()
    if ledger_warning and tracker.skipped_lines > skipped_before:
        warnings.append(ledger_warning)
    return RecordedExpense(record, warnings, budget_warning)


# -- the report ------------------------------------------------------------------------


def money_json(amount: Decimal) -> Any:
    """A Decimal as the JSON number costs.jsonl uses (≤ 8 decimals)."""
    return _MONEY.dump_python(amount, mode="json")


def _totals_json(totals: CostTotals) -> dict[str, Any]:
    return {
        "total": money_json(totals.total),
        "count": totals.count,
        "unpriced_count": totals.unpriced_count,
        "input_tokens": totals.input_tokens,
        "cached_tokens": totals.cached_tokens,
        "output_tokens": totals.output_tokens,
    }


def _budget_json(usage: BudgetUsage) -> dict[str, Any]:
    return {
        "period": usage.period,
        "key": usage.key,
        "limit": money_json(usage.limit),
        "spent": money_json(usage.spent),
        "percent": float(round(usage.ratio * 100, 2)),
    }


def cost_report(tracker: CostTracker, period: str, by: str | None) -> dict[str, Any]:
    """The ``costs --json`` report (shape in docs/costs.md)."""
    span = tracker.period_range(period)
    report: dict[str, Any] = {
        "schema_version": 1,
        "project": str(tracker.paths.root),
        "session_id": tracker.session_id,
        "timezone": tracker.clock().astimezone(tracker.tz).tzname(),
        "period": period,
        "from": span[0].isoformat() if span else None,
        "to": span[1].isoformat() if span else None,
        **_totals_json(tracker.totals(period)),
        "periods": {name: _totals_json(tracker.totals(name)) for name in PERIODS},
        "by": by,
        "breakdown": None,
        "budget": [_budget_json(usage) for usage in tracker.budget_usage()],
        "ledger": {
            "records": tracker.ledger_records,
            "skipped_lines": tracker.skipped_lines,
            "duplicate_lines": tracker.duplicate_lines,
        },
    }
    if by is not None:
        report["breakdown"] = [
            {
                "key": key,
                "cost": money_json(part.total),
                "count": part.count,
                "unpriced_count": part.unpriced_count,
            }
            for key, part in tracker.breakdown(by, period).items()
        ]
    return report


def report_csv(report: dict[str, Any]) -> str:
    """``costs --csv``: the breakdown when there is one, else one row per period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report["breakdown"] is None:
        writer.writerow(["period", "cost", "count", "unpriced_count"])
        for name, totals in report["periods"].items():
            writer.writerow([name, totals["total"], totals["count"], totals["unpriced_count"]])
    else:
        writer.writerow([report["by"], "cost", "count", "unpriced_count"])
        for row in report["breakdown"]:
            writer.writerow([row["key"], row["cost"], row["count"], row["unpriced_count"]])
    return out.getvalue()


# -- the newest records ----------------------------------------------------------------


def recent_records(ledger: Ledger, limit: int) -> list[LedgerRecord]:
    """The newest ``limit`` valid records, newest first, reading the file backwards.

    Memory is O(limit + one chunk) and time O(what is read), however long the ledger.
    A torn last line and invalid lines are skipped, as the totals skip them; a repeated
    id is shown once (its newest line), which is the tail's view of the totals' rule.
    """
    if limit <= 0:
        return []
    found: list[LedgerRecord] = []
    seen: set[str] = set()
    with ledger.open_for_reading() as handle:
        if handle is None:
            return []
        position = handle.seek(0, os.SEEK_END)
        carry = b""  # the start of a line whose beginning is in an earlier chunk
        last = True
        while position > 0 and len(found) < limit:
            step = min(_TAIL_CHUNK, position)
            position -= step
            handle.seek(position)
            block = handle.read(step) + carry
            lines = block.split(b"\n")
            if last:  # after the final newline: empty, or a line still being written
                lines.pop()
                last = False
            carry = lines.pop(0) if position > 0 and lines else b""
            for line in reversed(lines):
                if len(found) >= limit:
                    break
                record = parse_line(line) if line.strip() else None
                if record is not None and record.id not in seen:
                    seen.add(record.id)
                    found.append(record)
    return found
