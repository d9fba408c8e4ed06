"""Demo servers over real loopback HTTP, and httpx clients per sample user."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from demo_http import client

from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer, DemoSettings


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    """Read-only by convention: tests that write use `fresh` or `quirky`."""
    with DemoServer(DemoSettings()) as srv:
        yield srv


@pytest.fixture
def fresh() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings()) as srv:
        yield srv


@pytest.fixture
def quirky() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(quirks=True)) as srv:
        yield srv


@pytest.fixture
def staff(server: DemoServer) -> Iterator[httpx.Client]:
    with client(server, STAFF_TOKEN) as c:
        yield c


@pytest.fixture
def owner(server: DemoServer) -> Iterator[httpx.Client]:
    with client(server, OWNER_TOKEN) as c:
        yield c


@pytest.fixture
def plain(server: DemoServer) -> Iterator[httpx.Client]:
    with client(server, PLAIN_TOKEN) as c:
        yield c
