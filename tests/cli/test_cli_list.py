"""`policytui list` as scripts and monitoring checks run it: the installed console script
against the demo server over loopback HTTP. The formats in both server behaviours; the
choosing, the checks and the terminal against the current one (the code is the same)."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from cli_support import DAY, policies_on
from shell_run import Done, check_golden, normalised, run, run_in_terminal, uuids_in

from policytui.demo import OWNER_TOKEN, DemoServer

FORMATS = ["table", "json", "ndjson", "csv", "yaml"]


@pytest.fixture(scope="module")
def printed(server: DemoServer) -> dict[str, Done]:
    """What `list -o FORMAT` printed, once per format and server."""
    return {output: run(server, "list", "-o", output, *DAY) for output in FORMATS}


@pytest.fixture(scope="module")
def every(current: DemoServer) -> list[dict]:
    done = run(current, "list", "-o", "json", *DAY)
    assert done.code == 0, done.err
    return json.loads(done.out)


def highest(policy: dict) -> float | None:
    ratios = [x["ratio"] for x in policy["headroom"] or [] if x["ratio"] is not None]
    return max(ratios) if ratios else None


def uuids(policies: list[dict]) -> list[str]:
    return [p["uuid"] for p in policies]


# -- the formats, in both behaviours ---------------------------------------------------


@pytest.mark.parametrize("output", FORMATS)
def test_each_format_is_stable(server: DemoServer, printed: dict[str, Done], output: str) -> None:
    done = printed[output]
    assert done.code == 0, done.err
    assert done.err == ""  # piped: no progress bar, and every policy has a figure
    check_golden(f"list-{server.behaviour}.{output}", normalised(done.out, server))


def test_the_formats_agree(printed: dict[str, Done]) -> None:
    as_json = json.loads(printed["json"].out)
    as_ndjson = [json.loads(line) for line in printed["ndjson"].out.splitlines()]
    as_yaml = yaml.safe_load(printed["yaml"].out)
    rows = list(csv.DictReader(io.StringIO(printed["csv"].out)))
    table = printed["table"].out.splitlines()
    assert len(as_json) == 24
    assert as_ndjson == as_json == as_yaml
    assert [r["uuid"] for r in rows] == uuids(as_json)
    # Piped, the table's first column is the whole uuid: `awk '{print $1}'` reads it.
    assert [line.split()[0] for line in table[1:]] == uuids(as_json)
    assert "…" not in printed["table"].out
    for row, policy in zip(rows, as_json, strict=True):
        top = highest(policy)
        assert row["highest_ratio"] == ("" if top is None else str(top))
        assert row["has_fired"] == str(policy["has_fired"]).lower()
        # Lists in a cell are joined with ";", so `cut -d,` reads the columns.
        assert set(row["actions"].split(";")) == set(policy["actions"].split(","))  # as sent
        assert not any("," in row[k] for k in ("actions", "groups", "limits")), row


def test_json_is_the_servers_objects_with_headroom(
    server: DemoServer, printed: dict[str, Done]
) -> None:
    listed = json.loads(printed["json"].out)
    assert [{k: v for k, v in p.items() if k != "headroom"} for p in listed] == policies_on(server)
    for policy in listed:
        limits = policy["headroom"]
        assert [x["type"] for x in limits] == [c["type"] for c in policy["component_limits_set"]]
        for x in limits:
            assert isinstance(x["usage"], str) and isinstance(x["limit"], int)
            assert x["ratio"] == round(float(x["usage"]) / x["limit"], 4)
            assert x["over"] == (float(x["usage"]) > x["limit"])
        assert [x["checked"] for x in limits] == [True] + [False] * (len(limits) - 1)


# -- choosing and checking (the current server) ----------------------------------------


def test_fired_and_fail_if_fired(current: DemoServer, every: list[dict]) -> None:
    done = run(current, "list", "-o", "json", "--fired", "--fail-if-fired", *DAY)
    fired = [p for p in every if p["has_fired"]]
    assert fired and uuids(json.loads(done.out)) == uuids(fired)
    assert done.code == 1  # the listing is still written, then the check fails
    named = ", ".join(f"{p['uuid']} ({p['scope_name']})" for p in fired[:5])
    more = f" and {len(fired) - 5} more" if len(fired) > 5 else ""
    assert done.err == f"{len(fired)} fired policies: {named}{more}\n"


def test_a_filter_chooses_and_a_check_that_matches_nothing_passes(
    current: DemoServer, every: list[dict]
) -> None:
    done = run(current, "list", "-o", "json", "--filter", "fired:no limits:>0",
               "--fail-if-fired", *DAY)  # fmt: skip
    assert done.code == 0 and done.err == ""
    expected = [p for p in every if not p["has_fired"] and p["component_limits_set"]]
    assert uuids(json.loads(done.out)) == uuids(expected)


def test_near_and_fail_if_near(current: DemoServer, every: list[dict]) -> None:
    done = run(current, "list", "-o", "json", "--near", "80", "--fail-if-near", "90", *DAY)
    near = [p for p in every if (highest(p) or 0) >= 0.8]
    nearer = [p for p in near if (highest(p) or 0) >= 0.9]
    assert near and len(near) < len(every) and nearer
    assert uuids(json.loads(done.out)) == uuids(near)
    assert done.code == 1
    assert done.err.startswith(f"{len(nearer)} policies at or above 90 % of a limit: ")


def test_the_filters_usage_term_agrees_with_near(current: DemoServer, every: list[dict]) -> None:
    # `usage:>=80` is the filter language's --near 80: the same policies, in server order.
    done = run(current, "list", "-o", "json", "--filter", "usage:>=80", *DAY)
    near = [p for p in every if (highest(p) or 0) >= 0.8]
    assert done.code == 0 and near and len(near) < len(every)
    assert uuids(json.loads(done.out)) == uuids(near)


def test_offering_by_uuid_or_name(current: DemoServer, every: list[dict]) -> None:
    first = every[0]
    mine = uuids([p for p in every if p["scope_uuid"] == first["scope_uuid"]])
    by_uuid = run(current, "list", "-o", "json", "--offering", first["scope_uuid"],
                  "--fail-if-near", "100000", *DAY)  # fmt: skip
    assert by_uuid.code == 0 and uuids(json.loads(by_uuid.out)) == mine
    by_name = run(current, "list", "-o", "json", "--offering", first["scope_name"].upper(), *DAY)
    assert uuids(json.loads(by_name.out)) == mine
    unknown = run(current, "list", "--offering", "no such offering")
    assert unknown.code == 2 and unknown.out == ""
    assert "--offering: no offering you manage is named 'no such offering'" in unknown.err


def test_a_filter_with_problems_is_refused_with_carets_before_anything_is_sent(
    current: DemoServer,
) -> None:
    current.clear_requests()
    done = run(current, "list", "--filter", "group:baltics fired:soon grup:x")
    assert done.code == 2 and done.out == ""
    lines = done.err.splitlines()
    assert lines[0] == "--filter: 2 terms could not be read:"
    assert lines[1] == lines[3] == "  group:baltics fired:soon grup:x"
    assert lines[2].startswith("                ^^^^^^^^^^ fired: expects")
    assert lines[4].startswith("                           ^^^^^^ grup: is not a field")
    assert current.requests() == []


def test_usage_that_cannot_be_read_is_said_per_policy(fresh_current: DemoServer) -> None:
    # The customer -> group map answers only staff and the provider's owners.
    fresh_current.add_fault({"name": "status", "path": "/customers/", "params": {"status": 404}})
    done = run(fresh_current, "list", "-o", "json", *DAY, token=OWNER_TOKEN)
    listed = json.loads(done.out)
    assert done.code == 0 and listed
    assert any(p.get("apply_to_all") for p in listed)
    for policy in listed:
        if policy.get("apply_to_all"):
            assert policy["headroom"] is not None  # every customer: no map needed
        else:
            assert policy["headroom"] is None
            assert (
                "shown only to staff and the offering's provider"
                in (policy["headroom_unavailable"])
            )
    near = run(fresh_current, "list", "--near", "50", *DAY, token=OWNER_TOKEN)
    assert near.code == 0
    assert "without a usage figure could not be checked against a percentage" in near.err


# -- exit codes that do not depend on the server's behaviour ---------------------------


def test_not_signed_in_is_3() -> None:
    done = run(None, "list", token=None)
    assert done.code == 3 and done.out == ""
    assert "Not signed in." in done.err and "policytui login" in done.err


def test_a_rejected_token_is_3(current: DemoServer) -> None:
    wrong = "0123456789abcdef0123456789abcdef01234567"
    done = run(current, "list", token=wrong)
    assert done.code == 3 and done.out == ""
    assert "The server rejected the token (401)" in done.err and wrong not in done.err
    # The token was set in the environment, where it wins over a signed-in profile.
    assert "The token came from the environment (WALDUR_ACCESS_TOKEN)" in done.err


def test_a_server_error_on_a_read_is_4(fresh_current: DemoServer) -> None:
    fresh_current.add_fault({"name": "status", "path": "usage-policies", "params": {"status": 500}})
    done = run(fresh_current, "list")
    assert done.code == 4 and done.out == "" and done.err.strip()


def test_nothing_listening_is_4() -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run(None, "list", env={"WALDUR_API_URL": f"http://127.0.0.1:{port}/api/"})
    assert done.code == 4 and "Cannot reach 127.0.0.1" in done.err


# -- on a terminal ---------------------------------------------------------------------


def test_on_a_terminal_the_table_fits_and_progress_shows(current: DemoServer) -> None:
    shown = run_in_terminal(current, "list", *DAY, columns=80)
    assert shown.code == 0
    assert "reading pages 1/1" in shown.out  # drawn on stderr, then wiped
    assert "reading the usage of 6 offerings, computing headroom" in shown.out
    table = [line.split("\r")[-1] for line in shown.out.split("\n") if uuids_in(line)]
    assert len(table) == 24 and max(map(len, table)) <= 80
    quiet = run_in_terminal(current, "list", "--quiet", *DAY, columns=120)
    assert "reading pages" not in quiet.out
    wide = [line for line in quiet.out.split("\n") if uuids_in(line)]
    assert max(map(len, wide)) > 80  # a wider terminal shows more


@pytest.mark.parametrize(
    ("command", "example"),
    [("list", "policytui list --fail-if-near 90"), ("show", "policytui show 0b7c"),
     ("delete", "xargs -r policytui delete --yes")],
)  # fmt: skip
def test_help_shows_examples_and_exit_codes(command: str, example: str) -> None:
    done = run(None, command, "--help", token=None)
    assert done.code == 0
    assert "examples:" in done.out and example in done.out
    assert "exit codes:" in done.out and "  3  not signed in" in done.out


def test_a_reader_that_stops_early_is_no_error() -> None:
    import subprocess

    from cli_support import TODAY
    from shell_run import POLICYTUI, environment

    from policytui.demo import STAFF_TOKEN, DemoSettings

    # 300 policies are ~300 KB of NDJSON: more than a pipe holds, so the write must fail.
    with DemoServer(DemoSettings(policies=300, today=TODAY)) as big:
        process = subprocess.Popen(
            [str(POLICYTUI), "list", "-o", "ndjson", *DAY], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(big, STAFF_TOKEN),
            start_new_session=True,
        )  # fmt: skip
        assert json.loads(process.stdout.readline())["uuid"]
        process.stdout.close()  # as `head -1` does
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0
    assert err == ""


def test_a_filter_that_reads_no_usage_reads_only_its_offerings_usage(
    fresh_current: DemoServer,
) -> None:
    """Headroom is computed for what the filter keeps: with `offering:` alone the usage
    of no other offering is read (over 100 000 policies, headroom of every one was a
    third of the run), and each kept policy still has its figure."""
    from urllib.parse import parse_qs

    every = json.loads(run(fresh_current, "list", "-o", "json", *DAY).out)
    tape = [p for p in every if "Tape" in (p.get("scope_name") or "")]
    assert tape and len({p["scope_uuid"] for p in every}) > 1
    fresh_current.clear_requests()
    done = run(fresh_current, "list", "-o", "json", "--filter", "offering:tape", *DAY)
    assert done.code == 0, done.err
    listed = json.loads(done.out)
    assert uuids(listed) == uuids(tape)
    assert [p["headroom"] for p in listed] == [p["headroom"] for p in tape]
    usage_reads = [r for r in fresh_current.requests() if "component-usages" in r["path"]]
    read_for = {parse_qs(r["query"]).get("offering_uuid", [""])[0] for r in usage_reads}
    assert read_for == {tape[0]["scope_uuid"]}
