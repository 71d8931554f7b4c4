"""Two versions of a file as a diff a writer can read: unified, or side by side.

Pure functions (difflib) run in a worker thread by the diff view: a novel's chapter can
be large, and diffing must not stall the loop. Prose lines are paragraphs, so the
side-by-side rows pair whole paragraphs; unchanged stretches are folded to a few lines of
context, and very long diffs are cut with a note saying how much was left out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

CONTEXT = 2
MAX_ROWS = 600

RowKind = Literal["same", "changed", "mine", "theirs", "fold"]


@dataclass(frozen=True)
class DiffRow:
    kind: RowKind
    mine: str | None
    theirs: str | None


def side_by_side(mine: str, theirs: str, *, context: int = CONTEXT) -> list[DiffRow]:
    """Rows pairing mine (left) with theirs (right); folds long unchanged stretches."""
    a, b = mine.splitlines(), theirs.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(DiffRow("fold", "⋯", "⋯"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffRow("same", a[i], b[j])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
            elif tag == "replace":
                left, right = a[i1:i2], b[j1:j2]
                for k in range(max(len(left), len(right))):
                    rows.append(
                        DiffRow(
                            "changed",
                            left[k] if k < len(left) else None,
                            right[k] if k < len(right) else None,
                        )
                    )
            elif tag == "delete":
                rows.extend(DiffRow("mine", line, None) for line in a[i1:i2])
            else:
                rows.extend(DiffRow("theirs", None, line) for line in b[j1:j2])
    return rows


def unified(mine: str, theirs: str, *, context: int = CONTEXT) -> list[str]:
    """``diff -u`` lines from mine to theirs (``-`` only in mine, ``+`` only in theirs)."""
    return list(
        difflib.unified_diff(
            mine.splitlines(),
            theirs.splitlines(),
            fromfile="mine (your buffer)",
            tofile="theirs (on disk)",
            n=context,
            lineterm="",
        )
    )


def cut(rows: list[str] | list[DiffRow], limit: int = MAX_ROWS) -> tuple[int, int]:
    """How many rows to show, and how many are left out."""
    shown = min(len(rows), limit)
    return shown, len(rows) - shown
