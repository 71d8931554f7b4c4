"""Offline token counts: characters per token, calibrated per model from the ledger.

No tokenizer downloads (tiktoken fetches its tables at run time; local models have their
own vocabularies). Instead, every call we make records the prompt's length in characters
(the ledger record's ``prompt_chars``) beside the tokens the provider billed, and the
estimate for a model uses the ratio over its recent calls. Until a model has history, 4
characters per token — close for English prose on current tokenizers.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from writers_tui.storage.models import LedgerRecord

DEFAULT_CHARS_PER_TOKEN = 4.0
#: A calibration outside this range is a mismatch (e.g. images), not a tokenizer.
MIN_CHARS_PER_TOKEN, MAX_CHARS_PER_TOKEN = 1.5, 8.0
#: Recent calls per model that the ratio is taken over.
CALIBRATION_WINDOW = 50


class TokenEstimator:
    """Characters-per-token per model; fed from the ledger, updated after each call."""

    def __init__(self) -> None:
        self._samples: dict[str, list[tuple[int, int]]] = {}
        self._lock = threading.Lock()

    def learn(self, model: str, prompt_chars: int, prompt_tokens: int) -> None:
        if prompt_chars <= 0 or prompt_tokens <= 0:
            return
        with self._lock:
            samples = self._samples.setdefault(model, [])
            samples.append((prompt_chars, prompt_tokens))
            del samples[:-CALIBRATION_WINDOW]

    def learn_from(self, records: Iterable[LedgerRecord]) -> None:
        """Calibrate from past calls whose usage the provider reported."""
        for record in records:
            if record.usage_source == "provider" and record.prompt_chars is not None:
                self.learn(
                    record.model_name,
                    record.prompt_chars,
                    record.input_tokens + record.cached_tokens,
                )

    def chars_per_token(self, model: str) -> float:
        with self._lock:
            samples = list(self._samples.get(model, ()))
        chars = sum(c for c, _ in samples)
        tokens = sum(t for _, t in samples)
        if not tokens:
            return DEFAULT_CHARS_PER_TOKEN
        return min(MAX_CHARS_PER_TOKEN, max(MIN_CHARS_PER_TOKEN, chars / tokens))

    def count(self, model: str, text: str) -> int:
        """Estimated tokens in ``text`` for ``model`` (rounded up; 0 for no text)."""
        return math.ceil(len(text) / self.chars_per_token(model)) if text else 0
