"""The palette's "Save view": name the filter and sort on screen, kept in the config file
(``[views.NAME]``, beside the profiles; never a token) and opened again with
``policytui --view NAME`` or from the palette."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from policytui.tui.actions import SAVE_VIEW, bindings_for
from policytui.tui.styles import style_path
from policytui.tui.widgets.text_input import TextInput


class SaveViewScreen(ModalScreen[str | None]):
    """Dismisses with the name saved, or None when cancelled."""

    CSS_PATH = [style_path("list.tcss")]
    AUTO_FOCUS = "#view-name"
    BINDINGS = bindings_for(SAVE_VIEW)

    def __init__(self, filter_text: str, sort: str) -> None:
        super().__init__()
        self.filter_text = filter_text
        self.sort = sort

    def compose(self) -> ComposeResult:
        with Vertical(id="save-view") as box:
            box.border_title = "Save view"
            box.border_subtitle = "Enter saves · Esc cancels"
            sort = self.sort or "the server's order"
            yield Static(f"filter {self.filter_text}\nsort   {sort}", id="view-what", markup=False)
            yield TextInput(placeholder="name, e.g. nordics-gpu", id="view-name")
            yield Static("", id="view-problem", markup=False)

    @on(Input.Submitted, "#view-name")
    def _save(self, event: Input.Submitted) -> None:
        from policytui.auth.config import Config, ConfigError, SavedView, check_view_name

        problem = self.query_one("#view-problem", Static)
        try:
            name = check_view_name(event.value)
            config = Config.load()
            replaced = name in config.views
            config.views[name] = SavedView(name, self.filter_text, self.sort)
            path = config.save()
        except ConfigError as exc:
            problem.update(str(exc))  # the name stays typed: fix it and press Enter again
            return
        except OSError as exc:
            problem.update(f"Could not write the config file: {exc.strerror or exc}.")
            return
        verb = "Replaced" if replaced else "Saved"
        self.app.notify(
            f"{verb} view {name} in {path}: open it with policytui --view {name}.",
            title="Saved view",
        )
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
