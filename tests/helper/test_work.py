"""The one interface the app has to its background work (policytui.helper.work), both
implementations, against the real demo server: the events a fired scan yields are what
the fired view paints, whichever process did the work.

``InProcess`` runs here; ``Forked`` needs a single-threaded process to fork from, so its
cases run in a fresh interpreter against a demo server in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from policytui.api import errors
from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.helper.events import ScanFailed, ScanProgress, ScanResumed
from policytui.helper.work import InProcess
from policytui.tui.catalog import Catalog

NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    # Three pages at the server's cap of 300.
    with DemoServer(DemoSettings(policies=900, seed=3)) as demo:
        yield demo


def _session(server: DemoServer, token: str = STAFF_TOKEN) -> Session:
    return Session(url=server.url, token=Secret(token), token_source="env")


def _fired(server: DemoServer) -> list[str]:
    import httpx

    uuids: list[str] = []
    for page in (1, 2, 3):
        response = httpx.get(
            f"{server.url}/api/marketplace-offering-usage-policies/",
            params={"page": page, "page_size": 300},
            headers={"Authorization": f"Token {STAFF_TOKEN}"},
        )
        uuids += [p["uuid"] for p in response.json() if p["has_fired"]]
    return sorted(uuids)


def _scan(server: DemoServer, token: str = STAFF_TOKEN, cancel_after: int | None = None):  # type: ignore[no-untyped-def]
    events: list[object] = []

    def cancelled() -> bool:
        return cancel_after is not None and len(events) >= cancel_after

    for event in InProcess().scan_fired(
        _session(server, token),
        None,
        catalog=Catalog(),
        now=NOW,
        cancelled=cancelled,
        idle_seconds=lambda: 10.0,
        flush_seconds=0.0,
    ):
        events.append(event)
    return events


def test_a_scan_here_yields_batches_of_every_fired_policy_the_last_done(server) -> None:  # type: ignore[no-untyped-def]
    events = _scan(server)
    assert events and all(isinstance(e, ScanProgress) for e in events)
    assert events[-1].done and not any(e.done for e in events[:-1])
    assert sorted(r.uuid for e in events for r in e.rows) == _fired(server)
    assert events[-1].fired == len(_fired(server)) and events[-1].pages == 3


def test_a_refused_token_ends_the_scan_with_the_clients_error(server) -> None:  # type: ignore[no-untyped-def]
    events = _scan(server, token="f" * 40)
    assert len(events) == 1 and isinstance(events[0], ScanFailed)
    assert isinstance(events[0].error, errors.AuthenticationError)
    assert "f" * 40 not in str(events[0].error)


def test_a_cancelled_scan_ends_without_a_done_batch(server) -> None:  # type: ignore[no-untyped-def]
    events = _scan(server, cancel_after=1)
    assert len(events) == 1 and isinstance(events[0], ScanProgress)
    assert not events[0].done


_FORKED = textwrap.dedent(
    """
    import json, os, signal, sys
    from datetime import datetime, UTC
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.helper.events import ScanFailed, ScanProgress, ScanResumed
    from policytui.helper.fork import fork_helper
    from policytui.tui.catalog import Catalog

    session = Session(url=sys.argv[1], token=Secret(os.environ["WALDUR_ACCESS_TOKEN"]),
                      token_source="env")
    work = fork_helper(session, 20)
    assert work is not None, "no helper"
    pid = work.scans._pid
    kinds, found, last = [], [], None
    for event in work.scan_fired(session, None, catalog=Catalog(),
                                 now=datetime(2026, 11, 28, tzinfo=UTC),
                                 cancelled=lambda: False, idle_seconds=lambda: 10.0,
                                 flush_seconds=0.0):
        kinds.append(type(event).__name__)
        if isinstance(event, ScanProgress):
            if "ScanResumed" in kinds:
                found += [r.uuid for r in event.rows]
            last = event
        if kinds == ["ScanProgress"]:  # the helper's first batch is here: it dies
            os.kill(pid, signal.SIGKILL)
    print(json.dumps({"kinds": kinds, "found": sorted(found), "done": last.done,
                      "fired": last.fired}))
    work.close()
    """
)


def test_a_forked_scan_whose_helper_dies_is_resumed_here_and_whole() -> None:
    # +300 ms a request: the helper has sent one batch of ten pages when it is killed.
    with DemoServer(DemoSettings(policies=3000, seed=3, latency_ms=300)) as slow:
        done = subprocess.run(
            [sys.executable, "-c", _FORKED, slow.url],
            env={**os.environ, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        expected = sorted(
            r.uuid for e in _scan(slow) if isinstance(e, ScanProgress) for r in e.rows
        )
    kinds = result["kinds"]
    # The helper's batch, then the word that the scan goes on here, then that scan's.
    assert kinds[0] == "ScanProgress" and kinds.count(ScanResumed.__name__) == 1
    assert kinds.index("ScanResumed") >= 1 and "ScanFailed" not in kinds
    assert result["done"] is True
    # The scan here read every page again: every fired policy, the full count.
    assert result["found"] == expected and result["fired"] == len(expected)
