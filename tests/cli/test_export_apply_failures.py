"""A write that fails in the middle of `apply`: the run stops there, says exactly what was
written and what was not (checked against the server), and sends no write twice. The
faults are the demo server's own (policytui/demo/faults.py), injected for one request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from export_apply_support import (
    HPC,
    POLICIES,
    exported,
    in_process,
    policies_of,
    policy,
    policytui,
    writes,
)

from policytui.demo import DemoServer, DemoSettings, Fault


@pytest.fixture(params=["current", "2024"])
def any_server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(quirks=request.param == "2024")) as server:
        yield server


def _three_changes(server: DemoServer, tmp_path: Path, *, create: bool = False):
    """The HPC export with three changed periods (or two and a new policy); returns the
    file's text, its path and the changed policies."""
    document = yaml.safe_load(exported(server, "--offering", HPC))
    policies = document["offerings"][0]["policies"]
    changed = policies[:2] if create else policies[:3]
    for entry in changed:
        entry["period"] = "Total" if entry["period"] != "Total" else "12 months"
    if create:
        policies.append(
            {
                "actions": ["notify_organization_owners"],
                "period": "1 month",
                "organization_groups": ["Nordics"],
                "component_limits": [{"type": "storage", "limit": 777}],
            }
        )
    text = yaml.safe_dump(document, sort_keys=False)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return text, path, changed


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_server_error_mid_apply_stops_and_says_what_was_written(any_server, tmp_path):
    text, path, (one, two, three) = _three_changes(any_server, tmp_path)
    periods = {p["uuid"]: policy(any_server, p["uuid"])["period"] for p in (one, two, three)}
    any_server.clear_requests()
    any_server.add_fault(Fault("status", times=1, method="PATCH", path=two["uuid"]))
    run = policytui(any_server, "apply", "-f", str(path), "--yes")
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    at = {p["uuid"]: _line(text, p["uuid"]) for p in (one, two, three)}
    failed = next(line for line in lines if line.startswith("FAILED"))
    assert failed.startswith(f"FAILED ~ update {two['uuid']} (line {at[two['uuid']]}): ")
    assert "Server error 500" in failed
    assert failed.endswith("(the answer was lost; not applied)")
    assert lines[lines.index("Stopped at the first failure: 1 of 3 changes written, 2 not.") :] == [
        "Stopped at the first failure: 1 of 3 changes written, 2 not.",
        "Written:",
        f"  ~ updated {one['uuid']} (line {at[one['uuid']]})",
        "Not written:",
        f"  ~ update {two['uuid']} (line {at[two['uuid']]}): failed",
        f"  ~ update {three['uuid']} (line {at[three['uuid']]}): not attempted",
        "Nothing was sent again. Fix the cause and apply the file again.",
    ]
    # The server holds exactly that: the first changed, the others as they were.
    assert policy(any_server, one["uuid"])["period"] != periods[one["uuid"]]
    assert policy(any_server, two["uuid"])["period"] == periods[two["uuid"]]
    assert policy(any_server, three["uuid"])["period"] == periods[three["uuid"]]
    # One PATCH each for the two tried, none for the third: nothing was retried.
    assert writes(any_server) == [
        ("PATCH", f"{POLICIES}{one['uuid']}/"),
        ("PATCH", f"{POLICIES}{two['uuid']}/"),
    ]
    # Applying again does the rest.
    again = in_process(any_server, "apply", "-f", str(path), "--yes")
    assert again.code == 0, again.err
    assert "Applied 2 changes." in again.out


def test_a_create_whose_connection_dropped_is_looked_for_not_sent_again(
    fresh_demo_server, tmp_path
):
    any_server = fresh_demo_server
    text, path, (_one, _two) = _three_changes(any_server, tmp_path, create=True)
    before = len(policies_of(any_server, HPC))
    any_server.clear_requests()
    any_server.add_fault(Fault("drop", times=1, method="POST"))
    run = in_process(any_server, "apply", "-f", str(path), "--yes")
    assert run.code == 1, run.err
    create_line = max(n for n, line in enumerate(text.splitlines(), 1) if "- actions:" in line)
    assert (
        f"FAILED + create (line {create_line}): The connection to "
        f"127.0.0.1:{any_server.port} dropped mid-answer. (the answer was lost; "
        "it was not created)"
    ) in run.out.splitlines()
    assert "Stopped at the first failure: 2 of 3 changes written, 1 not." in run.out
    assert len(policies_of(any_server, HPC)) == before
    assert [m for m, _ in writes(any_server)] == ["PATCH", "PATCH", "POST"]


def test_a_policy_deleted_meanwhile_fails_its_update(fresh_demo_server, tmp_path):
    any_server = fresh_demo_server
    text, path, (one, two, _) = _three_changes(any_server, tmp_path)
    untouched = policy(any_server, two["uuid"])
    any_server.add_fault(
        Fault(
            "delete_policy", times=1, method="PATCH", path=one["uuid"], params={"uuid": one["uuid"]}
        )
    )
    run = in_process(any_server, "apply", "-f", str(path), "--yes")
    assert run.code == 1
    assert (
        f"FAILED ~ update {one['uuid']} (line {_line(text, one['uuid'])}): "
        "Not found: No OfferingUsagePolicy matches the given query."
    ) in run.out.splitlines()
    assert "Written: nothing." in run.out
    assert policy(any_server, two["uuid"]) == untouched


async def test_a_write_that_timed_out_is_called_neither_done_nor_undone(fresh_demo_server):
    """A server that has not answered may still apply the write: the run stops and says
    so, rather than call it not applied on the strength of a read made meanwhile. (The
    client's own 15 s timeout is shortened here: the writer is driven in this process,
    over loopback, with a real client.)"""
    from dataclasses import replace

    from policytui.api.client import WaldurClient
    from policytui.cli.policy_file import server as reading
    from policytui.cli.policy_file.model import WantedOffering, WantedPolicy
    from policytui.cli.policy_file.plan import make_plan
    from policytui.cli.policy_file.writes import State, Writer
    from policytui.demo import STAFF_TOKEN

    server = fresh_demo_server
    async with WaldurClient(server.api_url, STAFF_TOKEN, timeout=0.3) as client:
        catalog = await reading.read_catalog(client)
        stored = await reading.read_policies(client, [HPC])
        target = stored[0]
        period = 1 if target.values.period != 1 else 4
        wanted = WantedPolicy(HPC, target.uuid, replace(target.values, period=period), 7)
        plan = make_plan([WantedOffering(HPC, 1, (wanted,))], {HPC: stored}, {}, catalog)
        # The server reads the body, then sleeps 30 s before applying it.
        server.add_fault(
            Fault("timeout", times=1, method="PATCH", params={"seconds": 30, "complete": True})
        )
        server.clear_requests()
        outcome = await Writer(client, catalog, stored).write(plan.steps[0])
    assert outcome.state is State.UNKNOWN
    assert outcome.error == (
        f"127.0.0.1:{server.port} did not answer in time; the PATCH may or may not have been "
        "applied. (the answer was lost; not applied now, but a write that timed out may "
        "still land)"
    )
    assert [method for method, _ in writes(server)] == ["PATCH"]  # never sent again


def test_a_write_whose_outcome_is_unknown_is_counted_apart(fresh_demo_server, tmp_path):
    # The PATCH's answer is lost and reading the policy back fails too: nobody knows
    # whether it was applied, so the summary does not count it as "not written".
    server = fresh_demo_server
    text, path, (one, two, three) = _three_changes(server, tmp_path)
    server.add_fault(Fault("status", times=1, method="PATCH", path=two["uuid"]))
    server.add_fault(Fault("status", times=10, method="GET", path=two["uuid"]))
    run = in_process(server, "apply", "-f", str(path), "--yes")
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    at = {p["uuid"]: _line(text, p["uuid"]) for p in (one, two, three)}
    summary = "Stopped at the first failure: 1 of 3 changes written, 1 unknown, 1 not."
    assert lines[lines.index(summary) :] == [
        summary,
        "Written:",
        f"  ~ updated {one['uuid']} (line {at[one['uuid']]})",
        "Unknown (may or may not be applied):",
        f"  ~ update {two['uuid']} (line {at[two['uuid']]})",
        "Not written:",
        f"  ~ update {three['uuid']} (line {at[three['uuid']]}): not attempted",
        "Nothing was sent again. Fix the cause and apply the file again.",
    ]
