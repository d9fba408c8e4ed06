"""End to end against a server that keeps one limit per policy (`policytui demo-server
--quirks`, the 2024 server's behaviour) over HTTP with the helper process on: changing
the limits of a policy that holds several is said before saving and done the one way
that works, create anew then delete the old one; the PATCH that answers 500 is never
sent."""

from __future__ import annotations

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def test_limits_of_a_multi_limit_policy_are_replaced_not_patched(tmp_path) -> None:
    with demo_server_process("--quirks") as server:
        page = server.control("GET", f"{POLICIES}?page_size=50", token=STAFF_TOKEN)
        index, old = next((i, p) for i, p in enumerate(page) if len(p["component_limits_set"]) == 2)
        first, second = old["component_limits_set"]
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--page-size=50"), env, (80, 24)) as term:
            term.wait_for("page 1 of")
            for _ in range(index):
                term.keys("j")
            term.keys("e")
            term.wait_for("Edit policy", old["uuid"][:8])
            # Said before saving, as soon as the form is there.
            term.wait_for("Component limits", "cannot change the limits of a policy that holds")
            # One limit is what this server keeps: ctrl+r (focus on the offering, not in
            # a row) removes the last row; the first row's picker gets the focus.
            term.keys("C-r")
            term.wait_gone(f"({second['type']}, ")
            term.keys("Tab")  # to the first row's number
            # A focused Input selects its value (Textual's select_on_focus), drawn
            # highlighted. Keys typed before the focus has moved are lost, so the test
            # waits for this instead of guessing a pause.
            term.wait_highlighted(str(first["limit"]))
            term.type("4242")
            term.wait_for("4242")
            term.keys("C-s")
            term.wait_for("Replace this policy?", "Lost with the old policy")
            term.wait_for("its fired state", "its created time")
            term.keys("r")
            term.wait_for("Replaced: the new policy")
            term.wait_for("page 1 of")
            term.assert_no_secret(STAFF_TOKEN)
            term.keys("q")
            term.wait_for("[exited 0]")
        writes = [
            (r["method"], r["path"])
            for r in server.requests()
            if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
        ]
        assert [m for m, _ in writes] == ["POST", "DELETE"], writes
        assert writes[1][1] == f"{POLICIES}{old['uuid']}/"
        newest = server.control("GET", f"{POLICIES}?page_size=1", token=STAFF_TOKEN)[0]
        assert newest["uuid"] != old["uuid"]
        assert newest["component_limits_set"] == [{"type": first["type"], "limit": 4242}]
