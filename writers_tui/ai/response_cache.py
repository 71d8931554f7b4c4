"""Answers to deterministic requests, kept in ``.session/cache/ai/`` and served at $0.

Only a request with temperature 0 (analysis, critique, scoring) is cached: the same model,
prompt and settings give the same answer, so paying again would be waste. The key is a
SHA-256 of everything the model sees (provider, base URL, model, context, instructions,
messages, length, temperature) — never the API key. Entries are written with
:func:`writers_tui.atomic.atomic_write_text`, so a crash leaves the old entry or the new
one. Every method blocks (disk): call it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from writers_tui.ai.types import AIRequest, Usage
from writers_tui.atomic import atomic_write_text, ensure_dir
from writers_tui.paths import ProjectPaths
from writers_tui.values import utc_now

CACHE_VERSION = 1


def cache_dir(root: Path) -> Path:
    return ProjectPaths(root).session_dir / "cache" / "ai"


@dataclass(frozen=True)
class CachedAnswer:
    key: str
    model: str
    text: str
    usage: Usage  # what the original call used (what a hit saves)
    cost: str  # what the original call cost, as a decimal string
    created_at: str


@dataclass(frozen=True)
class CacheStats:
    entries: int
    bytes: int
    folder: Path


def request_key(request: AIRequest, base_url: str) -> str:
    """A stable hash of what the model sees (and where it is asked)."""
    payload = {
        "v": CACHE_VERSION,
        "base_url": base_url,
        "model": request.model,
        "context": request.context,
        "instructions": request.instructions,
        "messages": [[m.role, m.content] for m in request.messages],
        "max_output_tokens": request.max_output_tokens,
        "temperature": request.temperature,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


class ResponseCache:
    def __init__(self, root: Path) -> None:
        self.folder = cache_dir(root)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedAnswer | None:
        """The cached answer, or None (a missing or unreadable entry is a miss)."""
        try:
            raw: Any = json.loads(self._path(key).read_text(encoding="utf-8"))
            if raw.get("version") != CACHE_VERSION or raw.get("key") != key:
                return None
            return CachedAnswer(
                key=key,
                model=str(raw["model"]),
                text=str(raw["text"]),
                usage=Usage(**raw["usage"]),
                cost=str(raw["cost"]),
                created_at=str(raw["created_at"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, model: str, text: str, usage: Usage, cost: str) -> None:
        path = self._path(key)
        ensure_dir(path.parent)
        document = {
            "version": CACHE_VERSION,
            "key": key,
            "model": model,
            "text": text,
            "usage": asdict(usage),
            "cost": cost,
            "created_at": utc_now().isoformat(),
        }
        atomic_write_text(path, json.dumps(document, ensure_ascii=False))

    def stats(self) -> CacheStats:
        entries = size = 0
        if self.folder.is_dir():
            for path in self.folder.glob("*/*.json"):
                with contextlib.suppress(OSError):
                    size += path.stat().st_size
                    entries += 1
        return CacheStats(entries, size, self.folder)

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        count = self.stats().entries
        if self.folder.is_dir():
            shutil.rmtree(self.folder)
        return count
