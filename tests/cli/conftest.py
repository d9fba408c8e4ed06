"""Demo servers for the shell commands, in both behaviours, with a fixed "today" so the
usage (and so every golden output) is the same on any day.

Each run of the console script costs about a second (imports, then a dozen requests to
a server that makes usage rows), so tests share what one run printed where they can,
and what does not depend on the server's behaviour runs against the current one only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cli_support import BEHAVIOURS, start

from policytui.demo import DemoServer


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
