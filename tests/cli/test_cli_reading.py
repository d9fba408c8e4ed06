"""The shell's read (`policytui.cli.reading`) over loopback HTTP: each policy's headroom,
computed from its offering's rows added up once (`headroom.OfferingUsage`), is exactly the
one `headroom()` computes from every row of its offering, less the customers' shares the
shell never prints, in both server behaviours."""

from __future__ import annotations

import asyncio
import dataclasses

from cli_support import TODAY

from policytui.api import WaldurClient
from policytui.api.usage import UsageReader
from policytui.cli.reading import add_headroom, load_catalog, walk_policies
from policytui.demo import STAFF_TOKEN, DemoServer
from policytui.headroom import headroom


async def _both(server: DemoServer):
    async with WaldurClient(server.api_url, STAFF_TOKEN) as client:
        pages = []
        listed = await walk_policies(client, scope_uuid=None, progress=lambda *p: pages.append(p))
        catalog = await load_catalog(client)
        await add_headroom(client, listed, catalog, TODAY)
        reader = UsageReader(client, TODAY)
        plain = []
        for item in listed:
            offering = item.policy.scope_uuid
            usage, customers = await asyncio.gather(
                reader.usage(offering, None), reader.customers(offering)
            )
            groups = {c.uuid: c.organization_group_uuid for c in customers}
            components = catalog.offering(offering).components
            full = headroom(item.policy, components, groups, usage.rows, TODAY)
            plain.append(
                dataclasses.replace(
                    full, limits=tuple(dataclasses.replace(x, customers=()) for x in full.limits)
                )
            )
    return listed, plain, pages


def test_the_pooled_sums_give_the_same_headroom(server: DemoServer) -> None:
    listed, plain, pages = asyncio.run(_both(server))
    assert len(listed) == 24 and pages == [(1, 1)]
    assert [item.headroom for item in listed] == plain
    assert all(item.unavailable is None for item in listed)
