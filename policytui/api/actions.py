"""What Waldur's policy actions are called and what they do, for people.

A module of its own, free of pydantic: the list screen labels a row's actions before
the models are imported.
"""

from __future__ import annotations

from collections.abc import Iterable

#: What each known action does, in one line (the server lists only names).
ACTION_DESCRIPTIONS: dict[str, str] = {
    "notify_organization_owners": "E-mail the owners of the affected organizations.",
    "block_creation_of_new_resources": (
        "Refuse new orders for this offering from the affected organizations."
    ),
    "notify_external_user": "E-mail the addresses listed in options.notify_external_user.",
}
#: One label per action, used everywhere (list, detail, editor, help): short enough that a
#: single action fits whole in the list's Actions column at 80 columns (13 cells).
ACTION_LABELS: dict[str, str] = {
    "notify_organization_owners": "Notify owners",
    "block_creation_of_new_resources": "Block orders",
    "notify_external_user": "Notify emails",
}


#: The one order actions are shown and written in: who is told (owners, then external
#: addresses), then what is blocked. The server keeps whatever order it was sent, so the
#: same set made elsewhere may arrive as "block_…,notify_…"; shown and written in this
#: order, a set reads the same whoever made it. Unknown names follow, alphabetically.
ACTION_ORDER: tuple[str, ...] = (
    "notify_organization_owners",
    "notify_external_user",
    "block_creation_of_new_resources",
)
_RANK = {name: rank for rank, name in enumerate(ACTION_ORDER)}


def canonical_actions(names: Iterable[str]) -> list[str]:
    """``names`` in :data:`ACTION_ORDER`, each once (a repeated name is one action)."""
    unique = dict.fromkeys(name for name in names if name)
    return sorted(unique, key=lambda name: (_RANK.get(name, len(_RANK)), name))


def action_label(name: str) -> str:
    """A short human label for an action name (unknown names are shown humanised)."""
    return ACTION_LABELS.get(name) or name.replace("_", " ").capitalize()
