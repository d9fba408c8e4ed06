"""Entry points the list and detail screens call to create, edit, duplicate or delete a policy.

Plain (non-async) functions so a key binding can call them directly; each pushes a screen
that does its own network work in workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from policytui.api import OfferingUsagePolicy


def open_new_policy(app: App, offering_uuid: str | None = None) -> None:
    """Open an empty editor, preselecting `offering_uuid` when given."""
    app.notify("The policy editor is coming soon.")


def open_edit_policy(app: App, policy: OfferingUsagePolicy) -> None:
    """Open the editor on an existing policy; saving sends a PATCH of what changed."""
    app.notify("The policy editor is coming soon.")


def open_duplicate_policy(app: App, policy: OfferingUsagePolicy) -> None:
    """Open a new-policy editor filled in from `policy`; saving sends a POST."""
    app.notify("The policy editor is coming soon.")


def confirm_delete_policy(app: App, policy: OfferingUsagePolicy) -> None:
    """Ask to confirm, naming the offering and the limits, then delete."""
    app.notify("Deleting policies is coming soon.")
