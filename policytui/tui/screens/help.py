"""``?``: every key, grouped, from the same list the command palette offers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from policytui.tui.commands import COMMANDS
from policytui.tui.styles import style_path


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    section = ""
    for command in COMMANDS:
        if command.section != section:
            if section:
                table.add_row("", "")
            section = command.section
            table.add_row(Text(section, style="bold underline"), "")
        table.add_row(command.keys.strip(), command.title)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = [style_path("help.tcss")]
    AUTO_FOCUS = "#help"

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "Esc to close · Ctrl+P searches every action"
            yield Static(help_table(), id="help-body")

    def action_close(self) -> None:
        self.dismiss()
