"""What can go wrong with an AI call, as typed exceptions with one-line messages.

A provider error is never text in the stream: the stream raises, the caller shows the
message beside the manuscript, never inside it. Every message has been through
:func:`~writers_tui.ai.redact.redact`. The SDKs' exceptions are mapped here, in one place,
so the rest of the engine never imports them.

The SDKs are heavy (about a second to import both), so this module does not import them:
:func:`from_sdk` looks only at the SDKs already loaded — an SDK's exception cannot exist
before its SDK was imported (by :mod:`writers_tui.ai.client` building a provider client).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from writers_tui.ai.redact import Secret, redact

if TYPE_CHECKING:
    from writers_tui.ai.budget import BudgetCheck

ErrorKind = Literal[
    "auth",  # 401/403: the key is missing, wrong or not allowed
    "not_found",  # 404: wrong model name or base URL
    "rate_limited",  # 429 after our retries
    "server",  # 5xx after our retries
    "timeout",
    "unreachable",  # connection refused, DNS, TLS: the server is down or the URL wrong
    "bad_request",  # 400/422: the provider refused the request
    "bad_response",  # a malformed chunk or body
    "cut",  # the connection dropped mid-answer
]

#: Status codes worth retrying: rate limits and the server's own trouble.
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


class AIError(Exception):
    """Base of every error the engine raises; ``str()`` is one line for the writer."""


class NotConfigured(AIError):
    """No provider is set up for this model (AI stays off until one is)."""


class NotRecordable(AIError):
    """The call's cost could not be put on record (disk full, an unsafe folder): not sent."""


class ConfirmationRequired(AIError):
    """The estimate is above the confirm threshold and the caller did not confirm it."""


class BudgetExceeded(AIError):
    """The call would break a budget limit (reservations included) and was not overridden."""

    def __init__(self, message: str, check: BudgetCheck) -> None:
        super().__init__(message)
        self.check = check  # each limit as the call would leave it (for the dialog)


@dataclass(frozen=True)
class _Details:
    kind: ErrorKind
    status: int | None
    retry_after: float | None


class ProviderError(AIError):
    """The provider failed; ``kind`` says how, ``retry_after`` is what the server asked."""

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limited", "server")


class Headers(Protocol):
    """What :func:`parse_retry_after` needs of response headers (``httpx2.Headers``, a dict)."""

    def get(self, key: str, /) -> str | None: ...


def parse_retry_after(headers: Headers | None) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``Retry-After``)."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    seconds = headers.get("retry-after")
    if not seconds:
        return None
    try:
        return max(0.0, float(seconds))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    from writers_tui.values import utc_now

    try:
        when = parsedate_to_datetime(seconds)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - utc_now()).total_seconds())


def _provider_message(body: object) -> str:
    """The provider's own short explanation, if its error body has one."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    if isinstance(body, str):
        try:
            return _provider_message(json.loads(body))
        except ValueError:
            return body
    return ""


def _status_error(
    provider: str, status: int, body: object, headers: Headers | None
) -> ProviderError:
    said = " ".join(_provider_message(body).split())[:160]
    detail = f" ({said})" if said else ""
    retry_after = parse_retry_after(headers)
    kind: ErrorKind
    if status in (401, 403):
        kind, text = "auth", f"{provider} refused the API key (HTTP {status}){detail}"
    elif status == 404:
        kind, text = "not_found", f"{provider}: model or URL not found (HTTP 404){detail}"
    elif status == 429:
        kind, text = "rate_limited", f"{provider} is rate limiting us (HTTP 429){detail}"
    elif status >= 500 or status in RETRYABLE_STATUS:
        kind, text = "server", f"{provider} had a server error (HTTP {status}){detail}"
    else:
        kind, text = "bad_request", f"{provider} refused the request (HTTP {status}){detail}"
    return ProviderError(text, kind=kind, status=status, retry_after=retry_after)


def _timeout(provider: str, url: str) -> ProviderError:
    return ProviderError(f"{provider} did not answer in time ({url})", kind="timeout")


def _unreachable(provider: str, url: str) -> ProviderError:
    return ProviderError(
        f"cannot reach {provider} at {url}: is the server running and the URL right?",
        kind="unreachable",
    )


def _malformed(provider: str, error: BaseException) -> ProviderError:
    return ProviderError(f"{provider} sent a malformed answer ({error})", kind="bad_response")


def _map(error: BaseException, provider: str, url: str) -> ProviderError:
    """The ProviderError for ``error``; re-raises what is not an SDK or transport failure.

    Each SDK is consulted only once loaded (see the module's docstring). The hierarchies
    are disjoint (no openai exception is an anthropic or httpx2 one), so checking them one
    SDK at a time — most specific class first — maps exactly as one combined chain would.
    """
    loaded = sys.modules
    if loaded.get("openai") is not None:
        import openai

        if isinstance(error, openai.APIStatusError):
            return _status_error(provider, error.status_code, error.body, error.response.headers)
        if isinstance(error, openai.APITimeoutError):
            return _timeout(provider, url)
        if isinstance(error, openai.APIConnectionError):
            return _unreachable(provider, url)
        if isinstance(error, openai.APIError):
            return _malformed(provider, error)
    if loaded.get("anthropic") is not None:
        import anthropic

        if isinstance(error, anthropic.APIStatusError):
            return _status_error(provider, error.status_code, error.body, error.response.headers)
        if isinstance(error, anthropic.APITimeoutError):
            return _timeout(provider, url)
        if isinstance(error, anthropic.APIConnectionError):
            return _unreachable(provider, url)
        if isinstance(error, anthropic.APIError):
            return _malformed(provider, error)
    if loaded.get("httpx2") is not None:
        import httpx2

        if isinstance(error, httpx2.TimeoutException):
            return _timeout(provider, url)
        if isinstance(error, httpx2.RemoteProtocolError | httpx2.ReadError):
            return ProviderError(f"{provider} dropped the connection mid-answer", kind="cut")
        if isinstance(error, httpx2.TransportError):
            return _unreachable(provider, url)
    if isinstance(error, ValueError):
        return _malformed(provider, error)
    raise error


def from_sdk(
    error: BaseException, provider: str, url: str, secrets: Iterable[Secret] = ()
) -> ProviderError:
    """The one-line, redacted ProviderError for an SDK or transport exception.

    Anything else (a bug, ``KeyboardInterrupt``) is re-raised unchanged.
    """
    mapped = error if isinstance(error, ProviderError) else _map(error, provider, url)
    line = redact(" ".join(str(mapped).split()), secrets)
    return ProviderError(
        line, kind=mapped.kind, status=mapped.status, retry_after=mapped.retry_after
    )
