"""Fault knobs: each named fault, times/method/path matching, latency, error rate, the log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from demo_http import GROUPS, POLICIES, client

from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings, Fault


@pytest.fixture(scope="module")
def srv() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=30)) as server:
        yield server


@pytest.fixture
def c(srv: DemoServer) -> Iterator[httpx.Client]:
    srv.clear_faults()
    srv.set_latency(0)
    srv.set_error_rate(0)
    with client(srv, STAFF_TOKEN) as cl:
        yield cl
    srv.clear_faults()


def test_status_fault_is_consumed(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("status", times=2, params={"status": 502})])
    for _ in range(2):
        r = c.get(POLICIES)
        assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html")
    assert c.get(POLICIES).status_code == 200
    assert srv.state.faults() == []


def test_status_fault_default_and_4xx(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("status", times=1)])
    assert "Server Error (500)" in c.get(POLICIES).text
    srv.set_faults([Fault("status", times=1, params={"status": 403})])
    assert c.get(POLICIES).json() == {"detail": "Forbidden"}


def test_method_and_path_matching(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults(
        [Fault("status", times=1, method="POST", path="usage-policies", params={"status": 503})]
    )
    assert c.get(POLICIES).status_code == 200
    assert c.get(GROUPS).status_code == 200
    assert c.post(POLICIES, json={}).status_code == 503
    assert c.post(POLICIES, json={}).status_code == 400


def test_forever_fault(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("status", path="/users/me/", params={"status": 504})])
    for _ in range(3):
        assert c.get("/api/users/me/").status_code == 504
    assert len(srv.state.faults()) == 1


def test_rate_limit(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("rate_limit", times=1)])
    r = c.get(POLICIES)
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert r.json() == {"detail": "Request was throttled. Expected available in 1 second."}
    srv.set_faults([Fault("rate_limit", times=1, params={"retry_after": 7})])
    r = c.get(POLICIES)
    assert r.headers["Retry-After"] == "7" and "7 seconds" in r.json()["detail"]


def test_timeout(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("timeout", times=1, params={"seconds": 2})])
    with pytest.raises(httpx.ReadTimeout):
        c.get(POLICIES, timeout=0.3)
    start = time.monotonic()
    assert c.get(POLICIES).status_code == 200
    assert time.monotonic() - start < 1.5


def test_drop_mid_body(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("drop", times=1)])
    with pytest.raises(httpx.RemoteProtocolError):
        c.get(POLICIES)
    assert c.get(POLICIES).status_code == 200


def test_malformed_json_and_html(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("malformed_json", times=1), Fault("html", times=1)])
    r = c.get(POLICIES)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        r.json()
    r = c.get(POLICIES)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<form" in r.text


def test_wrong_types_and_missing_fields(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("wrong_types", times=1), Fault("missing_fields", times=2)])
    rows = c.get(POLICIES).json()
    assert rows and rows[0]["period"] == "x" and rows[0]["component_limits_set"] == "nope"
    rows = c.get(POLICIES).json()
    assert rows and all("uuid" not in p and "actions" not in p for p in rows)
    one = c.get(f"{POLICIES}{'a' * 32}/").json()
    assert isinstance(one, dict) and "uuid" not in one


def test_huge(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("huge", times=1, params={"count": 2000})])
    r = c.get(POLICIES)
    rows = r.json()
    assert len(rows) == 2000 and len({p["uuid"] for p in rows}) == 2000
    assert r.headers["X-Result-Count"] == "2000"


def test_huge_default_count(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("huge", times=1)])
    assert len(c.get(POLICIES).json()) == 50000


def test_no_link_and_bad_count(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("no_link", times=1), Fault("bad_count", times=1)])
    r = c.get(POLICIES)
    assert r.status_code == 200 and "Link" not in r.headers
    assert r.headers["X-Result-Count"] == "lots"
    assert len(r.json()) == 10
    r = c.get(POLICIES)
    assert "Link" in r.headers and r.headers["X-Result-Count"] == "30"


def test_a_fault_narrowed_to_a_query_hits_only_that_page(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("status", query="page=2&", params={"status": 500})])
    assert c.get(POLICIES, params={"page": 1, "page_size": 10}).status_code == 200
    assert c.get(POLICIES, params={"page": 2, "page_size": 10}).status_code == 500
    assert c.get(POLICIES, params={"page": 3, "page_size": 10}).status_code == 200
    assert c.get(POLICIES, params={"page": 2, "page_size": 10}).status_code == 500


def test_revoke_token(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_faults([Fault("revoke_token")])
    r = c.get("/api/users/me/")
    assert r.status_code == 401 and r.json() == {"detail": "Invalid token."}
    assert r.headers["WWW-Authenticate"] == "Token"
    with client(srv) as anonymous:
        assert anonymous.get(GROUPS).status_code == 200
    srv.clear_faults()
    assert c.get("/api/users/me/").status_code == 200


def test_delete_policy(srv: DemoServer, c: httpx.Client) -> None:
    victim = c.get(POLICIES).json()[-1]["uuid"]
    srv.set_faults(
        [Fault("delete_policy", times=1, method="GET", path=victim, params={"uuid": victim})]
    )
    r = c.get(f"{POLICIES}{victim}/")
    assert r.status_code == 404
    assert c.head(POLICIES).headers["X-Result-Count"] == "29"


def test_latency_and_error_rate(srv: DemoServer, c: httpx.Client) -> None:
    srv.set_latency(300)
    start = time.monotonic()
    c.get(GROUPS)
    assert time.monotonic() - start >= 0.3
    srv.set_latency(0)
    srv.set_error_rate(1.0)
    assert c.get(GROUPS).status_code == 503
    srv.set_error_rate(0.5)
    statuses = [c.get(GROUPS).status_code for _ in range(40)]
    assert 503 in statuses and 200 in statuses
    srv.set_error_rate(0)


def test_unknown_fault_name_is_refused() -> None:
    with pytest.raises(ValueError):
        Fault("gremlins")


def test_control_endpoints_and_request_log(srv: DemoServer, c: httpx.Client) -> None:
    with httpx.Client(base_url=srv.url) as ctl:
        assert ctl.delete("/__demo__/requests").status_code == 204
        r = ctl.post(
            "/__demo__/faults",
            json={
                "faults": [{"name": "status", "times": 1, "params": {"status": 500}}],
                "latency_ms": 0,
                "error_rate": 0,
            },
        )
        assert r.status_code == 200
        assert r.json()["faults"] == [
            {
                "name": "status",
                "times": 1,
                "method": None,
                "path": None,
                "params": {"status": 500},
                "query": None,
            }
        ]
        assert ctl.post("/__demo__/faults", json={"faults": [{"name": "nope"}]}).status_code == 400
        assert c.get(POLICIES, params={"page_size": 2}).status_code == 500
        assert c.get(POLICIES, params={"page_size": 2}).status_code == 200
        c.head(GROUPS)
        log = ctl.get("/__demo__/requests").json()
        assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
            ("GET", POLICIES, "page_size=2", 500),
            ("GET", POLICIES, "page_size=2", 200),
            ("HEAD", GROUPS, "", 200),
        ]
        assert srv.requests()[-1]["method"] == "HEAD"
        assert ctl.get("/__demo__/faults").json()["faults"] == []
        ctl.delete("/__demo__/requests")
        assert ctl.get("/__demo__/requests").json() == []


def test_faults_from_settings() -> None:
    settings = DemoSettings(policies=3, faults=[Fault("status", times=1, params={"status": 503})])
    with DemoServer(settings) as server, client(server, STAFF_TOKEN) as cl:
        assert cl.get(POLICIES).status_code == 503
        assert cl.get(POLICIES).status_code == 200


@pytest.mark.parametrize("complete", [False, True])
def test_a_write_that_timed_out(srv: DemoServer, c: httpx.Client, complete: bool) -> None:
    from demo_http import valid_body

    before = int(c.head(POLICIES).headers["X-Result-Count"])
    srv.set_faults(
        [Fault("timeout", times=1, method="POST", params={"seconds": 0.5, "complete": complete})]
    )
    with pytest.raises(httpx.ReadTimeout):
        c.post(POLICIES, json=valid_body(srv), timeout=0.2)
    time.sleep(0.8)
    # By default the client hanging up loses the write; complete=True applies it anyway.
    assert int(c.head(POLICIES).headers["X-Result-Count"]) == before + int(complete)
    posts = [e for e in srv.requests() if e["method"] == "POST"]
    assert posts[-1]["status"] == (201 if complete else None)
