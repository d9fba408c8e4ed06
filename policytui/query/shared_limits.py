"""One object for each distinct set of component limits the index holds (issue 13's memory).

The helper sends each batch pickled on its own, so two policies with the same limits in
two batches arrive as two tuples of two :class:`ComponentFacts` each, with their own
limit numbers: 100 000 policies' limits were ~11.5 MB of the app. The demo's 100 000 hold
~40 000 distinct sets of ~20 000 distinct limits; a real offering's policies repeat their
limits as much (a few round numbers per component). Sharing them while a fill runs keeps
one of each; the tables go when the fill ends, so they cost nothing after it (a refresh
shares among its own batches).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policytui.query.facts import ComponentFacts, PolicyFacts

__all__ = ["SharedLimits"]


class SharedLimits:
    """Gives each facts the one shared tuple of its limits (and each limit its one object)."""

    __slots__ = ("_limits", "_sets")

    def __init__(self) -> None:
        self._sets: dict[tuple[ComponentFacts, ...], tuple[ComponentFacts, ...]] = {}
        self._limits: dict[ComponentFacts, ComponentFacts] = {}

    def share(self, batch: Iterable[PolicyFacts]) -> None:
        sets, limits = self._sets, self._limits
        for facts in batch:
            components = facts.components
            if not components:
                continue  # () is one object already
            shared = sets.get(components)
            if shared is None:
                # Keyed by the shared tuple itself (equal to this one): keyed by this
                # one, the table kept a first copy of every set alive besides.
                shared = tuple(limits.setdefault(c, c) for c in components)
                sets[shared] = shared
            if shared is not components:
                facts.components = shared

    def clear(self) -> None:
        self._sets.clear()
        self._limits.clear()
