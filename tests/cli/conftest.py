"""Demo servers for the shell commands, in both behaviours, with a fixed "today" so the
usage (and so every golden output) is the same on any day.

Each run of the console script costs about a second (imports, then a dozen requests to
a server that makes usage rows), so tests share what one run printed where they can,
and what does not depend on the server's behaviour runs against the current one only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

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


@pytest.fixture(scope="module", params=BEHAVIOURS)
def server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    """Read-only by convention (tests that write or add faults use `fresh`)."""
    srv = start(request.param)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def current() -> Iterator[DemoServer]:
    """The current server's behaviour only, read-only: for what does not depend on it."""
    srv = start("current")
    yield srv
    srv.stop()


@pytest.fixture(params=BEHAVIOURS)
def fresh(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    srv = start(request.param)
    yield srv
    srv.stop()


@pytest.fixture
def fresh_current() -> Iterator[DemoServer]:
    srv = start("current")
    yield srv
    srv.stop()


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
