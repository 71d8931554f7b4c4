"""Keep API keys out of everything we write or show.

Keys are held in memory only (:class:`Secret`), and any text that leaves the engine — an
error line, a log event — goes through :func:`redact` first: the exact key values we know,
plus anything shaped like a common provider key or an ``Authorization`` header value, in
case a server echoes a key we were not told about.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

MASK = "[redacted]"

_KEY_SHAPES = re.compile(
    r"(?:sk-(?:ant-|proj-|or-)?[A-Za-z0-9_\-]{8,}"  # OpenAI, Anthropic, OpenRouter
    r"|gsk_[A-Za-z0-9]{8,}"  # Groq
    r"|xai-[A-Za-z0-9]{8,}"  # x-ai
    r"|AIza[A-Za-z0-9_\-]{20,}"  # Google
    r"|(?i:bearer)\s+[A-Za-z0-9._\-]{8,})"
)


class Secret:
    """A key that never prints itself (repr, str, f-strings, tracebacks' locals)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself: only for handing to an SDK client."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        # Equal keys make equal provider configs, so the engine reuses its SDK client (and
        # its warm connection) instead of building one per call.
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, hashlib.sha256(self._value.encode()).digest()))

    def __repr__(self) -> str:
        return "Secret([redacted])"

    __str__ = __repr__


def redact(text: str, secrets: Iterable[Secret | str] = ()) -> str:
    """``text`` with every known secret and anything key-shaped replaced by a mask."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value and len(value) >= 4:
            text = text.replace(value, MASK)
    return _KEY_SHAPES.sub(MASK, text)
