"""A multi-select with an optional filter line (actions, organization groups).

Textual's ``SelectionList`` forgets what is selected when its options are replaced, so
this widget keeps the selection itself and rebuilds the visible options as the filter
changes: a group ticked, filtered out and filtered back in stays ticked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Checkbox, Input, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from policytui.tui.widgets.text_input import TextInput

TICK = "✓"


class TickList(SelectionList[str]):
    """A SelectionList whose box shows ✓ or nothing, not a coloured X: ticked and
    unticked must differ without colour (NO_COLOR, screen readers of tmux panes)."""

    # Tab used to land here with no row highlighted, so the first Space ticked nothing.
    # The first row counts as highlighted from the moment the list has the focus: on
    # Focus, and in the keys themselves, because a key typed right after Tab can be
    # handled before the list has seen its Focus event.
    def _start_at_first_row(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def on_focus(self) -> None:
        self._start_at_first_row()

    def action_select(self) -> None:
        self._start_at_first_row()
        super().action_select()

    def action_cursor_down(self) -> None:
        self._start_at_first_row()
        super().action_cursor_down()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != "X":
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        mark = TICK if option.value in self._selected else " "
        # A real Style, never None: Textual's Monochrome filter (NO_COLOR) reads its colour.
        segments[1] = Segment(mark, segments[1].style or Style.null())
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A Checkbox showing ✓ when on and a blank when off (readable without colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return TICK if self.value else " "


@dataclass(frozen=True)
class Choice:
    """One item: ``value`` is what is stored, ``label`` what is shown, ``hint`` a dim line."""

    value: str
    label: str
    hint: str = ""
    #: Extra words the filter matches (e.g. the parent group's name).
    keywords: str = ""

    def matches(self, query: str) -> bool:
        words = f"{self.label} {self.hint} {self.keywords} {self.value}".casefold()
        return all(part in words for part in query.casefold().split())

    def prompt(self) -> Text:
        text = Text(self.label)
        if self.hint:
            text.append(f"  {self.hint}", style="dim")
        return text


class MultiSelect(Vertical):
    """Tick any number of choices; ``selected`` keeps the order of ``choices``."""

    DEFAULT_CSS = """
    MultiSelect { height: auto; }
    MultiSelect > Input.multi-filter { margin: 0 0 0 0; }
    MultiSelect > SelectionList { height: auto; max-height: 10; }
    MultiSelect > .multi-empty { color: $text-muted; padding: 0 1; }
    """

    class Changed(Message):
        def __init__(self, multi_select: MultiSelect, selected: list[str]) -> None:
            super().__init__()
            self.multi_select = multi_select
            self.selected = selected

        @property
        def control(self) -> MultiSelect:
            return self.multi_select

    def __init__(
        self,
        choices: Iterable[Choice] = (),
        selected: Iterable[str] = (),
        *,
        filterable: bool = False,
        placeholder: str = "Type to filter…",
        empty_text: str = "Nothing to choose from.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._choices: list[Choice] = list(choices)
        self._selected: set[str] = set(selected)
        self._filterable = filterable
        self._placeholder = placeholder
        self._empty_text = empty_text
        self._query = ""
        self._composed = False

    def compose(self) -> ComposeResult:
        if self._filterable:
            yield TextInput(placeholder=self._placeholder, classes="multi-filter", compact=True)
        yield TickList(compact=True)
        yield Static(self._empty_text, classes="multi-empty")

    def on_mount(self) -> None:
        self._composed = True
        self._rebuild()

    # -- public API -------------------------------------------------------------------

    @property
    def selected(self) -> list[str]:
        return [c.value for c in self._choices if c.value in self._selected] + sorted(
            self._selected - {c.value for c in self._choices}
        )

    def set_selected(self, values: Iterable[str]) -> None:
        self._selected = set(values)
        self._rebuild()

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self._choices = list(choices)
        self._rebuild()

    @property
    def list(self) -> TickList:
        return self.query_one(TickList)

    # -- internals --------------------------------------------------------------------

    def _visible(self) -> list[Choice]:
        if not self._query.strip():
            return self._choices
        return [c for c in self._choices if c.matches(self._query)]

    def _rebuild(self) -> None:
        if not self._composed:
            return
        selection_list = self.list
        visible = self._visible()
        with selection_list.prevent(SelectionList.SelectedChanged):
            selection_list.clear_options()
            selection_list.add_options(
                [Selection(c.prompt(), c.value, c.value in self._selected) for c in visible]
            )
        empty = self.query_one(".multi-empty", Static)
        if not self._choices:
            empty.update(self._empty_text)
        elif not visible:
            empty.update(f"Nothing matches {self._query.strip()!r}.")
        empty.display = not visible
        selection_list.display = bool(visible)

    @on(Input.Changed, ".multi-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._query = event.value
        self._rebuild()

    @on(Input.Submitted, ".multi-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        if self.list.display:
            self.list.focus()  # highlights the first row when none is

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        visible = {c.value for c in self._visible()}
        self._selected = (self._selected - visible) | set(event.selection_list.selected)
        self.post_message(self.Changed(self, self.selected))
