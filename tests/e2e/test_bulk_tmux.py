"""A bulk change as users make one: `policytui` against `policytui demo-server` over HTTP,
the helper process on, NO_COLOR set (marks must read without colour): Space marks three
policies, b sets their period, one confirmation, then the summary; the server holds the
change, each policy was written once, and a failed write stays marked."""

from __future__ import annotations

import json
import urllib.request

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def _first_policies(server, count: int) -> list[dict]:
    request = urllib.request.Request(
        f"{server.url}{POLICIES}?page_size={count}",
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    )
    return json.loads(urllib.request.urlopen(request).read())


def test_marked_policies_get_a_new_period_and_a_failed_one_stays_marked(tmp_path) -> None:
    with demo_server_process("--policies", "60") as server:
        first = _first_policies(server, 3)
        # The newest three, as the list shows them first; none is "12 months" yet, so each
        # needs a write (checked, so the test cannot pass for the wrong reason).
        assert all(p["period"] != 4 for p in first), [p["period"] for p in first]
        failing = first[1]["uuid"]
        server.set_faults(
            [{"name": "status", "times": 1, "method": "PATCH", "path": failing,
              "params": {"status": 500}}]
        )  # fmt: skip
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, NO_COLOR="1")
        with terminal(policytui_against(server, "--page-size=10"), env, (100, 30)) as term:
            term.wait_for("page 1 of 6 · 60 policies")
            term.keys("Space", "Space", "Space")
            term.wait_for("* 3 marked")
            term.keys("b")
            term.wait_for("Set the period…", "Delete them")
            term.keys("Enter")
            term.wait_for("Set the period to")
            term.keys("Down", "Down", "Down", "Enter")  # Total, 1, 3, 12 months
            term.wait_for("Set the period to 12 months on 3 policies?")
            term.keys("y")
            term.wait_for("2 changed, 1 failed", "Failed (left marked) (1)")
            term.keys("Escape")
            term.wait_for("* 1 marked")
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)
        now = {p["uuid"]: p["period"] for p in _first_policies(server, 10)}
        assert [now[p["uuid"]] for p in first] == [4, first[1]["period"], 4]
        patches = [r for r in server.requests() if r["method"] == "PATCH"]
        assert sorted(r["path"] for r in patches) == sorted(
            f"{POLICIES}{p['uuid']}/" for p in first
        )  # one each, the failed one too: never sent again
