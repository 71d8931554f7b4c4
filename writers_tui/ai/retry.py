"""One retry policy for every provider (the SDKs' own retries are switched off).

Retried: HTTP 429 (waiting what ``Retry-After`` asks, within a cap) and the server's own
errors (5xx, Anthropic's 529), with exponential backoff and jitter. Not retried: bad keys,
wrong URLs, refused connections and timeouts — waiting would not fix them, and the writer
should hear at once. Nothing is retried once text has reached the writer, so an answer is
never duplicated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from writers_tui.ai.errors import ProviderError


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    base_delay: float = 0.5
    max_delay: float = 8.0
    #: A longer ``Retry-After`` than this is not waited for: the error says how long.
    max_retry_after: float = 60.0

    def delay(self, attempt: int, error: ProviderError) -> float | None:
        """Seconds to wait before try ``attempt + 1`` (0-based), or None: give up."""
        if not error.retryable or attempt + 1 >= self.attempts:
            return None
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        backoff = min(self.max_delay, self.base_delay * 2.0**attempt)
        return backoff * (0.5 + random.random() / 2)
