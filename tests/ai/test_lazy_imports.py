"""The AI SDKs (about a second to import) load only when a provider client is built."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SDKS = ("openai", "anthropic", "httpx", "httpx2")


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_engine_imports_no_sdk() -> None:
    out = _python(
        "import writers_tui.ai.engine, writers_tui.ai.operations, sys; "
        "print(sorted(m for m in ('openai','anthropic','httpx') if m in sys.modules))"
    )
    assert out == "[]"


def test_no_ai_module_imports_an_sdk_or_httpx2_itself() -> None:
    """httpx2 may come in with genai-prices (the pricing tables' updater), never from us."""
    out = _python(
        """
        import json, sys

        WATCHED = ("openai", "anthropic", "httpx", "httpx2")
        importers = {}

        class Spy:
            def find_spec(self, name, path=None, target=None):
                if name in WATCHED and name not in importers:
                    frame = sys._getframe(1)
                    while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
                        frame = frame.f_back
                    importers[name] = frame.f_globals.get("__name__") if frame else None
                return None

        sys.meta_path.insert(0, Spy())
        import writers_tui.ai.engine, writers_tui.ai.operations, writers_tui.ai.errors
        import writers_tui.ai.providers, writers_tui.ai.budget, writers_tui.ai.client
        import writers_tui.ai.retry, writers_tui.ai.recording, writers_tui.ai.tokens
        print(json.dumps(importers))
        """
    )
    importers = json.loads(out)
    assert not {"openai", "anthropic", "httpx"} & set(importers)
    assert all(not (who or "").startswith("writers_tui") for who in importers.values()), importers


@pytest.mark.parametrize(
    ("provider", "loaded", "absent"),
    [("openai", "openai", "anthropic"), ("anthropic", "anthropic", "openai")],
)
def test_building_a_client_imports_its_sdk_only(provider: str, loaded: str, absent: str) -> None:
    key = f"{provider.upper()}_API_KEY"
    out = _python(
        f"""
        import sys
        from writers_tui.ai.client import ProviderClient
        from writers_tui.ai.providers import for_model
        from writers_tui.config import Settings

        before = [m for m in ("openai", "anthropic") if m in sys.modules]
        config = for_model("{provider}/some-model", Settings(), {{"{key}": "k"}})
        ProviderClient(config)
        print(before, "{loaded}" in sys.modules, "{absent}" in sys.modules)
        """
    )
    assert out == "[] True False"


def test_mapping_an_error_imports_no_sdk() -> None:
    """from_sdk looks only at loaded SDKs: a ValueError maps without importing any."""
    out = _python(
        """
        import sys
        from writers_tui.ai.errors import from_sdk, parse_retry_after

        mapped = from_sdk(ValueError("bad json"), "openai", "http://x")
        wait = parse_retry_after({"retry-after-ms": "1500"})
        print(mapped.kind, wait, sorted(m for m in ("openai", "anthropic") if m in sys.modules))
        """
    )
    assert out == "bad_response 1.5 []"


def test_sdk_errors_still_map_once_the_sdks_are_loaded() -> None:
    import anthropic
    import httpx2
    import openai

    from writers_tui.ai.errors import ProviderError, from_sdk

    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat")
    response = httpx2.Response(429, headers={"retry-after": "2"}, request=request)
    cases: list[tuple[BaseException, str]] = [
        (openai.RateLimitError("slow", response=response, body=None), "rate_limited"),
        (anthropic.APITimeoutError(request=request), "timeout"),
        (openai.APIConnectionError(request=request), "unreachable"),
        (httpx2.ReadError("gone", request=request), "cut"),
        (httpx2.ConnectError("refused", request=request), "unreachable"),
        (httpx2.ReadTimeout("slow", request=request), "timeout"),
        (ProviderError("already one", kind="server"), "server"),
    ]
    for error, kind in cases:
        mapped = from_sdk(error, "openai", "http://127.0.0.1:9/v1")
        assert mapped.kind == kind, (error, mapped)
    limited = from_sdk(cases[0][0], "openai", "u")
    assert limited.status == 429 and limited.retry_after == 2.0
    with pytest.raises(KeyError):
        from_sdk(KeyError("a bug"), "openai", "u")  # not a provider failure: re-raised
