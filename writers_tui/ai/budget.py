"""Budget checks that concurrent calls cannot slip past together.

A call's estimate is *reserved* before it starts and released only after its ledger
record is written (so at every moment it is counted once: reserved, or spent). The check
and the reservation happen under one lock, in one step, so two calls whose estimates
together exceed what is left cannot both pass (LiteLLM #34732). The book is per process
and per project; other processes' spending reaches it through the ledger (the tracker is
refreshed before each check).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from writers_tui.ai.errors import BudgetExceeded
from writers_tui.storage.costs import CostTracker, format_usd


@dataclass(frozen=True)
class LimitCheck:
    """One budget limit as a call would leave it: what a budget dialog shows."""

    period: str  # day | week | month
    label: str  # daily | weekly | monthly
    limit: Decimal
    spent: Decimal
    reserved: Decimal  # estimates of calls running now
    estimate: Decimal

    @property
    def after(self) -> Decimal:
        return self.spent + self.reserved + self.estimate

    @property
    def exceeded(self) -> bool:
        return self.after > self.limit

    def describe(self) -> str:
        running = f", {format_usd(self.reserved)} running" if self.reserved else ""
        return (
            f"the {self.label} budget of {format_usd(self.limit)} would be exceeded by "
            f"{format_usd(self.after - self.limit)} (spent {format_usd(self.spent)}{running}, "
            f"this ~{format_usd(self.estimate)})"
        )


@dataclass(frozen=True)
class BudgetCheck:
    limits: tuple[LimitCheck, ...] = ()

    @property
    def exceeded(self) -> tuple[LimitCheck, ...]:
        return tuple(limit for limit in self.limits if limit.exceeded)

    @property
    def ok(self) -> bool:
        return not self.exceeded

    def message(self) -> str:
        problems = "; ".join(limit.describe() for limit in self.exceeded)
        return f"over budget: {problems}"


@dataclass
class Reservation:
    """An estimate held against the budget; release it once the call is recorded."""

    book: ReservationBook
    root: Path
    ident: int
    amount: Decimal
    released: bool = field(default=False)

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.book._release(self)


class ReservationBook:
    """In-process reservations per project. Blocking (a lock): call from a thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Path, dict[int, Decimal]] = {}
        self._ids = itertools.count(1)

    def reserved(self, root: Path) -> Decimal:
        with self._lock:
            return sum(self._held.get(root, {}).values(), Decimal(0))

    def check(self, tracker: CostTracker, estimate: Decimal) -> BudgetCheck:
        """The budget as this call would leave it (no reservation made)."""
        with self._lock:
            return self._check(tracker, estimate)

    def _check(self, tracker: CostTracker, estimate: Decimal) -> BudgetCheck:
        reserved = sum(self._held.get(tracker.paths.root, {}).values(), Decimal(0))
        return BudgetCheck(
            tuple(
                LimitCheck(u.period, u.label, u.limit, u.spent, reserved, estimate)
                for u in tracker.budget_usage()
            )
        )

    def reserve(
        self, tracker: CostTracker, estimate: Decimal, *, override: bool = False
    ) -> Reservation:
        """Check and reserve in one step; :class:`BudgetExceeded` unless it fits or ``override``.

        Refreshes the tracker first, so spending by other processes counts.
        """
        tracker.refresh()
        root = tracker.paths.root
        with self._lock:
            check = self._check(tracker, estimate)
            if not check.ok and not override:
                raise BudgetExceeded(
                    check.message() + " — raise the limit or override for this call", check
                )
            ident = next(self._ids)
            self._held.setdefault(root, {})[ident] = estimate
        return Reservation(self, root, ident, estimate)

    def _release(self, reservation: Reservation) -> None:
        with self._lock:
            held = self._held.get(reservation.root, {})
            held.pop(reservation.ident, None)
            if not held:
                self._held.pop(reservation.root, None)


#: The book every engine in this process shares, so two engines on one project agree.
BOOK = ReservationBook()
