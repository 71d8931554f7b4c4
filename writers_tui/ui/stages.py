"""The app's places, as data: the five stages and the three side screens.

One table decides each place's mode name, title, default key, binding id and summary, so
the bindings, the palette and the help screen can never disagree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A mode of the app: a stage of the writing process or a side screen."""

    mode: str  # the App.MODES key; for stages also the workspace's Stage value
    title: str
    key: str
    binding_id: str
    is_stage: bool
    summary: str


PLACES: tuple[Place, ...] = (
    Place(
        "creation",
        "Creation",
        "f1",
        "stage.creation",
        True,
        "Plan the book: premise, characters, places, outline and beats.",
    ),
    Place(
        "writing",
        "Writing",
        "f2",
        "stage.writing",
        True,
        "Write scenes in the binder's order.",
    ),
    Place(
        "enhancing",
        "Enhancing",
        "f3",
        "stage.enhancing",
        True,
        "Revise: step through style flags and spelling, keep revision snapshots.",
    ),
    Place(
        "analyzing",
        "Analyzing",
        "f4",
        "stage.analyzing",
        True,
        "The manuscript dashboard: readability, pacing, repetition, characters.",
    ),
    Place(
        "scoring",
        "Scoring",
        "f5",
        "stage.scoring",
        True,
        "Scores per chapter and their trend over time.",
    ),
    Place(
        "costs",
        "Costs",
        "f6",
        "screen.costs",
        False,
        "What AI help has cost: by session, day, week, month and model.",
    ),
    Place(
        "history",
        "History",
        "f7",
        "screen.history",
        False,
        "Past sessions: when, how long, words written.",
    ),
    Place(
        "preferences",
        "Preferences",
        "f8",
        "screen.preferences",
        False,
        "Theme, keys, daily goal, auto-save interval and budget.",
    ),
)

PLACES_BY_MODE: dict[str, Place] = {place.mode: place for place in PLACES}
STAGES: tuple[Place, ...] = tuple(place for place in PLACES if place.is_stage)
DEFAULT_STAGE = "writing"


def place(mode: str) -> Place:
    """The place for a mode name (``KeyError`` for an unknown one)."""
    return PLACES_BY_MODE[mode]


def stage_title(stage: object) -> str:
    """A stage's title from its mode name or a ``Stage`` enum (a ``StrEnum``)."""
    value = str(getattr(stage, "value", stage))
    found = PLACES_BY_MODE.get(value)
    return found.title if found else value.title()
