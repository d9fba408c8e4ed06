"""The policy exactly as the server sent it, pretty-printed JSON (``y``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.syntax import Syntax
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from policytui.api import OfferingUsagePolicy, errors
from policytui.tui.actions import RAW, bindings_for
from policytui.tui.lifecycle import is_closing, unless_closed
from policytui.tui.messages import SignInRequired
from policytui.tui.screens.app_screen import AppScreen
from policytui.tui.styles import style_path
from policytui.tui.widgets.bars import StatusBar, TopBar
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.state_message import StateMessage, describe_error

if TYPE_CHECKING:
    pass


class RawScreen(AppScreen):
    CSS_PATH = [style_path("detail.tcss")]
    AUTO_FOCUS = "#raw"

    BINDINGS = bindings_for(RAW)

    def __init__(self, policy: OfferingUsagePolicy) -> None:
        super().__init__()
        self.policy = policy
        self.text = ""

    def compose(self) -> ComposeResult:
        yield TopBar(self.policy_app.session, self.policy_app.username, id="top")
        with VerticalScroll(id="raw"):
            yield Static("", id="raw-body")
        yield StateMessage(id="state")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TopBar).update_bar(
            view="Raw JSON",
            detail=self.policy.scope_name or "",
        )
        self.query_one(StatusBar).set_parts(f"GET …/{self.policy.uuid}/", "as the server sent it")
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#raw").display = False
        self.query_one(StateMessage).show("loading", "Loading the policy as the server sends it…")
        self._load()

    @work(exclusive=True, group="raw", exit_on_error=False)
    @unless_closed
    async def _load(self) -> None:
        app = self.policy_app
        if app.client is None:
            return
        try:
            data = await app.client.policies.get_raw(self.policy.uuid)
        except Exception as exc:
            if is_closing(self):  # closed while the read was on the wire
                return
            if isinstance(exc, errors.AuthenticationError):
                self.post_message(SignInRequired())
            title, hint = describe_error(exc, what="the policy")
            self.query_one(StateMessage).show("error", title, hint)
            return
        if is_closing(self):
            return
        self.text = json.dumps(data, indent=2, ensure_ascii=False)
        self.query_one("#raw-body", Static).update(
            Syntax(self.text, "json", theme="ansi_dark", word_wrap=True, background_color="default")
        )
        self.query_one(StateMessage).hide()
        self.query_one("#raw").display = True

    def action_back(self) -> None:
        self.dismiss()

    def action_copy_json(self) -> None:
        if not self.text:
            self.notify("Nothing loaded yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the JSON of policy {self.policy.uuid}", title="Clipboard")

    def action_scroll(self, direction: str) -> None:
        raw = self.query_one("#raw", VerticalScroll)
        if direction == "down":
            raw.scroll_down(animate=False)
        else:
            raw.scroll_up(animate=False)
