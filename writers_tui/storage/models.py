"""Pydantic models of every JSON document in ``.session/``.

The shapes are seed 002's, extended and never renamed. Each document carries
``schema_version``; files written before versioning (the seed's shape, version 0) are
migrated on load by :mod:`writers_tui.storage.migrations`.

Money is ``Decimal`` in memory and a JSON number with at most 8 decimals on disk.
Times are timezone-aware UTC and written as ISO-8601 with ``Z``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

# Settings live in writers_tui.config: the documents here embed Budget and Stage, and
# preferences.json's document model (PreferencesData) is defined there beside Settings.
from writers_tui.config import Budget as Budget
from writers_tui.config import PreferencesData as PreferencesData
from writers_tui.config import Stage as Stage
from writers_tui.model_names import check_model_name as check_model_name
from writers_tui.values import Money, UtcTime, new_id, quantize_money, utc_now


class Document(BaseModel):
    """Base of every on-disk document. Unknown keys are kept, so a newer field survives."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    schema_version: int = 1


# --- current.json -------------------------------------------------------------------


class CurrentState(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)

    stage: Stage = Stage.CREATION
    screen: str = "home"
    breadcrumb: list[str] = Field(default_factory=lambda: ["Home"])


class OpenFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    path: str
    cursor_line: int = Field(default=0, ge=0)
    cursor_col: int = Field(default=0, ge=0)


class RecentQuery(BaseModel):
    model_config = ConfigDict(extra="allow")

    query: str
    timestamp: UtcTime = Field(default_factory=utc_now)
    source: str = "user"


class SessionData(Document):
    """``current.json``: the live session."""

    session_id: str = Field(default_factory=new_id)
    project_name: str = ""
    created_at: UtcTime = Field(default_factory=utc_now)
    last_activity: UtcTime = Field(default_factory=utc_now)
    last_saved_at: UtcTime | None = None
    ended_at: UtcTime | None = None
    current_state: CurrentState = Field(default_factory=CurrentState)
    open_files: list[OpenFile] = Field(default_factory=list)
    active_file: str | None = None
    #: The seed's per-stage models. They live in settings (preferences.json) now; kept so
    #: an old file still loads and round-trips, never read to choose a model.
    model_preferences: dict[str, str] = Field(default_factory=dict)
    recent_queries: list[RecentQuery] = Field(default_factory=list)
    files_created: list[str] = Field(default_factory=list)
    files_modified: list[str] = Field(default_factory=list)
    operations_count: dict[str, int] = Field(default_factory=dict)
    words_at_start: int = 0
    words_now: int = 0


# --- history.json -------------------------------------------------------------------


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    session_id: str
    start_time: UtcTime
    end_time: UtcTime
    duration_minutes: int = Field(ge=0)
    total_cost: Money = Decimal(0)
    files_modified: list[str] = Field(default_factory=list)
    files_created: list[str] = Field(default_factory=list)
    operations_count: dict[str, int] = Field(default_factory=dict)
    words_written: int = 0
    interrupted: bool = False


class HistoryData(Document):
    """``history.json``: the last sessions, newest last."""

    sessions: list[HistoryEntry] = Field(default_factory=list)


# --- costs.jsonl / costs.json -------------------------------------------------------

UsageSource = Literal["provider", "estimated", "partial"]
OperationStatus = Literal["ok", "error", "cancelled"]

#: Bounds a ledger line must keep to be summed. A project folder is untrusted input, so a
#: line outside them is skipped and counted, never added. 10^9 tokens is ~1,000x the largest
#: context window on sale; $10^6 is more than 10^9 tokens cost at any listed price. Sums of
#: valid records are never bounded (see :data:`MoneyTotal`), so no ledger can make the
#: summary impossible to write.
MAX_TOKENS = 10**9
MAX_CALL_COST = Decimal(10**6)
#: Timestamps a real call can have; outside them converting to a local date can overflow.
EARLIEST_CALL = datetime(1970, 1, 2, tzinfo=UTC)
LATEST_CALL = datetime(9998, 12, 31, tzinfo=UTC)
MAX_ID_LENGTH = 64

Tokens = Annotated[int, Field(ge=0, le=MAX_TOKENS)]
CallCost = Annotated[Money, Field(ge=0, le=MAX_CALL_COST)]
#: A prompt's length in characters: bounded like a token count (10^9 characters is far
#: beyond any context window), so a planted line cannot feed the calibration absurd ratios.
MAX_PROMPT_CHARS = MAX_TOKENS


def _is_zero(value: object) -> bool:
    return value == 0


def _is_none(value: object) -> bool:
    return value is None


def _is_false(value: object) -> bool:
    return value is False


def _call_time(value: datetime) -> datetime:
    if not EARLIEST_CALL <= value <= LATEST_CALL:
        raise ValueError("a call's time must be between 1970 and 9998")
    return value


def _total_in(value: Any) -> Any:
    # Same rule as Money: a float from JSON becomes Decimal through its shortest repr.
    return Decimal(repr(value)) if isinstance(value, float) else value


def _total_checked(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("a total must be a finite number")
    return quantize_money(value)


def _total_out(value: Decimal) -> float | int:
    quantized = quantize_money(value)
    return int(quantized) if quantized == quantized.to_integral_value() else float(quantized)


#: A sum of money: like :data:`Money` (Decimal, 8 decimals, a JSON number) but without
#: Money's 10^12 ceiling, so totals of valid records can always be stored.
MoneyTotal = Annotated[
    Decimal,
    BeforeValidator(_total_in),
    AfterValidator(_total_checked),
    PlainSerializer(_total_out, when_used="json"),
]


class LedgerRecord(BaseModel):
    """One priced AI operation: a line of ``costs.jsonl``, the source of truth.

    Validation is the ledger's defence against planted lines: a cost that is negative,
    not finite or above :data:`MAX_CALL_COST`, tokens above :data:`MAX_TOKENS` or a time
    outside 1970-9998 make the line invalid (skipped and counted, never summed).

    The fields after ``duration_ms`` came later (engine calls first wrote them as extra
    keys, which now validate into them). They are left out of a line while at their
    default, so a record without them (``costs add``) is written exactly as before and a
    line without them reads as the default: absent means 0 / null / false.
    """

    model_config = ConfigDict(extra="allow")

    schema_version: int = 1
    id: str = Field(default_factory=new_id, min_length=1, max_length=MAX_ID_LENGTH)
    timestamp: Annotated[UtcTime, AfterValidator(_call_time)] = Field(default_factory=utc_now)
    project: str = ""
    session_id: str = ""
    stage: str = ""
    operation: str = "manual"
    provider: str
    model: str  # the requested model, without provider prefix
    model_resolved: str | None = None
    input_tokens: Tokens
    cached_tokens: Tokens = 0
    output_tokens: Tokens
    usage_source: UsageSource = "provider"
    cost: CallCost = Decimal(0)
    cost_source: str  # "genai-prices X.Y.Z" | "local" | "user price" | "unpriced" | "cache"
    estimated_cost: CallCost | None = None
    status: OperationStatus = "ok"
    duration_ms: int | None = Field(default=None, ge=0)
    #: The part of ``input_tokens`` written to the provider's cache (Anthropic bills it at
    #: the cache-write rate); never more than ``input_tokens`` on lines we write.
    cache_write_tokens: Tokens = Field(default=0, exclude_if=_is_zero)
    #: The prompt's length in characters: with the billed tokens it calibrates the offline
    #: characters-per-token estimate (:mod:`writers_tui.ai.tokens`). Null: not known.
    prompt_chars: int | None = Field(default=None, ge=0, le=MAX_PROMPT_CHARS, exclude_if=_is_none)
    #: Served from the response cache (``cost_source`` "cache"): no tokens, $0. Strict: only
    #: JSON ``true``/``false`` (a planted ``"yes"`` makes the line invalid).
    cache_hit: bool = Field(default=False, strict=True, exclude_if=_is_false)
    #: For a response-cache hit: what the original call cost, i.e. what serving it saved.
    saved_cost: CallCost | None = Field(default=None, exclude_if=_is_none)
    #: For a call that read cached tokens: its price with every prompt token uncached,
    #: minus what it cost. Null when it read nothing from the provider's cache.
    cache_savings: CallCost | None = Field(default=None, exclude_if=_is_none)

    @property
    def model_name(self) -> str:
        """``provider/model`` as the writer names it."""
        return f"{self.provider}/{self.model}"

    @property
    def priced(self) -> bool:
        return self.cost_source != "unpriced"


class RecentOperation(BaseModel):
    """The seed's ``operations`` entry, kept for the most recent records only."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    timestamp: UtcTime
    operation: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Money = Decimal(0)
    cost_source: str = "unknown"


class DayAggregate(BaseModel):
    model_config = ConfigDict(extra="allow")

    total: MoneyTotal = Decimal(0)
    count: int = 0
    unpriced_count: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    by_model: dict[str, MoneyTotal] = Field(default_factory=dict)
    by_operation: dict[str, MoneyTotal] = Field(default_factory=dict)
    by_session: dict[str, MoneyTotal] = Field(default_factory=dict)


class CostSummary(Document):
    """``costs.json``: a bounded summary rebuilt from the ledger at any time."""

    session_total: MoneyTotal = Decimal(0)
    daily_total: MoneyTotal = Decimal(0)
    weekly_total: MoneyTotal = Decimal(0)
    monthly_total: MoneyTotal = Decimal(0)
    all_time_total: MoneyTotal = Decimal(0)
    operations: list[RecentOperation] = Field(default_factory=list)
    by_model: dict[str, MoneyTotal] = Field(default_factory=dict)
    by_day: dict[str, DayAggregate] = Field(default_factory=dict)
    budget: Budget = Field(default_factory=Budget)
    ledger_records: int = 0
    ledger_offset: int = 0
    updated_at: UtcTime = Field(default_factory=utc_now)


class CostTotals(DayAggregate):
    """A :class:`DayAggregate` plus cached tokens and unpriced counts per model.

    Used for one local day, one session, or a whole period (days merged).
    """

    cached_tokens: int = 0
    count_by_model: dict[str, int] = Field(default_factory=dict)
    count_by_operation: dict[str, int] = Field(default_factory=dict)
    unpriced_by_model: dict[str, int] = Field(default_factory=dict)
    unpriced_by_operation: dict[str, int] = Field(default_factory=dict)

    def merge(self, other: CostTotals) -> None:
        self.total += other.total
        self.count += other.count
        self.unpriced_count += other.unpriced_count
        self.input_tokens += other.input_tokens
        self.cached_tokens += other.cached_tokens
        self.output_tokens += other.output_tokens
        for mine, theirs in (
            (self.by_model, other.by_model),
            (self.by_operation, other.by_operation),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, Decimal(0)) + value
        for counts, others in (
            (self.count_by_model, other.count_by_model),
            (self.count_by_operation, other.count_by_operation),
            (self.unpriced_by_model, other.unpriced_by_model),
            (self.unpriced_by_operation, other.unpriced_by_operation),
        ):
            for key, count in others.items():
                counts[key] = counts.get(key, 0) + count


class CostsDocument(CostSummary):
    """``costs.json``: the seed's shape (:class:`CostSummary`) plus what catching up needs.

    ``session_total``/``by_model`` and the day/week/month totals are a snapshot for the
    session named in ``session_id`` at ``updated_at``; the aggregates are the real data.
    """

    by_day: dict[str, CostTotals] = Field(default_factory=dict)  # type: ignore[assignment]
    sessions: dict[str, CostTotals] = Field(default_factory=dict)
    session_id: str = ""
    budget_warned: list[str] = Field(default_factory=list)
    #: Lines not summed: invalid ones and repeated ids (``ledger_duplicates`` of them).
    ledger_skipped: int = 0
    ledger_duplicates: int = 0
    #: Lines read so far (blank ones too), so a problem can be named by its line number.
    ledger_lines: int = 0
    #: The greatest UUID id folded in: a newer UUIDv7 id cannot repeat an earlier one, so
    #: only ids at or below it are looked up in the ledger (see ``storage.ledger``).
    ledger_max_id: str = ""
    #: The first few skipped lines, ``"line N: why"``, for ``doctor``.
    ledger_problems: list[str] = Field(default_factory=list)
    #: The zone's name when ``by_day`` was cut (informational: the key is ``day_offsets``).
    timezone: str = ""
    #: For each day in ``by_day``: the zone's UTC offsets (seconds) at its local midnight and
    #: at the next one. Another zone with the same offsets on those days ("UTC" and
    #: "Etc/UTC") cuts the same days; one that differs (or new tz rules) rebuilds them.
    day_offsets: dict[str, tuple[int, int]] = Field(default_factory=dict)
