"""`policytui list` as scripts and monitoring checks run it: the installed console script
against the demo server over loopback HTTP, in both server behaviours."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from conftest import TODAY
from shell_run import check_golden, normalised, run, run_in_terminal, uuids_in

from policytui.demo import OWNER_TOKEN, DemoServer

DAY = ["--today", TODAY.isoformat()]


def listing(server: DemoServer, *args: str, **kw) -> list[dict]:
    done = run(server, "list", "-o", "json", *DAY, *args, **kw)
    assert done.code == 0, done.err
    return json.loads(done.out)


def highest(policy: dict) -> float | None:
    ratios = [x["ratio"] for x in policy["headroom"] or [] if x["ratio"] is not None]
    return max(ratios) if ratios else None


# -- golden outputs --------------------------------------------------------------------


@pytest.mark.parametrize("output", ["table", "json", "ndjson", "csv", "yaml"])
def test_each_format_is_stable(server: DemoServer, output: str) -> None:
    done = run(server, "list", "-o", output, *DAY)
    assert done.code == 0, done.err
    assert done.err == ""  # piped: no progress bar, and every policy has a figure
    check_golden(f"list-{server.behaviour}.{output}", normalised(done.out, server))


def test_the_formats_agree(server: DemoServer) -> None:
    as_json = listing(server)
    as_ndjson = [
        json.loads(line)
        for line in run(server, "list", "-o", "ndjson", *DAY).out.split("\n")
        if line
    ]
    as_yaml = yaml.safe_load(run(server, "list", "-o", "yaml", *DAY).out)
    rows = list(csv.DictReader(io.StringIO(run(server, "list", "-o", "csv", *DAY).out)))
    table = run(server, "list", *DAY).out.splitlines()
    assert len(as_json) == 24
    assert as_ndjson == as_json == as_yaml
    assert [r["uuid"] for r in rows] == [p["uuid"] for p in as_json]
    # The table's first column is the uuid, whole: `awk '{print $1}'` reads it.
    assert [line.split()[0] for line in table[1:]] == [p["uuid"] for p in as_json]
    for row, policy in zip(rows, as_json, strict=True):
        top = highest(policy)
        assert row["highest_ratio"] == ("" if top is None else str(top))
        assert row["has_fired"] == str(policy["has_fired"]).lower()


def test_json_is_the_servers_objects_with_headroom(server: DemoServer) -> None:
    import httpx

    from policytui.demo import STAFF_TOKEN

    sent = httpx.get(
        server.api_url + "marketplace-offering-usage-policies/",
        params={"page_size": 300}, headers={"Authorization": f"Token {STAFF_TOKEN}"},
    ).json()  # fmt: skip
    listed = listing(server)
    assert [{k: v for k, v in p.items() if k != "headroom"} for p in listed] == sent
    for policy in listed:
        limits = policy["headroom"]
        assert [x["type"] for x in limits] == [c["type"] for c in policy["component_limits_set"]]
        for x in limits:
            assert isinstance(x["usage"], str) and isinstance(x["limit"], int)
            assert x["ratio"] == round(float(x["usage"]) / x["limit"], 4)
            assert x["over"] == (float(x["usage"]) > x["limit"])
        assert [x["checked"] for x in limits] == [True] + [False] * (len(limits) - 1)


# -- choosing policies -----------------------------------------------------------------


def test_fired_keeps_exactly_the_fired(server: DemoServer) -> None:
    every = listing(server)
    fired = listing(server, "--fired")
    assert fired and [p["uuid"] for p in fired] == [p["uuid"] for p in every if p["has_fired"]]


def test_near_keeps_the_policies_at_or_above_the_percentage(server: DemoServer) -> None:
    every = listing(server)
    near = listing(server, "--near", "80")
    expected = [p["uuid"] for p in every if (highest(p) or 0) >= 0.8]
    assert near and [p["uuid"] for p in near] == expected
    assert len(near) < len(every)


def test_the_filter_language_chooses(server: DemoServer) -> None:
    every = listing(server)
    some = listing(server, "--filter", "fired:yes limits:>0")
    assert [p["uuid"] for p in some] == [
        p["uuid"] for p in every if p["has_fired"] and p["component_limits_set"]
    ]


def test_offering_by_name_or_uuid(server: DemoServer) -> None:
    every = listing(server)
    first = every[0]
    by_uuid = listing(server, "--offering", first["scope_uuid"])
    by_name = listing(server, "--offering", first["scope_name"].upper())
    mine = [p["uuid"] for p in every if p["scope_uuid"] == first["scope_uuid"]]
    assert [p["uuid"] for p in by_uuid] == [p["uuid"] for p in by_name] == mine
    done = run(server, "list", "--offering", "no such offering", *DAY)
    assert done.code == 2 and "no offering you manage is named 'no such offering'" in done.err
    assert done.out == ""


def test_a_filter_with_problems_is_refused_with_a_caret_and_nothing_is_sent(
    server: DemoServer,
) -> None:
    server.clear_requests()
    done = run(server, "list", "--filter", "group:baltics fired:soon grup:x")
    assert done.code == 2 and done.out == ""
    lines = done.err.splitlines()
    assert lines[0] == "--filter: 2 term(s) could not be read:"
    assert lines[1] == lines[3] == "  group:baltics fired:soon grup:x"
    assert lines[2].startswith("                ^^^^^^^^^^ fired: expects")
    assert lines[4].startswith("                           ^^^^^^ grup: is not a field")
    assert server.requests() == []


# -- checks for monitoring -------------------------------------------------------------


def test_fail_if_fired(server: DemoServer) -> None:
    fired = [p["uuid"] for p in listing(server, "--fired")]
    done = run(server, "list", "-o", "json", "--fail-if-fired", *DAY)
    assert done.code == 1
    assert len(json.loads(done.out)) == 24  # the listing is still written
    (summary,) = done.err.splitlines()
    assert summary.startswith(f"{len(fired)} fired policies: {fired[0]} (")
    assert summary.endswith(f" and {len(fired) - 5} more")
    calm = run(server, "list", "--filter", "fired:no", "--fail-if-fired", *DAY)
    assert calm.code == 0 and calm.err == ""


def test_fail_if_near(server: DemoServer) -> None:
    near = listing(server, "--near", "90")
    done = run(server, "list", "-o", "csv", "--fail-if-near", "90", *DAY)
    assert done.code == 1
    assert done.err.startswith(f"{len(near)} policies at or above 90 % of a limit: ")
    assert run(server, "list", "--fail-if-near", "100000", *DAY).code == 0


# -- exit codes ------------------------------------------------------------------------


def test_not_signed_in_is_3(server: DemoServer) -> None:
    done = run(server, "list", token=None)
    assert done.code == 3 and done.out == ""
    assert "Not signed in." in done.err and "policytui login" in done.err


def test_a_rejected_token_is_3(server: DemoServer) -> None:
    done = run(server, "list", token="0123456789abcdef0123456789abcdef01234567")
    assert done.code == 3 and done.out == ""
    assert "The server rejected the token (401)" in done.err
    assert "0123456789abcdef0123456789abcdef01234567" not in done.err


def test_a_server_error_on_a_read_is_4(fresh: DemoServer) -> None:
    fresh.add_fault({"name": "status", "path": "usage-policies", "params": {"status": 500}})
    done = run(fresh, "list")
    assert done.code == 4 and done.out == ""
    assert "Traceback" not in done.err and done.err.strip()


def test_nothing_listening_is_4() -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run(None, "list", env={"WALDUR_API_URL": f"http://127.0.0.1:{port}/api/"})
    assert done.code == 4 and "Cannot reach 127.0.0.1" in done.err


def test_usage_unreadable_is_said_per_policy(fresh: DemoServer) -> None:
    # The customer -> group map answers only staff and the provider's owners.
    fresh.add_fault({"name": "status", "path": "/customers/", "params": {"status": 404}})
    listed = listing(fresh, token=OWNER_TOKEN)
    assert listed
    for policy in listed:
        if policy.get("apply_to_all"):
            assert policy["headroom"] is not None  # every customer: no map needed
        else:
            assert policy["headroom"] is None
            assert (
                "shown only to staff and the offering's provider"
                in (policy["headroom_unavailable"])
            )
    table = run(fresh, "list", "--near", "50", *DAY, token=OWNER_TOKEN)
    assert table.code == 0
    assert "could not be checked against a percentage" in table.err


# -- the terminal ----------------------------------------------------------------------


def test_on_a_terminal_the_table_fits_and_progress_shows(server: DemoServer) -> None:
    shown = run_in_terminal(server, "list", *DAY, columns=80)
    assert shown.code == 0
    assert "reading pages 1/1" in shown.out  # drawn on stderr, then wiped
    table = [line for line in shown.out.split("\n") if uuids_in(line)]
    assert len(table) == 24 and all(len(line.split("\r")[-1]) <= 80 for line in table)
    piped = run(server, "list", *DAY)
    assert max(map(len, piped.out.splitlines())) > 80 and "…" not in piped.out
    quiet = run_in_terminal(server, "list", "--quiet", *DAY, columns=80)
    assert "reading pages" not in quiet.out


def test_help_shows_examples_and_exit_codes() -> None:
    done = run(None, "list", "--help", token=None)
    assert done.code == 0
    assert "examples:" in done.out and "policytui list --fail-if-near 90" in done.out
    assert "exit codes:" in done.out and "  3  not signed in" in done.out
