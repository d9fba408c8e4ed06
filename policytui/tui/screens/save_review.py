"""Views shown while saving: the old → new preview of an edit, and the conflict view.

Both are modal and keyboard-first: one key per answer, Esc goes back to the form
with everything typed still in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from policytui.tui.actions import CONFLICT, DIFF_REVIEW, REPLACE_REVIEW, bindings_for
from policytui.tui.policy_draft import Change
from policytui.tui.styles import style_path

ConflictChoice = Literal["overwrite", "reload", "back"]


def changes_table(changes: Sequence[Change], old_title: str, new_title: str) -> Table:
    table = Table(expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Field", no_wrap=True)
    table.add_column(old_title, ratio=3, style="red")
    table.add_column("", width=1, no_wrap=True)
    table.add_column(new_title, ratio=3, style="green")
    for change in changes:
        table.add_row(change.label, change.old, "→", change.new)
    return table


class DiffReviewScreen(ModalScreen[bool]):
    """``old → new`` for each field an edit will change; Enter/y sends, Esc/n goes back."""

    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(DIFF_REVIEW)

    def __init__(self, title: str, changes: Sequence[Change], notes: Sequence[str] = ()) -> None:
        super().__init__(classes="review")
        self._title = title
        self._changes = list(changes)
        #: What the server will do differently from the table (e.g. keep one limit).
        self._notes = list(notes)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._title, id="confirm-title", markup=False)
            count = len(self._changes)
            noun = "field" if count == 1 else "fields"
            yield Static(
                f"This PATCH sends only the {count} {noun} you changed:", id="confirm-body"
            )
            with VerticalScroll(id="review-scroll"):
                yield Static(changes_table(self._changes, "Now", "After save"), id="review-diff")
                if self._notes:
                    yield Static(
                        Text("\n".join(self._notes), style="bold"),
                        id="review-notes",
                        classes="review-heading",
                    )
            with Horizontal(id="confirm-buttons"):
                yield Button(r"Save \[y]", variant="primary", id="review-send", compact=True)
                yield Button(r"Back to form \[n]", id="review-back", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "review-send")

    def action_send(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


class ReplaceReviewScreen(ModalScreen[bool]):
    """The limits of this policy cannot be changed on this server: offer to create it
    anew and delete the old one, naming what is lost. r replaces, Esc/n goes back."""

    CSS_PATH = style_path("confirm.tcss")
    # Its own scroll height: the question, what is lost and the buttons must all fit
    # in 80x24 (the shared #review-scroll is up to 16 rows, and the buttons fell off).
    DEFAULT_CSS = """
    ReplaceReviewScreen { align: center middle; background: $background 60%; }
    ReplaceReviewScreen #replace-scroll { height: auto; max-height: 45vh; }
    """
    BINDINGS = bindings_for(REPLACE_REVIEW)

    def __init__(
        self,
        reason: str,
        changes: Sequence[Change],
        losses: Sequence[str],
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__(classes="review replace")
        self._reason = reason
        self._changes = list(changes)
        self._losses = list(losses)
        self._notes = list(notes)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static("Replace this policy?", id="confirm-title")
            yield Static(
                Text.assemble(
                    self._reason,
                    " The one way that works: ",
                    ("create a new policy", "bold"),
                    " with the form as it is, ",
                    ("then delete this one", "bold"),
                    ". The old one is deleted only once the new one is created and read back.",
                ),
                id="confirm-body",
            )
            with VerticalScroll(id="replace-scroll"):
                yield Static(changes_table(self._changes, "Now", "New policy"), id="replace-diff")
                lost = Text("Lost with the old policy:\n", style="bold")
                lost.append("\n".join(f"  • {line}" for line in self._losses), style="not bold")
                yield Static(lost, id="replace-losses", classes="review-heading")
                notes = [*self._notes, "The new policy is evaluated when created: it may fire."]
                yield Static(Text("\n".join(notes)), id="replace-notes")
            with Horizontal(id="confirm-buttons"):
                yield Button(
                    r"Create new, delete old \[r]", variant="warning", id="replace", compact=True
                )
                yield Button(r"Back to form \[n]", variant="primary", id="back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "replace")

    def action_replace(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


class ConflictScreen(ModalScreen[ConflictChoice]):
    """Someone changed the policy after the form opened: show both, let the user choose."""

    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(CONFLICT)

    def __init__(
        self,
        theirs: Sequence[Change],
        yours: Sequence[Change],
    ) -> None:
        super().__init__(classes="review conflict")
        self._theirs = list(theirs)
        self._yours = list(yours)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static("Changed on the server since you opened it", id="confirm-title")
            yield Static(
                Text.assemble(
                    "Someone else saved this policy while you were editing. ",
                    ("Overwrite", "bold"),
                    " sends your changes on top of theirs; ",
                    ("Reload", "bold"),
                    " throws your changes away and loads theirs.",
                ),
                id="confirm-body",
            )
            with VerticalScroll(id="review-scroll"):
                yield Static(
                    changes_table(self._theirs, "When you opened it", "On the server now"),
                    id="conflict-theirs",
                )
                yield Static(Text("Your changes", style="bold"), classes="review-heading")
                yield Static(
                    changes_table(self._yours, "When you opened it", "In your form")
                    if self._yours
                    else Text("(none: the form is as you opened it)", style="dim"),
                    id="conflict-yours",
                )
            with Horizontal(id="confirm-buttons"):
                yield Button(r"Overwrite \[o]", variant="warning", id="overwrite", compact=True)
                yield Button(r"Reload theirs \[r]", id="reload", compact=True)
                yield Button(r"Back to form \[b]", variant="primary", id="back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)
