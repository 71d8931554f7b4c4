"""The Costs screen (F6): what AI help has cost, against the writer's budget.

Top: totals for the session, today, this week, this month and all time, and the daily
spend of the last 30 days as a block chart. Then one gauge per budget limit (warning
colour from the warn ratio, error colour at the limit). Below: the period's split by
model and by operation, and the operation history — sortable by the column under the
cursor (``s``) and narrowed by a text filter (``/``).

Everything comes from the Workspace's async cost methods, loaded in one worker; the
screen listens to the Workspace's ``CostRecorded`` events (as the App does, through the
bridge) and reloads, so a ``writers-tui costs add`` in another terminal shows up here.
A call with no known price says "unpriced", never "$0.00". No AI actions live here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from writers_tui.ui.bridge import to_message
from writers_tui.ui.messages import CostUpdated
from writers_tui.ui.modals.expense import ExpenseDialog, ExpenseForm
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.stages import place
from writers_tui.ui.status import format_money
from writers_tui.ui.widgets.block_chart import BlockChart
from writers_tui.ui.widgets.budget_gauge import BudgetGauge

#: The periods of the totals, as the Workspace names them, and as the writer reads them.
PERIODS: tuple[tuple[str, str], ...] = (
    ("session", "this session"),
    ("day", "today"),
    ("week", "this week"),
    ("month", "this month"),
    ("all", "all time"),
)
PERIOD_TITLES = dict(PERIODS)
CHART_DAYS = 30
RECORDS_SHOWN = 500

#: The operation history's columns: (key, title). Sorting uses :func:`_sort_value`.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", "Time"),
    ("operation", "Operation"),
    ("model", "Model"),
    ("input", "In"),
    ("cached", "Cached"),
    ("output", "Out"),
    ("cost", "Cost"),
    ("source", "Source"),
    ("status", "Status"),
)
_NUMERIC = {"input", "cached", "output", "cost"}


# -- what the Workspace returns, as the screen reads it --------------------------------


class TotalsLike(Protocol):
    @property
    def total(self) -> Decimal: ...
    @property
    def count(self) -> int: ...
    @property
    def unpriced_count(self) -> int: ...


class UsageLike(Protocol):
    @property
    def period(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def limit(self) -> Decimal: ...
    @property
    def spent(self) -> Decimal: ...
    @property
    def label(self) -> str: ...


class RecordLike(Protocol):
    @property
    def timestamp(self) -> datetime: ...
    @property
    def operation(self) -> str: ...
    @property
    def model_name(self) -> str: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def cached_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def cost(self) -> Decimal: ...
    @property
    def cost_source(self) -> str: ...
    @property
    def status(self) -> str: ...


class CostsWorkspace(Protocol):
    """The Workspace's cost methods (docs/workspace.md)."""

    @property
    def root(self) -> Path: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def settings(self) -> Any: ...

    def subscribe(self, listener: Callable[[Any], None]) -> Callable[[], None]: ...
    async def cost_totals(self, period: str) -> TotalsLike: ...
    async def budget_usage(self) -> Sequence[UsageLike]: ...
    async def cost_breakdown(self, by: str, period: str) -> dict[str, TotalsLike]: ...
    async def cost_records(self, *, limit: int = 500) -> Sequence[RecordLike]: ...
    async def add_expense(
        self,
        model: str,
        input_tokens: int,
        output_tokens: int,
        *,
        cached_tokens: int = 0,
        operation: str = "manual",
    ) -> Any: ...
    async def export_costs_csv(self, destination: Path | None = None) -> Path: ...


COST_METHODS = (
    "cost_totals",
    "budget_usage",
    "cost_breakdown",
    "cost_records",
    "add_expense",
    "export_costs_csv",
)


def missing_methods(workspace: object) -> list[str]:
    """The cost methods this workspace lacks (an older Workspace): the screen says so."""
    return [name for name in COST_METHODS if not callable(getattr(workspace, name, None))]


@dataclass(frozen=True)
class CostsView:
    """Everything the screen shows, loaded in one go."""

    totals: dict[str, TotalsLike]
    usage: Sequence[UsageLike]
    by_model: dict[str, TotalsLike]
    by_operation: dict[str, TotalsLike]
    by_day: dict[str, TotalsLike]
    records: Sequence[RecordLike]


# -- formatting -------------------------------------------------------------------------


def is_priced(record: RecordLike) -> bool:
    return record.cost_source != "unpriced"


def money_with_unpriced(totals: TotalsLike) -> str:
    """``$1.20``, ``$1.20 + 2 unpriced`` or ``2 unpriced`` — never a bare $0 for unknowns."""
    unpriced = totals.unpriced_count
    if unpriced and totals.count == unpriced:
        return f"{unpriced} unpriced"
    money = format_money(totals.total)
    return f"{money} + {unpriced} unpriced" if unpriced else money


def source_name(source: str) -> str:
    """``genai-prices 0.0.30`` → ``genai-prices``: the version is noise in a table."""
    return source.split(" ", 1)[0] if source.startswith("genai-prices") else source


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def record_cells(record: RecordLike) -> dict[str, str | Text]:
    cost: str | Text = (
        format_money(record.cost) if is_priced(record) else Text("unpriced", style="italic")
    )
    status: str | Text = record.status if record.status == "ok" else Text(record.status, "bold")
    return {
        "time": local_time(record.timestamp),
        "operation": record.operation,
        "model": record.model_name,
        "input": f"{record.input_tokens:,}",
        "cached": f"{record.cached_tokens:,}",
        "output": f"{record.output_tokens:,}",
        "cost": cost,
        "source": source_name(record.cost_source),
        "status": status,
    }


def _sort_value(record: RecordLike, column: str) -> Any:
    if column == "cost":  # unpriced sorts apart from (below) every priced cost
        return (is_priced(record), record.cost)
    return {
        "time": record.timestamp,
        "operation": record.operation.lower(),
        "model": record.model_name.lower(),
        "input": record.input_tokens,
        "cached": record.cached_tokens,
        "output": record.output_tokens,
        "source": record.cost_source.lower(),
        "status": record.status,
    }[column]


def matches(record: RecordLike, text: str) -> bool:
    """The filter: every word appears in the operation, model, source, status or time."""
    haystack = " ".join(
        (
            record.operation,
            record.model_name,
            record.cost_source,
            record.status,
            local_time(record.timestamp),
        )
    ).lower()
    return all(word in haystack for word in text.lower().split())


def chart_days(by_day: dict[str, TotalsLike], today: date, days: int = CHART_DAYS) -> list[float]:
    """Spend per local day for ``days`` days ending ``today`` (0 for days without)."""
    first = today - timedelta(days=days - 1)
    values: list[float] = []
    for offset in range(days):
        found = by_day.get((first + timedelta(days=offset)).isoformat())
        values.append(float(found.total) if found is not None else 0.0)
    return values


def _chart_money(value: float) -> str:
    return format_money(Decimal(str(round(value, 4))))


# -- the screen -------------------------------------------------------------------------


class CostsScreen(StudioScreen):
    """F6: totals, budget gauges, breakdowns, the operation history and a spend chart."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_expense", "Add expense", id="costs.add_expense"),
        Binding("e", "export_csv", "Export CSV", id="costs.export_csv"),
        Binding("slash", "filter", "Filter", id="costs.filter"),
        Binding("s", "sort", "Sort by column", id="costs.sort"),
        Binding("p", "next_period", "Period", id="costs.period"),
        Binding("r", "reload", "Refresh", id="costs.refresh"),
    ]

    DEFAULT_CSS = """
    CostsScreen #costs { height: 1fr; padding: 0 1; }
    CostsScreen .panel-title { text-style: bold; color: $primary; height: 1; width: auto; }
    CostsScreen #costs-message { color: $warning; height: auto; display: none; }
    CostsScreen #costs-message.-shown { display: block; }
    CostsScreen #costs-top { height: 8; }
    CostsScreen #totals-panel { width: 52; height: 8; margin-right: 2; }
    CostsScreen #totals { height: auto; }
    CostsScreen #chart-panel { width: 1fr; height: 8; }
    CostsScreen #spend-chart { height: 7; }
    CostsScreen #budget-panel { height: auto; }
    CostsScreen #gauges { height: auto; }
    CostsScreen #budget-none { color: $text-muted; height: auto; }
    CostsScreen #breakdowns { height: 7; margin-top: 1; }
    CostsScreen .breakdown { width: 1fr; height: 7; }
    CostsScreen .breakdown:first-of-type { margin-right: 2; }
    CostsScreen .breakdown DataTable { height: 1fr; }
    CostsScreen #history-panel { height: 1fr; margin-top: 1; }
    CostsScreen #filter-row { height: 1; }
    CostsScreen #filter { border: none; height: 1; width: 1fr; padding: 0 1; margin-left: 2;
        background: $boost; }
    CostsScreen #filter:focus { background: $panel; }
    CostsScreen #filter-count { width: auto; color: $text-muted; padding: 0 1; }
    CostsScreen #operations { height: 1fr; }
    CostsScreen .hint { color: $text-muted; height: 1; }
    """

    def __init__(self) -> None:
        super().__init__(place("costs"))
        self.view: CostsView | None = None
        self.period = "month"  # the breakdowns' period
        self.sort_column = "time"
        self.sort_reverse = True  # newest first
        self.filter_text = ""
        self.shown_records: list[RecordLike] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._stale = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="costs"):
            yield Static("", id="costs-message")
            with Horizontal(id="costs-top"):
                with Vertical(id="totals-panel"):
                    yield Label("Totals", classes="panel-title")
                    yield Static("", id="totals")
                with Vertical(id="chart-panel"):
                    yield Label(f"Daily spend, last {CHART_DAYS} days", classes="panel-title")
                    yield BlockChart(
                        id="spend-chart",
                        format_value=_chart_money,
                        empty_text="no spend in these days",
                    )
            with Vertical(id="budget-panel"):
                yield Label("Budget", classes="panel-title")
                yield Vertical(id="gauges")
                yield Static("", id="budget-none")
            with Horizontal(id="breakdowns"):
                with Vertical(classes="breakdown"):
                    yield Label("", id="by-model-title", classes="panel-title")
                    yield DataTable(id="by-model", cursor_type="row", zebra_stripes=True)
                with Vertical(classes="breakdown"):
                    yield Label("", id="by-operation-title", classes="panel-title")
                    yield DataTable(id="by-operation", cursor_type="row", zebra_stripes=True)
            with Vertical(id="history-panel"):
                with Horizontal(id="filter-row"):
                    yield Label("Operations", classes="panel-title")
                    yield Input(
                        placeholder="/ to filter: operation, model, source, status, date…",
                        id="filter",
                    )
                    yield Label("", id="filter-count")
                yield DataTable(id="operations", cursor_type="cell", zebra_stripes=True)
                yield Static(
                    "s sorts by the cursor's column (again: reverse) · / filter, esc back "
                    "to the table · tab moves between tables",
                    classes="hint",
                )
        yield from self.compose_status()

    def on_mount(self) -> None:
        super().on_mount()
        for table_id, key_title in (("#by-model", "Model"), ("#by-operation", "Operation")):
            table = self.query_one(table_id, DataTable)
            table.add_column(key_title, key="key")
            table.add_column("Cost", key="cost")
            table.add_column("Calls", key="calls")
        operations = self.query_one("#operations", DataTable)
        for key, title in COLUMNS:
            operations.add_column(title, key=key)
        workspace = self.costs_workspace
        if workspace is not None:
            self._unsubscribe = workspace.subscribe(self._on_workspace_event)
        operations.focus()
        self.reload()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_screen_resume(self) -> None:
        if self._stale:
            self.reload()

    # -- the workspace ---------------------------------------------------------------------

    @property
    def costs_workspace(self) -> CostsWorkspace | None:
        workspace = self.studio.workspace
        if workspace is None or missing_methods(workspace):
            return None
        return cast(CostsWorkspace, workspace)

    def _on_workspace_event(self, event: object) -> None:
        """Called on the loop by the Workspace; only costs matter here."""
        message = to_message(event)
        if isinstance(message, CostUpdated):
            self.post_message(message)

    @on(CostUpdated)
    def _cost_recorded(self, message: CostUpdated) -> None:
        message.stop()  # the App has its own subscription; do not hand it a second copy
        if self.is_current:
            self.reload()
        else:
            self._stale = True

    @work(exclusive=True, group="costs-load", exit_on_error=False)
    async def reload(self) -> None:
        """Load every figure the screen shows, then paint them."""
        workspace = self.studio.workspace
        if workspace is None:
            return
        missing = missing_methods(workspace)
        if missing:
            self._say(
                "This Workspace has no " + ", ".join(missing) + " yet: costs cannot be shown."
            )
            return
        source = cast(CostsWorkspace, workspace)
        totals = {period: await source.cost_totals(period) for period, _ in PERIODS}
        view = CostsView(
            totals=totals,
            usage=await source.budget_usage(),
            by_model=await source.cost_breakdown("model", self.period),
            by_operation=await source.cost_breakdown("operation", self.period),
            by_day=await source.cost_breakdown("day", "all"),
            records=await source.cost_records(limit=RECORDS_SHOWN),
        )
        self._stale = False
        self.show(view)

    def _say(self, message: str) -> None:
        shown = self.query_one("#costs-message", Static)
        shown.update(message)
        shown.set_class(bool(message), "-shown")

    # -- painting --------------------------------------------------------------------------

    def show(self, view: CostsView) -> None:
        self.view = view
        self._show_totals(view)
        self._show_chart(view)
        self._show_budget(view)
        self._show_breakdown("#by-model", "By model", view.by_model)
        self._show_breakdown("#by-operation", "By operation", view.by_operation)
        self._fill_operations()

    def _show_totals(self, view: CostsView) -> None:
        lines = []
        for period, title in PERIODS:
            totals = view.totals[period]
            calls = f"{totals.count:,} call{'s' if totals.count != 1 else ''}"
            lines.append(f"{title:<13}{money_with_unpriced(totals):>18}  {calls}")
        unpriced = view.totals["all"].unpriced_count
        if unpriced:
            lines.append(f"{unpriced} unpriced: no known price, so not in the sums.")
        self.query_one("#totals", Static).update("\n".join(lines))

    def today(self) -> date:
        return self.studio.clock().astimezone().date()

    def _show_chart(self, view: CostsView) -> None:
        today = self.today()
        first = today - timedelta(days=CHART_DAYS - 1)
        total = sum((t.total for t in view.by_day.values()), Decimal(0))
        self.query_one("#spend-chart", BlockChart).plot(
            chart_days(view.by_day, today),
            first_label=first.strftime("%d %b"),
            last_label="today",
            caption="all time " + format_money(total),
        )

    def _show_budget(self, view: CostsView) -> None:
        gauges = self.query_one("#gauges", Vertical)
        budget = getattr(self.studio.settings, "budget", None)
        warn_ratio = float(getattr(budget, "warn_ratio", 0.8))
        existing = {gauge.id: gauge for gauge in gauges.query(BudgetGauge)}
        wanted = {f"gauge-{usage.period}": usage for usage in view.usage}
        for gauge_id, gauge in existing.items():
            if gauge_id not in wanted:
                gauge.remove()
        for gauge_id, usage in wanted.items():
            found = existing.get(gauge_id)
            if found is None:
                gauges.mount(
                    BudgetGauge(
                        usage.label,
                        usage.spent,
                        usage.limit,
                        warn_ratio=warn_ratio,
                        period=usage.key,
                        id=gauge_id,
                    )
                )
            else:
                found.show(usage.spent, usage.limit, warn_ratio=warn_ratio, period=usage.key)
        preferences = self.studio.key_for("screen.preferences", "f8")
        none = self.query_one("#budget-none", Static)
        none.update(
            f"No spending limits set: add daily, weekly or monthly limits in Preferences "
            f"({preferences})."
            if not view.usage
            else f"Warning colour from {warn_ratio:.0%} of a limit; limits in Preferences "
            f"({preferences})."
        )

    def _show_breakdown(self, table_id: str, title: str, parts: dict[str, TotalsLike]) -> None:
        self.query_one(f"{table_id}-title", Label).update(f"{title} · {PERIOD_TITLES[self.period]}")
        table = self.query_one(table_id, DataTable)
        table.clear()
        for key, part in parts.items():
            table.add_row(key, money_with_unpriced(part), f"{part.count:,}", key=key)
        if not parts:
            table.add_row(Text("nothing yet", style="italic"), "", "")

    def _fill_operations(self) -> None:
        view = self.view
        records = list(view.records) if view is not None else []
        shown = [record for record in records if matches(record, self.filter_text)]
        shown.sort(
            key=lambda record: _sort_value(record, self.sort_column), reverse=self.sort_reverse
        )
        self.shown_records = shown
        table = self.query_one("#operations", DataTable)
        cursor = table.cursor_coordinate
        table.clear()
        for index, record in enumerate(shown):
            cells = record_cells(record)
            table.add_row(*(cells[key] for key, _ in COLUMNS), key=str(index))
        arrow = "▼" if self.sort_reverse else "▲"
        for key, title in COLUMNS:
            column = table.columns[key]  # type: ignore[index]
            column.label = Text(f"{title} {arrow}" if key == self.sort_column else title)
        table.refresh()
        if shown:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        count = f"{len(shown):,} of {len(records):,}" if self.filter_text else f"{len(records):,}"
        self.query_one("#filter-count", Label).update(count)

    # -- actions ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._fill_operations()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one("#operations", DataTable).focus()

    def key_escape(self) -> None:
        """Escape in the filter goes back to the table (the filter stays)."""
        if self.focused is self.query_one("#filter", Input):
            self.query_one("#operations", DataTable).focus()

    def action_sort(self) -> None:
        table = self.query_one("#operations", DataTable)
        column = COLUMNS[min(table.cursor_column, len(COLUMNS) - 1)][0]
        self.sort_by(column)

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort the history by ``column``; the same column again reverses the order."""
        if reverse is None:
            reverse = (
                not self.sort_reverse
                if column == self.sort_column
                else column in (_NUMERIC | {"time"})
            )
        self.sort_column, self.sort_reverse = column, reverse
        self._fill_operations()

    @on(DataTable.HeaderSelected, "#operations")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def action_next_period(self) -> None:
        names = [name for name, _ in PERIODS]
        self.period = names[(names.index(self.period) + 1) % len(names)]
        self.reload()

    def action_add_expense(self) -> None:
        workspace = self.costs_workspace
        if workspace is None:
            self.notify("Expenses cannot be added: this Workspace has no add_expense.")
            return
        if workspace.read_only:
            self.notify(
                "Read-only: this project is open in another window; add the expense there.",
                severity="warning",
            )
            return

        async def submit(form: ExpenseForm) -> Any:
            return await workspace.add_expense(
                form.model,
                form.input_tokens,
                form.output_tokens,
                cached_tokens=form.cached_tokens,
                operation=form.operation,
            )

        self.app.push_screen(ExpenseDialog(submit), self._expense_added)

    def _expense_added(self, result: Any) -> None:
        if result is None:
            return
        record = getattr(result, "record", result)
        name = getattr(record, "model_name", "the expense")
        cost = getattr(record, "cost", None)
        priced = getattr(record, "cost_source", "") != "unpriced"
        amount = format_money(cost) if priced and isinstance(cost, Decimal) else "unpriced"
        self.notify(f"Recorded {name}: {amount}.", title="Expense added")
        for warning in getattr(result, "warnings", None) or ():
            self.notify(str(warning), severity="warning", timeout=10)
        self.reload()

    @work(exclusive=True, group="costs-export", exit_on_error=False)
    async def action_export_csv(self) -> None:
        workspace = self.costs_workspace
        if workspace is None:
            self.notify("Costs cannot be exported: this Workspace has no export_costs_csv.")
            return
        try:
            path = await workspace.export_costs_csv()  # output/costs-<local date>.csv
        except OSError as error:  # read-only window, disk full, a planted link …
            self.notify(f"The CSV was not written: {error}", severity="error", timeout=10)
            return
        try:
            shown = path.relative_to(workspace.root).as_posix()
        except ValueError:
            shown = str(path)
        self.notify(f"Costs exported to {shown}", title="CSV written")
