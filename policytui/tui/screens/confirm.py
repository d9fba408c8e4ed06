"""A small modal question with labelled answers, each on its own key.

Used to confirm a delete, to ask before unsaved changes are thrown away, and to
offer "retry" after a failed delete. Dismisses with the chosen answer's value, or
the ``cancel`` value on Esc.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from policytui.tui.actions import CONFIRM, bindings_for
from policytui.tui.styles import style_path

T = TypeVar("T")


@dataclass(frozen=True)
class Answer(Generic[T]):
    key: str
    label: str
    value: T
    variant: str = "default"  # "default" | "primary" | "error" | "warning" | "success"


class ConfirmScreen(ModalScreen[T]):
    """``ConfirmScreen(title, body, [Answer("y", "Delete", True, "error"), ...], cancel=False)``."""

    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(CONFIRM)

    def __init__(
        self,
        title: str,
        body: str | Text,
        answers: Sequence[Answer[T]],
        *,
        cancel: T,
        focus_index: int = 0,
    ) -> None:
        super().__init__(classes="confirm")
        self._title = title
        self._body = body
        self._answers = list(answers)
        self._cancel = cancel
        self._focus_index = focus_index

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._title, id="confirm-title", markup=False)
            yield Static(self._body, id="confirm-body", markup=False)
            with Horizontal(id="confirm-buttons"):
                for index, answer in enumerate(self._answers):
                    yield Button(
                        escape(f"{answer.label} [{answer.key}]"),
                        variant=answer.variant,  # type: ignore[arg-type]
                        id=f"answer-{index}",
                        compact=True,
                    )

    def on_mount(self) -> None:
        buttons = list(self.query(Button))
        if buttons:
            buttons[min(self._focus_index, len(buttons) - 1)].focus()

    def on_key(self, event: Key) -> None:
        for answer in self._answers:
            if event.character and event.character.lower() == answer.key.lower():
                event.stop()
                self.dismiss(answer.value)
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "answer-0").rsplit("-", 1)[-1])
        self.dismiss(self._answers[index].value)

    def action_cancel(self) -> None:
        self.dismiss(self._cancel)
