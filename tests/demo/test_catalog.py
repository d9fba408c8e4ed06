"""Actions, provider offerings (field=, filters), organization groups and users/me."""

from __future__ import annotations

import httpx
from demo_http import BALTICS, GROUPS, HPC, NORDICS, OFFERINGS, POLICIES, client

from policytui.demo import OWNER_TOKEN, SAMPLE_USERS, DemoServer


def test_actions_is_a_plain_array(staff: httpx.Client, quirky: DemoServer) -> None:
    r = staff.get(f"{POLICIES}actions/")
    assert r.status_code == 200
    assert sorted(r.json()) == [
        "block_creation_of_new_resources",
        "notify_external_user",
        "notify_organization_owners",
    ]
    assert staff.get(f"{POLICIES}actions/").json() == r.json()  # stable within a process
    with client(quirky, OWNER_TOKEN) as c:
        assert sorted(c.get(f"{POLICIES}actions/").json()) == [
            "block_creation_of_new_resources",
            "notify_organization_owners",
        ]


def test_offering_detail_shape(server: DemoServer, owner: httpx.Client) -> None:
    r = owner.get(f"{OFFERINGS}{HPC}/")
    body = r.json()
    assert list(body)[:4] == ["url", "uuid", "created", "name"]
    assert body["url"] == f"{server.url}{OFFERINGS}{HPC}/"
    assert body["name"] == "Acme HPC Cluster"
    assert body["customer_name"] == "Acme HPC"
    comps = {c["type"]: c for c in body["components"]}
    assert list(comps) == ["cpu", "ram", "storage"]
    assert comps["cpu"]["name"] == "CPU" and comps["cpu"]["measured_unit"] == "core-hours"
    assert comps["storage"]["measured_unit"] == "GB-months"
    assert {"uuid", "billing_type"} <= set(comps["ram"])


def test_offering_field_selection(owner: httpx.Client) -> None:
    params = [("field", "name"), ("field", "uuid"), ("field", "components"), ("field", "bogus")]
    r = owner.get(OFFERINGS, params=params)
    for item in r.json():
        assert list(item) == ["uuid", "name", "components"]  # serializer order, not query order
    one = owner.get(f"{OFFERINGS}{HPC}/", params=[("field", "name")]).json()
    assert one == {"name": "Acme HPC Cluster"}


def test_offering_filters(staff: httpx.Client) -> None:
    gpu = staff.get(OFFERINGS, params={"name": "gpu"}).json()
    assert [o["name"] for o in gpu] == ["Acme GPU Partition"]
    acme = staff.get(OFFERINGS, params={"customer_uuid": gpu[0]["customer_uuid"]}).json()
    assert {o["customer_name"] for o in acme} == {"Acme HPC"}
    paused = staff.get(OFFERINGS, params={"state": "Paused"}).json()
    assert paused and all(o["state"] == "Paused" for o in paused)
    r = staff.get(OFFERINGS, params={"page_size": 2})
    assert int(r.headers["X-Result-Count"]) >= 5 and 'rel="next"' in r.headers["Link"]


def test_organization_groups(server: DemoServer, owner: httpx.Client) -> None:
    r = owner.get(GROUPS, params={"page_size": 50})
    groups = {g["name"]: g for g in r.json()}
    assert r.headers["X-Result-Count"] == str(len(groups))
    assert groups["Nordics"]["uuid"] == NORDICS and groups["Baltics"]["uuid"] == BALTICS
    assert groups["Nordics"]["parent"] is None
    finland = groups["Finland"]
    assert finland["parent"] == f"{server.url}{GROUPS}{NORDICS}/"
    assert finland["parent_uuid"] == NORDICS and finland["parent_name"] == "Nordics"
    assert list(finland)[:6] == ["uuid", "url", "name", "type", "type_name", "parent"]
    assert finland["type_name"] == "Region" and isinstance(finland["customers_count"], int)
    assert owner.get(f"{GROUPS}{NORDICS}/").json()["name"] == "Nordics"


def test_users_me(server: DemoServer, owner: httpx.Client, staff: httpx.Client) -> None:
    me = owner.get("/api/users/me/").json()
    assert me["username"] == "acme-owner" and me["full_name"] == "Alice Owner"
    assert me["token"] == SAMPLE_USERS["owner"]["token"]
    assert me["is_staff"] is False
    assert [p["role_name"] for p in me["permissions"]] == ["CUSTOMER.OWNER"]
    assert me["permissions"][0]["scope_name"] == "Acme HPC"
    assert list(me)[:5] == ["url", "uuid", "username", "slug", "full_name"]
    assert staff.get("/api/users/me/").json()["is_staff"] is True


def test_sample_users_constants() -> None:
    from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN

    assert set(SAMPLE_USERS) == {"staff", "owner", "plain"}
    assert [SAMPLE_USERS[k]["token"] for k in ("staff", "owner", "plain")] == [
        STAFF_TOKEN,
        OWNER_TOKEN,
        PLAIN_TOKEN,
    ]
    for user in SAMPLE_USERS.values():
        assert len(user["token"]) == 40 and int(user["token"], 16) >= 0
        assert user["token"] == user["token"].lower()
    assert SAMPLE_USERS["owner"]["username"] == "acme-owner"
    assert SAMPLE_USERS["staff"]["full_name"] == "Sam Staff"
