"""Themes as data files: the packaged ones from ``themes/`` and the writer's own.

A theme is a TOML (or JSON) file — name, dark flag, the base colours Textual derives the
rest from, and optional Textual theme variables (the editor's cursor and selection are
``input-cursor-*`` and ``input-selection-*``; Textual 8.2.8's TextArea reads no
``text-area-*`` variable). Keeping them as data means a writer can copy one, change a
colour and drop it in ``<user config dir>/themes/`` without touching code.

Where the packaged files are: in a source checkout, ``themes/`` at the repository top; in
an installed wheel, ``writers_tui/_themes/`` (hatch ``force-include`` copies the folder
there). :func:`packaged_theme_dir` finds either. A file that cannot be read or does not
validate is a warning naming the file — never a crash — and every other theme still loads.
Textual's built-in themes stay available; a file may not reuse one of their names.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

from writers_tui import paths

__all__ = [
    "THEME_SUFFIXES",
    "LoadedThemes",
    "ThemeFileError",
    "ThemeSpec",
    "load_theme_file",
    "packaged_theme_dir",
    "packaged_themes",
    "register_all",
    "user_theme_dir",
    "user_themes",
]

THEME_SUFFIXES: tuple[str, ...] = (".toml", ".json")

#: A theme file larger than this is refused (a theme is a few hundred bytes).
MAX_THEME_BYTES = 64 * 1024

#: The variables Textual 8.2.8's design system reads (``textual/design.py``). A name not
#: in this list is almost always a typo, so it is refused rather than silently ignored.
KNOWN_VARIABLES: frozenset[str] = frozenset(
    [
        "text",
        "text-muted",
        "text-disabled",
        "primary-muted",
        "secondary-muted",
        "accent-muted",
        "warning-muted",
        "error-muted",
        "success-muted",
        "foreground-muted",
        "foreground-disabled",
        "block-cursor-foreground",
        "block-cursor-background",
        "block-cursor-text-style",
        "block-cursor-blurred-foreground",
        "block-cursor-blurred-background",
        "block-cursor-blurred-text-style",
        "block-hover-background",
        "border",
        "border-blurred",
        "surface-active",
        "scrollbar",
        "scrollbar-hover",
        "scrollbar-active",
        "scrollbar-background",
        "scrollbar-corner-color",
        "scrollbar-background-hover",
        "scrollbar-background-active",
        "link-background",
        "link-background-hover",
        "link-color",
        "link-style",
        "link-color-hover",
        "link-style-hover",
        "footer-foreground",
        "footer-background",
        "footer-key-foreground",
        "footer-key-background",
        "footer-description-foreground",
        "footer-description-background",
        "footer-item-background",
        "input-cursor-background",
        "input-cursor-foreground",
        "input-cursor-text-style",
        "input-selection-background",
        "input-selection-foreground",
        "button-foreground",
        "button-color-foreground",
        "button-focus-text-style",
        "screen-selection-background",
        "screen-selection-foreground",
    ]
)

_TEXT_STYLE_WORDS = frozenset(
    [
        "none",
        "bold",
        "dim",
        "italic",
        "underline",
        "underline2",
        "reverse",
        "strike",
        "blink",
        "not",
    ]
)


class ThemeFileError(ValueError):
    """A theme file cannot be used; the one-line message names the file and the problem."""


def _check_color(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError as error:
        raise ValueError(f"{value!r} is not a colour (#rrggbb, rgb(…), a colour name)") from error
    return value


class ThemeSpec(BaseModel):
    """What a theme file may say. Unknown keys are refused: a typo must not pass quietly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$",
        description="The theme's name; must match the file's name (without .toml/.json).",
    )
    description: str = ""
    dark: bool = True
    primary: str
    secondary: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    variables: dict[str, str] = Field(default_factory=dict)

    @field_validator(
        "primary",
        "secondary",
        "accent",
        "foreground",
        "background",
        "surface",
        "panel",
        "boost",
        "warning",
        "error",
        "success",
    )
    @classmethod
    def _colours(cls, value: str | None) -> str | None:
        return None if value is None else _check_color(value)

    @field_validator("variables")
    @classmethod
    def _variables(cls, value: dict[str, str]) -> dict[str, str]:
        for name, setting in value.items():
            if name not in KNOWN_VARIABLES:
                raise ValueError(f"unknown theme variable {name!r}")
            if name.endswith("-style"):
                if not set(setting.split()) <= _TEXT_STYLE_WORDS:
                    raise ValueError(f"{name}: {setting!r} is not a text style")
            else:
                _check_color(setting)
        return value

    def to_theme(self, name: str) -> Theme:
        return Theme(
            name=name,
            primary=self.primary,
            secondary=self.secondary,
            accent=self.accent,
            foreground=self.foreground,
            background=self.background,
            surface=self.surface,
            panel=self.panel,
            boost=self.boost,
            warning=self.warning,
            error=self.error,
            success=self.success,
            dark=self.dark,
            variables=dict(self.variables),
        )


def _parse(name: str, data: bytes) -> dict[str, Any]:
    if len(data) > MAX_THEME_BYTES:
        raise ValueError(f"larger than {MAX_THEME_BYTES // 1024} KiB")
    text = data.decode("utf-8")
    raw: Any = json.loads(text) if name.endswith(".json") else tomllib.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("expected a table of settings")
    return raw


def load_theme_file(file: Traversable) -> Theme:
    """The theme in ``file`` (a path or a package resource), named by its file name.

    Raises :class:`ThemeFileError` (one line naming the file) for anything wrong with it.
    """
    stem = file.name.rsplit(".", 1)[0]
    try:
        raw = _parse(file.name, file.read_bytes())
        spec = ThemeSpec.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "theme"
        raise ThemeFileError(f"{file}: {where}: {first['msg']}") from error
    except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ThemeFileError(f"{file}: cannot be read as a theme ({error})") from error
    if spec.name is not None and spec.name != stem:
        raise ThemeFileError(
            f"{file}: name {spec.name!r} does not match the file name {stem!r} "
            "(settings name a theme by its file)"
        )
    return spec.to_theme(stem)


def _theme_files(folder: Traversable) -> list[Traversable]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(
        (entry for entry in entries if entry.name.endswith(THEME_SUFFIXES) and entry.is_file()),
        key=lambda entry: entry.name,
    )


def packaged_theme_dir() -> Traversable | None:
    """The packaged themes: ``writers_tui/_themes`` in a wheel, else the checkout's ``themes/``."""
    installed = resources.files("writers_tui").joinpath("_themes")
    if installed.is_dir():
        return installed
    checkout = Path(str(resources.files("writers_tui"))).parent / "themes"
    return checkout if checkout.is_dir() else None


def user_theme_dir() -> Path:
    """Where the writer's own theme files go (``config.user_themes`` lists the same)."""
    return paths.user_config_dir() / "themes"


@dataclass
class LoadedThemes:
    """The themes that loaded and one warning line per file that did not."""

    themes: list[Theme] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _load_folder(folder: Traversable | None, taken: Iterable[str]) -> LoadedThemes:
    loaded = LoadedThemes()
    if folder is None:
        return loaded
    names = set(taken)
    for file in _theme_files(folder):
        try:
            theme = load_theme_file(file)
        except ThemeFileError as error:
            loaded.warnings.append(f"Theme not loaded: {error}")
            continue
        if theme.name in names:
            loaded.warnings.append(
                f"Theme not loaded: {file}: the name {theme.name!r} is already taken"
            )
            continue
        names.add(theme.name)
        loaded.themes.append(theme)
    return loaded


def packaged_themes() -> LoadedThemes:
    """The themes that ship with writers-tui (a warning here is a packaging bug)."""
    return _load_folder(packaged_theme_dir(), BUILTIN_THEMES)


def user_themes(taken: Iterable[str] = ()) -> LoadedThemes:
    """The writer's theme files; names already ``taken`` (built-in, packaged) are refused."""
    return _load_folder(user_theme_dir(), {*BUILTIN_THEMES, *taken})


class _ThemeRegistry(Protocol):
    def register_theme(self, theme: Theme) -> None: ...


def register_all(app: _ThemeRegistry) -> list[str]:
    """Register the packaged and the writer's themes with ``app``; the warnings to show.

    Safe to call before the app runs (``register_theme`` only records the theme), which
    is where the app should call it: before the settings' theme is applied.
    """
    packaged = packaged_themes()
    users = user_themes(theme.name for theme in packaged.themes)
    for theme in [*packaged.themes, *users.themes]:
        app.register_theme(theme)
    return [*packaged.warnings, *users.warnings]
