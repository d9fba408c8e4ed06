"""The detail of one policy as a full screen (terminals under ~100 columns)."""

from __future__ import annotations

import contextlib

from textual import on, work
from textual.app import ComposeResult

from policytui.api import OfferingUsagePolicy, errors
from policytui.tui.actions import DETAIL, bindings_for
from policytui.tui.lifecycle import is_closing, unless_closed
from policytui.tui.messages import SessionChanged, SignInRequired
from policytui.tui.screens.policy_screen import PolicyScreen
from policytui.tui.styles import style_path
from policytui.tui.usage_load import (
    LOADING,
    OfferingInputs,
    PolicyUsage,
    covers,
    policy_usage,
)
from policytui.tui.widgets.bars import StatusBar, TopBar
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.policy_detail import PolicyDetail
from policytui.tui.widgets.state_message import StateMessage, describe_error


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
        #: Its usage (read after the first paint, never before it), and what it was
        #: computed from: a re-read policy is computed again without a request.
        self.usage: PolicyUsage = LOADING
        self._usage_inputs: OfferingInputs | None = None

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
        # After the detail is on screen: reading usage never delays it.
        self.call_after_refresh(self._load_usage)

    def _show(self) -> None:
        app = self.policy_app
        self.query_one(PolicyDetail).show(
            self.policy,
            catalog=app.catalog,
            now=app.now(),
            api_url=app.api_url,
            usage=self.usage,
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
        self._usage_inputs = None
        self._load_usage()

    @work(exclusive=True, group="usage", exit_on_error=False)
    @unless_closed
    async def _load_usage(self) -> None:
        """Read the offering's usage and customers (one reader: this refresh) and show
        the policy's usage, or why there is none."""
        from policytui.api.usage import UsageReader
        from policytui.tui.usage_load import failed, read_offering

        app = self.policy_app
        client = app.client
        policy = self.policy
        if client is None:
            return
        if not policy.scope_uuid:
            self.usage = PolicyUsage(missing="the server sent no offering for this policy")
            self._show()
            return
        try:
            # Names and units, once per session; without them, the components' types.
            with contextlib.suppress(errors.WaldurError):
                await app.catalog.load(client)
            offering = app.catalog.offering(policy.scope_uuid)
            components = offering.components if offering else []
            reader = UsageReader(client, app.now().date())
            inputs = await read_offering(
                reader, policy.scope_uuid, policy.period.months, components
            )
        except Exception as exc:
            if is_closing(self):
                return
            if isinstance(exc, errors.AuthenticationError):
                self.post_message(SignInRequired())
            self.usage = failed(exc)
            self._show()
            return
        if is_closing(self):
            return
        self._usage_inputs = inputs
        self._usage_changed()

    def _usage_changed(self) -> None:
        """The policy or its inputs changed: compute again when the inputs still cover
        its window, else read them again."""
        inputs = self._usage_inputs
        if inputs is None:
            return
        policy = self.policy
        if inputs.offering_uuid != policy.scope_uuid or not covers(inputs, policy.period.months):
            self._usage_inputs = None
            self.usage = LOADING
            self._show()
            self._load_usage()
            return
        self.usage = policy_usage(policy, inputs)
        self._show()

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
        self._usage_changed()

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
            self._usage_changed()

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
