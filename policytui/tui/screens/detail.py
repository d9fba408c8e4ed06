"""The detail of one policy as a full screen (terminals under ~100 columns)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult

from policytui.api import OfferingUsagePolicy, errors
from policytui.tui.actions import DETAIL, bindings_for
from policytui.tui.lifecycle import is_closing, unless_closed
from policytui.tui.messages import SessionChanged, SignInRequired
from policytui.tui.screens.policy_screen import PolicyScreen
from policytui.tui.styles import style_path
from policytui.tui.widgets.bars import StatusBar, TopBar
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.policy_detail import PolicyDetail
from policytui.tui.widgets.state_message import StateMessage, describe_error

if TYPE_CHECKING:
    pass


class DetailScreen(PolicyScreen):
    """Shows the policy from the list at once, then re-reads it from the server."""

    CSS_PATH = [style_path("detail.tcss")]
    AUTO_FOCUS = "#detail"

    BINDINGS = bindings_for(DETAIL)

    def __init__(self, policy: OfferingUsagePolicy) -> None:
        super().__init__()
        self.policy = policy
        self.gone = False
        #: Set when this policy is deleted while another screen is on top.
        self._close_on_resume = False

    def compose(self) -> ComposeResult:
        yield TopBar(self.policy_app.session, self.policy_app.username, id="top")
        yield PolicyDetail(id="detail")
        yield StateMessage(id="state")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TopBar).update_bar(
            view="Policy",
            detail=self.policy.scope_name or "",
        )
        self.query_one(StateMessage).hide()
        self._show()
        self._reload()

    def _show(self) -> None:
        app = self.policy_app
        self.query_one(PolicyDetail).show(
            self.policy, catalog=app.catalog, now=app.now(), api_url=app.api_url
        )
        self.query_one(StatusBar).set_parts(self.policy.uuid, "y raw · c copy uuid · C copy URL")

    def selected_policy(self) -> OfferingUsagePolicy | None:
        return None if self.gone else self.policy

    def current_offering_uuid(self) -> str | None:
        return self.policy.scope_uuid

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, direction: str) -> None:
        detail = self.query_one(PolicyDetail)
        if direction == "down":
            detail.scroll_down(animate=False)
        else:
            detail.scroll_up(animate=False)

    def action_refresh(self) -> None:
        self.query_one(StatusBar).set_parts(self.policy.uuid, "refreshing…")
        self._reload()

    @work(exclusive=True, group="detail", exit_on_error=False)
    @unless_closed
    async def _reload(self) -> None:
        client = self.policy_app.client
        if client is None:
            return
        try:
            fresh = await client.policies.get(self.policy.uuid)
        except Exception as exc:
            # Esc while the read was on the wire: the widgets may be gone already.
            if not is_closing(self):
                self._reload_failed(exc)
            return
        if is_closing(self):
            return
        self.policy = fresh
        self._show()

    def _reload_failed(self, exc: Exception) -> None:
        if isinstance(exc, errors.NotFound):
            self.gone = True
            self.query_one(PolicyDetail).display = False
            self.query_one(StateMessage).show(
                "empty",
                "This policy no longer exists",
                "It was deleted on the server. Press Esc to go back to the list.",
            )
        elif isinstance(exc, errors.AuthenticationError):
            self.post_message(SignInRequired())
        else:
            # The list's copy is still on screen; say it may be stale and why.
            title, _hint = describe_error(exc, what="the policy")
            self.query_one(StatusBar).set_parts(self.policy.uuid, f"{title} · r to retry")

    def policy_saved(self, policy: OfferingUsagePolicy, *, created: bool) -> None:
        if policy.uuid == self.policy.uuid:
            self.policy = policy
            self._show()

    def policy_deleted(self, uuid: str) -> None:
        if uuid == self.policy.uuid and self.is_attached:
            self.gone = True
            if self.app.screen is self:
                self.dismiss()
            else:
                # Deleted from a screen above (the editor's replacement deletes the old
                # policy): never show it again as if current; the list shows what is left.
                self._close_on_resume = True

    def on_screen_resume(self) -> None:
        if self._close_on_resume:
            self._close_on_resume = False
            self.dismiss()

    @on(SessionChanged)
    def _session_changed(self) -> None:
        self._reload()
