"""AI calls in flight, on disk, so a call cut by a crash is still billed.

A provider bills a call as soon as it starts working, but the ledger record is written
when the stream ends. If writers-tui dies in between (``kill -9``, a power cut, a closed
laptop lid that never wakes), that record would never exist and a month's total would be
short. So before any byte is sent, the call's *provisional* record — its estimate, as an
``error`` with ``usage_source: "estimated"`` — is written durably to
``.session/ai-calls/<record id>.json``, with the process that owns it; when the real
record is in the ledger the file goes.

:func:`recover_calls` (at the next open, or the next ``ask``) appends the provisional
record of every file whose process is gone. The final record and the provisional one
share an id, and the ledger counts an id once, so a crash between the ledger append and
the file's removal cannot bill a call twice. The folder is untrusted like the rest of
``.session/``: files are read without following links, capped in size, validated as ledger
records, and a file that is not one is left in place and reported, never billed.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from writers_tui.atomic import UnsafePath, atomic_write_text, ensure_dir, open_folder, read_file
from writers_tui.paths import ProjectPaths
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.lock import LockHolder, holder_process_alive
from writers_tui.storage.models import LedgerRecord

#: A ticket is a few hundred bytes; anything much bigger was not written by us.
MAX_TICKET_BYTES = 64 * 1024
#: Calls in flight at one time: a handful. More files than this were planted.
MAX_TICKETS = 100


class Ticket(BaseModel):
    """One call in flight: who runs it, and what to bill if it never reports back."""

    model_config = ConfigDict(extra="ignore")

    holder: LockHolder
    record: LedgerRecord


@dataclass(frozen=True)
class Recovered:
    """What :func:`recover_calls` did: records billed, and files it could not use."""

    records: tuple[LedgerRecord, ...] = ()
    problems: tuple[str, ...] = ()


def calls_dir(root: Path) -> Path:
    return ProjectPaths(root).ai_calls


def begin_call(root: Path, provisional: LedgerRecord) -> Path:
    """Write the call's ticket durably (before it is sent); returns where."""
    folder = calls_dir(root)
    ensure_dir(folder)
    path = folder / f"{provisional.id}.json"
    ticket = Ticket(holder=LockHolder.me(), record=provisional)
    atomic_write_text(path, ticket.model_dump_json())
    return path


def end_call(ticket: Path) -> None:
    """The real record is in the ledger: the ticket goes (a missing one is fine)."""
    try:
        with open_folder(ticket.parent) as folder:
            os.unlink(ticket.name, dir_fd=folder)
    except FileNotFoundError:
        pass


def recover_calls(root: Path, tracker: CostTracker) -> Recovered:
    """Bill every call whose process died before it reported back (blocking: a thread)."""
    folder_path = calls_dir(root)
    records: list[LedgerRecord] = []
    problems: list[str] = []
    try:
        with open_folder(folder_path) as folder:
            names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return Recovered()
    except UnsafePath as unsafe:
        return Recovered(problems=(str(unsafe),))
    tickets = [name for name in names if name.endswith(".json")]
    if len(tickets) > MAX_TICKETS:
        problems.append(
            f"{folder_path}: {len(tickets) - MAX_TICKETS:,} more files than writers-tui ever "
            "leaves there; left alone"
        )
    for name in tickets[:MAX_TICKETS]:
        path = folder_path / name
        ticket = _read_ticket(path, problems)
        if ticket is None or holder_process_alive(ticket.holder):
            continue
        if not _looks_ours(ticket):
            problems.append(f"{path.name}: not a ticket this writers-tui wrote; left in place")
            continue
        tracker.record(ticket.record)
        end_call(path)
        records.append(ticket.record)
    return Recovered(tuple(records), tuple(problems))


def _looks_ours(ticket: Ticket) -> bool:
    """What :func:`begin_call` writes: this machine's process, a provisional record (an
    estimate billed as an error). Anything else — a "provider" usage, a cost unlike its
    estimate, another machine's pid — is not billed on the writer's behalf."""
    record = ticket.record
    return (
        ticket.holder.host == LockHolder.me().host
        and record.status == "error"
        and record.usage_source == "estimated"
        and record.estimated_cost == record.cost
    )


def _read_ticket(path: Path, problems: list[str]) -> Ticket | None:
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TICKET_BYTES:
            problems.append(f"{path.name}: not an AI call ticket (left in place)")
            return None
        data = read_file(path)
        return Ticket.model_validate(json.loads(data))
    except (OSError, ValueError, ValidationError, RecursionError):
        problems.append(f"{path.name}: not an AI call ticket (left in place)")
        return None
