"""Reading what the export and the plan need: the catalog (offerings you manage with their
components, organization groups, the server's actions) and the policies, as plain data.

The client's models are turned into :mod:`model`'s plain ones here, so the checks and the
plan stay pure. Imported only inside a command (the client loads with it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from policytui.api.actions import canonical_actions
from policytui.cli.policy_file.model import (
    NOTIFY_EXTERNAL_USER,
    Catalog,
    Component,
    Features,
    GroupInfo,
    OfferingInfo,
    PolicyValues,
    StoredPolicy,
)

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient
    from policytui.api.models import OfferingUsagePolicy


def uuid_of(url: str | None) -> str:
    return (url or "").rstrip("/").rsplit("/", 1)[-1]


def stored_from(policy: OfferingUsagePolicy) -> StoredPolicy:
    values = PolicyValues(
        actions=tuple(canonical_actions(policy.actions)),
        period=int(policy.period),
        organization_groups=tuple(sorted(uuid_of(g) for g in policy.organization_groups)),
        apply_to_all=bool(policy.apply_to_all),
        component_limits=tuple((c.type, int(c.limit)) for c in policy.component_limits_set),
        options=dict(policy.options or {}),
    )
    return StoredPolicy(
        uuid=policy.uuid,
        offering_uuid=policy.scope_uuid or uuid_of(policy.scope),
        values=values,
        created=policy.created.isoformat() if policy.created else "",
        has_fired=policy.has_fired,
    )


def features_of(policy: OfferingUsagePolicy | None, actions: Iterable[str]) -> Features:
    """A policy read tells for sure: the 2024 server (one limit per policy) sends no
    ``apply_to_all``. Without one, offering ``notify_external_user`` marks a newer server."""
    if policy is not None:
        newer = "apply_to_all" in policy.model_fields_set
        return Features(options="options" in policy.model_fields_set, apply_to_all=newer,
                        one_limit=not newer)  # fmt: skip
    return Features() if NOTIFY_EXTERNAL_USER in actions else Features.of_2024()


def _groups(groups: list) -> dict[str, GroupInfo]:
    """Each group with its ``Parent \u203a Child`` path, the words `list` and `show` use."""
    by_uuid = {g.uuid: g for g in groups}

    def parent_name(g) -> str | None:
        if g.parent_name:
            return g.parent_name
        uuid = g.parent_uuid or (g.parent or "").rstrip("/").rsplit("/", 1)[-1]
        parent = by_uuid.get(uuid) if uuid else None
        return parent.name if parent else None

    return {
        g.uuid: GroupInfo(g.uuid, g.name, f"{p} › {g.name}" if (p := parent_name(g)) else g.name)
        for g in groups
    }


async def read_catalog(client: WaldurClient) -> Catalog:
    """Offerings, groups and actions at once, and the server's features from one policy."""
    offerings, groups, actions, sample = await asyncio.gather(
        client.offerings(),
        client.organization_groups(),
        client.policies.actions(),
        client.policies.list(page_size=1),
    )
    return Catalog(
        offerings={
            o.uuid: OfferingInfo(
                o.uuid,
                o.name,
                tuple(Component(c.type, c.name, c.measured_unit) for c in o.components),
            )
            for o in offerings
        },
        groups=_groups(groups),
        actions=tuple(actions),
        features=features_of(sample.items[0] if sample.items else None, actions),
    )


async def read_policies(
    client: WaldurClient,
    offering_uuids: Iterable[str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[StoredPolicy]:
    """Every policy the user sees, or those of ``offering_uuids`` (one walk each, at once);
    ``progress(read, total)`` after each page (total None until every walk has said)."""
    read = 0
    totals: dict[str | None, int | None] = {}

    async def walk(scope_uuid: str | None) -> list[StoredPolicy]:
        nonlocal read
        found: list[StoredPolicy] = []
        async for page in client.policies.walk(scope_uuid=scope_uuid):
            found.extend(stored_from(p) for p in page.items)
            read += len(page.items)
            totals[scope_uuid] = page.total
            if progress is not None:
                counts = list(totals.values())
                known = None if None in counts else sum(c for c in counts if c is not None)
                progress(read, known)
        return found

    if offering_uuids is None:
        return await walk(None)
    walks = await asyncio.gather(*(walk(uuid) for uuid in offering_uuids))
    return [policy for found in walks for policy in found]


async def read_elsewhere(
    client: WaldurClient, uuids: Iterable[str]
) -> dict[str, StoredPolicy | None]:
    """What the server holds under each uuid (None: no such policy, or not yours to see)."""
    from policytui.api import errors

    async def one(uuid: str) -> tuple[str, StoredPolicy | None]:
        try:
            return uuid, stored_from(await client.policies.get(uuid))
        except errors.NotFound:
            return uuid, None

    return dict(await asyncio.gather(*(one(uuid) for uuid in uuids)))
