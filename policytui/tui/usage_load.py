"""What the screens show of a policy's usage: read per offering through a
:class:`~policytui.api.usage.UsageReader`, computed by :mod:`policytui.headroom`.

No Textual here: the detail, the list's Usage column and the editor's preview all get
an :class:`OfferingInputs` per offering from :func:`read_offering` (in a worker) and a
:class:`PolicyUsage` per policy from :func:`policy_usage` (pure, fast enough per policy).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from policytui.headroom import OfferingUsage, PolicyHeadroom
from policytui.tui.usage_cell import NEEDS_PROVIDER

if TYPE_CHECKING:
    from policytui.api import ComponentUsage, OfferingComponent, OfferingUsagePolicy
    from policytui.api.usage import UsageReader


@dataclass(frozen=True)
class OfferingInputs:
    """One offering's usage rows and customer → group map, read in one refresh."""

    offering_uuid: str
    components: tuple[OfferingComponent, ...]
    rows: tuple[ComponentUsage, ...]
    #: customer uuid → organization group uuid; None: the map could not be read.
    customer_groups: dict[str, str | None] | None
    #: The server's "today" the rows were read for (the windows end with its month).
    today: date
    #: The longest window the rows cover, in months; None: every row was read.
    months: int | None = None
    #: Requests the reader had sent when these arrived (for the tests).
    requests: int = 0

    @cached_property
    def pooled(self) -> OfferingUsage:
        """The rows added up once (built on first use, in the computing thread): each
        policy then costs no scan of them."""
        return OfferingUsage(self.offering_uuid, self.rows, self.customer_groups)


@dataclass(frozen=True)
class PolicyUsage:
    """One policy's usage as the screens show it: loading, a figure, or why not."""

    headroom: PolicyHeadroom | None = None
    #: Why there is no figure, in words for the screen; None with a headroom or loading.
    missing: str | None = None
    #: The reads failed (the server or the network, not the user's rights): a figure
    #: shown before is kept rather than replaced by this (ListUsage.fill).
    failed: bool = False

    @property
    def loading(self) -> bool:
        return self.headroom is None and self.missing is None


LOADING = PolicyUsage()


def longest_window(policies: Iterable[OfferingUsagePolicy]) -> int | None:
    """The months to read for these policies of one offering (None: every month)."""
    months = [p.period.months for p in policies]
    if not months or None in months:
        return None
    return max(m for m in months if m is not None)


async def read_offering(
    reader: UsageReader,
    offering_uuid: str,
    months: int | None,
    components: Sequence[OfferingComponent],
) -> OfferingInputs:
    """The rows and the customer map of one offering, concurrently.

    A customer list the user may not read (404 / 403: neither staff nor an owner of the
    provider) gives ``customer_groups=None``; any other failure is raised.
    """
    from policytui.api import errors

    usage, customers = await asyncio.gather(
        reader.usage(offering_uuid, months),
        reader.customers(offering_uuid),
        return_exceptions=True,
    )
    if isinstance(usage, BaseException):
        raise usage
    groups: dict[str, str | None] | None
    if isinstance(customers, errors.NotFound | errors.PermissionDenied):
        groups = None
    elif isinstance(customers, BaseException):
        raise customers
    else:
        groups = {c.uuid: c.organization_group_uuid for c in customers}
    return OfferingInputs(
        offering_uuid,
        tuple(components),
        usage.rows,
        groups,
        reader.today,
        None if usage.months is None else months,
        reader.requests,
    )


def covers(inputs: OfferingInputs, months: int | None) -> bool:
    """Were ``inputs`` read for a window of ``months`` or longer (None: every month)?"""
    return inputs.months is None or (months is not None and months <= inputs.months)


def policy_usage(policy: OfferingUsagePolicy, inputs: OfferingInputs) -> PolicyUsage:
    """The policy's usage from its offering's inputs; never a guess.

    Without the customer map no figure is shown at all, ``apply_to_all`` included: the
    pooled customers are those with resources on the offering (that same list), and the
    rows a user may read are not necessarily every customer's.
    """
    if inputs.customer_groups is None:
        return PolicyUsage(missing=NEEDS_PROVIDER)
    if not policy.component_limits_set:
        return PolicyUsage(missing="no component limit: nothing to measure")
    # With the customers' shares: the side pane and the detail show them.
    computed = inputs.pooled.headroom(policy, inputs.components, inputs.today, breakdown=True)
    if computed.unavailable:
        return PolicyUsage(missing=computed.unavailable)
    return PolicyUsage(headroom=computed)


def failed(exc: BaseException) -> PolicyUsage:
    """Usage that could not be read, said in a few words (the token never appears in a
    client error's text)."""
    from policytui.api import errors

    if isinstance(exc, errors.WaldurError):
        return PolicyUsage(missing=f"usage could not be read: {exc}", failed=True)
    return PolicyUsage(missing="usage could not be read", failed=True)
