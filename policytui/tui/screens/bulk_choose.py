"""``b``: which bulk change to make on the marked policies, then its value.

Two steps in one list: the kind of change (delete, set the period, add or remove an
organization group or an action), then, except for a delete, the value. Offered values
come from what the user can use: every group and action of the catalog to add, and only
those some marked policy holds to remove. Esc goes back a step, then closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from policytui.api.actions import action_label, canonical_actions
from policytui.api.models import Period
from policytui.bulk import (
    AddAction,
    AddGroup,
    BulkChange,
    Delete,
    RemoveAction,
    RemoveGroup,
    SetPeriod,
)
from policytui.tui.actions import BULK_CHOOSE, bindings_for
from policytui.tui.format import count_noun
from policytui.tui.styles import style_path

#: The first step: (option id, what it says).
KINDS: tuple[tuple[str, str], ...] = (
    ("period", "Set the period…"),
    ("add_group", "Add an organization group…"),
    ("remove_group", "Remove an organization group…"),
    ("add_action", "Add an action…"),
    ("remove_action", "Remove an action…"),
    ("delete", "Delete them"),
)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the second step can offer: (url, name) of groups, and action names."""

    groups: Sequence[tuple[str, str]]
    held_groups: Sequence[tuple[str, str]]
    actions: Sequence[str]
    held_actions: Sequence[str]


class BulkChoose(ModalScreen[BulkChange | None]):
    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(BULK_CHOOSE)
    AUTO_FOCUS = "#bulk-options"

    def __init__(self, count: int, choices: Choices) -> None:
        super().__init__(classes="confirm")
        self._count = count
        self._choices = choices
        self._step = "kind"

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._heading(), id="confirm-title", markup=False)
            yield OptionList(id="bulk-options")
            yield Static("Enter chooses · Esc goes back", id="bulk-hint", markup=False)

    def on_mount(self) -> None:
        self._show_kinds()

    def _heading(self) -> str:
        return f"Change {count_noun(self._count, 'marked policy', 'marked policies')}"

    def _show(self, title: str, options: list[Option]) -> None:
        self.query_one("#confirm-title", Static).update(title)
        listed = self.query_one(OptionList)
        listed.clear_options()
        listed.add_options(options)
        listed.highlighted = 0 if options else None

    def _show_kinds(self) -> None:
        self._step = "kind"
        self._show(self._heading(), [Option(text, id=key) for key, text in KINDS])

    def _show_values(self, step: str) -> None:
        self._step = step
        choices = self._choices
        if step == "period":
            options = [Option(p.label, id=str(int(p))) for p in Period]
            title = "Set the period to"
        elif step in ("add_group", "remove_group"):
            groups = choices.groups if step == "add_group" else choices.held_groups
            options = [Option(name, id=url) for url, name in groups]
            title = "Add the group" if step == "add_group" else "Remove the group"
        else:
            names = choices.actions if step == "add_action" else choices.held_actions
            options = [Option(action_label(n), id=n) for n in canonical_actions(names)]
            title = "Add the action" if step == "add_action" else "Remove the action"
        if not options:
            options = [Option("(none to choose from)", id="", disabled=True)]
        self._show(title, options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id or ""
        if self._step == "kind":
            if key == "delete":
                self.dismiss(Delete())
            else:
                self._show_values(key)
            return
        prompt = str(event.option.prompt)
        change: BulkChange
        if self._step == "period":
            change = SetPeriod(Period(int(key)))
        elif self._step == "add_group":
            change = AddGroup(key, prompt)
        elif self._step == "remove_group":
            change = RemoveGroup(key, prompt)
        elif self._step == "add_action":
            change = AddAction(key)
        else:
            change = RemoveAction(key)
        self.dismiss(change)

    def action_back(self) -> None:
        if self._step == "kind":
            self.dismiss(None)
        else:
            self._show_kinds()
