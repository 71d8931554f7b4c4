"""Where a model's calls go: base URL, key, timeout, wire format — and whether AI is on.

Read from the standard environment variables (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``, ``GEMINI_API_KEY``, ``OLLAMA_HOST``, and each
hosted provider's usual ``*_API_KEY``) and from the user-level ``providers`` settings
(``base_url``, ``api_key_env``, ``timeout``). Never from the project folder: settings
already drop a project's ``providers`` section, and nothing here reads project files.

A provider is *configured* — AI is on for it — when its key variable is set, or (local
servers and the writer's own providers, which need no key) when the writer named it in
``providers`` (or set ``OLLAMA_HOST``). Until then every AI action says how to configure one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from writers_tui.ai.errors import NotConfigured
from writers_tui.ai.redact import Secret
from writers_tui.config import Settings
from writers_tui.model_names import LOCAL_PROVIDERS, split_model_name

Wire = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class Endpoint:
    """A provider's defaults: its wire format, API root and key variable."""

    wire: Wire
    base_url: str
    key_env: str | None  # None: no key needed (local servers)
    url_env: str | None = None
    #: Whether the server honours ``stream_options.include_usage`` (sent only if so).
    stream_usage: bool = True


ENDPOINTS: dict[str, Endpoint] = {
    "openai": Endpoint("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "anthropic": Endpoint(
        "anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"
    ),
    "gemini": Endpoint(
        "openai", "https://generativelanguage.googleapis.com/v1beta/openai/", "GEMINI_API_KEY"
    ),
    "google": Endpoint(
        "openai", "https://generativelanguage.googleapis.com/v1beta/openai/", "GEMINI_API_KEY"
    ),
    "openrouter": Endpoint("openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "groq": Endpoint("openai", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
    "mistral": Endpoint("openai", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
    "deepseek": Endpoint("openai", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
    "together": Endpoint("openai", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
    "x-ai": Endpoint("openai", "https://api.x.ai/v1", "XAI_API_KEY"),
    "ollama": Endpoint("openai", "http://localhost:11434/v1", None, "OLLAMA_HOST"),
    "llamacpp": Endpoint("openai", "http://localhost:8080/v1", None),
    "lmstudio": Endpoint("openai", "http://localhost:1234/v1", None),
    "vllm": Endpoint("openai", "http://localhost:8000/v1", None),
}

#: A model to use when the writer configured a provider but chose no model for the stage.
DEFAULT_MODELS: dict[str, str] = {
    "openai": "openai/gpt-4o-mini",
    "anthropic": "anthropic/claude-haiku-4-5",
    "gemini": "gemini/gemini-2.0-flash",
    "mistral": "mistral/mistral-small-latest",
    "deepseek": "deepseek/deepseek-chat",
}

HOW_TO_CONFIGURE = (
    "AI is off: no provider is configured. Set an API key (e.g. export OPENAI_API_KEY=… or "
    "ANTHROPIC_API_KEY=…), or name a local server under 'providers' in your user config "
    '(e.g. {"providers": {"ollama": {}}}); see docs/ai.md.'
)

#: SDKs insist on some key; local servers ignore it.
_NO_KEY = "not-needed"


@dataclass(frozen=True)
class ProviderConfig:
    """Everything needed to call one provider; the key is a :class:`Secret`."""

    name: str
    wire: Wire
    base_url: str
    api_key: Secret
    key_env: str | None
    timeout: float
    local: bool
    stream_usage: bool

    @property
    def secrets(self) -> tuple[Secret, ...]:
        return (self.api_key,) if self.key_env else ()


def _ollama_url(host: str) -> str:
    """``OLLAMA_HOST`` is ``host:port`` or a URL; the OpenAI-compatible API is under /v1."""
    url = host if host.startswith(("http://", "https://")) else f"http://{host}"
    return url.rstrip("/") + "/v1"


def _endpoint(name: str, settings: Settings) -> Endpoint | None:
    known = ENDPOINTS.get(name)
    if known is not None:
        return known
    if name in settings.providers:  # the writer's own OpenAI-compatible server
        return Endpoint("openai", "", None, stream_usage=True)
    return None


def provider_config(
    name: str, settings: Settings, environ: Mapping[str, str] | None = None
) -> ProviderConfig:
    """The configuration for provider ``name``; :class:`NotConfigured` when AI is off for it."""
    env = os.environ if environ is None else environ
    endpoint = _endpoint(name, settings)
    own = settings.providers.get(name)
    if endpoint is None:
        raise NotConfigured(f"no provider named {name!r} is configured. {HOW_TO_CONFIGURE}")
    key_env = (own.api_key_env if own else None) or endpoint.key_env
    key = env.get(key_env, "") if key_env else ""
    from_env = env.get(endpoint.url_env, "") if endpoint.url_env else ""
    if own is not None and own.base_url:
        base_url = own.base_url
    elif from_env:
        base_url = _ollama_url(from_env) if name == "ollama" else from_env
    else:
        base_url = endpoint.base_url
    if not base_url:
        raise NotConfigured(f"providers.{name} needs a base_url in your user config")
    needs_key = key_env is not None and name not in LOCAL_PROVIDERS
    if needs_key and not key:
        raise NotConfigured(
            f"{name} needs an API key: set {key_env} (or providers.{name}.api_key_env in your "
            "user config to the variable that holds it)"
        )
    if not needs_key and own is None and not from_env:
        raise NotConfigured(
            f"{name} is a local server: name it under 'providers' in your user config "
            f'(e.g. {{"providers": {{"{name}": {{}}}}}}) to turn it on'
        )
    return ProviderConfig(
        name=name,
        wire=endpoint.wire,
        base_url=base_url,
        api_key=Secret(key or _NO_KEY),
        key_env=key_env if key else None,
        timeout=own.timeout if own is not None else 60.0,
        local=name in LOCAL_PROVIDERS,
        stream_usage=endpoint.stream_usage,
    )


def for_model(
    model: str, settings: Settings, environ: Mapping[str, str] | None = None
) -> ProviderConfig:
    """The provider configuration for ``provider/model`` (ValueError on a malformed name)."""
    provider, _ = split_model_name(model)
    return provider_config(provider, settings, environ)


def configured_providers(settings: Settings, environ: Mapping[str, str] | None = None) -> list[str]:
    """Providers AI is on for, in a stable order (known ones first, then the writer's)."""
    names = [*ENDPOINTS, *sorted(set(settings.providers) - set(ENDPOINTS))]
    found = []
    for name in names:
        try:
            provider_config(name, settings, environ)
        except NotConfigured:
            continue
        if name == "google" and "gemini" in found:
            continue
        found.append(name)
    return found


def default_model(
    settings: Settings, stage: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The model to use: the stage's preference, any preference, or a configured default."""
    preferences = {str(s.value): m for s, m in settings.model_preferences.items()}
    if stage and stage in preferences:
        return preferences[stage]
    if preferences:
        return next(iter(preferences.values()))
    for name in configured_providers(settings, environ):
        if name in DEFAULT_MODELS:
            return DEFAULT_MODELS[name]
    configured = configured_providers(settings, environ)
    if configured:
        raise NotConfigured(
            f"choose a model for {configured[0]} (--model {configured[0]}/MODEL, or "
            "model_preferences in settings)"
        )
    raise NotConfigured(HOW_TO_CONFIGURE)
