"""quirks=True: the October 2024 server of the captures, faults and all."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from demo_http import GROUPS, NORDICS, POLICIES, client
from demo_http import valid_body as body

from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, DemoServer
from policytui.demo.responses import SERVER_ERROR_HTML

CAPTURE_FIELDS = [
    "uuid",
    "url",
    "scope",
    "scope_name",
    "scope_uuid",
    "actions",
    "created",
    "created_by_full_name",
    "created_by_username",
    "has_fired",
    "fired_datetime",
    "organization_groups",
    "component_limits_set",
    "period",
    "period_name",
]


@pytest.fixture
def writer(quirky: DemoServer) -> Iterator[httpx.Client]:
    with client(quirky, OWNER_TOKEN) as c:
        yield c


def test_field_order_matches_capture(quirky: DemoServer, writer: httpx.Client) -> None:
    for p in writer.get(POLICIES).json():
        assert list(p) == CAPTURE_FIELDS
    sent = body(quirky, options={"notify_external_user": ["x@y.org"]}, apply_to_all=True)
    r = writer.post(POLICIES, json=sent)
    assert r.status_code == 201, r.text
    assert list(r.json()) == CAPTURE_FIELDS


def test_only_the_last_limit_is_stored(quirky: DemoServer) -> None:
    limits = [
        {"type": "cpu", "limit": 10},
        {"type": "ram", "limit": 20},
        {"type": "storage", "limit": 30},
    ]
    with client(quirky, STAFF_TOKEN) as c:
        r = c.post(POLICIES, json=body(quirky, component_limits_set=limits, period=1))
        assert r.status_code == 201
        assert r.json()["component_limits_set"] == [{"type": "storage", "limit": 30}]
        assert c.get(r.json()["url"]).json()["component_limits_set"] == [
            {"type": "storage", "limit": 30}
        ]


def test_unknown_component_type_is_html_500(quirky: DemoServer, writer: httpx.Client) -> None:
    before = writer.head(POLICIES).headers["X-Result-Count"]
    r = writer.post(POLICIES, json=body(quirky, component_limits_set=[{"type": "gpu", "limit": 5}]))
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.text == SERVER_ERROR_HTML and "<title>Server Error (500)</title>" in r.text
    assert writer.head(POLICIES).headers["X-Result-Count"] == before  # nothing stored


def test_groups_are_required(quirky: DemoServer, writer: httpx.Client) -> None:
    sent = body(quirky)
    del sent["organization_groups"], sent["component_limits_set"]
    r = writer.post(POLICIES, json=sent)
    # Capture 14f, byte for byte.
    assert r.content == (
        b'{"organization_groups":["This field is required."],'
        b'"component_limits_set":["This field is required."]}'
    )
    r = writer.post(POLICIES, json=body(quirky, organization_groups=[]))
    assert r.json() == {"organization_groups": ["This list may not be empty."]}


def test_patch_limits_of_multi_limit_policy_is_500(quirky: DemoServer) -> None:
    with client(quirky, STAFF_TOKEN) as c:
        rows = c.get(POLICIES, params={"page_size": 300}).json()
        multi = next(p for p in rows if len(p["component_limits_set"]) > 1)
        single = next(p for p in rows if len(p["component_limits_set"]) == 1)
        ctype = multi["component_limits_set"][0]["type"]
        r = c.patch(multi["url"], json={"component_limits_set": [{"type": ctype, "limit": 1}]})
        assert r.status_code == 500 and r.headers["Content-Type"].startswith("text/html")
        assert c.get(multi["url"]).json() == multi
        ok = c.patch(single["url"], json={"period": 3})
        assert ok.status_code == 200
        stype = single["component_limits_set"][0]["type"]
        r = c.patch(single["url"], json={"component_limits_set": [{"type": stype, "limit": 777}]})
        assert r.json()["component_limits_set"] == [{"type": stype, "limit": 777}]


def test_put_limits_of_multi_limit_policy_is_500_too(quirky: DemoServer) -> None:
    with client(quirky, STAFF_TOKEN) as c:
        rows = c.get(POLICIES, params={"page_size": 300}).json()
        multi = next(p for p in rows if len(p["component_limits_set"]) > 1)
        sent = {
            "scope": multi["scope"],
            "actions": multi["actions"],
            "organization_groups": multi["organization_groups"],
            "period": multi["period"],
            "component_limits_set": multi["component_limits_set"][:1],
        }
        r = c.put(multi["url"], json=sent)
        assert r.status_code == 500 and r.headers["Content-Type"].startswith("text/html")
        assert c.get(multi["url"]).json() == multi  # nothing changed
        # The same PUT on a policy holding one limit goes through.
        single = next(p for p in rows if len(p["component_limits_set"]) == 1)
        sent = {
            **sent,
            "scope": single["scope"],
            "component_limits_set": [{**single["component_limits_set"][0], "limit": 5}],
        }
        ok = c.put(single["url"], json=sent)
        assert ok.status_code == 200, ok.text
        assert ok.json()["component_limits_set"][0]["limit"] == 5


def test_notify_external_user_is_unknown(quirky: DemoServer, writer: httpx.Client) -> None:
    r = writer.post(POLICIES, json=body(quirky, actions="notify_external_user"))
    assert r.json() == {"actions": ["notify_external_user includes unavailable actions."]}


def test_groups_and_me_shapes(quirky: DemoServer, writer: httpx.Client) -> None:
    group = writer.get(GROUPS).json()[0]
    assert list(group) == ["uuid", "url", "name", "type", "type_name", "parent", "customers_count"]
    assert "is_staff" not in writer.get("/api/users/me/").json()
    nordics = writer.get(f"{GROUPS}{NORDICS}/").json()
    assert nordics["name"] == "Nordics"
