"""What the screens need to name things: offerings (with components), groups, actions.

Loaded once per session on first use and shared by the list, the detail view and the
editor, so component names, units and group names cost one round of requests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the first page is painted before the models are imported
    from policytui.api import Offering, OfferingComponent, OrganizationGroup, WaldurClient


@dataclass
class Catalog:
    offerings: dict[str, Offering] = field(default_factory=dict)  # by uuid
    groups: dict[str, OrganizationGroup] = field(default_factory=dict)  # by url
    actions: list[str] = field(default_factory=list)
    loaded: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def load(self, client: WaldurClient, *, force: bool = False) -> Catalog:
        """Fetch offerings, organization groups and actions concurrently (once)."""
        async with self._lock:
            if self.loaded and not force:
                return self
            offerings, groups, actions = await asyncio.gather(
                client.offerings(), client.organization_groups(), client.policies.actions()
            )
            self.offerings = {o.uuid: o for o in offerings}
            self.groups = {g.url: g for g in groups}
            self.actions = actions
            self.loaded = True
            return self

    def offering(self, uuid: str | None) -> Offering | None:
        return self.offerings.get(uuid or "")

    def component(self, offering_uuid: str | None, type_: str) -> OfferingComponent | None:
        offering = self.offering(offering_uuid)
        return offering.component(type_) if offering else None

    def group(self, url: str) -> OrganizationGroup | None:
        return self.groups.get(url) or next(
            (g for g in self.groups.values() if url.rstrip("/").endswith(g.uuid)), None
        )

    def group_label(self, url: str) -> str:
        group = self.group(url)
        if group is None:
            return url.rstrip("/").rsplit("/", 1)[-1][:8]
        parent = self.group(group.parent) if group.parent else None
        parent_name = group.parent_name or (parent.name if parent else None)
        return f"{parent_name} › {group.name}" if parent_name else group.name
