"""`policytui show UUID`: one policy named, with units and usage, in YAML and JSON."""

from __future__ import annotations

import json

import pytest
import yaml
from cli_support import DAY, policies_on
from shell_run import Done, check_golden, normalised, run

from policytui.demo import DemoServer


@pytest.fixture(scope="module")
def chosen(server: DemoServer) -> dict:
    """A policy with several limits where the server keeps them (the current one)."""
    listed = policies_on(server)
    several = [p for p in listed if len(p["component_limits_set"]) > 1]
    return several[0] if several else listed[0]


@pytest.fixture(scope="module")
def shown(server: DemoServer, chosen: dict) -> dict[str, Done]:
    return {o: run(server, "show", chosen["uuid"], "-o", o, *DAY) for o in ("yaml", "json")}


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_show_is_stable(server: DemoServer, shown: dict[str, Done], output: str) -> None:
    done = shown[output]
    assert done.code == 0 and done.err == ""
    check_golden(f"show-{server.behaviour}.{output}", normalised(done.out, server))


def test_show_names_units_and_usage(server: DemoServer, chosen: dict, shown) -> None:
    document = yaml.safe_load(shown["yaml"].out)
    assert document == json.loads(shown["json"].out)
    assert document["uuid"] == chosen["uuid"]
    assert document["offering"]["name"] == chosen["scope_name"]
    assert document["as_sent"] == chosen
    limits = document["component_limits"]
    assert [x["type"] for x in limits] == [x["type"] for x in chosen["component_limits_set"]]
    # The same name as in `list`'s headroom: only the first limit is checked by the server.
    assert [x["checked"] for x in limits] == [True] + [False] * (len(limits) - 1)
    assert not any("checked_by_server" in x for x in limits)
    for limit in limits:
        assert limit["unit"] and limit["name"] and isinstance(limit["usage"], str)
        assert limit["ratio"] == round(float(limit["usage"]) / limit["limit"], 4)
    if len(limits) > 1:
        assert "checks only the first limit" in document["note"]


def test_an_unknown_uuid_is_4_and_a_malformed_one_2(current: DemoServer) -> None:
    missing = run(current, "show", "0" * 32)
    assert missing.code == 4 and missing.out == ""
    assert missing.err == (
        f"No policy {'0' * 32}: the server has none by that uuid, or you may not see it.\n"
    )
    current.clear_requests()
    bad = run(current, "show", "not-a-uuid")
    assert bad.code == 2 and "is not a policy uuid" in bad.err
    assert current.requests() == []
