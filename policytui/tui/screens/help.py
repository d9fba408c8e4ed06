"""``?``: the keys of the screen it is opened on, grouped, from :mod:`policytui.tui.actions`."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from policytui.tui.actions import HELP, Action, bindings_for, help_for_screen
from policytui.tui.styles import style_path

#: What the box's title says each screen is (the class names of the screens).
SCREEN_TITLES = {
    "PolicyListScreen": "the policy list",
    "DetailScreen": "the policy detail",
    "RawScreen": "the raw JSON",
    "PolicyEditor": "the policy editor",
}


def help_table(commands: Iterable[Action]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    section = ""
    for command in commands:
        if command.section != section:
            if section:
                table.add_row("", "")
            section = command.section
            table.add_row(Text(section, style="bold underline"), "")
        table.add_row(Text(command.shown), Text(command.title))
    return table


def bindings_of(screen: Screen) -> tuple[Action, ...]:
    """The keys a screen without a table of its own binds (a sign-in or picker screen)."""
    commands = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.description:
            keys = binding.key_display or screen.app.get_key_display(binding) or key
            commands.append(Action(binding.action, "Keys", keys, binding.description))
    return tuple(commands)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = [style_path("help.tcss")]
    AUTO_FOCUS = "#help"

    BINDINGS = bindings_for(HELP)

    def __init__(self, for_screen: Screen | None = None) -> None:
        super().__init__()
        #: The screen whose keys to list (default: the one beneath this, when shown).
        self.for_screen = for_screen

    def _described(self) -> Screen | None:
        if self.for_screen is not None:
            return self.for_screen
        stack = self.app.screen_stack
        if self in stack:
            stack = stack[: stack.index(self)]
        below = [s for s in stack if not isinstance(s, HelpScreen)]
        return below[-1] if below else None

    def compose(self) -> ComposeResult:
        screen = self._described()
        commands = help_for_screen(screen) if screen is not None else ()
        if not commands and screen is not None:
            commands = bindings_of(screen)
        name = SCREEN_TITLES.get(type(screen).__name__) if screen is not None else None
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = f"Keys of {name}" if name else "Keys"
            scroll.border_subtitle = "Esc to close · Ctrl+P searches every action"
            yield Static(help_table(commands), id="help-body")

    def action_close(self) -> None:
        self.dismiss()
