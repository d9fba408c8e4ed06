"""``--offering NAME|UUID``, read one way by every command (`list`, `export`).

A uuid (dashes and case ignored) must be one of the offerings you manage; a name is
matched exactly (case aside), else as the one offering whose name contains it. No
match, or several, is a usage error that lists what there is, so a monitoring check
with a typo fails (exit 2) instead of passing on an empty list. Pure: it takes the
offerings as (uuid, name) pairs, whichever catalog they come from.
"""

from __future__ import annotations

from collections.abc import Iterable


class NoSuchOffering(ValueError):
    """Why ``--offering`` names no single offering (the message, without the prefix)."""


def choose_offering(wanted: str, offerings: Iterable[tuple[str, str]]) -> str:
    """The uuid of the offering ``wanted`` names, or :class:`NoSuchOffering`."""
    known = sorted(offerings, key=lambda o: (o[1].casefold(), o[0]))
    key = wanted.strip().replace("-", "").lower()
    if len(key) == 32 and all(c in "0123456789abcdef" for c in key):
        if any(uuid == key for uuid, _ in known):
            return key
        raise NoSuchOffering(f"no offering you manage has the uuid {key} ({_names(known)}).")
    folded = wanted.strip().casefold()
    named = [o for o in known if o[1].casefold() == folded]
    if not named:
        named = [o for o in known if folded in o[1].casefold()]
    if len(named) == 1:
        return named[0][0]
    if not named:
        raise NoSuchOffering(f"no offering you manage is named {wanted!r} ({_names(known)}).")
    which = ", ".join(f"{name!r} ({uuid})" for uuid, name in named)
    raise NoSuchOffering(f"{wanted!r} names {len(named)} offerings: {which}; give a uuid.")


def _names(known: list[tuple[str, str]]) -> str:
    return ", ".join(repr(name) for _, name in known) or "none"
