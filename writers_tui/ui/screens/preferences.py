"""Preferences (F8): the project's settings, validated, saved and applied at once.

Every change goes through ``workspace.update_setting(key, value)``: the Settings model
validates it against every source, the project's ``.session/preferences.json`` is written
durably, and the workspace publishes ``SettingsChanged`` so the app re-applies the theme
and the keymap without a restart. A bad value is one line naming the key, and nothing is
saved. Settings only the user level may set (providers, editor) are shown read-only with
where they live: a project folder is untrusted and must not change them.

Sections on the left (up/down), their fields on the right (tab, enter saves a field):

* Writing — auto-save interval, daily and project word goals, readability target;
* Models — ``provider/model`` per stage;
* Theme — moving the highlight previews a theme, enter keeps it, escape reverts;
* Budget — daily/weekly/monthly limits and the AI confirm threshold;
* Keys — every binding id with its keys; enter edits one, conflicts are shown first;
* User config — the user-level settings, read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from writers_tui import paths
from writers_tui.config import BINDING_IDS, SettingsError, Stage
from writers_tui.ui.keymap_edit import (
    BindingRow,
    KeysError,
    binding_rows,
    conflicts,
    describe_keys,
    parse_keys,
    reserved_keys,
)
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.stages import place

Kind = Literal["int", "float", "money", "model"]


@dataclass(frozen=True)
class FieldSpec:
    """One editable setting: its dotted key, label, value kind and a help line."""

    key: str
    label: str
    kind: Kind
    help: str
    optional: bool = False  # blank saves "none" (no goal, no limit)


WRITING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("autosave_interval", "Auto-save every (s)", "float", "seconds, 1–3600"),
    FieldSpec("goals.daily_words", "Daily word goal", "int", "words a day; 0: no daily goal"),
    FieldSpec(
        "goals.project_words",
        "Project word goal",
        "int",
        "the finished manuscript; blank: none",
        optional=True,
    ),
    FieldSpec(
        "analysis.target_reading_ease",
        "Readability target",
        "float",
        "Flesch reading ease, 0–120 (60–70: plain adult fiction)",
    ),
)

MODEL_FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(
        f"model_preferences.{stage.value}",
        stage.value.title(),
        "model",
        "provider/model, e.g. anthropic/claude-sonnet-4-5",
    )
    for stage in Stage
)

BUDGET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("budget.daily_limit", "Daily limit ($)", "money", "blank: no limit", True),
    FieldSpec("budget.weekly_limit", "Weekly limit ($)", "money", "blank: no limit", True),
    FieldSpec("budget.monthly_limit", "Monthly limit ($)", "money", "blank: no limit", True),
    FieldSpec(
        "ai.confirm_threshold",
        "Confirm AI calls over ($)",
        "money",
        "ask first when a call is estimated to cost more",
    ),
)

ALL_FIELDS: dict[str, FieldSpec] = {
    spec.key: spec for spec in (*WRITING_FIELDS, *MODEL_FIELDS, *BUDGET_FIELDS)
}

SECTIONS: tuple[tuple[str, str], ...] = (
    ("writing", "Writing & goals"),
    ("models", "Models"),
    ("theme", "Theme"),
    ("budget", "Budget & AI"),
    ("keys", "Keys"),
    ("user", "User config (read-only)"),
)


class ValueError_(ValueError):
    """A field's text is not a value of its kind (shown as one line, nothing saved)."""


def input_id(key: str) -> str:
    return "set-" + key.replace(".", "-").replace("_", "-")


def setting_value(settings: Any, key: str) -> Any:
    """The current value of a dotted key (``model_preferences.writing`` reads the dict)."""
    value: Any = settings
    for part in key.split("."):
        if isinstance(value, dict):
            value = next((v for k, v in value.items() if str(getattr(k, "value", k)) == part), None)
        else:
            value = getattr(value, part, None)
    return value


def shown(value: Any) -> str:
    """A value as its field shows it (blank for none)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):  # money is kept to 8 places: show it as it was typed
        text = f"{value.normalize():f}"
        return text if "." not in text or len(text.split(".")[1]) >= 2 else f"{value:.2f}"
    return str(value)


def parse_field(spec: FieldSpec, text: str) -> Any:
    """The value to save for a field's text; :class:`ValueError_` naming the key if bad."""
    text = text.strip()
    if not text:
        if spec.optional:
            return None
        if spec.kind == "model":
            raise ValueError_(
                f"{spec.key}: type provider/model (clearing a stage's model is not offered yet)"
            )
        raise ValueError_(f"{spec.key}: a value is needed")
    try:
        if spec.kind == "int":
            return int(text.replace(",", "").replace("_", ""))
        if spec.kind == "float":
            return float(text)
        if spec.kind == "money":
            amount = Decimal(text.lstrip("$"))
            if not amount.is_finite():
                raise InvalidOperation
            return str(amount)
    except (ValueError, InvalidOperation) as error:
        what = {"int": "a whole number", "float": "a number", "money": "an amount"}[spec.kind]
        raise ValueError_(f"{spec.key}: {what} is needed (got {text!r})") from error
    return text


class PreferencesScreen(StudioScreen):
    """The Preferences place (F8)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back / revert", show=True),
    ]

    DEFAULT_CSS = """
    PreferencesScreen #prefs { height: 1fr; }
    PreferencesScreen #prefs-sections {
        width: 28;
        height: 1fr;
        border: round $panel;
        background: $surface;
    }
    PreferencesScreen #prefs-sections:focus { border: round $primary; }
    PreferencesScreen #prefs-body { width: 1fr; height: 1fr; padding: 0 1; }
    PreferencesScreen #prefs-heading { text-style: bold; color: $primary; height: 1; }
    PreferencesScreen #prefs-where { color: $text-muted; height: 1; margin-bottom: 1; }
    PreferencesScreen #prefs-panes { height: 1fr; }
    PreferencesScreen .pane { height: 1fr; }
    PreferencesScreen .field-row { height: 3; }
    PreferencesScreen .field-label { width: 26; padding: 1 1 0 0; }
    PreferencesScreen .field-row Input { width: 34; }
    PreferencesScreen .field-help { width: 1fr; color: $text-muted; padding: 1 0 0 1; }
    PreferencesScreen .pane-note { color: $text-muted; margin-bottom: 1; }
    PreferencesScreen #theme-list { height: 1fr; max-height: 24; border: round $panel; }
    PreferencesScreen #theme-list:focus { border: round $primary; }
    PreferencesScreen #keys-table { height: 1fr; }
    PreferencesScreen #key-editor { height: auto; display: none; }
    PreferencesScreen #key-editor.-editing { display: block; }
    PreferencesScreen #key-editor Input { width: 40; }
    PreferencesScreen #user-settings { color: $text; }
    PreferencesScreen #prefs-message { height: 1; margin-top: 1; }
    PreferencesScreen #prefs-message.-error { color: $error; text-style: bold; }
    PreferencesScreen #prefs-message.-warning { color: $warning; }
    PreferencesScreen #prefs-message.-ok { color: $success; }
    PreferencesScreen #prefs-hint { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(place("preferences"))
        self.settings: Any = None
        self._saved_theme: str | None = None
        self._editing_id: str | None = None
        self._pending_keys: tuple[str, str] | None = None  # (id, keys) confirmed by enter
        #: What the last save attempt ended with, for tests and the hint line.
        self.last_result: tuple[Literal["ok", "error"], str] | None = None

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.settings = self.studio.settings
        with Horizontal(id="prefs"):
            yield OptionList(
                *(Option(title, id=section) for section, title in SECTIONS), id="prefs-sections"
            )
            with Vertical(id="prefs-body"):
                yield Label("Preferences", id="prefs-heading")
                yield Static(
                    "Saved in this project (.session/preferences.json) and applied at once.",
                    id="prefs-where",
                )
                with ContentSwitcher(initial="pane-writing", id="prefs-panes"):
                    with VerticalScroll(id="pane-writing", classes="pane"):
                        yield from self._field_rows(WRITING_FIELDS)
                    with VerticalScroll(id="pane-models", classes="pane"):
                        yield Static(
                            "The model each stage uses for AI help (AI help comes in a later "
                            "version; the choice is kept).",
                            classes="pane-note",
                        )
                        yield from self._field_rows(MODEL_FIELDS)
                    with Vertical(id="pane-theme", classes="pane"):
                        yield Static(
                            "Moving the highlight previews a theme; enter keeps it, escape "
                            "goes back to the saved one.",
                            classes="pane-note",
                        )
                        yield OptionList(id="theme-list")
                    with VerticalScroll(id="pane-budget", classes="pane"):
                        yield from self._field_rows(BUDGET_FIELDS)
                    with Vertical(id="pane-keys", classes="pane"):
                        yield Static(
                            "Enter edits the highlighted binding; a key held by two bindings "
                            "is shown before anything is saved.",
                            classes="pane-note",
                        )
                        yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
                        with Vertical(id="key-editor"):
                            yield Label("", id="key-editor-label")
                            yield Input(id="key-input", placeholder="e.g. ctrl+w, f10")
                    with VerticalScroll(id="pane-user", classes="pane"):
                        yield Static("", id="user-settings")
                yield Static("", id="prefs-message")
                yield Static("", id="prefs-hint")
        yield from self.compose_status()

    def _field_rows(self, specs: tuple[FieldSpec, ...]) -> ComposeResult:
        for spec in specs:
            with Horizontal(classes="field-row"):
                yield Label(spec.label, classes="field-label")
                yield Input(
                    shown(setting_value(self.settings, spec.key)),
                    placeholder=spec.help if spec.kind == "model" else "",
                    id=input_id(spec.key),
                    name=spec.key,
                )
                yield Static(spec.help, classes="field-help")

    def on_mount(self) -> None:
        super().on_mount()
        self._saved_theme = self.app.theme
        self._fill_themes()
        self._fill_keys()
        self._fill_user_settings()
        self.query_one("#prefs-sections", OptionList).focus()
        self._hint("writing")

    def on_screen_suspend(self) -> None:
        self._revert_theme()

    # -- sections ---------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#prefs-sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        section = event.option.id or "writing"
        self._revert_theme()
        self.query_one(ContentSwitcher).current = f"pane-{section}"
        self._hint(section)

    @on(OptionList.OptionSelected, "#prefs-sections")
    def _section_chosen(self, event: OptionList.OptionSelected) -> None:
        pane = self.query_one(f"#pane-{event.option.id}")
        targets = [w for w in pane.query("Input, OptionList, DataTable") if w.focusable]
        if targets:
            targets[0].focus()

    def show_section(self, section: str) -> None:
        """Highlight and open a section (``"theme"``, ``"keys"`` …), e.g. from the palette."""
        sections = self.query_one("#prefs-sections", OptionList)
        sections.highlighted = [option.id for option in sections.options].index(section)
        sections.action_select()

    def _hint(self, section: str) -> None:
        hints = {
            "theme": "↑↓ preview · enter keep · esc revert and back",
            "keys": "↑↓ choose · enter edit keys · esc back",
            "user": "esc back",
        }
        text = hints.get(section, "tab next field · enter saves the field · esc back")
        self.query_one("#prefs-hint", Static).update(
            f"↑↓ sections · enter or tab opens one · {text}"
        )

    def action_back(self) -> None:
        """Escape: cancel a key edit, else revert a theme preview, else back to the sections."""
        if self._editing_id is not None:
            self._close_key_editor()
            self._say("warning", "Key edit cancelled; nothing saved.")
            return
        if self._revert_theme():
            self._say("warning", f"Theme preview reverted to {self._saved_theme}.")
        self.query_one("#prefs-sections", OptionList).focus()

    # -- saving -----------------------------------------------------------------------

    def _say(self, kind: Literal["ok", "error", "warning"], text: str) -> None:
        message = self.query_one("#prefs-message", Static)
        message.set_classes(f"-{kind}")
        mark = {"ok": "✓", "error": "✗", "warning": "!"}[kind]
        message.update(f"{mark} {text}")

    def _clean(self, text: str) -> str:
        """One line, with this project's and the user's folders written short."""
        line = text.splitlines()[0] if text else text
        workspace = self.studio.workspace
        if workspace is not None:
            line = line.replace(f"{workspace.root}/", "").replace(str(workspace.root), ".")
        home = str(Path.home())
        return line.replace(home, "~") if home not in ("", "/") else line

    def save(
        self,
        key: str,
        value: Any,
        done: Callable[[Any], None] | None = None,
        *,
        failed: Callable[[], object] | None = None,
    ) -> None:
        """Save one setting in a worker; the message line says how it went.

        ``done(settings)`` runs after a save, ``failed()`` after a refusal.
        """
        self._save(key, value, done, failed)

    @work(group="preferences-save", exit_on_error=False)
    async def _save(
        self,
        key: str,
        value: Any,
        done: Callable[[Any], None] | None,
        failed: Callable[[], object] | None,
    ) -> None:
        workspace = self.studio.workspace
        update = getattr(workspace, "update_setting", None)
        if workspace is None or update is None:
            self._fail("Saving settings needs Workspace.update_setting, missing in this build.")
            return
        try:
            settings = await update(key, value)
        except SettingsError as error:
            self._fail(self._clean(str(error)))
        except PermissionError:  # ReadOnlyError: the project is open elsewhere
            self._fail("Read-only: this project is open in another window; nothing was saved.")
        else:
            self._saved(key, value, settings, done)
            return
        if failed is not None:
            failed()

    def _saved(
        self, key: str, value: Any, settings: Any, done: Callable[[Any], None] | None
    ) -> None:
        self.settings = settings
        text = f"Saved {key} = {shown(value) or 'none'}; applied."
        self.last_result = ("ok", text)
        self._say("ok", text)
        if done is not None:
            done(settings)

    def _fail(self, text: str) -> None:
        if "saved" not in text:
            text = f"{text.rstrip('.')}; not saved."
        self.last_result = ("error", text)
        self._say("error", text)

    @on(Input.Submitted, ".field-row Input")
    def _field_submitted(self, event: Input.Submitted) -> None:
        key = event.input.name or ""
        spec = ALL_FIELDS.get(key)
        if spec is None:
            return
        try:
            value = parse_field(spec, event.value)
        except ValueError_ as error:
            self._fail(str(error))
            return

        def refill(settings: Any) -> None:
            event.input.value = shown(setting_value(settings, key))

        self.save(key, value, refill)

    # -- theme ------------------------------------------------------------------------

    def _fill_themes(self) -> None:
        themes = self.app.available_themes
        saved = self._saved_theme
        options = []
        for name in sorted(themes):
            tone = "dark" if themes[name].dark else "light"
            mark = "● " if name == saved else "  "
            options.append(Option(f"{mark}{name}  ({tone})", id=name))
        listing = self.query_one("#theme-list", OptionList)
        listing.clear_options()
        listing.add_options(options)
        if saved in themes:
            listing.highlighted = sorted(themes).index(saved)

    @on(OptionList.OptionHighlighted, "#theme-list")
    def _preview_theme(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name and event.option_list.has_focus and name != self.app.theme:
            self.app.theme = name

    @on(OptionList.OptionSelected, "#theme-list")
    def _keep_theme(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if not name:
            return
        self.app.theme = name

        def kept(settings: Any) -> None:
            self._saved_theme = name
            self._fill_themes()

        self.save("theme", name, kept, failed=self._revert_theme)

    def _revert_theme(self) -> bool:
        """Undo a preview (True if there was one)."""
        saved = self._saved_theme
        if saved is not None and self.app.theme != saved and saved in self.app.available_themes:
            self.app.theme = saved
            if self.is_mounted:
                self._fill_themes()
            return True
        return False

    # -- keys -------------------------------------------------------------------------

    def _keymap(self) -> dict[str, str]:
        return dict(getattr(self.settings, "keymap", {}) or {})

    def _rows(self, keymap: dict[str, str] | None = None) -> list[BindingRow]:
        return binding_rows(type(self.app).BINDINGS, BINDING_IDS, self._keymap() | (keymap or {}))

    def _fill_keys(self) -> None:
        table = self.query_one("#keys-table", DataTable)
        if not table.columns:
            table.add_columns("Action", "Binding id", "Keys", "Conflicts")
        cursor = table.cursor_row
        table.clear()
        rows = self._rows()
        clashes = conflicts({row.binding_id: row.keys for row in rows}, self._reserved())
        for row in rows:
            held = [
                f"{describe_keys(key)} also {', '.join(i for i in ids if i != row.binding_id)}"
                for key, ids in clashes.items()
                if row.binding_id in ids
            ]
            keys = describe_keys(row.keys) + (" (changed)" if row.remapped else "")
            table.add_row(
                row.description,
                row.binding_id,
                keys,
                "⚠ " + "; ".join(held) if held else "",
                key=row.binding_id,
            )
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))

    def _reserved(self) -> set[str]:
        return reserved_keys(type(self.app).BINDINGS)

    @on(DataTable.RowSelected, "#keys-table")
    def _edit_key(self, event: DataTable.RowSelected) -> None:
        binding_id = str(event.row_key.value)
        row = next(r for r in self._rows() if r.binding_id == binding_id)
        self._editing_id = binding_id
        self._pending_keys = None
        self.query_one("#key-editor-label", Label).update(
            f"New keys for {row.description} ({binding_id}), comma-separated; "
            f"blank: back to {describe_keys(row.default)}. Enter saves, esc cancels."
        )
        editor = self.query_one("#key-editor")
        editor.add_class("-editing")
        field = self.query_one("#key-input", Input)
        field.value = row.keys
        field.focus()

    def _close_key_editor(self) -> None:
        self._editing_id = None
        self._pending_keys = None
        self.query_one("#key-editor").remove_class("-editing")
        self.query_one("#keys-table", DataTable).focus()

    def key_conflicts(self, binding_id: str, keys: str) -> dict[str, list[str]]:
        """The conflicts ``binding_id`` → ``keys`` would create (keys in long form)."""
        proposed = {row.binding_id: row.keys for row in self._rows({binding_id: keys})}
        found = conflicts(proposed, self._reserved())
        return {key: ids for key, ids in found.items() if binding_id in ids}

    @on(Input.Submitted, "#key-input")
    def _key_submitted(self, event: Input.Submitted) -> None:
        binding_id = self._editing_id
        if binding_id is None:
            return
        row = next(r for r in self._rows() if r.binding_id == binding_id)
        try:
            keys = parse_keys(event.value) if event.value.strip() else row.default
        except KeysError as error:
            self._fail(f"keymap.{binding_id}: {error}")
            return
        clashes = self.key_conflicts(binding_id, keys)
        if clashes and self._pending_keys != (binding_id, keys):
            self._pending_keys = (binding_id, keys)
            said = "; ".join(
                f"{describe_keys(key)} is also "
                + ", ".join(
                    "the app (reserved)" if i == "(app)" else i for i in ids if i != binding_id
                )
                for key, ids in clashes.items()
            )
            self._say("warning", f"Conflict: {said}. Enter again saves anyway, esc cancels.")
            return

        def saved(settings: Any) -> None:
            self._close_key_editor()
            self._fill_keys()

        self.save(f"keymap.{binding_id}", keys, saved)

    # -- user-level settings ------------------------------------------------------------

    def _fill_user_settings(self) -> None:
        settings = self.settings
        where = self._clean(str(paths.user_config_file()))
        lines = [
            "Providers and editor settings live in your user config file:",
            f"  {where}",
            "A project cannot change them (a project folder may come from anyone). Edit that",
            "file; the change applies the next time writers-tui starts.",
            "",
            "Providers:",
        ]
        providers = dict(getattr(settings, "providers", {}) or {})
        if not providers:
            lines.append("  none defined (the known providers work with their usual keys)")
        for name, provider in sorted(providers.items()):
            url = getattr(provider, "base_url", None) or "default URL"
            key = getattr(provider, "api_key_env", None) or "default key variable"
            lines.append(f"  {name}: {url} · key from ${key}")
        editor = getattr(settings, "editor", None)
        outside = getattr(editor, "allow_outside_symlinks", False)
        lines += [
            "",
            "Editor:",
            f"  open links that lead outside the project: {'yes' if outside else 'no'}",
        ]
        self.query_one("#user-settings", Static).update("\n".join(lines))
