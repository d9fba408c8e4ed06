"""The fired scan's walk (policytui/helper/scan.py) against the real demo server:
it keeps every fired policy while validating only what may be fired, and gives way to a
user who is pressing keys without starving."""

from __future__ import annotations

import asyncio
import copy

import pytest
from browse_support import server_policies

from policytui.api import errors
from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import DEMO_NOW, STAFF_TOKEN, DemoServer, DemoSettings
from policytui.helper import scan as fired_scan
from policytui.helper.scan import ScanProgress, scan_fired
from policytui.tui.rows import build_row


def _session(server) -> Session:
    return Session(url=server.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True)


def _scan(server, **kwargs) -> tuple[ScanProgress | None, list[ScanProgress]]:
    """The scan's last batch when it is the final one (``done``), and the batches before."""

    async def batches() -> list[ScanProgress]:
        scan = scan_fired(
            _session(server),
            None,
            build=lambda policy: build_row(policy, None, DEMO_NOW),
            cancelled=lambda: False,
            **kwargs,
        )
        return [batch async for batch in scan]

    reports = asyncio.run(batches())
    final = reports.pop() if reports and reports[-1].done else None
    assert not any(batch.done for batch in reports)
    return final, reports


@pytest.fixture(scope="module")
def big_server():
    # Four pages of 300: enough for batches, small enough for a unit test.
    with DemoServer(DemoSettings(policies=1200, seed=5)) as server:
        yield server


def test_the_scan_finds_every_fired_policy_and_notes_every_state(big_server) -> None:
    everything = server_policies(big_server)
    final, reports = _scan(big_server)
    assert final is not None and final.done
    batches = [*reports, final]
    found = [row.uuid for batch in batches for row in batch.rows]
    assert sorted(found) == sorted(p["uuid"] for p in everything if p["has_fired"])
    assert final.fired == len(found)
    states = {uuid: state for batch in batches for uuid, state in batch.states.items()}
    # Unfired policies are not validated, but their state is still noted for change marks.
    assert set(states) == {p["uuid"] for p in everything}
    assert all(states[p["uuid"]][0] is p["has_fired"] for p in everything)
    assert all(states[p["uuid"]][1] is None for p in everything if not p["fired_datetime"])


def test_a_scan_holds_its_rows_while_keys_come_and_still_finishes(big_server, monkeypatch) -> None:
    # Keys "keep coming" for the whole scan: pauses are cut short so the test is quick.
    monkeypatch.setattr(fired_scan, "MAX_PAUSE_SECONDS", 0.02)
    monkeypatch.setattr(fired_scan, "MAX_REPORT_HOLD", 60.0)
    final, reports = _scan(big_server, flush_seconds=0.0, idle_seconds=lambda: 0.0)
    # No batch repainted the table under the user's keys; everything arrives at the end.
    assert reports == []
    assert final is not None and final.done and final.pages == 4
    assert final.fired == sum(p["has_fired"] for p in server_policies(big_server))

    # Once the user stops, batches flow again.
    final, reports = _scan(big_server, flush_seconds=0.0, idle_seconds=lambda: 10.0)
    assert len(reports) == 4 and final is not None and final.done  # one per page


def test_a_fired_policy_the_client_cannot_read_is_an_error_an_unfired_one_is_skipped(
    big_server,
) -> None:
    everything = server_policies(big_server)
    fired = copy.deepcopy(next(p for p in everything if p["has_fired"]))
    fired["period"] = "weekly"
    with pytest.raises(errors.InvalidResponse, match="policy"):
        fired_scan._fired_policy(fired, {})

    unfired = copy.deepcopy(next(p for p in everything if not p["has_fired"]))
    unfired["period"] = "weekly"  # not shown by the fired view, so not validated
    states: dict = {}
    assert fired_scan._fired_policy(unfired, states) is None
    assert states == {unfired["uuid"]: (False, None)}
    # An unfired policy that carries a firing time is validated (its time is compared).
    unfired["period"] = 1
    unfired["fired_datetime"] = fired["fired_datetime"]
    policy = fired_scan._fired_policy(unfired, states)
    assert policy is not None and not policy.has_fired
    assert states[unfired["uuid"]] == (False, policy.fired_datetime)


@pytest.mark.parametrize("cancel_after", [None, 2])
def test_the_index_fill_collects_at_its_end_and_leaves_the_collector_on(
    big_server, cancel_after: int | None
) -> None:
    """The helper's index fill runs no garbage collection while it reads (its pages are
    freed by reference counting: tests/api/test_api_garbage.py), with what was alive
    before it frozen (the app it was forked from: not walked at the end); at its end,
    ended or cancelled, one collection frees the cycles it made, nothing stays frozen,
    and the collector is as it was."""
    import gc
    import weakref

    class Cycle:
        me: Cycle

    enabled_while_reading: list[bool] = []
    frozen_while_reading: list[int] = []
    spanning: list[Cycle] = []
    spanned: list[weakref.ref[Cycle]] = []
    cycles: list[weakref.ref[Cycle]] = []

    def keep(items, progress: ScanProgress) -> None:
        enabled_while_reading.append(gc.isenabled())
        frozen_while_reading.append(gc.get_freeze_count())
        cycle = Cycle()
        cycle.me = cycle  # garbage only a collection frees
        cycles.append(weakref.ref(cycle))
        # One alive across a batch's end (as a response in flight is), garbage after.
        spanning[:] = [Cycle()]
        spanning[0].me = spanning[0]
        spanned.append(weakref.ref(spanning[0]))

    batches = [0]

    async def fill() -> None:
        async for _ in scan_fired(
            _session(big_server),
            None,
            build=lambda policy: build_row(policy, None, DEMO_NOW),
            cancelled=lambda: cancel_after is not None and batches[0] >= cancel_after,
            flush_seconds=0,
            keep_page=keep,
            full_collections=True,
        ):
            batches[0] += 1

    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    asyncio.run(fill())
    assert batches[0] >= 2 and len(cycles) >= 2
    assert enabled_while_reading and not any(enabled_while_reading)
    assert gc.isenabled()
    # Every page was read with what came before frozen; the fill unfroze it as it ended.
    assert all(count > frozen_before for count in frozen_while_reading)
    assert gc.get_freeze_count() == 0
    # Each page's garbage waited for the end, and was collected there (the last spanning
    # one is alive until now).
    assert len(spanned) >= 2 and all(cycle() is None for cycle in spanned[:-1])
    assert all(cycle() is None for cycle in cycles)
