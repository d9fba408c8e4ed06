"""Demo servers for the client's tests: both behaviours, and a low page-size cap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policytui.demo import DemoServer, DemoSettings


@pytest.fixture(params=["default", "quirks"])
def any_demo_server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    """A fresh demo server in each behaviour: the current server and the 2024 one."""
    with DemoServer(DemoSettings(quirks=request.param == "quirks")) as server:
        yield server


@pytest.fixture
def capped_demo_server() -> Iterator[DemoServer]:
    """120 policies behind a server that caps page_size at 50 (lower than the client asks)."""
    with DemoServer(DemoSettings(policies=120, page_size_cap=50)) as server:
        yield server
