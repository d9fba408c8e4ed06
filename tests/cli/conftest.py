"""Demo servers for the shell commands, in both behaviours, with a fixed "today" so the
usage (and so every golden output) is the same on any day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from policytui.demo import DemoServer, DemoSettings

TODAY = date(2026, 12, 1)
#: Small enough for readable golden files, large enough to hold fired, near and
#: comfortable policies, group and (current server) all-organization ones.
POLICIES = 24
BEHAVIOURS = ["current", "2024"]


def settings(behaviour: str, **more: object) -> DemoSettings:
    return DemoSettings(policies=POLICIES, today=TODAY, quirks=behaviour == "2024", **more)


@pytest.fixture(scope="module", params=BEHAVIOURS)
def server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    """Read-only by convention (tests that write or add faults use `fresh`)."""
    with DemoServer(settings(request.param)) as srv:
        srv.behaviour = request.param  # type: ignore[attr-defined]
        yield srv


@pytest.fixture(params=BEHAVIOURS)
def fresh(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    with DemoServer(settings(request.param)) as srv:
        srv.behaviour = request.param  # type: ignore[attr-defined]
        yield srv
