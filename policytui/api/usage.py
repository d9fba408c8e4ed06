"""Reading what a policy's headroom is computed from: an offering's usage rows and its
customers with their organization groups (SEMANTICS.md, "Usage endpoints").

The server has no billing-period range filter (``billing_period`` is an exact month;
``billing_period__gte`` and friends are silently ignored), so the rows of a window come
either from one request per billing month, or from every row of the offering: the reader
asks for whichever takes fewer requests. It is made by the caller once per refresh: within
a refresh each offering's rows are read once however many policies share them, and the
next refresh reaches the server again.

The 2024 server returns every usage row to any signed-in user: read usage only for
offerings whose policies the user can see, and never show it beside any other.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from policytui.api.client import PROVIDER_OFFERINGS, SERVER_PAGE_SIZE_CAP, WaldurClient
from policytui.api.models import ComponentUsage, OfferingCustomer
from policytui.api.pagination import Page

USAGES = "marketplace-component-usages/"
#: Only what the headroom reads of a usage row (``field=`` works on this list): a row
#: has 17 fields, and the server's rendering and the client's parsing of the others was
#: most of the time of reading a window (every row of it, on every refresh).
USAGE_FIELDS = (
    "type",
    "usage",
    "billing_period",
    "offering_uuid",
    "customer_uuid",
    "customer_name",
)
CUSTOMER_FIELDS = ("uuid", "name", "organization_group_uuid", "organization_group_name")


def billing_months(months: int, today: date) -> tuple[date, ...]:
    """The first days of the ``months`` billing months ending with ``today``'s, newest first."""
    index = today.year * 12 + today.month - 1
    return tuple(date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(months))


def requests_for(total_rows: int, page_size: int, months: int | None) -> str:
    """``"all"`` or ``"months"``: which way reads a window of ``months`` in fewer requests.

    Every row of the offering takes ``ceil(total / page size)`` requests; one request per
    billing month takes at least ``months`` (more when a month holds over a page). On a
    tie every row is read: the same requests, no month left to chance.
    """
    if months is None:
        return "all"
    pages_of_all = max(1, math.ceil(total_rows / max(page_size, 1)))
    return "all" if pages_of_all <= months else "months"


@dataclass(frozen=True)
class OfferingUsage:
    """The usage rows read for one offering in one refresh."""

    offering_uuid: str
    rows: tuple[ComponentUsage, ...]
    #: The billing months read one by one; None: every row of the offering was read.
    months: tuple[date, ...] | None
    #: Requests it took (pages of the probe and of the walks).
    requests: int

    def covers(self, months: int | None, today: date) -> bool:
        """Do these rows hold every month of a window of ``months`` (None: every month)?"""
        if self.months is None:
            return True
        if months is None:
            return False
        return set(billing_months(months, today)) <= set(self.months)


class UsageReader:
    """One refresh's reads of usage and customers, concurrent and bounded, each once."""

    def __init__(self, client: WaldurClient, today: date, *, concurrency: int | None = None):
        self._client = client
        self.today = today
        self._limit = asyncio.Semaphore(concurrency or client.concurrency)
        self._usage: dict[str, tuple[int | None, asyncio.Task[OfferingUsage]]] = {}
        self._customers: dict[str, asyncio.Task[list[OfferingCustomer]]] = {}
        #: Requests this reader sent, for the benchmark and the tests.
        self.requests = 0

    # -- usage --------------------------------------------------------------------------

    async def usage(self, offering_uuid: str, months: int | None) -> OfferingUsage:
        """The offering's rows for a window of ``months`` (the longest window among the
        policies shown for it; None for "Total"), read once per refresh."""
        cached = self._usage.get(offering_uuid)
        if cached is not None:
            wanted, task = cached
            if _wider_or_equal(wanted, months) and not task.cancelled():
                return await _shared(task)
            if (
                task.done()
                and not task.cancelled()
                and not task.exception()
                and task.result().covers(months, self.today)
            ):
                return task.result()  # every row was read: any window is in it
        task = asyncio.ensure_future(self._read_usage(offering_uuid, months))
        self._usage[offering_uuid] = (months, task)
        return await _shared(task)

    async def _read_usage(self, offering_uuid: str, months: int | None) -> OfferingUsage:
        base = [("offering_uuid", offering_uuid), *(("field", f) for f in USAGE_FIELDS)]
        sent = 0
        if months == 1:
            # One month: its rows are never more pages than every row of the offering.
            month = billing_months(1, self.today)
            pages, sent = await self._pages([*base, ("billing_period", month[0].isoformat())])
            return OfferingUsage(offering_uuid, _items(pages), month, sent)
        first = await self._page(base, 1)
        sent += 1
        total = first.total if first.total is not None else len(first.items)
        if requests_for(total, first.page_size, months) == "all":
            rest, more = await self._rest(base, first)
            return OfferingUsage(offering_uuid, _items([first, *rest]), None, sent + more)
        assert months is not None
        wanted = billing_months(months, self.today)
        walks = await asyncio.gather(
            *(self._pages([*base, ("billing_period", m.isoformat())]) for m in wanted)
        )
        rows = tuple(row for pages, _ in walks for row in _items(pages))
        return OfferingUsage(offering_uuid, rows, wanted, sent + sum(n for _, n in walks))

    async def _page(
        self,
        params: list[tuple[str, Any]],
        number: int,
        size: int | None = None,
        *,
        model: type[Any] = ComponentUsage,
        path: str = USAGES,
    ) -> Page[Any]:
        async with self._limit:
            self.requests += 1
            return await self._client.get_page(
                model, path, page=number, page_size=size or SERVER_PAGE_SIZE_CAP, params=params
            )

    async def _rest(
        self,
        params: list[tuple[str, Any]],
        first: Page[Any],
        *,
        model: type[Any] = ComponentUsage,
        path: str = USAGES,
    ) -> tuple[list[Page[Any]], int]:
        """Pages 2.. of a list whose first page is read, fetched concurrently."""
        if not first.has_next:
            return [], 0
        last = first.page_count
        size = first.page_size
        if last <= first.page:
            # No usable count: follow rel="next" one page after another.
            pages, page = [], first
            while page.has_next:
                page = await self._page(params, page.page + 1, size, model=model, path=path)
                pages.append(page)
            return pages, len(pages)
        numbers = range(first.page + 1, last + 1)
        pages = await asyncio.gather(
            *(self._page(params, n, size, model=model, path=path) for n in numbers)
        )
        return list(pages), len(numbers)

    async def _pages(self, params: list[tuple[str, Any]]) -> tuple[list[Page[Any]], int]:
        first = await self._page(params, 1)
        rest, more = await self._rest(params, first)
        return [first, *rest], 1 + more

    # -- customers ----------------------------------------------------------------------

    async def customers(self, offering_uuid: str) -> list[OfferingCustomer]:
        """The offering's customers with their organization group, read once per refresh.

        Only the provider's owners and staff may read it: others get the client's
        ``NotFound`` / ``PermissionDenied``, which the caller turns into words ("the
        customer → group map of this offering is not readable by you") and never a guess.
        """
        task = self._customers.get(offering_uuid)
        if task is None or task.cancelled():
            task = asyncio.ensure_future(self._read_customers(offering_uuid))
            self._customers[offering_uuid] = task
        return await _shared(task)

    async def _read_customers(self, offering_uuid: str) -> list[OfferingCustomer]:
        params = [("field", f) for f in CUSTOMER_FIELDS]
        where = {
            "model": OfferingCustomer,
            "path": f"{PROVIDER_OFFERINGS}{offering_uuid}/customers/",
        }
        first = await self._page(params, 1, **where)
        rest, _ = await self._rest(params, first, **where)
        return [c for page in (first, *rest) for c in page.items]


T = TypeVar("T")


async def _shared(task: asyncio.Task[T]) -> T:
    """Await a read that other callers share: a caller cancelled while it waits (a page
    turned, the list refreshed) leaves the read running for the others, instead of
    cancelling it under them (they would get a CancelledError for their own figures).
    A read left running with no one waiting may fail later (the app quit and closed
    the client): its error is taken here, so asyncio never prints "Task exception was
    never retrieved" over the user's terminal."""
    task.add_done_callback(_retrieve)
    return await asyncio.shield(task)


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _wider_or_equal(have: int | None, want: int | None) -> bool:
    if have is None:
        return True
    return want is not None and want <= have


def _items(pages: list[Page[ComponentUsage]]) -> tuple[ComponentUsage, ...]:
    return tuple(row for page in pages for row in page.items)
