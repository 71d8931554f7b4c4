"""CostTracker: every AI call on the record, totals in O(days), budgets that warn once.

The ledger (``costs.jsonl``, :mod:`writers_tui.storage.ledger`) is the source of truth.
``costs.json`` is a bounded summary *derived* from it: per-day aggregates keyed by the
writer's local date, recent sessions, the last few operations, and ``ledger_offset`` — the
bytes of the ledger already folded in. Any process can bring the summary up to date by
reading only the ledger tail after that offset, so records appended by another process
(the app and several ``costs add`` runs at once) are never lost; the read-modify-write of
``costs.json`` is serialised by an flock on ``costs.json.lock``. A summary that is missing,
corrupt or does not match the ledger is rebuilt from it.

Day/week/month use the writer's local calendar (ISO weeks, Monday first); the ledger stores
UTC. Totals sum ``Decimal`` per-day aggregates, never floats, never the whole ledger. The
summary is keyed on the calendar itself — each recorded day's UTC offsets at its local
midnights — not on the zone's name, so ``TZ=UTC`` and an unset TZ ("Etc/UTC") share it.

Catching up streams the ledger (memory O(days), not O(records)) and never lets the old
summary stand in the way of recording: the ledger append comes first, and a summary that
cannot be computed or written is a warning.

Every method that touches the disk blocks; the Workspace runs them in a thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Literal, get_args

from pydantic import ValidationError

from writers_tui.atomic import open_lock_file
from writers_tui.model_names import Price, PriceFunction, split_model_name
from writers_tui.paths import ProjectPaths
from writers_tui.storage.ledger import PROBLEMS_KEPT, IdIndex, Ledger
from writers_tui.storage.models import (
    Budget,
    CostsDocument,
    CostTotals,
    LedgerRecord,
    OperationStatus,
    RecentOperation,
    UsageSource,
)
from writers_tui.storage.stores import costs_store
from writers_tui.values import new_id, utc_now

Period = Literal["session", "day", "week", "month", "all"]
BreakdownKey = Literal["model", "operation", "day"]
PERIODS: tuple[str, ...] = get_args(Period)
BREAKDOWNS: tuple[str, ...] = get_args(BreakdownKey)

#: Namespace of the ids given to operations imported from a seed-era costs.json.
SEED_IMPORT_NAMESPACE = uuid.UUID("6f1c9d52-4b8e-4e0a-9a57-2b1d8f0c3e11")

RECENT_OPERATIONS = 50  # the seed's "operations" list, bounded
RECENT_SESSIONS = 100  # sessions with full breakdowns; older ones fall back to the ledger
WARNED_KEYS_KEPT = 24  # budget periods already warned about; older periods are over

Clock = Callable[[], datetime]
StatSignature = tuple[int, int, int] | None


@dataclass(frozen=True)
class BudgetUsage:
    """How much of one budget limit the current period has used."""

    period: Literal["day", "week", "month"]
    key: str  # "2024-11-13" | "2024-W46" | "2024-11"
    limit: Decimal
    spent: Decimal

    @property
    def ratio(self) -> Decimal:
        return self.spent / self.limit if self.limit > 0 else Decimal(0)

    @property
    def label(self) -> str:
        return {"day": "daily", "week": "weekly", "month": "monthly"}[self.period]


def format_usd(amount: Decimal) -> str:
    """Dollars for people: cents when that is honest, more digits for sub-cent amounts."""
    if amount == 0 or abs(amount) >= Decimal("0.01"):
        return f"${amount:,.2f}"
    return f"${amount.normalize():f}"


def period_key(period: Literal["day", "week", "month"], day: date) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def period_days(period: str, today: date) -> tuple[date, date] | None:
    """First and last local date of the period containing ``today`` (None: unbounded)."""
    if period == "day":
        return today, today
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        first = today.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return first, next_month - timedelta(days=1)
    return None


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _stat(path: Path) -> StatSignature:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class CostTracker:
    """The project's AI costs: record operations, read totals, check budgets.

    ``session_id`` names the writer's open session ("" when none is open: then session
    totals are empty and records belong to no session). ``clock`` returns an aware
    datetime (now); ``tz`` is the writer's local time zone for day/week/month (None: the
    system's). ``budget`` overrides the limits kept in ``costs.json`` (callers pass the one
    from settings). ``price`` prices a call (``ai.pricing.pricer(settings.providers)``);
    it is passed in because storage never imports ``ai/``, and only recording needs it.
    A ``readonly`` tracker never writes or moves files: it catches up with the ledger in
    memory only.

    Every method may block: recording and refreshing touch the disk, and the read methods
    wait for a record being written by another thread. From an event loop go through the
    :class:`~writers_tui.workspace.Workspace`, which runs them in a thread (one blocking
    API here, one async API there: no twins to drift apart).
    """

    def __init__(
        self,
        root: Path,
        session_id: str = "",
        *,
        clock: Clock = utc_now,
        tz: tzinfo | None = None,
        budget: Budget | None = None,
        price: PriceFunction | None = None,
        readonly: bool = False,
    ) -> None:
        self.paths = ProjectPaths(root)
        self.session_id = session_id
        self.clock = clock
        self.tz = tz
        self.readonly = readonly
        self.ledger = Ledger(self.paths.ledger)
        self.warnings: list[str] = []
        self._budget = budget
        self._price = price
        self._store = costs_store(self.paths.root)
        self._lock_path = self.paths.session_dir / "costs.json.lock"
        self._mutex = threading.RLock()
        self._dirty = False
        self._calendar_checked = False
        self._save_warned = False
        self._seen: StatSignature = None
        self._migrated_from: int | None = None
        self._doc = self._load()
        if self._migrated_from == 0 and not readonly:
            self._import_seed_operations()
        self.refresh()

    # -- the summary on disk -------------------------------------------------------

    def _load(self) -> CostsDocument:
        self._seen = _stat(self._store.path)
        loaded = self._store.load(quarantine_bad=not self.readonly)
        self.warnings.extend(loaded.warnings)
        self._migrated_from = loaded.migrated_from
        self._dirty = loaded.source != "file"
        self._calendar_checked = False
        doc = loaded.value
        if self._budget is not None:
            doc.budget = self._budget.model_copy()
        return doc

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        fd = open_lock_file(self._lock_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing drops the flock

    def _adopt_disk(self) -> None:
        """Take up the summary another process wrote since we last saw the file."""
        if _stat(self._store.path) == self._seen:
            return
        warned = self._doc.budget_warned
        self._doc = self._load()
        self._doc.budget_warned = _merge_warned(self._doc.budget_warned, warned)

    def _save(self) -> None:
        """Write the summary; a failure is reported, not raised (the ledger has the data)."""
        doc = self._doc
        self._snapshot(doc)
        try:
            self._store.save_sync(doc)
        except OSError as error:
            self._dirty = True
            if not self._save_warned:  # one warning per tracker, however often it retries
                self._save_warned = True
                self.warnings.append(
                    f"costs.json could not be updated ({error.strerror or error}); "
                    "it will catch up from costs.jsonl"
                )
            return
        self._dirty = False
        self._save_warned = False
        self._seen = _stat(self._store.path)

    def _snapshot(self, doc: CostsDocument) -> None:
        """Fill the seed's headline fields for humans reading costs.json."""
        session = self.totals("session")
        doc.session_id = self.session_id
        doc.session_total = session.total
        doc.by_model = dict(session.by_model)
        doc.daily_total = self.totals("day").total
        doc.weekly_total = self.totals("week").total
        doc.monthly_total = self.totals("month").total
        doc.all_time_total = self.totals("all").total
        doc.updated_at = self.clock()

    def _update(
        self, mutate: Callable[[CostsDocument], bool] | None = None, *, rebuild: bool = False
    ) -> int:
        """Under the file lock: adopt the newest summary, catch up, mutate, save if changed.

        Returns how many records this tracker had not seen before (all of them on rebuild).
        """
        with self._mutex:
            seen = 0 if rebuild else self._doc.ledger_records
            if self.readonly:
                self._compute(mutate, rebuild)
                return max(0, self._doc.ledger_records - seen)
            with self._file_lock():
                self._adopt_disk()
                added, changed = self._compute(mutate, rebuild)
                if added or changed or self._dirty:
                    self._save()
            return max(0, self._doc.ledger_records - seen)

    def _compute(
        self, mutate: Callable[[CostsDocument], bool] | None, rebuild: bool
    ) -> tuple[int, bool]:
        """Catch up and mutate; a summary that cannot be computed is a warning, not an error.

        The ledger is the record: whatever is wrong with the derived totals must never keep
        a call from being recorded or a report from being shown. (Disk errors reading the
        ledger, and a link planted there, still propagate: they are the caller's to report.)
        """
        try:
            added = self._catch_up(rebuild)
            changed = mutate(self._doc) if mutate is not None else False
        except (ValueError, ArithmeticError, RecursionError) as error:
            message = f"costs.json could not be computed ({type(error).__name__}); "
            self._warn(message + "totals may be incomplete")
            return 0, False
        return added, changed

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _import_seed_operations(self) -> None:
        """Copy a seed-era summary's operations into the ledger.

        Before versioning, ``costs.json`` was the only record of what was spent. The
        ledger-derived summary replaces it on the next save, so its operations become
        ledger records first (marked with the legacy cost source). Each imported record's
        id is derived from the operation itself, so an import cut short by a crash is
        completed on the next open (the file is still version 0 until the summary is
        saved) and never duplicated; the file lock keeps two processes from racing.
        """
        operations = list(self._doc.operations)
        with self._mutex, self._file_lock():
            present = {record.id for record in self.ledger}
            missing = [
                record
                for index, operation in enumerate(operations)
                if (record := self._imported_record(index, operation)).id not in present
            ]
            self.ledger.append_many(missing)
            self._doc.operations = []
        if missing:
            self.warnings.append(
                f"imported {len(missing)} operations from an older costs.json into costs.jsonl"
            )

    def _imported_record(self, index: int, operation: RecentOperation) -> LedgerRecord:
        provider, _, model = operation.model.rpartition("/")
        key = f"{index}|{operation.timestamp.isoformat()}|{operation.model}|{operation.cost}"
        return LedgerRecord(
            id=operation.id or str(uuid.uuid5(SEED_IMPORT_NAMESPACE, key)),
            timestamp=operation.timestamp,
            project=self.paths.root.name,
            operation=operation.operation,
            provider=provider or "unknown",
            model=model,
            input_tokens=operation.input_tokens,
            output_tokens=operation.output_tokens,
            cost=operation.cost,
            cost_source=operation.cost_source,
        )

    # -- folding the ledger in -----------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def today(self) -> date:
        return self.local_date(self.clock())

    def _fresh(self, old: CostsDocument) -> CostsDocument:
        self._calendar_checked = True  # days about to be cut in this tracker's calendar
        return CostsDocument(
            budget=old.budget, budget_warned=list(old.budget_warned), timezone=self.zone
        )

    @property
    def zone(self) -> str:
        """A name for the calendar days are counted in (the system's when ``tz`` is None)."""
        if self.tz is not None:
            return str(self.tz)
        return os.environ.get("TZ") or _system_zone_name()

    def midnight_offsets(self, day: date) -> tuple[int, int]:
        """This zone's UTC offsets (seconds) at the local midnight starting ``day`` and the
        one ending it: what decides which records a local day holds."""
        return _offset_at_midnight(day, self.tz), _offset_at_midnight(
            day + timedelta(days=1), self.tz
        )

    def _same_calendar(self, doc: CostsDocument) -> bool:
        """Whether ``doc``'s days were cut by a calendar that agrees with ours on every one.

        O(days recorded). A summary from before ``day_offsets`` trusts its zone's name.
        """
        legacy = [key for key in doc.by_day if key not in doc.day_offsets]
        if legacy and doc.timezone != self.zone:
            return False
        try:
            for key in legacy:
                doc.day_offsets[key] = self.midnight_offsets(date.fromisoformat(key))
                self._dirty = True
            for key, offsets in doc.day_offsets.items():
                if tuple(offsets) != self.midnight_offsets(date.fromisoformat(key)):
                    return False
        except (ValueError, OverflowError):
            return False  # a day key no calendar has: recount from the ledger
        doc.timezone = self.zone
        return True

    def _catch_up(self, rebuild: bool = False) -> int:
        """Fold in the ledger after the summary's offset (all of it on a rebuild).

        Streams the lines; holds O(days + sessions kept) aggregates and ~16 bytes per id
        (to count a repeated id once), never the records themselves.
        """
        doc = self._doc
        offset = doc.ledger_offset
        size = self.ledger.size()
        mismatch = offset > size or not self.ledger.is_line_boundary(offset)
        if mismatch:
            self._warn("costs.json did not match costs.jsonl; rebuilt from the ledger")
        elif offset and not self._calendar_checked:
            mismatch = not self._same_calendar(doc)  # days cut in another calendar: recount
            self._calendar_checked = True
        if mismatch or rebuild:
            doc = self._doc = self._fresh(doc)
            self._dirty = True
            offset = 0
        if offset == size:
            return 0
        index = IdIndex(doc.ledger_max_id, earlier_lines=offset > 0)
        scan = self.ledger.scan(offset, index=index, first_line=doc.ledger_lines)
        fold = _Fold(_LocalDays(self.tz))
        fold.add_all(scan)
        if scan.too_many_lookups:
            return self._catch_up(rebuild=True)  # a full pass settles every id at once
        fold.add_all(scan.resolve())
        fold.into(doc, self.midnight_offsets)
        doc.ledger_records += scan.records
        doc.ledger_skipped += scan.skipped
        doc.ledger_duplicates += scan.duplicates
        doc.ledger_lines += scan.lines
        doc.ledger_offset = scan.end
        doc.ledger_max_id = index.greatest
        doc.ledger_problems = [*doc.ledger_problems, *scan.problems][:PROBLEMS_KEPT]
        return scan.records

    # -- public API: recording -----------------------------------------------------

    def price_operation(
        self,
        operation: str,
        model: str,
        input_tokens: int,
        output_tokens: int,
        *,
        cached_tokens: int = 0,
        stage: str = "",
        usage_source: UsageSource = "provider",
        estimated_cost: Decimal | None = None,
        status: OperationStatus = "ok",
        duration_ms: int | None = None,
    ) -> tuple[LedgerRecord, Price]:
        """Build the ledger record for one call (no I/O). ValueError on bad input."""
        if self._price is None:
            raise TypeError("this CostTracker was made without a price function (price=)")
        price = self._price(model, input_tokens, output_tokens, cached_tokens)
        provider, name = split_model_name(model)
        try:
            record = LedgerRecord(
                timestamp=self.clock(),
                project=self.paths.root.name,
                session_id=self.session_id,
                stage=stage,
                operation=operation,
                provider=provider,
                model=name,
                model_resolved=price.resolved_model,
                input_tokens=input_tokens,
                cached_tokens=cached_tokens,
                output_tokens=output_tokens,
                usage_source=usage_source,
                cost=price.cost,
                cost_source=price.source,
                estimated_cost=estimated_cost,
                status=status,
                duration_ms=duration_ms,
            )
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ValueError(f"this call cannot be recorded: {where}: {first['msg']}") from None
        return record, price

    def record(self, record: LedgerRecord) -> None:
        """Append ``record`` durably, then bring the summary up to date.

        Once the append returns the record is safe; if only the summary cannot be
        written, that is a warning (see :attr:`warnings`), not an error.
        """
        if self.readonly:
            raise PermissionError("this CostTracker is read-only")
        self.ledger.append(record)
        self._update()

    def log_operation(
        self,
        operation: str,
        model: str,
        input_tokens: int,
        output_tokens: int,
        **details: object,
    ) -> LedgerRecord:
        """Price and record one AI call; an unpriced model adds a warning, never a silent $0."""
        record, price = self.price_operation(
            operation,
            model,
            input_tokens,
            output_tokens,
            **details,  # type: ignore[arg-type]
        )
        if price.warning:
            self.warnings.append(price.warning)
        self.record(record)
        return record

    def refresh(self) -> int:
        """Catch up with records appended since (by any process); returns how many."""
        with self._mutex:
            idle = (
                not self._dirty
                and self._calendar_checked
                and self.ledger.size() == self._doc.ledger_offset
                and (self.readonly or _stat(self._store.path) == self._seen)
            )
            return 0 if idle else self._update()

    def rebuild(self) -> int:
        """Recompute the summary from the whole ledger; returns the records folded in."""
        return self._update(rebuild=True)

    def reset_session(self, session_id: str | None = None) -> str:
        """Start counting a new session (a fresh id unless one is given)."""
        with self._mutex:
            self.session_id = session_id if session_id is not None else new_id()
            self._dirty = True
            self._update()
            return self.session_id

    # -- public API: reading -------------------------------------------------------

    @property
    def summary(self) -> CostsDocument:
        """The summary as last brought up to date (a copy: safe to hand to another thread)."""
        with self._mutex:
            copy = self._doc.model_copy(deep=True)
        self._snapshot(copy)
        return copy

    def take_warnings(self) -> list[str]:
        """Warnings gathered so far (unpriced models, fallbacks, skipped lines), cleared."""
        with self._mutex:
            taken, self.warnings = self.warnings, []
        return taken

    @property
    def ledger_records(self) -> int:
        return self._doc.ledger_records

    @property
    def skipped_lines(self) -> int:
        """Ledger lines not summed: invalid ones and repeated ids."""
        return self._doc.ledger_skipped

    @property
    def duplicate_lines(self) -> int:
        return self._doc.ledger_duplicates

    def ledger_warning(self) -> str | None:
        """One line for the writer when some ledger lines are not counted, else None."""
        skipped = self._doc.ledger_skipped
        if not skipped:
            return None
        repeats = self._doc.ledger_duplicates
        why = f" ({repeats} repeat an earlier id)" if repeats else ""
        return (
            f"costs.jsonl: {skipped} line(s) skipped{why} and not counted in these totals; "
            "`writers-tui doctor` shows which"
        )

    def period_range(self, period: str) -> tuple[date, date] | None:
        return period_days(period, self.today())

    def totals(self, period: str = "all") -> CostTotals:
        """Totals for one period: O(days in it), or O(days recorded) for ``all``."""
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
        with self._mutex:
            result = CostTotals()
            if period == "session":
                if not self.session_id:
                    return result  # no session open: nothing belongs to it
                session = self._doc.sessions.get(self.session_id)
                if session is None:
                    return self._session_from_ledger()
                result.merge(session)
                return result
            for day in self._days(period).values():
                result.merge(day)
            return result

    def _days(self, period: str) -> dict[str, CostTotals]:
        """Per-day aggregates in the period, keyed by local date."""
        by_day = self._doc.by_day
        if period == "session":
            sid = self.session_id
            if not sid:
                return {}
            return {
                key: _session_day(day, sid) for key, day in by_day.items() if sid in day.by_session
            }
        span = self.period_range(period)
        if span is None:
            return dict(by_day)
        days: dict[str, CostTotals] = {}
        for day in _dates(*span):
            key = day.isoformat()
            if key in by_day:
                days[key] = by_day[key]
        return days

    def _session_from_ledger(self) -> CostTotals:
        """A session evicted from the summary's recent sessions: read the ledger (rare)."""
        result = CostTotals()
        if any(self.session_id in day.by_session for day in self._doc.by_day.values()):
            tally = _Tally()
            for record in self.ledger:
                if record.session_id == self.session_id:
                    tally.add(record)
            tally.merge_into(result)
        return result

    def breakdown(self, by: str, period: str = "all") -> dict[str, CostTotals]:
        """Totals split by model, operation or local day, biggest cost first (days: by date)."""
        if by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {by!r}; use one of {', '.join(BREAKDOWNS)}")
        if by == "day":
            with self._mutex:
                days = self._days(period)
            return {key: _copy(days[key]) for key in sorted(days)}
        totals = self.totals(period)
        if by == "model":
            costs, counts = totals.by_model, totals.count_by_model
            unpriced = totals.unpriced_by_model
        else:
            costs, counts = totals.by_operation, totals.count_by_operation
            unpriced = totals.unpriced_by_operation
        parts: dict[str, CostTotals] = {}
        for key, cost in sorted(costs.items(), key=lambda item: (-item[1], item[0])):
            parts[key] = CostTotals(
                total=cost, count=counts.get(key, 0), unpriced_count=unpriced.get(key, 0)
            )
        return parts

    # -- public API: estimates and budgets -----------------------------------------

    @property
    def budget(self) -> Budget:
        return self._doc.budget

    def budget_usage(self) -> list[BudgetUsage]:
        """Each configured limit with what its current period has spent."""
        budget = self._doc.budget
        today = self.today()
        usage: list[BudgetUsage] = []
        limits: tuple[tuple[Literal["day", "week", "month"], Decimal | None], ...] = (
            ("day", budget.daily_limit),
            ("week", budget.weekly_limit),
            ("month", budget.monthly_limit),
        )
        for period, limit in limits:
            if limit is not None:
                spent = self.totals(period).total
                usage.append(BudgetUsage(period, period_key(period, today), limit, spent))
        return usage

    def would_exceed(self, estimated_cost: Decimal) -> str | None:
        """Which limit an operation of ``estimated_cost`` would break, and by how much."""
        problems = []
        for usage in self.budget_usage():
            after = usage.spent + estimated_cost
            if after > usage.limit:
                problems.append(
                    f"the {usage.label} budget of {format_usd(usage.limit)} would be exceeded "
                    f"by {format_usd(after - usage.limit)} "
                    f"(spent {format_usd(usage.spent)}, this ~{format_usd(estimated_cost)})"
                )
        return "; ".join(problems) or None

    def should_warn_budget(self) -> str | None:
        """A warning the first time a period crosses the warn ratio (80 %), else None.

        Which periods were warned about is kept in ``costs.json``, so the warning is not
        repeated after a restart or by another process.
        """
        budget = self._doc.budget
        if not budget.warnings_enabled:
            return None
        ratio = Decimal(str(budget.warn_ratio))
        message: list[str] = []

        def mark(doc: CostsDocument) -> bool:
            for usage in self.budget_usage():
                key = f"{usage.period}:{usage.key}"
                if usage.limit > 0 and usage.ratio >= ratio and key not in doc.budget_warned:
                    doc.budget_warned = _merge_warned(doc.budget_warned, [key])
                    message.append(
                        f"{usage.ratio * 100:.0f}% of the {usage.label} budget used "
                        f"({format_usd(usage.spent)} of {format_usd(usage.limit)})"
                    )
            return bool(message)

        self._update(mark)
        return "Budget warning: " + "; ".join(message) if message else None


def _offset_at_midnight(day: date, tz: tzinfo | None) -> int:
    if tz is None:
        local = datetime(day.year, day.month, day.day).astimezone()  # the system's zone
    else:
        local = datetime(day.year, day.month, day.day, tzinfo=tz)
    offset = local.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


_HOUR = timedelta(hours=1)
_LAST_MICROSECOND = timedelta(hours=1, microseconds=-1)


class _LocalDays:
    """UTC instant → local date key, computed once per UTC hour (exactly).

    Converting every record's time zone dominated catching up a long ledger. An hour whose
    first and last microsecond have the same UTC offset and local date maps every instant
    in it to that date; the rare hour holding a transition or a local midnight that is not
    on the hour (+05:30) is converted record by record.
    """

    def __init__(self, tz: tzinfo | None) -> None:
        self.tz = tz
        self._hours: dict[int, str | None] = {}

    def key(self, moment: datetime) -> str:
        hour = int(moment.timestamp()) // 3600
        try:
            key = self._hours[hour]
        except KeyError:
            key = self._hours[hour] = self._whole_hour(hour)
        return key if key is not None else moment.astimezone(self.tz).date().isoformat()

    def _whole_hour(self, hour: int) -> str | None:
        start = datetime.fromtimestamp(hour * 3600, UTC)
        first = start.astimezone(self.tz)
        last = (start + _LAST_MICROSECOND).astimezone(self.tz)
        if first.utcoffset() == last.utcoffset() and first.date() == last.date():
            return first.date().isoformat()
        return None


class _Tally:
    """A :class:`CostTotals` being added up: plain attributes, so folding a million
    records does not pay pydantic's attribute checks; merged into the summary at the end."""

    __slots__ = (
        "by_model",
        "by_operation",
        "by_session",
        "cached_tokens",
        "count",
        "count_by_model",
        "count_by_operation",
        "input_tokens",
        "output_tokens",
        "total",
        "unpriced_by_model",
        "unpriced_by_operation",
        "unpriced_count",
    )

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.count = self.unpriced_count = 0
        self.input_tokens = self.cached_tokens = self.output_tokens = 0
        self.by_model: dict[str, Decimal] = {}
        self.by_operation: dict[str, Decimal] = {}
        self.by_session: dict[str, Decimal] = {}
        self.count_by_model: dict[str, int] = {}
        self.count_by_operation: dict[str, int] = {}
        self.unpriced_by_model: dict[str, int] = {}
        self.unpriced_by_operation: dict[str, int] = {}

    def add(self, record: LedgerRecord) -> None:
        cost = record.cost
        name = f"{record.provider}/{record.model}"
        operation = record.operation
        self.total += cost
        self.count += 1
        self.input_tokens += record.input_tokens
        self.cached_tokens += record.cached_tokens
        self.output_tokens += record.output_tokens
        self.by_model[name] = self.by_model.get(name, 0) + cost
        self.by_operation[operation] = self.by_operation.get(operation, 0) + cost
        self.count_by_model[name] = self.count_by_model.get(name, 0) + 1
        self.count_by_operation[operation] = self.count_by_operation.get(operation, 0) + 1
        if record.cost_source == "unpriced":
            self.unpriced_count += 1
            self.unpriced_by_model[name] = self.unpriced_by_model.get(name, 0) + 1
            self.unpriced_by_operation[operation] = self.unpriced_by_operation.get(operation, 0) + 1

    def merge_into(self, totals: CostTotals) -> None:
        totals.total += self.total
        totals.count += self.count
        totals.unpriced_count += self.unpriced_count
        totals.input_tokens += self.input_tokens
        totals.cached_tokens += self.cached_tokens
        totals.output_tokens += self.output_tokens
        for mine, theirs in (
            (totals.by_model, self.by_model),
            (totals.by_operation, self.by_operation),
            (totals.by_session, self.by_session),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, Decimal(0)) + value
        for counts, others in (
            (totals.count_by_model, self.count_by_model),
            (totals.count_by_operation, self.count_by_operation),
            (totals.unpriced_by_model, self.unpriced_by_model),
            (totals.unpriced_by_operation, self.unpriced_by_operation),
        ):
            for key, count in others.items():
                counts[key] = counts.get(key, 0) + count


class _Fold:
    """Records being folded into a summary: per local day, per recent session, the last
    few operations. O(days + sessions kept) however many records pass through."""

    def __init__(self, days: _LocalDays) -> None:
        self._days_of = days
        self.days: dict[str, _Tally] = {}
        self.sessions: dict[str, _Tally] = {}  # most recently active last
        self.recent: deque[LedgerRecord] = deque(maxlen=RECENT_OPERATIONS)

    def add_all(self, records: Iterable[LedgerRecord]) -> None:
        days, sessions, recent = self.days, self.sessions, self.recent
        key_of = self._days_of.key
        for record in records:
            key = key_of(record.timestamp)
            day = days.get(key)
            if day is None:
                day = days[key] = _Tally()
            day.add(record)
            sid = record.session_id
            day.by_session[sid] = day.by_session.get(sid, 0) + record.cost
            session = sessions.pop(sid, None)
            if session is None:
                session = _Tally()
                if len(sessions) >= RECENT_SESSIONS:
                    del sessions[next(iter(sessions))]
            session.add(record)
            sessions[sid] = session
            recent.append(record)

    def into(self, doc: CostsDocument, offsets: Callable[[date], tuple[int, int]]) -> None:
        for key, tally in self.days.items():
            day = doc.by_day.get(key)
            if day is None:
                day = doc.by_day[key] = CostTotals()
                doc.day_offsets[key] = offsets(date.fromisoformat(key))
            tally.merge_into(day)
        for sid, tally in self.sessions.items():
            session = doc.sessions.pop(sid, None) or CostTotals()
            tally.merge_into(session)
            doc.sessions[sid] = session
            if len(doc.sessions) > RECENT_SESSIONS:
                del doc.sessions[next(iter(doc.sessions))]
        doc.operations.extend(_recent(record) for record in self.recent)
        del doc.operations[:-RECENT_OPERATIONS]


def _system_zone_name() -> str:
    """The IANA name behind /etc/localtime, else the abbreviation and UTC offset."""
    with contextlib.suppress(OSError, ValueError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    local = datetime.now().astimezone()
    return f"{local.tzname()}{local.strftime('%z')}"


def _merge_warned(first: list[str], second: list[str]) -> list[str]:
    merged = list(dict.fromkeys([*first, *second]))
    return merged[-WARNED_KEYS_KEPT:]


def _session_day(day: CostTotals, session_id: str) -> CostTotals:
    """A day's share of one session: only its cost is aggregated per session and day."""
    return CostTotals(total=day.by_session[session_id])


def _copy(totals: CostTotals) -> CostTotals:
    return totals.model_copy(deep=True)


def _recent(record: LedgerRecord) -> RecentOperation:
    return RecentOperation(
        id=record.id,
        timestamp=record.timestamp,
        operation=record.operation,
        model=record.model_name,
        input_tokens=record.input_tokens,
        output_tokens=record.output_tokens,
        cost=record.cost,
        cost_source=record.cost_source,
    )
