"""The list's Usage column: each shown policy's usage, read per offering and computed.

No Textual here: the list screen calls :meth:`ListUsage.fill` in a worker once a page is
on screen, and :meth:`ListUsage.new_refresh` on ``r`` and on each ``--watch`` tick. One
:class:`~policytui.api.usage.UsageReader` serves a refresh: turning pages within it reads
an offering again only for a longer window; a refresh reaches the server again.
Usage is read only for the offerings of policies on screen (the user can see them), and
shown only beside those policies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The list screen makes a ListUsage before the first page is painted, and that is
    # before the models (pydantic) are imported: what reads and computes comes later.
    from policytui.api import OfferingUsagePolicy, WaldurClient
    from policytui.api.usage import UsageReader
    from policytui.tui.catalog import Catalog
    from policytui.tui.usage_load import OfferingInputs, PolicyUsage


class ListUsage:
    """What one refresh has read and computed, and the figures last shown."""

    def __init__(self) -> None:
        self._reader: UsageReader | None = None
        self._inputs: dict[str, OfferingInputs] = {}
        self._prefetching: set[asyncio.Future[object]] = set()
        #: By policy uuid: kept across refreshes until a new figure replaces it, so a
        #: ``--watch`` tick does not blank the column while it reads.
        self.usage: dict[str, PolicyUsage] = {}
        #: Counts the changes to :attr:`usage` (a fill's figures, a recompute): what is
        #: computed over every figure (the fired view's "still over") is kept until then.
        self.changes = 0
        #: Requests sent by the readers of this list (for the tests and the benchmark).
        self.requests = 0
        #: The policies whose highest ratio crossed 80 % or 100 % (either way) between
        #: the figures shown before and those of the last fill (``--watch`` marks them).
        self.crossed: set[str] = set()
        #: Those of :attr:`crossed` that went over the limit (``--notify`` tells them).
        self.went_over: set[str] = set()
        self._denied: bool | None = None
        self._denied_of = 0
        #: Why the last fill could not read some offering (its old figures were kept).
        self.not_refreshed: str | None = None

    def new_refresh(self) -> None:
        """The next fill reads the server again (``r``, a ``--watch`` tick)."""
        if self._reader is not None:
            self.requests += self._reader.requests
        self._reader = None
        self._inputs = {}

    def of(self, uuid: str) -> PolicyUsage | None:
        return self.usage.get(uuid)

    @property
    def denied(self) -> bool:
        """Some offering's customers could not be read (said once in the status bar).

        Asked on every status update: counted once per change of the figures, not over
        every policy's figure each time (the near-firing view holds every policy's)."""
        from policytui.tui.usage_cell import NEEDS_PROVIDER

        if self._denied is None or self._denied_of != len(self.usage):
            self._denied = any(u.missing == NEEDS_PROVIDER for u in self.usage.values())
            self._denied_of = len(self.usage)
        return self._denied

    def _reader_for(self, client: WaldurClient, today: date) -> UsageReader:
        from policytui.api.usage import UsageReader

        if self._reader is not None and self._reader.today != today:
            self.new_refresh()  # midnight passed: the windows moved
        if self._reader is None:
            self._reader = UsageReader(client, today)
        return self._reader

    def prefetch(
        self, client: WaldurClient, policies: Sequence[OfferingUsagePolicy], today: date
    ) -> None:
        """Start reading the usage rows and customers of ``policies``' offerings now, for
        the :meth:`fill` that follows: the reads need no names, so they run while the
        catalog loads instead of after it (the reader shares them with that fill)."""
        from policytui.tui.usage_load import longest_window

        reader = self._reader_for(client, today)
        by_offering: dict[str, list[OfferingUsagePolicy]] = {}
        for policy in policies:
            if policy.scope_uuid:
                by_offering.setdefault(policy.scope_uuid, []).append(policy)
        for offering_uuid, mine in by_offering.items():
            if offering_uuid in self._inputs:
                continue
            for read in (
                reader.usage(offering_uuid, longest_window(mine)),
                reader.customers(offering_uuid),
            ):
                task = asyncio.ensure_future(read)
                # Kept until done (a task only weakly held may be collected), and its
                # error taken: the fill that awaits the shared read reports it.
                self._prefetching.add(task)
                task.add_done_callback(self._prefetched)

    def _prefetched(self, task: asyncio.Future[object]) -> None:
        self._prefetching.discard(task)
        if not task.cancelled():
            task.exception()

    async def fill(
        self,
        client: WaldurClient,
        catalog: Catalog,
        policies: Sequence[OfferingUsagePolicy],
        today: date,
    ) -> dict[str, PolicyUsage]:
        """The usage of ``policies``, per offering concurrently; remembered and returned.

        An authentication failure is raised (the screen asks for a sign-in); any other
        failure of an offering becomes that offering's policies' "could not be read".
        """
        from policytui.api import errors
        from policytui.tui.usage_load import (
            covers,
            failed,
            longest_window,
            policy_usage,
            read_offering,
        )

        reader = self._reader_for(client, today)
        by_offering: dict[str, list[OfferingUsagePolicy]] = {}
        for policy in policies:
            if policy.scope_uuid:
                by_offering.setdefault(policy.scope_uuid, []).append(policy)

        async def one(offering_uuid: str, mine: list[OfferingUsagePolicy]):
            months = longest_window(mine)
            inputs = self._inputs.get(offering_uuid)
            if inputs is None or not covers(inputs, months):
                offering = catalog.offering(offering_uuid)
                components = offering.components if offering else []
                try:
                    inputs = await read_offering(reader, offering_uuid, months, components)
                except errors.AuthenticationError:
                    raise
                except Exception as exc:
                    return {p.uuid: failed(exc) for p in mine}
                self._inputs[offering_uuid] = inputs
            ready = inputs
            # Off the event loop: a page of 300 policies over thousands of rows each.
            return await asyncio.to_thread(lambda: {p.uuid: policy_usage(p, ready) for p in mine})

        found: dict[str, PolicyUsage] = {}
        try:
            parts = await asyncio.gather(*(one(o, m) for o, m in by_offering.items()))
        except asyncio.CancelledError:
            # A page turn replaced this fill: the reader's reads were cancelled with it,
            # and a reader never hands out a cancelled read again: the next fill gets a
            # new one (what was read before stays in ``_inputs``).
            if self._reader is reader:
                self.requests += reader.requests
                self._reader = None
            raise
        for part in parts:
            found.update(part)
        # A refresh whose reads failed keeps the figures shown before (said in the status
        # bar: "usage not refreshed"), so one outage does not blank every cell.
        self.not_refreshed = next((u.missing for u in found.values() if u.failed), None)
        for uuid, usage in found.items():
            before = self.usage.get(uuid)
            if usage.failed and before is not None and before.headroom is not None:
                found[uuid] = before
        bands = {
            uuid: (old, new)
            for uuid, usage in found.items()
            if uuid in self.usage
            and None not in (old := band(self.usage[uuid]), new := band(usage))
            and old != new
        }
        self.crossed = set(bands)
        self.went_over = {uuid for uuid, (_, new) in bands.items() if new == OVER}
        self.usage.update(found)
        self.changes += 1
        self._denied = None
        return found

    def recompute(self, policy: OfferingUsagePolicy) -> PolicyUsage | None:
        """A policy saved elsewhere, from what this refresh read (None: not read, and its
        old figure forgotten)."""
        from policytui.tui.usage_load import covers, policy_usage

        inputs = self._inputs.get(policy.scope_uuid or "")
        if inputs is None or not covers(inputs, policy.period.months):
            # The figure held is of the policy as it was (another period is another
            # window): it goes, and the next fill reads the policy's window.
            if self.usage.pop(policy.uuid, None) is not None:
                self._denied = None
                self.changes += 1
            return None
        usage = policy_usage(policy, inputs)
        self.usage[policy.uuid] = usage
        self.changes += 1
        self._denied = None
        return usage


#: The band of a policy over its limit (usage > limit, as the server compares).
OVER = 2


def band(usage: PolicyUsage) -> int | None:
    """0 under 80 %, 1 from 80 %, 2 over the limit; None without a figure (a figure that
    comes or goes is not a crossing)."""
    from policytui.headroom import summarize
    from policytui.tui.usage_text import level

    summary = summarize(usage.headroom) if usage.headroom else None
    if summary is None:
        return None
    return {"ok": 0, "near": 1, "over": 2}[level(summary.ratio, summary.over)]
