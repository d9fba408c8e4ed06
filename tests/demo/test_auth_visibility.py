"""Token auth messages and who sees what."""

from __future__ import annotations

import httpx
import pytest
from demo_http import GROUPS, HPC, NORDIC_VMS, OFFERINGS, POLICIES, client, valid_body

from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, DemoServer

AUTH_PATHS = [POLICIES, f"{POLICIES}actions/", OFFERINGS, "/api/users/me/"]


@pytest.mark.parametrize("path", AUTH_PATHS)
def test_no_token_is_401(server: DemoServer, path: str) -> None:
    with client(server) as c:
        r = c.get(path)
    assert r.status_code == 401
    assert r.content == b'{"detail":"Authentication credentials were not provided."}'
    assert r.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", [*AUTH_PATHS, GROUPS])
def test_bad_token_is_401(server: DemoServer, path: str) -> None:
    with client(server, "0000000000000000000000000000000000000bad") as c:
        r = c.get(path)
    assert r.status_code == 401
    assert r.content == b'{"detail":"Invalid token."}'
    assert r.headers["WWW-Authenticate"] == "Token"


def test_bearer_is_not_accepted(server: DemoServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        r = c.get(POLICIES, headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication credentials were not provided."}


def test_groups_answer_without_token(server: DemoServer) -> None:
    with client(server) as c:
        assert c.get(GROUPS).status_code == 200


def test_visibility_per_user(staff: httpx.Client, owner: httpx.Client, plain: httpx.Client) -> None:
    everything = staff.get(POLICIES, params={"page_size": 300}).json()
    scopes = {p["scope_uuid"] for p in everything}
    assert NORDIC_VMS in scopes and HPC in scopes
    mine = owner.get(POLICIES, params={"page_size": 300}).json()
    assert mine and all(p["scope_name"].startswith("Acme") for p in mine)
    assert len(mine) < len(everything)
    r = plain.get(POLICIES)
    assert r.json() == [] and r.headers["X-Result-Count"] == "0"
    assert owner.get(POLICIES, params={"scope_uuid": NORDIC_VMS}).json() == []


def test_invisible_policy_is_404(
    staff: httpx.Client, owner: httpx.Client, plain: httpx.Client
) -> None:
    foreign = staff.get(POLICIES, params={"scope_uuid": NORDIC_VMS}).json()[0]["uuid"]
    not_found = b'{"detail":"No OfferingUsagePolicy matches the given query."}'
    for c in (owner, plain):
        for method in ("GET", "PATCH", "PUT", "DELETE"):
            r = c.request(method, f"{POLICIES}{foreign}/", json={"period": 3})
            assert r.status_code == 404
            assert r.content == not_found
    assert staff.get(f"{POLICIES}{'0' * 32}/").content == not_found
    assert staff.get(f"{POLICIES}{foreign}/").status_code == 200


def test_create_on_foreign_scope_is_400(server: DemoServer) -> None:
    expected = {"scope": ["User is not allowed to configure policies."]}
    with client(server, OWNER_TOKEN) as c:
        body = valid_body(
            server,
            scope=f"{server.url}{OFFERINGS}{NORDIC_VMS}/",
            component_limits_set=[{"type": "ram", "limit": 1}],
        )
        assert c.post(POLICIES, json=body).json() == expected
    from policytui.demo import PLAIN_TOKEN

    with client(server, PLAIN_TOKEN) as c:
        r = c.post(POLICIES, json=valid_body(server))
        assert r.status_code == 400
        assert r.content == b'{"scope":["User is not allowed to configure policies."]}'


def test_provider_offerings_follow_visibility(
    staff: httpx.Client, owner: httpx.Client, plain: httpx.Client
) -> None:
    names = {o["name"] for o in staff.get(OFFERINGS).json()}
    assert {"Acme HPC Cluster", "Nordic Cloud VMs"} <= names
    mine = owner.get(OFFERINGS).json()
    assert mine and all(o["customer_name"] == "Acme HPC" for o in mine)
    assert plain.get(OFFERINGS).json() == []
    assert owner.get(f"{OFFERINGS}{NORDIC_VMS}/").status_code == 404
    assert staff.get(f"{OFFERINGS}{NORDIC_VMS}/").status_code == 200
