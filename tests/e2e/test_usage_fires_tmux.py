"""Usage reported while the user watches, as a provider's accounting does: `policytui`
against `policytui demo-server` over HTTP (the helper on); `set_usage` pushes a notifying
policy's pooled usage over its limit, the server re-evaluates it (SEMANTICS.md: policies
with a notify action are re-evaluated when usage is reported), and after `r` the list shows
it fired with its Usage cell over (issue 14). The report and `r` come as soon as page 1 is
on screen, while the app is still reading the catalog and the first usage: that `r` used to
leave the Usage column empty (a cancelled fill cancelled the reads it shared)."""

from __future__ import annotations

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env
from usage_report import POLICIES, a_members_resource, report_usage, set_limit

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

#: A limit no sample usage comes near, so the policy cannot have fired on its own, and a
#: number the screen shows once.
LIMIT = 987_654


def _a_notifying_policy(server) -> dict:
    page = server.control("GET", f"{POLICIES}?page_size=10", token=STAFF_TOKEN)
    return next(
        p
        for p in page
        if p["period"] == 2  # this month only: the report lands in its window
        and "notify_organization_owners" in p["actions"]
        and p["organization_groups"]
        and not p.get("apply_to_all")
        and len(p["component_limits_set"]) == 1
    )


def test_a_usage_report_makes_a_policy_fire_and_the_list_shows_it(tmp_path) -> None:
    with demo_server_process("--policies", "60") as server:
        policy = _a_notifying_policy(server)
        kind = policy["component_limits_set"][0]["type"]
        patched = set_limit(server, policy, LIMIT)
        assert not patched["has_fired"]
        resource = a_members_resource(server, policy)

        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--page-size=10"), env, (120, 30)) as term:
            term.wait_for("987 654", "page 1 of 6")
            shown = next(line for line in term.screen().splitlines() if "987 654" in line)
            assert "●" not in shown, shown  # not fired yet
            report_usage(server, resource, kind, LIMIT + 1)
            term.keys("r")
            term.wait_until(
                lambda screen: any(
                    "987 654" in line and "● just now" in line and "%" in line
                    for line in screen.splitlines()
                ),
                timeout=30,
                what="the policy fired, its Usage cell over",
            )
            shown = next(line for line in term.screen().splitlines() if "987 654" in line)
            assert "1 changed" in term.screen() or "◆" in shown
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)
        stored = server.control("GET", f"{POLICIES}{policy['uuid']}/", token=STAFF_TOKEN)
        assert stored["has_fired"], "the server fired it on the usage report"
