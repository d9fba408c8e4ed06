"""One object for each distinct value the index's facts repeat (issue 13's memory).

The helper shares each repeated text and set of limits among the policies it reads
(:class:`policytui.query.facts.FactsReader`), but sends each batch pickled on its own:
two policies with the same offering text or the same limits in two batches arrive as two
copies. At 100 000 policies (~28 batches) that was ~11.5 MB of limits (a tuple of
:class:`ComponentFacts` a policy, each with its own limit number) and ~5 MB of copies of
the ~1 000 distinct texts. The receiver shares them again as it builds each batch's
facts (:mod:`policytui.helper.index_page`), and forgets them when the scan ends.
"""

from __future__ import annotations

from policytui.query.facts import ComponentFacts, PolicyFacts

__all__ = ["SHARED_TEXTS", "SharedFacts"]

#: The texts a policy shares with many others (one offering, one set of groups, one
#: creator serve thousands): every text field of the facts but the uuid, its own.
SHARED_TEXTS = tuple(
    name for name, kind in PolicyFacts.__annotations__.items() if kind == "str" and name != "uuid"
)


class _LimitSets(dict):  # type: ignore[type-arg]
    """Each set of limits met, by value; a set met for the first time is made of the
    limits met before (the demo's 40 000 sets hold 20 000 distinct limits)."""

    __slots__ = ("limits",)

    def __init__(self) -> None:
        super().__init__()
        self.limits: dict[ComponentFacts, ComponentFacts] = {}

    def __missing__(self, key: tuple[ComponentFacts, ...]) -> tuple[ComponentFacts, ...]:
        limit = self.limits.setdefault
        shared = tuple(limit(c, c) for c in key)
        self[shared] = shared
        return shared

    def clear(self) -> None:
        super().clear()
        self.limits.clear()


class SharedFacts:
    """The first object of each value met: texts, sets of limits and their limits.

    Looked up with C-level maps (``map(texts.setdefault, ...)``, ``map(limit_sets
    .__getitem__, ...)``): the UI thread builds 100 000 facts a fill."""

    __slots__ = ("limit_sets", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.limit_sets: dict[tuple[ComponentFacts, ...], tuple[ComponentFacts, ...]] = (
            _LimitSets()
        )

    def clear(self) -> None:
        self.texts.clear()
        self.limit_sets.clear()
