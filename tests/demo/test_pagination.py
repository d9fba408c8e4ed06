"""Listing: headers, Link shapes and page errors exactly as the captures show."""

from __future__ import annotations

import httpx
from demo_http import HPC, POLICIES

from policytui.demo import DemoServer


def _links(response: httpx.Response) -> dict[str, str]:
    out = {}
    for part in response.headers["Link"].split(", "):
        url, rel = part.split("; ")
        out[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return out


def test_middle_page_link_shapes(server: DemoServer, staff: httpx.Client) -> None:
    r = staff.get(POLICIES, params={"page": 2, "page_size": 5})
    assert r.status_code == 200
    assert r.headers["X-Result-Count"] == "60"
    assert r.headers["Content-Type"] == "application/json"
    base = f"{server.url}{POLICIES}"
    # Capture 01: first and prev (to page 1) carry no page; keys sorted like DRF.
    assert r.headers["Link"] == (
        f'<{base}?page_size=5>; rel="first", <{base}?page_size=5>; rel="prev", '
        f'<{base}?page=3&page_size=5>; rel="next", <{base}?page=12&page_size=5>; rel="last"'
    )
    assert len(r.json()) == 5


def test_first_page_keeps_other_params(server: DemoServer, staff: httpx.Client) -> None:
    r = staff.get(f"{POLICIES}?scope_uuid={HPC}&page_size=3")
    links = _links(r)
    base = f"{server.url}{POLICIES}"
    assert list(links) == ["first", "next", "last"]
    assert links["first"] == f"{base}?page_size=3&scope_uuid={HPC}"
    assert links["next"] == f"{base}?page=2&page_size=3&scope_uuid={HPC}"
    assert all(p["scope_uuid"] == HPC for p in r.json())


def test_prev_beyond_page_two_has_page(server: DemoServer, staff: httpx.Client) -> None:
    links = _links(staff.get(POLICIES, params={"page": 3, "page_size": 5}))
    assert links["prev"].endswith("?page=2&page_size=5")


def test_last_page_has_no_next(staff: httpx.Client) -> None:
    r = staff.get(POLICIES, params={"page": 12, "page_size": 5})
    assert list(_links(r)) == ["first", "prev", "last"]
    assert len(r.json()) == 5


def test_single_page_links_have_no_page(server: DemoServer, plain: httpx.Client) -> None:
    r = plain.get(POLICIES)
    base = f"{server.url}{POLICIES}"
    assert r.json() == []
    assert r.headers["X-Result-Count"] == "0"
    assert r.headers["Link"] == f'<{base}>; rel="first", <{base}>; rel="last"'


def test_invalid_pages_are_404(staff: httpx.Client, plain: httpx.Client) -> None:
    for page in ("99", "0", "abc", "-1"):
        r = staff.get(POLICIES, params={"page": page, "page_size": 5})
        assert r.status_code == 404, page
        assert r.content == b'{"detail":"Invalid page."}'
    assert plain.get(POLICIES, params={"page": 1}).status_code == 200
    assert plain.get(POLICIES, params={"page": 2}).status_code == 404


def test_page_size_default_zero_and_cap() -> None:
    from demo_http import client

    from policytui.demo import STAFF_TOKEN, DemoSettings

    with (
        DemoServer(DemoSettings(policies=40, page_size_cap=25)) as srv,
        client(srv, STAFF_TOKEN) as c,
    ):
        assert len(c.get(POLICIES).json()) == 10
        assert len(c.get(POLICIES, params={"page_size": 0}).json()) == 10
        assert len(c.get(POLICIES, params={"page_size": "x"}).json()) == 10
        r = c.get(POLICIES, params={"page_size": 1000})
        assert len(r.json()) == 25
        assert _links(r)["last"].endswith("?page=2&page_size=1000")


def test_ordered_by_created_desc_across_pages(staff: httpx.Client) -> None:
    rows = staff.get(POLICIES, params={"page_size": 300}).json()
    created = [p["created"] for p in rows]
    assert created == sorted(created, reverse=True)
    assert len(set(created)) == len(created) == 60
    page2 = staff.get(POLICIES, params={"page": 2, "page_size": 7}).json()
    assert [p["uuid"] for p in page2] == [p["uuid"] for p in rows[7:14]]


def test_head_gives_headers_only(staff: httpx.Client) -> None:
    r = staff.head(POLICIES, params={"page_size": 1})
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["X-Result-Count"] == "60"
    assert 'rel="next"' in r.headers["Link"]
    assert int(r.headers["Content-Length"]) > 0


def test_missing_slash_is_301(server: DemoServer, staff: httpx.Client) -> None:
    r = staff.get(POLICIES.rstrip("/"), params={"page_size": 2})
    assert r.status_code == 301
    assert r.headers["Location"] == f"{POLICIES}?page_size=2"
    assert staff.get(POLICIES.rstrip("/"), follow_redirects=True).status_code == 200


def test_scope_filter_reproduces_server_bug(server: DemoServer, staff: httpx.Client) -> None:
    scope = f"{server.url}/api/marketplace-provider-offerings/{HPC}/"
    r = staff.get(POLICIES, params={"scope": scope})
    assert r.json() == []
    assert r.headers["X-Result-Count"] == "0"
    assert "scope=http%3A%2F%2F127.0.0.1" in r.headers["Link"]


def test_scope_uuid_filter(staff: httpx.Client) -> None:
    everything = staff.get(POLICIES, params={"page_size": 300}).json()
    expected = [p["uuid"] for p in everything if p["scope_uuid"] == HPC]
    r = staff.get(POLICIES, params={"scope_uuid": HPC, "page_size": 300})
    assert [p["uuid"] for p in r.json()] == expected
    assert r.headers["X-Result-Count"] == str(len(expected))
    assert staff.get(POLICIES, params={"scope_uuid": "nope"}).status_code == 400
