"""What the policy list knows, as plain objects: the view it is in, the page on screen,
the fired scan's progress, the fired states seen so far, and the marks of a bulk change.

No Textual here: the list screen holds one of each and paints from them, and tests
drive them directly (tests/tui/test_list_state.py). Each object's methods are the
events that change it, named as the user meets them (a page shown, a policy created,
a scan's report), so a rule such as "a create adds a page when the last one is full"
is in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policytui.tui.rows import PolicyRow

#: A policy's fired state as the list remembers it: (has_fired, fired_datetime).
FiredState = tuple[bool, datetime | None]


class ListMode(Enum):
    """Which view the list is in."""

    #: The server's pages, one at a time (`[`, `]`, `<`, `>`).
    PAGES = "pages"
    #: Every fired policy of every page, newest firing first (`f`).
    FIRED = "fired"


@dataclass
class Paging:
    """The server-paged view: which offering, which page, how many there are.

    ``total`` and ``page_count`` are None while the server has not said (no count, no
    ``rel="last"`` link); ``more`` says whether another page follows all the same.
    """

    size: int = 20
    scope_uuid: str | None = None
    number: int = 1
    total: int | None = None
    page_count: int | None = None
    more: bool = False
    #: The number of the page on screen; 0 before the first one is shown.
    shown: int = 0

    def key(self, number: int) -> tuple[str | None, int, int]:
        """What a cached page is filed under: another offering or size is another page."""
        return (self.scope_uuid, number, self.size)

    def go_to(self, number: int) -> None:
        self.number = max(1, number)

    def page_shown(
        self, number: int, total: int | None, page_count: int | None, has_next: bool, rows: int
    ) -> bool:
        """Page ``number`` is on screen; True when it is another page than before.

        ``page_count`` is the server's (None without a count or a last link); without
        one a full page may have a next one.
        """
        turned = self.shown != number
        self.shown = number
        self.total = total
        self.page_count = page_count
        self.more = has_next or (page_count is None and rows >= self.size)
        return turned

    def count_changed(self, delta: int) -> None:
        """One policy more or fewer on the server: the count and the number of pages,
        so `>` and the footer never point at a page that is not there."""
        if self.total is None:
            return
        self.total = max(0, self.total + delta)
        self.page_count = max(1, math.ceil(self.total / self.size))
        self.more = self.number < self.page_count

    def refit(self, fitted: int) -> bool:
        """A new page size (the window changed), on the page holding the policy that was
        first on view; True when the page to show changed."""
        if fitted == self.size:
            return False
        first_index = (self.number - 1) * self.size
        self.size = fitted
        self.number = first_index // fitted + 1
        return True

    def scope_set(self, uuid: str | None) -> None:
        """Another offering (or every one): its first page, counts unknown until read."""
        self.scope_uuid = uuid
        self.number = 1
        self.total = None
        self.page_count = None
        self.more = False

    @property
    def at_first(self) -> bool:
        return self.number <= 1

    @property
    def last(self) -> int | None:
        """The last page's number, when known and not the one on screen."""
        if self.page_count and self.number != self.page_count:
            return self.page_count
        return None


@dataclass
class FiredScan:
    """The fired view's walk over every page: how far it got and what it found.

    A scan is known by its ``generation``: a report from an older scan (one the user
    left, or replaced by pressing `r`) is ignored.
    """

    generation: int = 0
    done: bool = False
    #: The scan read every page: what it found is the answer (not just "it ended").
    complete: bool = False
    #: Pages of this scan read so far (by whichever process read them) and in all.
    pages: int = 0
    pages_read: int = 0
    page_count: int = 0
    fired: int = 0
    #: Policies on the server, as the scan's first page said; None before it.
    total: int | None = None
    #: While a scan the helper began is finished here: the fired policies found anew
    #: (rows the helper sent that are not among them are gone at the end).
    resume_found: set[str] | None = None

    def start(self, *, quiet: bool) -> int:
        """A new scan; its generation. A quiet rescan (``--watch``) leaves the last
        answer and its figures on screen until it has its own."""
        self.generation += 1
        self.done = False
        self.pages = self.pages_read = self.page_count = 0
        self.resume_found = None
        if not quiet:
            self.complete = False
            self.fired = 0
            self.total = None
        return self.generation

    def current(self, generation: int) -> bool:
        return generation == self.generation

    def reported(self, pages: int, page_count: int, total: int | None) -> None:
        self.pages = pages
        self.page_count = page_count
        self.pages_read = max(self.pages_read, pages)
        self.total = total

    def finished(self) -> None:
        self.done = True
        self.complete = True

    def stopped(self, *, quiet: bool) -> None:
        """It failed before the end: a visible scan says what it read, not a tally that
        looks final."""
        self.done = True
        self.resume_found = None
        if not quiet:
            self.complete = False
            self.pages = max(self.pages, self.pages_read)

    def count_changed(self, delta: int) -> None:
        if self.total is not None:
            self.total = max(0, self.total + delta)

    @property
    def read(self) -> tuple[int, int] | None:
        """(pages read, pages) of a scan that stopped before the end, else None."""
        if self.done and not self.complete and self.page_count:
            return (self.pages, self.page_count)
        return None


def fired_anew(before: FiredState, now: FiredState) -> bool:
    """The policy fired between two looks: it is fired now and was not, or its
    ``fired_datetime`` (the last change of state, SEMANTICS.md) moved: it stopped and
    fired again in between."""
    return now[0] and now != before


@dataclass
class FiredStates:
    """Each policy's fired state as last seen, and those that changed since (marked ◆
    after a refresh or a ``--watch`` tick, until the next look)."""

    seen: dict[str, FiredState] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    #: Policies that fired since they were last seen (``--notify`` tells the terminal),
    #: until :meth:`take_fired`. Not the same as ``changed``: a ``--watch`` tick keeps
    #: the marks of the ticks before, and a policy marked for stopping may fire again.
    fired: set[str] = field(default_factory=set)

    def note(self, states: dict[str, FiredState], *, mark: bool) -> int:
        """Remember ``states``; with ``mark``, mark those that changed. Returns how many
        were newly marked."""
        if not mark:
            # One C-level update: a fired-scan report carries the states of tens of
            # thousands of policies, and this runs on the UI thread.
            self.seen.update(states)
            return 0
        fresh = 0
        seen, changed, fired = self.seen, self.changed, self.fired
        for uuid, state in states.items():
            before = seen.get(uuid)
            if before is not None and before != state:
                if fired_anew(before, state):
                    fired.add(uuid)
                if uuid not in changed:
                    fresh += 1
                    changed.add(uuid)
            seen[uuid] = state
        return fresh

    def take_fired(self) -> set[str]:
        """The policies that fired since the last call."""
        fired, self.fired = self.fired, set()
        return fired

    def forget(self, uuid: str) -> bool:
        """A policy was deleted; whether it had fired."""
        self.changed.discard(uuid)
        return self.seen.pop(uuid, (False, None))[0]

    def is_changed(self, uuid: str) -> bool:
        return uuid in self.changed


class Marks:
    """The policies marked for a bulk change, by uuid, in the order they were marked.

    They outlive a page turn, a filter and the fired view: what is marked is kept until
    the user clears it or a bulk change succeeds on it. Each mark keeps the row it was
    made from, so a bulk change can name and plan policies no longer on screen.
    """

    def __init__(self) -> None:
        self._rows: dict[str, PolicyRow] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._rows

    @property
    def uuids(self) -> frozenset[str]:
        return frozenset(self._rows)

    def rows(self) -> list[PolicyRow]:
        return list(self._rows.values())

    def toggle(self, row: PolicyRow) -> bool:
        """Mark ``row``, or unmark it if it was marked; True when it is marked now."""
        if self._rows.pop(row.uuid, None) is not None:
            return False
        self._rows[row.uuid] = row
        return True

    def mark_all(self, rows: list[PolicyRow]) -> int:
        """Mark every row of ``rows``; how many were not marked before."""
        new = [row for row in rows if row.uuid not in self._rows]
        for row in new:
            self._rows[row.uuid] = row
        return len(new)

    def unmark(self, uuids: set[str] | frozenset[str]) -> None:
        for uuid in uuids:
            self._rows.pop(uuid, None)

    def clear(self) -> None:
        self._rows.clear()

    def keep_only(self, uuids: list[str]) -> None:
        """After a bulk change: only the policies to look at again stay marked."""
        keep = set(uuids)
        self._rows = {uuid: row for uuid, row in self._rows.items() if uuid in keep}

    def refresh_row(self, row: PolicyRow) -> None:
        """A marked policy was read again (a page, an edit): keep its newest row."""
        if row.uuid in self._rows:
            self._rows[row.uuid] = row


@dataclass
class FiringAlerts:
    """What ``--notify`` tells the terminal after a refresh: the policies that fired and
    those whose usage went over a limit, each told once.

    A ``--watch`` tick reads the page, the usage and the index of every policy, each on
    its own time, and each may see the same policy fire: it is told by the first, and
    again only once its fired state has changed (it stopped and fired anew).
    """

    #: By uuid: the fired state the policy had when it was last told.
    told: dict[str, FiredState | None] = field(default_factory=dict)
    _fired: list[str] = field(default_factory=list)
    _over: list[str] = field(default_factory=list)

    def fired(self, uuids: set[str], states: dict[str, FiredState]) -> None:
        for uuid in sorted(uuids):
            state = states.get(uuid)
            if self.told.get(uuid, ()) != state:
                self.told[uuid] = state
                self._fired.append(uuid)

    def went_over(self, uuids: set[str], states: dict[str, FiredState]) -> None:
        """Usage went over a limit: told unless the policy was told in its present state
        (it fired with it: one notification, not two)."""
        for uuid in sorted(uuids):
            state = states.get(uuid)
            if self.told.get(uuid, ()) != state:
                self.told[uuid] = state
                self._over.append(uuid)

    def take(self) -> tuple[list[str], list[str]]:
        """(fired, over): the policies to tell now, in the order they were seen."""
        taken = (self._fired, self._over)
        self._fired, self._over = [], []
        return taken
