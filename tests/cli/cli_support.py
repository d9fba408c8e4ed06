"""What the shell commands' tests share: the fixed "today", the demo servers' settings,
and the server's policies read with a plain HTTP client.

A module of its own, not conftest.py: ``from conftest import …`` finds whichever
conftest module Python imported first when the whole suite runs (tests/query has one).
"""

from __future__ import annotations

from datetime import date

import httpx

from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings

TODAY = date(2026, 12, 1)
DAY = ("--today", TODAY.isoformat())
#: Small enough for readable golden files, large enough to hold fired, near and
#: comfortable policies, group and (current server) all-organization ones.
POLICIES = 24
BEHAVIOURS = ["current", "2024"]


def settings(behaviour: str) -> DemoSettings:
    return DemoSettings(policies=POLICIES, today=TODAY, quirks=behaviour == "2024")


def start(behaviour: str) -> DemoServer:
    server = DemoServer(settings(behaviour)).start()
    server.behaviour = behaviour  # type: ignore[attr-defined]
    return server


def policies_on(server: DemoServer) -> list[dict]:
    """Every policy as the server sends it, read with a plain HTTP client (not policytui)."""
    answer = httpx.get(
        server.api_url + "marketplace-offering-usage-policies/",
        params={"page_size": 300},
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    )
    answer.raise_for_status()
    return answer.json()


def status_of(server: DemoServer, uuid: str) -> int:
    return httpx.get(
        f"{server.api_url}marketplace-offering-usage-policies/{uuid}/",
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    ).status_code
