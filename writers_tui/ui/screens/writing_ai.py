"""AI in the Writing stage: the keys, and how a suggestion meets the manuscript.

*Continue from the cursor* sends the text before the cursor; *draft this scene* sends the
scene's synopsis (or ``beat``) from its front matter. Either streams into the
:class:`~writers_tui.ui.widgets.suggestion_panel.SuggestionPanel`; the writer types on
meanwhile. Accepting inserts the text at the cursor as one edit (one ctrl+z takes it out);
:func:`fit_at_cursor` adds the space or blank line the join needs, so a continuation never
glues itself to the last word. The keys are priority bindings (the editor has the focus) and
accept, reject and stop only act while there is a suggestion.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets.text_area import DocumentBase

from writers_tui.ui.front_matter import FrontMatter
from writers_tui.ui.widgets.inspector import target_of

AI_BINDINGS = [
    Binding(
        "ctrl+g",
        "ai_continue",
        "Continue (AI)",
        id="ai.continue",
        priority=True,
        tooltip="AI: continue from the cursor; the text streams into a panel beside the editor",
    ),
    Binding(
        "alt+d",
        "ai_draft",
        "Draft scene (AI)",
        id="ai.draft",
        priority=True,
        show=False,
        tooltip="AI: draft this scene from its synopsis or beat (front matter, f10)",
    ),
    Binding(
        "alt+a",
        "ai_accept",
        "Accept",
        id="ai.accept",
        priority=True,
        tooltip="Insert the AI suggestion at the cursor (one ctrl+z takes it out)",
    ),
    Binding(
        "alt+r",
        "ai_reject",
        "Reject",
        id="ai.reject",
        priority=True,
        tooltip="Discard the AI suggestion",
    ),
    Binding(
        "escape",
        "ai_stop",
        "Stop AI",
        id="ai.stop",
        priority=True,
        tooltip="Stop the AI suggestion streaming (the text so far is kept; it is billed)",
    ),
]

#: What needs a suggestion in the panel (accept, reject) or a stream (stop).
SUGGESTION_ACTIONS = frozenset({"ai_accept", "ai_reject"})
DEFAULT_DRAFT_WORDS = 1_200
MAX_DRAFT_WORDS = 6_000
#: Characters after which a continuation needs no space before it.
_NO_SPACE_BEFORE = frozenset(".,;:!?)]}’—")


#: Characters before the cursor a request carries (the engine keeps at most its own window).
CONTEXT_CHARS = 12_000


def text_before(
    document: DocumentBase,
    cursor: tuple[int, int],
    *,
    limit: int = CONTEXT_CHARS,
    start: tuple[int, int] = (0, 0),
) -> str:
    """The text before ``cursor`` (from ``start``), whole lines back until ``limit``
    characters: a 700 KB novel is not copied on the event loop for a 12 KB prompt."""
    row, column = cursor
    first, size = row, column
    while first > start[0] and size < limit:
        first -= 1
        size += len(document.get_line(first)) + 1
    begin = (first, 0) if first > start[0] else start
    return document.get_text_range(begin, cursor)


def brief_of(front: FrontMatter) -> str:
    """What a scene is about, to draft it from: its synopsis, else its beat."""
    return (front.get("synopsis") or front.get("beat") or "").strip()


def draft_words(front: FrontMatter) -> int:
    """The scene's target length for a draft (capped: one call is not a novel)."""
    return min(target_of(front) or DEFAULT_DRAFT_WORDS, MAX_DRAFT_WORDS)


def fit_at_cursor(before: str, suggestion: str, operation: str) -> str:
    """``suggestion`` as it should be inserted after ``before`` (the text up to the cursor).

    A continuation gets one space after a word; a drafted scene starts on a new paragraph
    and ends with a line break.
    """
    if operation == "draft_scene":
        text = suggestion.strip("\n") + "\n"
        if not before or before.endswith("\n\n"):
            return text
        return ("\n" if before.endswith("\n") else "\n\n") + text
    if not before or before[-1].isspace() or suggestion[:1].isspace():
        return suggestion
    if suggestion[:1] in _NO_SPACE_BEFORE:
        return suggestion
    return " " + suggestion
