"""What the list and the detail screens do with one policy: open, raw, copy, edit, delete.

Shared as a mixin so the keys mean the same thing on both screens.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from policytui.api import OfferingUsagePolicy


def editing_module(app: App) -> ModuleType | None:
    """The editor's entry points, or None (with a notification) when it is not installed."""
    try:
        from policytui.tui import editing
    except ImportError:
        app.notify("The policy editor is not available in this build.", severity="warning")
        return None
    return editing


class PolicyActionsMixin:
    """Needs ``self.app`` and a ``selected_policy()`` method returning the policy in focus."""

    app: App

    def selected_policy(self) -> OfferingUsagePolicy | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _need_policy(self) -> OfferingUsagePolicy | None:
        policy = self.selected_policy()
        if policy is None:
            self.app.notify("No policy selected.", severity="warning")
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
            self.app.notify(f"Copied policy uuid {policy.uuid}", title="Clipboard")

    def action_copy_url(self) -> None:
        policy = self._need_policy()
        if policy is None:
            return
        if not policy.url:
            self.app.notify("The server sent no URL for this policy.", severity="warning")
            return
        self.app.copy_to_clipboard(policy.url)
        self.app.notify(f"Copied policy URL {policy.url}", title="Clipboard")

    def action_new_policy(self) -> None:
        editing = editing_module(self.app)
        if editing is not None:
            editing.open_new_policy(self.app, self.current_offering_uuid())

    def current_offering_uuid(self) -> str | None:
        return None

    def action_edit_policy(self) -> None:
        editing = editing_module(self.app)
        policy = self._need_policy()
        if editing is not None and policy is not None:
            editing.open_edit_policy(self.app, policy)

    def action_duplicate_policy(self) -> None:
        editing = editing_module(self.app)
        policy = self._need_policy()
        if editing is not None and policy is not None:
            editing.open_duplicate_policy(self.app, policy)

    def action_delete_policy(self) -> None:
        editing = editing_module(self.app)
        policy = self._need_policy()
        if editing is not None and policy is not None:
            editing.confirm_delete_policy(self.app, policy)
