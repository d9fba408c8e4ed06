"""What Waldur's policy actions are called and what they do, for people.

A module of its own, free of pydantic: the list screen labels a row's actions before
the models are imported.
"""

from __future__ import annotations

#: What each known action does, in one line (the server lists only names).
ACTION_DESCRIPTIONS: dict[str, str] = {
    "notify_organization_owners": "E-mail the owners of the affected organizations.",
    "block_creation_of_new_resources": (
        "Refuse new orders for this offering from the affected organizations."
    ),
    "notify_external_user": "E-mail the addresses listed in options.notify_external_user.",
}
ACTION_LABELS: dict[str, str] = {
    "notify_organization_owners": "Notify owners",
    "block_creation_of_new_resources": "Block new resources",
    "notify_external_user": "Notify external",
}


def action_label(name: str) -> str:
    """A short human label for an action name (unknown names are shown humanised)."""
    return ACTION_LABELS.get(name) or name.replace("_", " ").capitalize()
