"""The demo's usage endpoints against the real server's answers (captures 50-59), and
usage reports that fire a policy the way the server does (SEMANTICS.md)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from demo_http import GROUPS, HPC, NORDIC_VMS, NORDICS, OFFERINGS, POLICIES, client

from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer, DemoSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from waldur_captures import load

USAGES = "/api/marketplace-component-usages/"
TODAY = date(2026, 12, 1)
OSLO = "7594d71949fe5f87807f5679bed84949"
UPPSALA = "1da7d6276f2e56b3b5b388486ef975e8"


@pytest.fixture(scope="module")
def usage_server() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(today=TODAY)) as server:
        yield server


@pytest.fixture
def writable() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(today=TODAY)) as server:
        yield server


def get(server: DemoServer, path: str, token: str | None = STAFF_TOKEN, **params) -> httpx.Response:
    with client(server, token) as c:
        return c.get(path, params=params)


def test_rows_have_the_servers_fields_order_and_types(usage_server: DemoServer) -> None:
    real = load("50-component-usages-list-staff").json()[0]
    r = get(usage_server, USAGES, page_size=50)
    assert (
        r.status_code == 200 and "X-Result-Count" in r.headers and 'rel="next"' in r.headers["Link"]
    )
    rows = r.json()
    assert all(list(row) == list(real) for row in rows)
    assert all(re.fullmatch(r"\d+\.\d\d", row["usage"]) for row in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-01", row["billing_period"]) for row in rows)
    assert all(isinstance(row["modified_by"], int) for row in rows)
    # Ordered -date, then type, as the server always orders (o= is ignored).
    keys = [(row["date"], row["type"]) for row in rows]
    assert keys == sorted(keys, key=lambda k: (-_stamp(k[0]), k[1]))
    assert get(usage_server, USAGES, page_size=50, o="date").json() == rows


def _stamp(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_every_signed_in_user_sees_every_row(usage_server: DemoServer) -> None:
    # Captures 50-52: the 2024 server filters nothing by permission, not even for a user
    # with no roles. The client must not widen that; the demo must not hide it.
    counts = {t: get(usage_server, USAGES, t).headers["X-Result-Count"]
              for t in (STAFF_TOKEN, OWNER_TOKEN, PLAIN_TOKEN)}  # fmt: skip
    assert len(set(counts.values())) == 1 and int(counts[STAFF_TOKEN]) > 1000
    assert get(usage_server, USAGES, None).status_code == 401


def test_offering_customer_and_exact_billing_period(usage_server: DemoServer) -> None:
    r = get(usage_server, USAGES, offering_uuid=HPC, customer_uuid=OSLO,
            billing_period="2026-11-01")  # fmt: skip
    rows = r.json()
    assert rows and int(r.headers["X-Result-Count"]) == len(rows)
    assert {(x["offering_uuid"], x["customer_uuid"], x["billing_period"]) for x in rows} == {
        (HPC, OSLO, "2026-11-01")
    }
    assert {x["type"] for x in rows} == {"cpu", "ram", "storage"}
    # A day that is not the first of a month is a valid date that matches no month.
    assert get(usage_server, USAGES, billing_period="2026-11-15").json() == []


def test_month_only_billing_period_is_a_400(usage_server: DemoServer) -> None:
    real = load("55-component-usages-billing-period-month-only-400")
    r = get(usage_server, USAGES, OWNER_TOKEN, billing_period="2026-11")
    assert (r.status_code, r.json()) == (real.status, real.json())
    bad = get(usage_server, USAGES, offering_uuid="not-a-uuid")
    assert (bad.status_code, bad.json()) == (400, {"offering_uuid": ["Enter a valid UUID."]})


@pytest.mark.parametrize(
    "ignored",
    [
        {"billing_period_year": "2026", "billing_period_month": "11"},
        {"billing_period__gte": "2026-11-01"},
        {"offering": f"http://x{OFFERINGS}{HPC}/"},
        {"customer": f"http://x/api/customers/{OSLO}/"},
    ],
)
def test_filters_the_server_ignores_return_every_row(usage_server: DemoServer, ignored) -> None:
    everything = get(usage_server, USAGES).headers["X-Result-Count"]
    assert get(usage_server, USAGES, **ignored).headers["X-Result-Count"] == everything


def test_resource_type_and_report_date_range(usage_server: DemoServer) -> None:
    one = get(usage_server, USAGES, offering_uuid=HPC, customer_uuid=OSLO, type="cpu").json()
    resource = one[0]["resource_uuid"]
    r = get(usage_server, USAGES, resource_uuid=resource, type="cpu",
            date_after="2026-11-01", date_before="2026-12-31")  # fmt: skip
    assert [x["billing_period"] for x in r.json()] == ["2026-12-01", "2026-11-01"]


def test_field_and_page_size_cap(usage_server: DemoServer) -> None:
    r = get(usage_server, USAGES, field=["usage", "billing_period"], page_size=1000)
    assert len(r.json()) == 300 and all(set(x) == {"usage", "billing_period"} for x in r.json())


def test_offering_customers_with_their_groups(usage_server: DemoServer) -> None:
    real = load("57-provider-offering-customers-groups-owner")
    fields = ["uuid", "name", "organization_group_uuid", "organization_group_name"]
    path = f"{OFFERINGS}{HPC}/customers/"
    r = get(usage_server, path, OWNER_TOKEN, field=fields, page_size=300)
    customers = r.json()
    assert r.status_code == 200 and list(customers[0]) == list(real.json()[0])
    names = [c["name"] for c in customers]
    assert names == sorted(names)
    # The five customers of the capture keep their uuids, names and (demo) groups.
    assert {c["name"] for c in real.json()} <= set(names)
    oslo = next(c for c in customers if c["uuid"] == OSLO)
    assert (oslo["organization_group_name"], oslo["organization_group_uuid"]) == (
        "Nordics", NORDICS,
    )  # fmt: skip
    assert any(c["organization_group_uuid"] is None for c in customers)  # in no group
    assert get(usage_server, path, PLAIN_TOKEN).status_code == 404
    assert get(usage_server, f"{OFFERINGS}{NORDIC_VMS}/customers/", OWNER_TOKEN).status_code == 404


def test_statistics_endpoints(usage_server: DemoServer) -> None:
    denied = load("59-stats-component-usages-owner-403")
    r = get(usage_server, "/api/marketplace-stats/component_usages/", OWNER_TOKEN)
    assert (r.status_code, r.json()) == (denied.status, denied.json())
    staff = get(usage_server, "/api/marketplace-stats/component_usages/").json()
    assert staff and all(list(x) == list(load("58-stats-component-usages-staff").json()[0])
                         for x in staff)  # fmt: skip
    real = load("56-provider-offering-component-stats-owner").json()[0]
    stats = get(usage_server, f"{OFFERINGS}{HPC}/component_stats/", OWNER_TOKEN,
                start="2026-10", end="2026-12").json()  # fmt: skip
    assert len(stats) == 9 and all(list(x) == list(real) for x in stats)
    assert [x["period"] for x in stats[:3]] == ["2026-10", "2026-11", "2026-12"]


# -- reporting usage ---------------------------------------------------------------------


def _nordics_cpu_this_month(server: DemoServer) -> Decimal:
    rows = get(server, USAGES, offering_uuid=HPC, type="cpu", billing_period="2026-12-01").json()
    return sum((Decimal(x["usage"]) for x in rows if x["customer_uuid"] in (OSLO, UPPSALA)),
               Decimal(0))  # fmt: skip


def _oslo_resource(server: DemoServer) -> str:
    return get(server, USAGES, offering_uuid=HPC, customer_uuid=OSLO).json()[0]["resource_uuid"]


def _create(server: DemoServer, actions: str, limit: int) -> dict:
    with client(server, OWNER_TOKEN) as c:
        r = c.post(POLICIES, json={
            "scope": f"{server.url}{OFFERINGS}{HPC}/", "actions": actions,
            "organization_groups": [f"{server.url}{GROUPS}{NORDICS}/"],
            "component_limits_set": [{"type": "cpu", "limit": limit}], "period": 2,
        })  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()


def _report(server: DemoServer, resource: str, amount: object, token: str = OWNER_TOKEN):
    with client(server, token) as c:
        return c.post(f"{USAGES}set_usage/", json={
            "resource": resource, "usages": [{"type": "cpu", "amount": amount}],
        })  # fmt: skip


def _state(server: DemoServer, uuid: str) -> bool:
    return get(server, f"{POLICIES}{uuid}/").json()["has_fired"]


def test_a_usage_report_fires_a_notifying_policy_not_a_block_only_one(writable) -> None:
    used = _nordics_cpu_this_month(writable)
    limit = int(used) + 100
    notify = _create(writable, "notify_organization_owners", limit)
    block = _create(writable, "block_creation_of_new_resources", limit)
    assert not notify["has_fired"] and not block["has_fired"]
    resource = _oslo_resource(writable)
    oslo_now = Decimal(get(writable, USAGES, resource_uuid=resource, type="cpu",
                           billing_period="2026-12-01").json()[0]["usage"])  # fmt: skip
    assert _report(writable, resource, str(oslo_now + 101)).status_code == 201
    assert _nordics_cpu_this_month(writable) == used + 101  # the month's figure replaced
    assert _state(writable, notify["uuid"]) is True
    assert _state(writable, block["uuid"]) is False  # over, but not re-evaluated
    # Usage back under: the notifying policy resets on the next report.
    assert _report(writable, resource, str(oslo_now)).status_code == 201
    assert _state(writable, notify["uuid"]) is False


def test_reporting_needs_the_provider(writable: DemoServer) -> None:
    resource = _oslo_resource(writable)
    assert _report(writable, resource, 1, PLAIN_TOKEN).status_code == 403
    bad = _report(writable, "0" * 32, 1)
    assert bad.status_code == 400 and "resource" in bad.json()
    assert _report(writable, resource, "lots").json() == {
        "usages": [{"amount": ["A valid number is required."]}]
    }


def test_the_2024_server_keeps_a_policy_fired_after_an_edit_brings_it_under() -> None:
    with DemoServer(DemoSettings(quirks=True, today=TODAY)) as server:
        fired = _create(server, "notify_organization_owners", 0)
        assert fired["has_fired"]
        with client(server, OWNER_TOKEN) as c:
            edited = c.patch(fired["url"], json={
                "component_limits_set": [{"type": "cpu", "limit": 2_000_000_000}]
            }).json()  # fmt: skip
        assert edited["has_fired"] is True
