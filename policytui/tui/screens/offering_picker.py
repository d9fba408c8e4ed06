"""``o``: a searchable picker of the offerings the user manages (from the catalog)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from policytui.api import Offering, errors
from policytui.tui.actions import OFFERING_PICKER, bindings_for
from policytui.tui.lifecycle import is_closing, unless_closed
from policytui.tui.messages import SignInRequired
from policytui.tui.styles import style_path
from policytui.tui.widgets.state_message import describe_error
from policytui.tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from policytui.tui.app import PolicyApp


def offering_prompt(offering: Offering) -> Text:
    text = Text(offering.name or offering.uuid, style="bold")
    if offering.customer_name:
        text.append(f"  {offering.customer_name}", style="dim")
    if offering.components:
        names = ", ".join(c.label for c in offering.components)
        text.append(f"  · {names}", style="italic dim")
    return text


class OfferingPicker(ModalScreen[str | None]):
    """Dismisses with the chosen offering's uuid, or None when cancelled."""

    CSS_PATH = [style_path("list.tcss")]
    AUTO_FOCUS = "#offering-search"

    BINDINGS = bindings_for(OFFERING_PICKER)

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current
        self.offerings: list[Offering] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker") as box:
            box.border_title = "Filter by offering"
            box.border_subtitle = "type to search · Enter picks · Esc cancels"
            yield TextInput(placeholder="search offerings…", id="offering-search")
            yield OptionList(id="offering-options")
            yield Static("Loading the offerings you manage…", id="picker-state")

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self._load()

    @work(exclusive=True, group="offerings", exit_on_error=False)
    @unless_closed
    async def _load(self) -> None:
        app: PolicyApp = self.app  # type: ignore[assignment]
        try:
            if app.client is None:
                raise errors.ConnectionFailed("Not connected.")
            await app.catalog.load(app.client)
        except Exception as exc:
            if is_closing(self):  # Esc while the offerings were on the wire
                return
            if isinstance(exc, errors.AuthenticationError):
                self.post_message(SignInRequired())
            title, hint = describe_error(exc, what="offerings")
            self.query_one("#picker-state", Static).update(f"{title}\n{hint}")
            return
        if is_closing(self):
            return
        self.offerings = sorted(
            app.catalog.offerings.values(), key=lambda o: (o.name or "").lower()
        )
        if not self.offerings:
            self.query_one("#picker-state", Static).update(
                "You manage no offerings, so there is nothing to filter by."
            )
            return
        self.query_one("#picker-state").display = False
        self.query_one(OptionList).display = True
        self._fill(self.query_one(Input).value)

    def _fill(self, query: str) -> None:
        terms = query.lower().split()
        options = self.query_one(OptionList)
        options.clear_options()
        chosen = [
            o
            for o in self.offerings
            if all(t in f"{o.name} {o.customer_name or ''} {o.uuid}".lower() for t in terms)
        ]
        options.add_options([Option(offering_prompt(o), id=o.uuid) for o in chosen])
        if chosen:
            index = next((i for i, o in enumerate(chosen) if o.uuid == self.current), 0)
            options.highlighted = index

    def on_key(self, event: events.Key) -> None:
        # Typed before the search box had focus (the picker was still mounting): keep it.
        search = self.query_one("#offering-search", Input)
        if self.focused is None and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            search.insert_text_at_cursor(event.character)
            self.set_focus(search)

    @on(Input.Changed, "#offering-search")
    def _search(self, event: Input.Changed) -> None:
        if self.offerings:
            self._fill(event.value)

    @on(Input.Submitted, "#offering-search")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count and options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_options(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
