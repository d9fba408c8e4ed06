"""The base of the screens that show policies (the list and the detail).

It gives them the same keys for one policy (open raw, copy, edit, duplicate, delete), so
the keys mean the same thing on both, and typed access to the app that hosts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policytui.tui import editing
from policytui.tui.screens.app_screen import AppScreen

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy


class PolicyScreen(AppScreen):
    """Subclasses say which policy is in focus (:meth:`selected_policy`) and which
    offering a new policy should preselect (:meth:`current_offering_uuid`)."""

    def selected_policy(self) -> OfferingUsagePolicy | None:
        return None

    def current_offering_uuid(self) -> str | None:
        return None

    def _need_policy(self) -> OfferingUsagePolicy | None:
        policy = self.selected_policy()
        if policy is None:
            self.notify("No policy selected.", severity="warning")
        return policy

    def action_raw(self) -> None:
        from policytui.tui.screens.raw import RawScreen

        policy = self._need_policy()
        if policy is not None:
            self.app.push_screen(RawScreen(policy))

    def action_copy_uuid(self) -> None:
        policy = self._need_policy()
        if policy is not None:
            self.app.copy_to_clipboard(policy.uuid)
            self.notify(f"Copied policy uuid {policy.uuid}", title="Clipboard")

    def action_copy_url(self) -> None:
        policy = self._need_policy()
        if policy is None:
            return
        if not policy.url:
            self.notify("The server sent no URL for this policy.", severity="warning")
            return
        self.app.copy_to_clipboard(policy.url)
        self.notify(f"Copied policy URL {policy.url}", title="Clipboard")

    def action_new_policy(self) -> None:
        editing.open_new_policy(self.app, self.current_offering_uuid())

    def action_edit_policy(self) -> None:
        policy = self._need_policy()
        if policy is not None:
            editing.open_edit_policy(self.app, policy)

    def action_duplicate_policy(self) -> None:
        policy = self._need_policy()
        if policy is not None:
            editing.open_duplicate_policy(self.app, policy)

    def action_delete_policy(self) -> None:
        policy = self._need_policy()
        if policy is None:
            return
        client = self.policy_app.client
        if client is None:
            self.notify("Not signed in: nothing can be deleted.", severity="warning")
            return
        editing.confirm_delete_policy(
            self.app, policy, client=client, catalog=self.policy_app.catalog
        )
