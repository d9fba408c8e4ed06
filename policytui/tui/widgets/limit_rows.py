"""Component-limit rows: one row per limit, each a component picker and a whole number.

Modelled on Posting's key/value editor (repeated rows, added and removed from the
keyboard), but every row stays editable in place: the component picker offers the
offering's components minus those other rows already use, and the unit is shown beside
the number so "1000" reads as "1000 core-hours".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from policytui.api import OfferingComponent
from policytui.tui.validation import FieldError, parse_limit
from policytui.tui.widgets.text_input import TextInput


def component_prompt(component: OfferingComponent) -> str:
    """``CPU (cpu, core-hours)``: the name people know, the type the server wants."""
    unit = f", {component.measured_unit}" if component.measured_unit else ""
    return f"{component.label} ({component.type}{unit})"


def limit_problem(text: str) -> str | None:
    """Why ``text`` is not a limit, or None when it is one (or nothing is typed yet)."""
    if not text.strip():
        return None
    try:
        parse_limit(text)
    except FieldError as exc:
        return str(exc)
    return None


class LimitRow(Vertical):
    """One component limit: picker, number, unit, remove button and its error line."""

    def __init__(
        self,
        components: Sequence[OfferingComponent],
        type_: str | None = None,
        limit: str = "",
    ) -> None:
        super().__init__(classes="limit-row")
        self._components = list(components)
        self._initial_type = type_
        self._initial_limit = limit
        #: A type this row held that the current offering lacks (shown as an error).
        self.missing_type: str | None = None
        #: The usage line under the row (the editor's preview) and its level.
        self._usage: tuple[str | None, str] = (None, "")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="limit-line"):
            options = [(Text(component_prompt(c)), c.type) for c in self._components]
            legal = {c.type for c in self._components}
            value = self._initial_type if self._initial_type in legal else Select.NULL
            if self._initial_type and self._initial_type not in legal:
                self.missing_type = self._initial_type
            yield Select(
                options,
                value=value,
                prompt="Component…",
                classes="limit-component",
                compact=True,
            )
            # No `restrict` and no `max_length`: both drop keystrokes without a word
            # ("12.5" became "125"). The box keeps exactly what was typed and the line
            # under the row says why it is not a limit.
            yield TextInput(
                self._initial_limit,
                placeholder="limit",
                classes="limit-value",
                compact=True,
            )
            yield Static("", classes="limit-unit", markup=False)
            yield Button("✕", classes="limit-remove", compact=True, tooltip="Remove (ctrl+r)")
        # The current usage beside the limit as typed (the editor's preview, issue 14).
        yield Static("", classes="limit-usage", markup=False)
        yield Static("", classes="limit-error", markup=False)

    def on_mount(self) -> None:
        self._show_unit()
        self.show_usage(*self._usage)
        if self.missing_type:
            self.show_error(f"{self.missing_type!r} is not a component of this offering.")
        else:
            self.show_error(None)

    @property
    def component_select(self) -> Select[str]:
        return self.query_one(".limit-component", Select)

    @property
    def limit_input(self) -> Input:
        return self.query_one(".limit-value", Input)

    @property
    def type(self) -> str | None:
        value = self.component_select.value
        return value if isinstance(value, str) else None

    @property
    def limit_text(self) -> str:
        return self.limit_input.value

    def set_options(self, components: Sequence[OfferingComponent], taken: set[str]) -> None:
        """Offer ``components`` minus ``taken`` (this row's own choice stays offered)."""
        current = self.type
        self._components = list(components)
        options = [
            (Text(component_prompt(c)), c.type)
            for c in components
            if c.type not in taken or c.type == current
        ]
        select = self.component_select
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current is not None and any(v == current for _, v in options):
                select.value = current
        self._show_unit()

    def show_error(self, message: str | None) -> None:
        error = self.query_one(".limit-error", Static)
        error.update(message or "")
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    def show_usage(self, text: str | None, level: str) -> None:
        """``used this month: 2 400 of 2 000 core-hours: over``; None hides the line.
        ``level`` (over / near / ok / none) is said in the words too, not only in colour."""
        self._usage = (text, level)
        lines = self.query(".limit-usage")
        if not lines:
            return  # not composed yet: shown by on_mount
        line = lines.first(Static)
        line.update(text or "")
        line.display = bool(text)
        for name in ("over", "near"):
            line.set_class(level == name, f"-{name}")

    def _show_unit(self) -> None:
        component = next((c for c in self._components if c.type == self.type), None)
        unit = component.measured_unit if component else ""
        self.query_one(".limit-unit", Static).update(unit)


class LimitRows(Vertical):
    """The set of component-limit rows (at least one is kept on screen)."""

    DEFAULT_CSS = """
    LimitRows { height: auto; }
    LimitRows .limit-row { height: auto; }
    LimitRows .limit-line { height: 1; }
    LimitRows .limit-component { width: 1fr; max-width: 40; }
    LimitRows .limit-value { width: 16; margin: 0 1; }
    LimitRows .limit-unit { width: 12; color: $text-muted; }
    LimitRows .limit-remove { min-width: 3; width: 3; }
    LimitRows .limit-error { color: $error; padding: 0 1; }
    LimitRows .limit-usage { color: $text-muted; padding: 0 1; }
    LimitRows .limit-usage.-near { color: $text-warning; }
    LimitRows .limit-usage.-over { color: $text-error; text-style: bold; }
    """

    class Changed(Message):
        """A row was added, removed, or its component or number changed."""

        def __init__(self, rows: LimitRows) -> None:
            super().__init__()
            self.rows = rows

        @property
        def control(self) -> LimitRows:
            return self.rows

    def __init__(
        self,
        components: Sequence[OfferingComponent] = (),
        limits: Iterable[tuple[str | None, str]] = (),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._components = list(components)
        self._initial = list(limits) or [(None, "")]

    def compose(self) -> ComposeResult:
        for type_, limit in self._initial:
            yield LimitRow(self._components, type_, limit)

    def on_mount(self) -> None:
        self._refresh_options()

    # -- public API -------------------------------------------------------------------

    @property
    def rows(self) -> list[LimitRow]:
        return list(self.query_children(LimitRow))

    def values(self) -> list[tuple[str | None, str]]:
        return [(row.type, row.limit_text) for row in self.rows]

    @property
    def components(self) -> list[OfferingComponent]:
        return list(self._components)

    async def add_row(self, type_: str | None = None, limit: str = "") -> LimitRow:
        """Append a row and focus its picker; with every component used, say so instead."""
        row = LimitRow(self._components, type_, limit)
        await self.mount(row)
        self._refresh_options()
        self._focus_now(row.component_select)
        self.post_message(self.Changed(self))
        return row

    async def remove_row(self, row: LimitRow) -> None:
        """Remove a row; the last row is cleared instead (a policy needs one limit)."""
        rows = self.rows
        if row not in rows:
            return
        index = rows.index(row)
        if len(rows) == 1:
            with row.component_select.prevent(Select.Changed):
                row.component_select.clear()
            row.limit_input.value = ""
            row.missing_type = None
            row.show_error(None)
            self._focus_now(row.component_select)
        else:
            await row.remove()
            rest = self.rows
            self._focus_now(rest[min(index, len(rest) - 1)].component_select)
        self._refresh_options()
        self.post_message(self.Changed(self))

    async def set_components(self, components: Sequence[OfferingComponent]) -> None:
        """Switch to another offering's components; rows keep a type the new one also has."""
        self._components = list(components)
        known = {c.type for c in components}
        for row in self.rows:
            type_ = row.type or row.missing_type
            if type_ and type_ not in known:
                row.missing_type = type_
                with row.component_select.prevent(Select.Changed):
                    row.component_select.clear()
            elif type_:
                row.missing_type = None
        self._refresh_options(components)
        for row in self.rows:
            if row.missing_type:
                row.show_error(f"{row.missing_type!r} is not a component of this offering.")
            else:
                row.show_error(None)
        self.post_message(self.Changed(self))

    async def set_limits(self, limits: Sequence[tuple[str | None, str]]) -> None:
        await self.remove_children(LimitRow)
        await self.mount_all(LimitRow(self._components, t, v) for t, v in (limits or [(None, "")]))
        self._refresh_options()
        self.post_message(self.Changed(self))

    def show_usage(self, lines: Sequence[tuple[str, str] | None]) -> None:
        """One ``(text, level)`` per row, in order (None: nothing to say for that row)."""
        for index, row in enumerate(self.rows):
            line = lines[index] if index < len(lines) else None
            row.show_usage(*(line or (None, "")))

    def show_errors(self, errors: dict[int, str]) -> None:
        for index, row in enumerate(self.rows):
            row.show_error(errors.get(index))

    def row_of(self, widget: object) -> LimitRow | None:
        node = widget
        while node is not None and node is not self:
            if isinstance(node, LimitRow):
                return node
            node = getattr(node, "parent", None)
        return None

    @property
    def full(self) -> bool:
        """Every component of the offering already has a row."""
        return bool(self._components) and len(self.rows) >= len(self._components)

    # -- internals --------------------------------------------------------------------

    def _focus_now(self, widget: Widget) -> None:
        # Not widget.focus(), which is deferred: the row change could be painted before
        # the focus moved, and a key typed on seeing it went to the old focus.
        self.screen.set_focus(widget)

    def _refresh_options(self, components: Sequence[OfferingComponent] | None = None) -> None:
        components = list(components if components is not None else self._components)
        rows = self.rows
        chosen = [row.type for row in rows]
        for index, row in enumerate(rows):
            taken = {t for i, t in enumerate(chosen) if t and i != index}
            row.set_options(components, taken)

    @on(Select.Changed, ".limit-component")
    def _component_changed(self, event: Select.Changed) -> None:
        event.stop()
        row = self.row_of(event.select)
        if row is not None:
            row.missing_type = None
            row.show_error(None)
        self._refresh_options()
        self.post_message(self.Changed(self))

    @on(Input.Changed, ".limit-value")
    def _limit_changed(self, event: Input.Changed) -> None:
        event.stop()
        row = self.row_of(event.input)
        if row is not None and not row.missing_type:
            # Said as it is typed; an empty box waits for ctrl+s to ask for a number.
            row.show_error(limit_problem(event.value))
        self.post_message(self.Changed(self))

    @on(Input.Submitted, ".limit-value")
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    @on(Button.Pressed, ".limit-remove")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        row = self.row_of(event.button)
        if row is not None:
            await self.remove_row(row)
