"""`policytui show UUID`: one policy named, with units and usage, in YAML and JSON."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import TODAY
from shell_run import check_golden, normalised, run

from policytui.demo import DemoServer

DAY = ["--today", TODAY.isoformat()]


def every(server: DemoServer) -> list[dict]:
    return json.loads(run(server, "list", "-o", "json", *DAY).out)


def a_policy_with_several_limits(server: DemoServer) -> dict:
    listed = every(server)
    several = [p for p in listed if len(p["component_limits_set"]) > 1]
    return several[0] if several else listed[0]


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_show_is_stable(server: DemoServer, output: str) -> None:
    policy = a_policy_with_several_limits(server)
    done = run(server, "show", policy["uuid"], "-o", output, *DAY)
    assert done.code == 0 and done.err == ""
    check_golden(f"show-{server.behaviour}.{output}", normalised(done.out, server))


def test_show_names_units_and_usage(server: DemoServer) -> None:
    policy = a_policy_with_several_limits(server)
    shown = yaml.safe_load(run(server, "show", policy["uuid"], *DAY).out)
    assert shown["uuid"] == policy["uuid"]
    assert shown["offering"]["name"] == policy["scope_name"]
    assert shown["as_sent"] == {k: v for k, v in policy.items() if k != "headroom"}
    limits = shown["component_limits"]
    assert [x["type"] for x in limits] == [x["type"] for x in policy["headroom"]]
    assert [x["checked_by_server"] for x in limits] == [True] + [False] * (len(limits) - 1)
    for limit, figure in zip(limits, policy["headroom"], strict=True):
        assert limit["unit"] and limit["name"]
        assert (limit["usage"], limit["ratio"]) == (figure["usage"], figure["ratio"])
    if len(limits) > 1:
        assert "checks only the first limit" in shown["note"]


def test_an_unknown_uuid_is_4_and_a_malformed_one_2(server: DemoServer) -> None:
    missing = run(server, "show", "0" * 32)
    assert missing.code == 4 and missing.out == ""
    assert missing.err.strip() == (
        f"No policy {'0' * 32}: the server has none by that uuid, or you may not see it."
    )
    server.clear_requests()
    bad = run(server, "show", "not-a-uuid")
    assert bad.code == 2 and "is not a policy uuid" in bad.err
    assert server.requests() == []
