"""Fault tests record a row each (``fault_row`` fixture); the session writes docs/faults.md.

Usage in a test under tests/faults/::

    async def test_x(fault_row, fresh_demo_server):
        fault_row.describe("client", "status 503", "GET the list", expected="recovers")
        ...
        fault_row.observed = f"recovered after {n} tries"
        assert ...

The row's result is the test's own outcome (pass / fail / error), filled in after it ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fault_table import FaultRow, FaultTable

_TABLE = FaultTable()
_LOOPBACK = re.compile(r"(?:127\.0\.0\.1|localhost):\d+")


class _Recorder:
    def __init__(self, test: str) -> None:
        self.row: FaultRow | None = None
        self._test = test

    def describe(self, layer: str, fault: str, scenario: str, *, expected: str) -> None:
        self.row = FaultRow(layer, fault, scenario, expected, test=self._test)

    @property
    def observed(self) -> str:
        return self.row.observed if self.row else ""

    @observed.setter
    def observed(self, text: str) -> None:
        assert self.row is not None, "call fault_row.describe(...) first"
        # Loopback ports change every run; the table should change only when behaviour does.
        self.row.observed = _LOOPBACK.sub("demo-server", text)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and report.failed):
        item.stash[_OUTCOME] = report.outcome


_OUTCOME = pytest.StashKey[str]()


@pytest.fixture
def fault_row(request: pytest.FixtureRequest) -> Iterator[_Recorder]:
    recorder = _Recorder(request.node.nodeid)
    yield recorder
    if recorder.row is not None:
        outcome = request.node.stash.get(_OUTCOME, "error")
        recorder.row.result = {"passed": "pass", "failed": "FAIL"}.get(outcome, outcome)
        _TABLE.add(recorder.row)


_DESELECTED: set[str] = set()


def pytest_deselected(items: list[pytest.Item]) -> None:
    # A test left out by -k still exists: its old row must stay in the table.
    _DESELECTED.update(item.nodeid for item in items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    _TABLE.write(collected={item.nodeid for item in session.items} | _DESELECTED)
