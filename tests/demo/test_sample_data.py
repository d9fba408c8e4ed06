"""Sample data: deterministic from the seed, realistic in shape, and quick at 100k."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta

import httpx
from demo_http import POLICIES, client

from policytui.demo import DEMO_NOW, STAFF_TOKEN, DemoServer, DemoSettings
from policytui.demo.catalog import OFFERINGS_BY_UUID


def _all(settings: DemoSettings) -> list[dict]:
    with DemoServer(settings) as server, client(server, STAFF_TOKEN) as c:
        rows: list[dict] = []
        page = 1
        while True:
            r = c.get(POLICIES, params={"page": page, "page_size": 300})
            rows += r.json()
            if 'rel="next"' not in r.headers["Link"]:
                return rows
            page += 1


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_same_seed_same_data() -> None:
    a = _all(DemoSettings(policies=80, seed=7))
    b = _all(DemoSettings(policies=80, seed=7))
    strip = [
        {k: v for k, v in p.items() if k not in ("url", "scope", "organization_groups")} for p in a
    ]
    assert strip == [
        {k: v for k, v in p.items() if k not in ("url", "scope", "organization_groups")} for p in b
    ]
    c = _all(DemoSettings(policies=80, seed=8))
    assert [p["uuid"] for p in a] != [p["uuid"] for p in c]


def test_sample_shape(staff: httpx.Client) -> None:
    rows = staff.get(POLICIES, params={"page_size": 300}).json()
    assert len(rows) == 60
    year_ago = DEMO_NOW - timedelta(days=365)
    fired = [p for p in rows if p["has_fired"]]
    assert 2 <= len(fired) <= 20
    for p in rows:
        assert re.fullmatch(r"[0-9a-f]{32}", p["uuid"])
        assert year_ago <= _parse(p["created"]) < DEMO_NOW
        assert p["period"] in (1, 2, 3, 4)
        assert 1 <= len(p["actions"].split(",")) <= 2
        assert 1 <= len(p["component_limits_set"]) <= 3
        types = OFFERINGS_BY_UUID[p["scope_uuid"]].component_types
        assert all(limit["type"] in types for limit in p["component_limits_set"])
        if p["has_fired"]:
            fired_at = _parse(p["fired_datetime"])
            assert DEMO_NOW - timedelta(days=30) <= fired_at <= DEMO_NOW
            assert fired_at >= _parse(p["created"])
        else:
            assert p["fired_datetime"] is None
    assert any(p["created_by_username"] is None for p in rows)
    assert any(p["created_by_username"] == "acme-owner" for p in rows)
    assert any(len(p["component_limits_set"]) > 1 for p in rows)
    assert len({p["scope_uuid"] for p in rows}) >= 4
    assert len({p["period"] for p in rows}) == 4


def test_hundred_thousand_policies() -> None:
    with DemoServer(DemoSettings(policies=100_000)) as server, client(server, STAFF_TOKEN) as c:
        assert c.head(POLICIES).headers["X-Result-Count"] == "100000"
        last = c.get(POLICIES, params={"page": "last", "page_size": 300})
        assert last.status_code == 200 and len(last.json()) == 100_000 % 300
        assert 'rel="next"' not in last.headers["Link"]


def test_file_database_persists(tmp_path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    first = _all(DemoSettings(policies=5, db_path=db))
    again = _all(DemoSettings(policies=50, db_path=db))  # an existing database is kept
    assert [p["uuid"] for p in again] == [p["uuid"] for p in first]


def test_import_hygiene() -> None:
    code = (
        "import sys, policytui.demo, policytui.demo.cli\n"
        "from policytui.demo import DemoServer, create_app\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')"
        " or m == 'policytui.api' or m.startswith('policytui.api.')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_prints_url_and_tokens() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policytui.demo",
            "--port",
            str(port),
            "--policies",
            "5",
            "--quirks",
            "--latency-ms",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
        assert lines[0].strip() == f"policytui demo server: http://127.0.0.1:{port}/api/"
        assert STAFF_TOKEN in "".join(lines)
        for _ in range(100):
            try:
                r = httpx.get(
                    f"http://127.0.0.1:{port}{POLICIES}",
                    headers={"Authorization": f"Token {STAFF_TOKEN}"},
                )
                break
            except httpx.TransportError:
                import time

                time.sleep(0.05)
        assert r.headers["X-Result-Count"] == "5"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
