"""What the shell's `list` and `show` read: policies as the server sent them, each with its
model, its headroom (or why there is none), and the catalog that names them.

The walk is the client's (`policies.walk_raw`: the first page tells the count, the rest
come concurrently, in server order); the headroom is `policytui.headroom` over the rows
an `api.usage.UsageReader` reads, each offering's usage and customers once per run.

Light at import time (tests/test_layering.py): the client, its models and the headroom
load inside the functions, which only a command that talks to the server calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy, WaldurClient
    from policytui.headroom import PolicyHeadroom
    from policytui.tui.catalog import Catalog

#: Said for a policy whose offering's customer → group map the user may not read (the
#: server answers 403 or 404 to all but staff and the provider's owners).
NOT_PROVIDER = (
    "usage not readable: which customers are in the policy's groups is shown only to "
    "staff and the offering's provider"
)

#: ``(pages read, pages in all)`` after each page; the total is None until page 1 came.
Progress = Callable[[int, int | None], None]


@dataclass
class Listed:
    """One policy: ``raw`` exactly as the server sent it, ``policy`` its model."""

    raw: dict[str, Any]
    policy: OfferingUsagePolicy
    headroom: PolicyHeadroom | None = None
    #: Why ``headroom`` is None (a sentence); None when it was computed.
    unavailable: str | None = None


def server_today(given: date | None) -> date:
    """The date usage windows end with: ``--today``, else today in UTC (a server's
    windows follow its own ``date.today()``; give ``--today`` when its zone differs)."""
    from datetime import UTC, datetime

    return given or datetime.now(UTC).date()


async def load_catalog(client: WaldurClient) -> Catalog:
    from policytui.tui.catalog import Catalog

    return await Catalog().load(client)


async def walk_policies(
    client: WaldurClient, *, scope_uuid: str | None, progress: Progress | None = None
) -> list[Listed]:
    """Every policy (of one offering with ``scope_uuid``), in the server's order."""
    from policytui.api.parsing import parse_policy

    found: list[Listed] = []
    pages = 0
    async for page in client.policies.walk_raw(scope_uuid=scope_uuid):
        pages += 1
        found.extend(Listed(raw, parse_policy(raw)) for raw in page.items)
        if progress is not None:
            progress(pages, page.page_count if page.total is not None else None)
    return found


async def add_headroom(
    client: WaldurClient, listed: Sequence[Listed], catalog: Catalog, today: date
) -> None:
    """Compute each policy's headroom on ``today`` (the server's date), in place.

    Per offering: its usage rows for the longest window among its policies, and its
    customers with their groups, read once and concurrently. A customer list the user
    may not read leaves the group policies ``unavailable`` (never a guess); any other
    failure is the client's error, raised: a figure missing for a server's fault must
    not read as "nothing near".
    """
    from policytui.api import errors
    from policytui.api.usage import UsageReader
    from policytui.headroom import OfferingUsage

    by_offering: dict[str, list[Listed]] = {}
    for item in listed:
        if item.policy.scope_uuid:
            by_offering.setdefault(item.policy.scope_uuid, []).append(item)
        else:
            item.unavailable = "usage not computed: the policy names no offering"
    reader = UsageReader(client, today)

    async def customer_map(offering: str) -> dict[str, str | None] | None:
        try:
            customers = await reader.customers(offering)
        except (errors.PermissionDenied, errors.NotFound):
            return None
        return {c.uuid: _plain_uuid(c.organization_group_uuid) for c in customers}

    async def one(offering: str, items: list[Listed]) -> None:
        months = [item.policy.period.months for item in items]
        longest = None if None in months else max(m for m in months if m is not None)
        usage, groups = await asyncio.gather(
            reader.usage(offering, longest), customer_map(offering)
        )
        known = catalog.offering(offering)
        components = known.components if known else []
        # Added up once per offering: each policy then costs its groups x months x limits,
        # not a scan of the rows (2 000 policies over 14 months of rows).
        pooled = OfferingUsage(offering, usage.rows, groups)
        for item in items:
            result = pooled.headroom(item.policy, components, today)
            if result.unavailable:
                item.unavailable = NOT_PROVIDER
            else:
                item.headroom = result

    await asyncio.gather(*(one(o, items) for o, items in by_offering.items()))


def _plain_uuid(value: str | None) -> str | None:
    # headroom compares group uuids without dashes, lower case.
    return value.replace("-", "").lower() if value else None
