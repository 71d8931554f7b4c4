"""The first AI operations as requests: ask the story bible, continue, draft a scene.

Each builds an :class:`AIRequest` — instructions, the bible as the stable prefix, the
writer's text — and sets the operation's name and target length (which the cost estimate
assumes). Loading the bible reads files: do it with ``asyncio.to_thread(load_bible, …)``.
"""

from __future__ import annotations

from writers_tui.ai.bible import Bible
from writers_tui.ai.types import AIRequest, Message

ASK_INSTRUCTIONS = (
    "You answer a novelist's questions about their own book, using only the story bible "
    "and planning notes above. Name the file(s) your answer comes from. If the notes do "
    "not say, answer that they do not, rather than inventing."
)
CONTINUE_INSTRUCTIONS = (
    "You are a co-writer. Continue the manuscript from exactly where the text stops, in "
    "the same voice, tense and point of view, consistent with the story bible above. "
    "Reply with the continuation only — no preamble, no notes."
)
DRAFT_INSTRUCTIONS = (
    "You are a co-writer. Draft the scene described below as finished prose, in the "
    "manuscript's voice, consistent with the story bible above. Reply with the prose only."
)

#: Asking is near-deterministic; 0 would make repeated questions free (response cache).
ASK_TEMPERATURE = 0.2
#: Target lengths in tokens (≈ 0.75 words each).
ASK_TOKENS = 800
CONTINUE_TOKENS = 400
DRAFT_TOKENS = 2_000
#: How much text before the cursor a continuation sees.
CONTINUE_WINDOW_CHARS = 12_000


def ask_request(model: str, question: str, bible: Bible, *, stage: str = "") -> AIRequest:
    return AIRequest(
        model=model,
        messages=(Message("user", question.strip()),),
        instructions=ASK_INSTRUCTIONS,
        context=bible.context,
        max_output_tokens=ASK_TOKENS,
        temperature=ASK_TEMPERATURE,
        operation="ask",
        stage=stage,
        sources=bible.sources,
    )


def continue_request(
    model: str, text_before_cursor: str, bible: Bible, *, target_tokens: int = CONTINUE_TOKENS
) -> AIRequest:
    return AIRequest(
        model=model,
        messages=(Message("user", text_before_cursor[-CONTINUE_WINDOW_CHARS:]),),
        instructions=CONTINUE_INSTRUCTIONS,
        context=bible.context,
        max_output_tokens=target_tokens,
        temperature=0.8,
        operation="continue",
        stage="writing",
        sources=bible.sources,
    )


def draft_scene_request(
    model: str,
    scene_title: str,
    beat_or_synopsis: str,
    bible: Bible,
    *,
    previous_text: str = "",
    target_words: int = 1_200,
) -> AIRequest:
    brief = f"Scene: {scene_title}\n\nWhat happens: {beat_or_synopsis.strip()}"
    if previous_text:
        brief += f"\n\nThe manuscript just before this scene:\n{previous_text[-4_000:]}"
    return AIRequest(
        model=model,
        messages=(Message("user", brief),),
        instructions=DRAFT_INSTRUCTIONS,
        context=bible.context,
        max_output_tokens=max(DRAFT_TOKENS // 4, int(target_words / 0.75)),
        temperature=0.8,
        operation="draft_scene",
        stage="writing",
        sources=bible.sources,
    )
