"""Fixed reference data: provider organizations, offerings with components, organization groups.

A few uuids are those of the real server in the captures (Acme HPC, "Acme HPC Cluster",
the second provider's offering, the Baltics/Central Europe/Nordics groups) so that
recorded requests replay against the demo unchanged.
"""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from policytui.demo.users import ACME_CUSTOMER_UUID, NORDIC_CUSTOMER_UUID

_NS = uuidlib.UUID("6f1c9a8e-3b2d-4c5e-9f70-1a2b3c4d5e6f")


def stable_uuid(name: str) -> str:
    """A deterministic 32-hex uuid for a named demo object."""
    return uuidlib.uuid5(_NS, name).hex


@dataclass(frozen=True)
class Customer:
    uuid: str
    name: str


@dataclass(frozen=True)
class Component:
    type: str
    name: str
    measured_unit: str
    billing_type: str = "usage"

    @property
    def uuid(self) -> str:
        return stable_uuid(f"component:{self.type}:{self.name}:{self.measured_unit}")


@dataclass(frozen=True)
class Offering:
    uuid: str
    name: str
    customer: Customer
    category: str
    state: str
    components: tuple[Component, ...]
    # Relative weight of this offering in the sample policies.
    weight: int

    @property
    def component_types(self) -> tuple[str, ...]:
        return tuple(c.type for c in self.components)


@dataclass(frozen=True)
class OrganizationGroup:
    uuid: str
    name: str
    type_uuid: str
    type_name: str
    parent: str | None  # parent uuid
    customers_count: int


ACME = Customer(ACME_CUSTOMER_UUID, "Acme HPC")
NORDIC = Customer(NORDIC_CUSTOMER_UUID, "Nordic Cloud")
CUSTOMERS = (ACME, NORDIC)

CPU = Component("cpu", "CPU", "core-hours")
RAM = Component("ram", "RAM", "GB-hours")
STORAGE = Component("storage", "Storage", "GB-months")
GPU = Component("gpu", "GPU", "GPU-hours")

OFFERINGS: tuple[Offering, ...] = (
    Offering(
        "f2f7197ac8c95301bba4cceb22b7d108",
        "Acme HPC Cluster",
        ACME,
        "HPC",
        "Active",
        (CPU, RAM, STORAGE),
        10,
    ),
    Offering(
        stable_uuid("offering:acme-gpu"),
        "Acme GPU Partition",
        ACME,
        "HPC",
        "Active",
        (GPU, CPU, RAM),
        5,
    ),
    Offering(
        stable_uuid("offering:acme-object-storage"),
        "Acme Object Storage",
        ACME,
        "Storage",
        "Active",
        (STORAGE, Component("egress", "Egress traffic", "GB")),
        3,
    ),
    Offering(
        stable_uuid("offering:acme-tape"),
        "Acme Tape Archive",
        ACME,
        "Storage",
        "Paused",
        (Component("tape", "Tape storage", "TB-months"),),
        1,
    ),
    Offering(
        "63dc5f4af13e58f5b06ff688a799a088",
        "Nordic Cloud VMs",
        NORDIC,
        "Cloud",
        "Active",
        (
            Component("cores", "vCPU", "core-hours"),
            RAM,
            Component("disk", "Block storage", "GB-months"),
        ),
        4,
    ),
    Offering(
        stable_uuid("offering:nordic-k8s"),
        "Nordic Kubernetes",
        NORDIC,
        "Cloud",
        "Active",
        (CPU, Component("memory", "Memory", "GB-hours")),
        2,
    ),
)
OFFERINGS_BY_UUID: dict[str, Offering] = {o.uuid: o for o in OFFERINGS}

_REGION = "eb24a1fc3488579ab7b2fb6bfcf7216e"
_CONSORTIUM = stable_uuid("group-type:consortium")
_NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
_BALTICS = "4be3cba97346512ca69880741d4ecfd0"

GROUPS: tuple[OrganizationGroup, ...] = tuple(
    sorted(
        (
            OrganizationGroup(_BALTICS, "Baltics", _REGION, "Region", None, 1),
            OrganizationGroup(
                "5ca5137eb2995b5480fb95a353f6cee6", "Central Europe", _REGION, "Region", None, 2
            ),
            OrganizationGroup(_NORDICS, "Nordics", _REGION, "Region", None, 2),
            OrganizationGroup(
                stable_uuid("group:finland"), "Finland", _REGION, "Region", _NORDICS, 3
            ),
            OrganizationGroup(
                stable_uuid("group:sweden"), "Sweden", _REGION, "Region", _NORDICS, 2
            ),
            OrganizationGroup(
                stable_uuid("group:estonia"), "Estonia", _REGION, "Region", _BALTICS, 1
            ),
            OrganizationGroup(
                stable_uuid("group:eurohpc"), "EuroHPC Partners", _CONSORTIUM, "Consortium", None, 4
            ),
        ),
        key=lambda g: g.name,
    )
)
GROUPS_BY_UUID: dict[str, OrganizationGroup] = {g.uuid: g for g in GROUPS}

PERIOD_NAMES: dict[int, str] = {1: "Total", 2: "1 month", 3: "3 month", 4: "12 month"}
# How many months of usage each period sums; "Total" counts as two years of history.
_PERIOD_MONTHS: dict[int, int] = {1: 24, 2: 1, 3: 3, 4: 12}


def monthly_usage(offering_uuid: str, component_type: str, seed: int) -> int:
    """Deterministic monthly usage of one component of one offering (50..900).

    Below 1000, so a one-month limit of 1000 (as in capture 10) does not fire.
    """
    digest = hashlib.sha256(f"{seed}:{offering_uuid}:{component_type}".encode()).digest()
    return 50 + int.from_bytes(digest[:4], "big") % 851


def current_usage(offering_uuid: str, component_type: str, period: int, seed: int) -> int:
    """The summed usage a policy with this period compares its limit against."""
    return monthly_usage(offering_uuid, component_type, seed) * _PERIOD_MONTHS.get(period, 1)


def visible_offerings(owner_of: str | None, is_staff: bool) -> list[Offering]:
    if is_staff:
        return list(OFFERINGS)
    return [o for o in OFFERINGS if owner_of is not None and o.customer.uuid == owner_of]


def group_payload(group: OrganizationGroup, base: str, *, quirks: bool) -> dict[str, Any]:
    parent = GROUPS_BY_UUID.get(group.parent) if group.parent else None
    body: dict[str, Any] = {
        "uuid": group.uuid,
        "url": f"{base}/api/organization-groups/{group.uuid}/",
        "name": group.name,
        "type": group.type_uuid,
        "type_name": group.type_name,
        "parent": f"{base}/api/organization-groups/{parent.uuid}/" if parent else None,
    }
    # The 2024 server (capture 41) has no parent_uuid/parent_name; the current schema does.
    if not quirks:
        body["parent_uuid"] = parent.uuid if parent else None
        body["parent_name"] = parent.name if parent else None
    body["customers_count"] = group.customers_count
    return body


def offering_payload(offering: Offering, base: str) -> dict[str, Any]:
    """A provider offering in the shape (and field order) of capture 40b."""
    slug = offering.name.lower().replace(" ", "-")
    category_uuid = stable_uuid(f"category:{offering.category}")
    plan_uuid = stable_uuid(f"plan:{offering.uuid}")
    types = offering.component_types
    return {
        "url": f"{base}/api/marketplace-provider-offerings/{offering.uuid}/",
        "uuid": offering.uuid,
        "created": "2026-11-27T23:06:51.712554Z",
        "name": offering.name,
        "slug": slug,
        "description": f"{offering.name} (demo offering)",
        "full_description": "",
        "terms_of_service": "",
        "terms_of_service_link": "",
        "privacy_policy_link": "",
        "endpoints": [],
        "roles": [],
        "customer": f"{base}/api/customers/{offering.customer.uuid}/",
        "customer_uuid": offering.customer.uuid,
        "customer_name": offering.customer.name,
        "project": None,
        "category": f"{base}/api/marketplace-categories/{category_uuid}/",
        "category_uuid": category_uuid,
        "category_title": offering.category,
        "rating": None,
        "attributes": {},
        "options": {},
        "resource_options": {},
        "components": [
            {
                "uuid": c.uuid,
                "billing_type": c.billing_type,
                "type": c.type,
                "name": c.name,
                "description": "",
                "measured_unit": c.measured_unit,
                "limit_period": None,
                "limit_amount": None,
                "article_code": "",
                "max_value": None,
                "min_value": None,
                "max_available_limit": None,
                "is_boolean": False,
                "default_limit": None,
                "factor": None,
                "is_builtin": False,
            }
            for c in offering.components
        ],
        "plugin_options": {},
        "secret_options": {},
        "service_attributes": {},
        "state": offering.state,
        "native_name": "",
        "native_description": "",
        "vendor_details": "",
        "getting_started": "",
        "integration_guide": "",
        "thumbnail": None,
        "order_count": 0,
        "plans": [
            {
                "url": f"{base}/api/marketplace-plans/{plan_uuid}/",
                "uuid": plan_uuid,
                "name": "Standard",
                "description": "",
                "article_code": "",
                "max_amount": None,
                "archived": False,
                "is_active": True,
                "unit_price": "0.0000000000",
                "unit": "month",
                "init_price": 0,
                "switch_price": 0,
                "backend_id": "",
                "organization_groups": [],
                "prices": {t: 0.01 for t in types},
                "future_prices": {t: None for t in types},
                "quotas": {t: 0 for t in types},
                "resources_count": 0,
                "plan_type": "usage-based",
                "minimal_price": 0,
            }
        ],
        "screenshots": [],
        "type": "Marketplace.Basic",
        "shared": True,
        "billable": True,
        "scope": None,
        "files": [],
        "paused_reason": "",
        "datacite_doi": "",
        "citation_count": -1,
        "latitude": None,
        "longitude": None,
        "country": "",
        "backend_id": "",
        "organization_groups": [],
        "image": None,
        "total_customers": 0,
        "total_cost": 0,
        "total_cost_estimated": 0,
        "backend_metadata": {},
        "integration_status": [],
        "google_calendar_is_public": None,
        "google_calendar_link": None,
    }
