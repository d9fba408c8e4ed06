"""Entry points the list and detail screens call to create, edit, duplicate or delete a policy.

Plain (non-async) functions so a key binding can call them directly; each pushes a
screen that does its own network work in workers. After a save or delete the app gets
``PolicySaved`` / ``PolicyDeleted`` so lists update their rows without a full reload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policytui.api.errors import AuthenticationError, NotFound, ValidationError, WaldurError
from policytui.tui.messages import PolicyDeleted, SignInRequired

if TYPE_CHECKING:
    from textual.app import App

    from policytui.api import OfferingUsagePolicy, WaldurClient
    from policytui.tui.catalog import Catalog


def open_new_policy(app: App, offering_uuid: str | None = None) -> None:
    """Open an empty editor, preselecting `offering_uuid` when given."""
    from policytui.tui.screens.editor import EditorMode, PolicyEditor

    app.push_screen(PolicyEditor(EditorMode.NEW, offering_uuid=offering_uuid))


def open_edit_policy(app: App, policy: OfferingUsagePolicy) -> None:
    """Open the editor on an existing policy; saving sends a PATCH of what changed."""
    from policytui.tui.screens.editor import EditorMode, PolicyEditor

    app.push_screen(PolicyEditor(EditorMode.EDIT, policy))


def open_duplicate_policy(app: App, policy: OfferingUsagePolicy) -> None:
    """Open a new-policy editor filled in from `policy`; saving sends a POST."""
    from policytui.tui.screens.editor import EditorMode, PolicyEditor

    app.push_screen(PolicyEditor(EditorMode.DUPLICATE, policy))


def unsaved_editor(app: App) -> Any:
    """The open editor holding unsaved changes, if any (for a quit guard)."""
    from policytui.tui.screens.editor import PolicyEditor

    return next(
        (s for s in reversed(app.screen_stack) if isinstance(s, PolicyEditor) and s.dirty),
        None,
    )


def quit_or_ask(app: App) -> None:
    """Quit, unless a form has unsaved changes: then ask first.

    For the app's quit keys (ctrl+q is an app-level priority binding that no screen can
    intercept): ``PolicyApp.action_quit`` can call this instead of exiting at once.
    """
    from policytui.tui.screens.confirm import Answer, ConfirmScreen

    if unsaved_editor(app) is None:
        app.exit()
        return

    def answered(quit_anyway: bool | None) -> None:
        if quit_anyway:
            app.exit()

    app.push_screen(
        ConfirmScreen(
            "Quit policytui?",
            "A policy form has changes that are not saved on the server; they will be lost.",
            [Answer("k", "Keep editing", False, "primary"), Answer("q", "Quit", True, "error")],
            cancel=False,
        ),
        answered,
    )


def describe_policy(policy: OfferingUsagePolicy, catalog: Catalog | None) -> str:
    """``Acme HPC Cluster: CPU 100 core-hours, RAM 50 GB-hours (1 month)`` for a question."""
    offering_uuid = policy.scope_uuid
    offering = catalog.offering(offering_uuid) if catalog else None
    name = (offering.name if offering else None) or policy.scope_name or "an offering"
    limits = []
    for limit in policy.component_limits_set:
        component = catalog.component(offering_uuid, limit.type) if catalog else None
        label = component.label if component else limit.type
        unit = f" {component.measured_unit}" if component and component.measured_unit else ""
        limits.append(f"{label} {limit.limit:,}{unit}".replace(",", "\u2009"))
    return f"{name}: {', '.join(limits) or 'no limits'} ({policy.period_label})"


def confirm_delete_policy(
    app: App, policy: OfferingUsagePolicy, *, client: WaldurClient, catalog: Catalog | None
) -> None:
    """Ask to confirm, naming the offering and the limits, then delete in a worker."""
    from policytui.tui.screens.confirm import Answer, ConfirmScreen

    def answered(delete: bool | None) -> None:
        if delete:
            app.run_worker(
                _delete(app, client, catalog, policy),
                group="policy-delete",
                exclusive=False,
                exit_on_error=False,
            )

    app.push_screen(
        ConfirmScreen(
            "Delete this policy?",
            f"{describe_policy(policy, catalog)}\n\nThis cannot be undone.",
            [Answer("y", "Delete", True, "error"), Answer("n", "Keep it", False, "primary")],
            cancel=False,
            focus_index=1,
        ),
        answered,
    )


async def _delete(
    app: App, client: WaldurClient, catalog: Catalog | None, policy: OfferingUsagePolicy
) -> None:
    what = describe_policy(policy, catalog)
    try:
        await client.policies.delete(policy.uuid)
    except NotFound:
        # Already gone (deleted elsewhere, or by an earlier attempt that timed out).
        app.post_message(PolicyDeleted(policy.uuid))
        app.notify(f"Already deleted: {what}.", severity="warning", markup=False)
        return
    except AuthenticationError as exc:
        app.notify(f"Not deleted: {exc}", severity="error", timeout=10, markup=False)
        app.post_message(SignInRequired())
        return
    except ValidationError as exc:
        app.notify(f"Not deleted: {exc}", severity="error", timeout=10, markup=False)
        return
    except WaldurError as exc:
        app.notify(
            f"Not deleted: {exc} Press d again to retry.",
            severity="error",
            timeout=10,
            markup=False,
        )
        return
    app.post_message(PolicyDeleted(policy.uuid))
    app.notify(f"Deleted policy {what}.", markup=False)
