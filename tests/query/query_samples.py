"""Policies, and the TUI's own catalog naming them, for the filter language's tests.

The policies are the client's read model validated from the server's wire shape (as in
captures/01), and the names come from ``policytui.tui.catalog.Catalog``, so the tests
prove the language reads what the app really holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from policytui.api.models import Offering, OfferingUsagePolicy, OrganizationGroup
from policytui.query import PolicyFacts, facts_from
from policytui.tui.catalog import Catalog

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BASE = "https://waldur.example/api"
HPC = "f2f7197ac8c95301bba4cceb22b7d108"
GPU = "0c1f2e3d4c5b6a79887766554433aa01"
VMS = "63dc5f4af13e58f5b06ff688a799a088"
NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
NORDIC_UNI = "9a1b2c3d4e5f60718293a4b5c6d7e8f9"
BALTICS = "4be3cba97346512ca69880741d4ecfd0"


def group_url(uuid: str) -> str:
    return f"{BASE}/organization-groups/{uuid}/"


def make_catalog() -> Catalog:
    offerings = [
        Offering.model_validate(
            {
                "uuid": HPC,
                "name": "Acme HPC Cluster",
                "customer_name": "Acme HPC",
                "components": [
                    {"type": "cpu", "name": "CPU", "measured_unit": "core-hours"},
                    {"type": "ram", "name": "RAM", "measured_unit": "GB-hours"},
                ],
            }
        ),
        Offering.model_validate(
            {
                "uuid": GPU,
                "name": "Acme GPU Partition",
                "customer_name": "Acme HPC",
                "components": [
                    {"type": "gpu_hours", "name": "GPU hours", "measured_unit": "GPU-hours"},
                    {"type": "cpu", "name": "CPU", "measured_unit": "core-hours"},
                ],
            }
        ),
        Offering.model_validate(
            {
                "uuid": VMS,
                "name": "Nordic Cloud VMs",
                "customer_name": "Nordic Cloud",
                "components": [{"type": "cores", "name": "vCPU", "measured_unit": "core-hours"}],
            }
        ),
    ]
    groups = [
        OrganizationGroup.model_validate(
            {"uuid": NORDICS, "url": group_url(NORDICS), "name": "Nordics"}
        ),
        # As the 2024 server sends a child: a parent URL and no parent_name.
        OrganizationGroup.model_validate(
            {
                "uuid": NORDIC_UNI,
                "url": group_url(NORDIC_UNI),
                "name": "Nordic Uni",
                "parent": group_url(NORDICS),
            }
        ),
        OrganizationGroup.model_validate(
            {"uuid": BALTICS, "url": group_url(BALTICS), "name": "Baltics"}
        ),
    ]
    return Catalog(
        offerings={o.uuid: o for o in offerings},
        groups={g.url: g for g in groups},
        actions=["notify_organization_owners", "block_creation_of_new_resources"],
        loaded=True,
    )


_SCOPE_NAMES = {HPC: "Acme HPC Cluster", GPU: "Acme GPU Partition", VMS: "Nordic Cloud VMs"}


def make_policy(uuid: str, **wire: Any) -> OfferingUsagePolicy:
    """A policy as the server sends it; ``wire`` overrides the fields."""
    scope = wire.pop("scope_uuid", HPC)
    body: dict[str, Any] = {
        "uuid": uuid,
        "url": f"{BASE}/marketplace-offering-usage-policies/{uuid}/",
        "scope": f"{BASE}/marketplace-provider-offerings/{scope}/",
        "scope_name": _SCOPE_NAMES.get(scope),
        "scope_uuid": scope,
        "actions": "notify_organization_owners",
        "created": "2026-11-24T22:39:50Z",
        "created_by_full_name": "Alice Owner",
        "created_by_username": "acme-owner",
        "has_fired": False,
        "fired_datetime": None,
        "organization_groups": [group_url(NORDICS)],
        "component_limits_set": [{"type": "cpu", "limit": 2830}],
        "period": 2,
    }
    body.update(wire)
    return OfferingUsagePolicy.model_validate(body)


#: A small, varied set: each field term has policies on both sides of it.
def sample_policies() -> list[OfferingUsagePolicy]:
    return [
        make_policy("p01"),
        make_policy(
            "p02",
            scope_uuid=GPU,
            actions="block_creation_of_new_resources,notify_organization_owners",
            component_limits_set=[
                {"type": "gpu_hours", "limit": 500},
                {"type": "cpu", "limit": 12000},
            ],
            organization_groups=[group_url(NORDIC_UNI)],
            has_fired=True,
            fired_datetime="2026-11-25T08:00:00Z",
            period=4,
            created="2026-11-02T10:00:00Z",
            created_by_full_name="Sam Staff",
            created_by_username="staff",
        ),
        make_policy(
            "p03",
            scope_uuid=VMS,
            component_limits_set=[{"type": "cores", "limit": 900}],
            organization_groups=[group_url(BALTICS)],
            has_fired=True,
            fired_datetime="2026-10-01T00:00:00Z",
            period=1,
            created="2026-10-15T00:00:00Z",
        ),
        make_policy(
            "p04",
            component_limits_set=[{"type": "cpu", "limit": 10000}, {"type": "ram", "limit": 64}],
            organization_groups=[],
            apply_to_all=True,
            period=3,
            created="2025-12-31T23:59:59Z",
            created_by_full_name=None,
            created_by_username=None,
        ),
        make_policy(
            "p05",
            actions="notify_external_user",
            component_limits_set=[],
            organization_groups=[group_url(NORDICS), group_url(BALTICS)],
            # Reset: not fired now, but keeps the last state change.
            has_fired=False,
            fired_datetime="2026-11-26T00:00:00Z",
            created=None,
        ),
    ]


def sample_facts() -> list[PolicyFacts]:
    catalog = make_catalog()
    return [facts_from(p, catalog) for p in sample_policies()]
