"""Inputs for the headroom tests, built as the client would read them from a server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from policytui.api.models import ComponentUsage, OfferingComponent, OfferingUsagePolicy

OFFERING = "f2f7197ac8c95301bba4cceb22b7d108"
OTHER_OFFERING = "63dc5f4af13e58f5b06ff688a799a088"
NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
BALTICS = "4be3cba97346512ca69880741d4ecfd0"
EUROPE = "5ca5137eb2995b5480fb95a353f6cee6"
COMPONENTS = [
    OfferingComponent(type="cpu", name="CPU", measured_unit="core-hours"),
    OfferingComponent(type="ram", name="RAM", measured_unit="GB-hours"),
    OfferingComponent(type="storage", name="Storage", measured_unit="GB-months"),
]
#: customer uuid -> organization group uuid (None: in no group)
CUSTOMERS: dict[str, str | None] = {
    "oslo": NORDICS,
    "uppsala": NORDICS,
    "riga": BALTICS,
    "prague": EUROPE,
    "loner": None,
}


def row(
    customer: str, ctype: str, month: str, usage: Any, offering: str = OFFERING
) -> ComponentUsage:
    """A usage row as the server sends it: ``month`` is ``YYYY-MM``."""
    return ComponentUsage.model_validate(
        {
            "uuid": f"{customer}-{ctype}-{month}",
            "type": ctype,
            "usage": usage,
            "billing_period": f"{month}-01",
            "customer_uuid": customer,
            "customer_name": customer.title(),
            "offering_uuid": offering,
        }
    )


def policy(
    *limits: tuple[str, int],
    groups: tuple[str, ...] = (NORDICS,),
    period: int = 2,
    actions: str = "notify_organization_owners",
    has_fired: bool = False,
    fired: str | None = None,
    apply_to_all: bool | None = False,
    server_2024: bool = False,
) -> OfferingUsagePolicy:
    body: dict[str, Any] = {
        "uuid": "p" * 32,
        "scope": f"http://x/api/marketplace-provider-offerings/{OFFERING}/",
        "scope_uuid": OFFERING,
        "actions": actions,
        "organization_groups": [f"http://x/api/organization-groups/{g}/" for g in groups],
        "component_limits_set": [{"type": t, "limit": v} for t, v in limits],
        "period": period,
        "has_fired": has_fired,
        "fired_datetime": fired,
    }
    if not server_2024:
        body["options"] = {}
        body["apply_to_all"] = apply_to_all
        if apply_to_all:
            body["organization_groups"] = []
    return OfferingUsagePolicy.model_validate(body)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)
