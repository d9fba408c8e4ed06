"""The demo's benchmark shape (issue 14): many customers, every policy on one offering
with one period; the default sample stays the one the snapshots know."""

from __future__ import annotations

from collections import Counter
from datetime import date

from demo_http import HPC, client

from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings

TODAY = date(2026, 12, 1)
CUSTOMERS = f"/api/marketplace-provider-offerings/{HPC}/customers/"
USAGES = "/api/marketplace-component-usages/"


def _all(c, path: str, **params) -> list[dict]:
    out, page = [], 1
    while True:
        r = c.get(path, params={**params, "page": page, "page_size": 300})
        r.raise_for_status()
        out += r.json()
        if len(out) >= int(r.headers["X-Result-Count"]):
            return out
        page += 1


def test_many_customers_on_one_offering_with_twelve_month_policies() -> None:
    settings = DemoSettings(policies=50, customers=120, offering=HPC, period=4, today=TODAY)
    with DemoServer(settings) as server, client(server, STAFF_TOKEN) as c:
        policies = _all(c, "/api/marketplace-offering-usage-policies/")
        customers = _all(c, CUSTOMERS)
        rows = _all(c, USAGES, offering_uuid=HPC, billing_period="2026-12-01")
    assert len(policies) == 50
    assert {p["scope_uuid"] for p in policies} == {HPC}
    assert {p["period"] for p in policies} == {4}
    # The sample's customers of the offering and the 104 made-up ones, each in a group.
    assert len(customers) >= 104 and len({c["uuid"] for c in customers}) == len(customers)
    made_up = [c for c in customers if c["name"].startswith("Research Centre")]
    assert len(made_up) == 104 and all(c["organization_group_uuid"] for c in made_up)
    # Every customer of the offering has usage this month, named as the customers list does.
    names = {c["uuid"]: c["name"] for c in customers}
    assert {r["customer_uuid"] for r in rows} == set(names)
    assert all(names[r["customer_uuid"]] == r["customer_name"] for r in rows)


def test_the_default_sample_is_unchanged() -> None:
    with DemoServer(DemoSettings(today=TODAY)) as server, client(server, STAFF_TOKEN) as c:
        policies = _all(c, "/api/marketplace-offering-usage-policies/")
        customers = _all(c, CUSTOMERS)
    assert len(policies) == 60
    assert len(Counter(p["scope_uuid"] for p in policies)) > 1
    assert not any(c["name"].startswith("Research Centre") for c in customers)
