"""Load and save one JSON document durably, with migration, backup and quarantine.

Loading never crashes and never destroys data (rule 3 of ARCHITECTURE.md):

- a file that does not parse or validate, or that claims a future ``schema_version``, is
  moved aside to ``NAME.corrupt-<timestamp>`` and the ``NAME.bak`` generation is used;
- an older ``schema_version`` is migrated in memory (it is written back on the next save);
- every fallback is reported as a plain-language warning for the writer.

Saving goes through :func:`atomic_write_bytes` and keeps the previous good generation as
``NAME.bak`` (rule 2).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from writers_tui.atomic import (
    UnsafePath,
    atomic_write_bytes,
    backup_path,
    ensure_dir,
    read_file,
    replace_file,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
Migration = Callable[[dict[str, Any]], dict[str, Any]]
Source = Literal["file", "backup", "default"]


class DocumentError(ValueError):
    """A document's content cannot be used (does not parse, validate or is too new)."""


@dataclass
class LoadResult(Generic[ModelT]):
    value: ModelT
    source: Source
    warnings: list[str] = field(default_factory=list)
    migrated_from: int | None = None
    quarantined: list[Path] = field(default_factory=list)


def quarantine(path: Path) -> Path:
    """Move an unusable file aside (never delete it) and return where it went.

    The name is ``NAME.corrupt-<UTC timestamp>``; an existing quarantined file of the same
    name is never replaced (a counter is added), so no earlier evidence is lost.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while os.path.lexists(target):
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    replace_file(path, target)
    return target


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        return f"{where}: {first['msg']}"
    return str(error)


class JsonStore(Generic[ModelT]):
    """One JSON document on disk, typed by a pydantic model.

    ``migrations[v]`` turns a version-``v`` dict into version ``v + 1``; a file without
    ``schema_version`` is version 0 (the seed's shape).
    """

    def __init__(
        self,
        path: Path,
        model: type[ModelT],
        *,
        version: int = 1,
        migrations: dict[int, Migration] | None = None,
        default: Callable[[], ModelT] | None = None,
        preprocess: Callable[[Any], Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.model = model
        self.version = version
        self.migrations = migrations or {}
        self.default = default or model
        self.preprocess = preprocess
        self._disk_is_good = False
        self._save_lock = threading.Lock()

    # -- loading -------------------------------------------------------------------

    def parse(self, data: bytes) -> tuple[ModelT, int | None]:
        """Bytes → model, migrating old versions. Raises :class:`DocumentError`."""
        try:
            # Strict decoding first: json.loads on bytes lets a lone surrogate through
            # (surrogatepass), which would then fail only when the document is written back.
            text = data.decode(json.detect_encoding(data))
            raw = json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise DocumentError(f"not valid JSON ({error})") from error
        try:
            return self._upgrade_and_validate(raw)
        except DocumentError:
            raise
        except ValidationError as error:
            raise DocumentError(_describe(error)) from error
        except Exception as error:
            # A migration or validator meeting a shape nobody foresaw (KeyError, TypeError,
            # decimal.InvalidOperation for 1e400 …) is a bad file, never a crash.
            raise DocumentError(f"cannot be read ({type(error).__name__}: {error})") from error

    def _upgrade_and_validate(self, raw: Any) -> tuple[ModelT, int | None]:
        if self.preprocess is not None:
            raw = self.preprocess(raw)
        if not isinstance(raw, dict):
            raise DocumentError(f"expected a JSON object, found {type(raw).__name__}")
        found = raw.get("schema_version", 0)
        if not isinstance(found, int) or isinstance(found, bool) or found < 0:
            raise DocumentError(f"schema_version {found!r} is not a version number")
        if found > self.version:
            raise DocumentError(
                f"schema_version {found} is newer than this writers-tui understands "
                f"({self.version}); upgrade writers-tui"
            )
        migrated_from = found if found < self.version else None
        for step in range(found, self.version):
            raw = self.migrations.get(step, _bump)(dict(raw))
            raw["schema_version"] = step + 1
        return self.model.model_validate(raw), migrated_from

    def _try(self, path: Path) -> tuple[ModelT, int | None]:
        return self.parse(read_file(path))

    def load(self, *, quarantine_bad: bool = True) -> LoadResult[ModelT]:
        """Read the document, falling back to ``.bak`` and then to a fresh default.

        With ``quarantine_bad=False`` (read-only inspection) nothing on disk is moved.
        """
        warnings: list[str] = []
        moved: list[Path] = []
        name = self.path.name
        candidates: list[tuple[Path, Source]] = [
            (self.path, "file"),
            (backup_path(self.path), "backup"),
        ]
        for candidate, source in candidates:
            try:
                value, migrated_from = self._try(candidate)
            except FileNotFoundError:
                continue
            except OSError as error:
                warnings.append(f"{candidate.name} could not be read: {error.strerror}")
                continue
            except DocumentError as error:
                message = f"{candidate.name} is unusable ({error})"
                if quarantine_bad:
                    try:
                        target = quarantine(candidate)
                    except OSError as move_error:
                        message += f"; could not set it aside: {move_error.strerror}"
                    else:
                        moved.append(target)
                        message += f"; kept as {target.name}"
                warnings.append(message)
                continue
            if source == "backup":
                warnings.append(f"using the previous good version of {name} ({candidate.name})")
            if migrated_from is not None:
                warnings.append(
                    f"{candidate.name} upgraded from schema_version {migrated_from} "
                    f"to {self.version}"
                )
            self._disk_is_good = source == "file"
            return LoadResult(value, source, warnings, migrated_from, moved)
        if warnings:
            warnings.append(f"starting {name} afresh")
        self._disk_is_good = False
        return LoadResult(self.default(), "default", warnings, None, moved)

    # -- saving --------------------------------------------------------------------

    def dump(self, value: ModelT) -> bytes:
        return value.model_dump_json(indent=2).encode("utf-8") + b"\n"

    def save_sync(self, value: ModelT) -> None:
        """Serialize and write durably; blocks on the disk (call from a thread)."""
        data = self.dump(value)
        with self._save_lock:
            keep = self._disk_is_good or self._inspect_before_first_save()
            try:
                atomic_write_bytes(self.path, data, keep_backup=keep)
            except FileNotFoundError:  # the folder is new (or was removed): make it, once
                ensure_dir(self.path.parent)
                atomic_write_bytes(self.path, data, keep_backup=keep)
            self._disk_is_good = True

    def _inspect_before_first_save(self) -> bool:
        """Whether the file about to be replaced is a good generation worth keeping as .bak.

        Until this store has loaded or saved a good file it does not know what is on disk
        (it was never loaded, a read-only load left a bad file in place, or setting it
        aside failed). A good file becomes the ``.bak``; a bad one is set aside first, so
        rule 3 holds: a file that does not parse is never overwritten.
        """
        try:
            self._try(self.path)
        except FileNotFoundError:
            return False
        except UnsafePath:
            raise  # a planted link is refused, never moved aside and replaced in silence
        except (OSError, DocumentError):
            if os.path.lexists(self.path):
                quarantine(self.path)
            return False
        return True

    async def save(self, value: ModelT) -> None:
        """:meth:`save_sync` off the event loop. Pass a snapshot the loop won't mutate."""
        await asyncio.to_thread(self.save_sync, value)


def _bump(raw: dict[str, Any]) -> dict[str, Any]:
    return raw


def _reject_constant(name: str) -> Any:
    """``NaN``/``Infinity`` are not JSON and not money; refuse them at parse time."""
    raise ValueError(f"{name} is not allowed")
