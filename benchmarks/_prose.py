"""Deterministic novel-like prose of any size, so benchmarks need no fixture files.

Real text matters a little: it is mostly ASCII with some typographic punctuation, in
paragraphs, so encoding and hashing cost what they cost for a writer's manuscript.
"""

from __future__ import annotations

import random

_TEXT = (
    "the rain kept on against the window while Mickey waited by the door and Noni "
    "did not come she had said eight o'clock and it was nearly ten the street below "
    "shone under the lamps a tram went by empty he thought of the letter in his coat "
    "unopened since Tuesday because opening it would make it true and he was not ready "
    "for true not tonight not with the kettle ticking as it cooled and the dog asleep"
)
_WORDS = _TEXT.split()


def prose(size: int, seed: int = 2) -> str:
    """At least ``size`` characters of paragraphs, cut at a paragraph end."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 22))]
            sentence = " ".join(words)
            if rng.random() < 0.2:
                sentence = f"“{sentence.capitalize()},” she said"
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"
