"""What each endpoint supports, learned from its refusals and kept for this process.

Not every OpenAI-compatible server does everything: some reject ``stream_options``, some
models refuse a system prompt, some servers cannot stream. The first call finds out (a
400 naming the feature, or a stream that ends without usage) and the registry remembers,
so later calls ask only for what works. Keyed by provider, base URL and model.
"""

from __future__ import annotations

import dataclasses
import threading

from writers_tui.ai.errors import ProviderError
from writers_tui.ai.types import Capabilities

CapabilityKey = tuple[str, str, str]


class CapabilityRegistry:
    """Thread-safe map of endpoint → :class:`Capabilities` (defaults until learned)."""

    def __init__(self) -> None:
        self._known: dict[CapabilityKey, Capabilities] = {}
        self._lock = threading.Lock()

    def get(self, key: CapabilityKey) -> Capabilities:
        with self._lock:
            return self._known.get(key, Capabilities())

    def learn(self, key: CapabilityKey, **changes: bool) -> Capabilities:
        with self._lock:
            current = self._known.get(key, Capabilities())
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            self._known[key] = updated
            return updated


#: The registry every engine in this process shares (capabilities do not depend on project).
REGISTRY = CapabilityRegistry()


def fallback_for(error: ProviderError, caps: Capabilities) -> dict[str, bool] | None:
    """The capability to drop so a refused request can be retried, or None.

    Only a refusal of the request itself (HTTP 400/405/422/501) says a feature is missing;
    the provider's message names which one.
    """
    if error.status not in (400, 405, 422, 501):
        return None
    said = str(error).lower()
    if caps.usage_in_stream and caps.streaming and "stream_options" in said:
        return {"usage_in_stream": False}
    if caps.system_prompt and "system" in said:
        return {"system_prompt": False}
    if caps.streaming and "stream" in said:
        return {"streaming": False}
    return None
