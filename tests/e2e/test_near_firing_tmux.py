"""The near-firing view as users meet it: `policytui` against `policytui demo-server`
over HTTP, the helper on, the user's own environment, several pages. A provider's usage
report (`set_usage`) brings a policy to about 90 % of its limit; after `r` the view
(`h`) lists it with its figure, across pages the list never showed, and raising the
threshold past its figure (`+`) drops it (issue 14)."""

from __future__ import annotations

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env
from usage_report import POLICIES, a_members_resource, report_usage, set_limit

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

#: A limit far above any sample usage, shown once on the screen ("987 654").
LIMIT = 987_654


def _a_one_month_policy_on_a_later_page(server) -> dict:
    page = server.control("GET", f"{POLICIES}?page=3&page_size=10", token=STAFF_TOKEN)
    return next(
        p
        for p in page
        if p["period"] == 2  # this month only: the report lands in its window
        and p["organization_groups"]
        and not p.get("apply_to_all")
        and len(p["component_limits_set"]) == 1
    )


def test_a_policy_brought_near_its_limit_shows_in_the_near_firing_view(tmp_path) -> None:
    with demo_server_process("--policies", "200") as server:
        policy = _a_one_month_policy_on_a_later_page(server)
        kind = policy["component_limits_set"][0]["type"]
        set_limit(server, policy, LIMIT)
        resource = a_members_resource(server, policy)

        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--page-size=10"), env, (120, 30)) as term:
            term.wait_for("page 1 of 20")
            term.keys("h")
            term.wait_for("Near firing", "usage:>=80")
            term.wait_until(
                lambda screen: " match" in screen and "usage of" not in screen,
                timeout=60,
                what="every policy's usage read",
            )
            # One more term narrows the view to the policy watched.
            term.keys("/", "End")
            term.type(" limit:>=987654")
            term.keys("Enter")
            term.wait_for("No policy matches usage:>=80 limit:>=987654")
            report_usage(server, resource, kind, LIMIT * 9 // 10)
            term.keys("r")
            term.wait_until(
                lambda screen: any(
                    "987 654" in line and " 9" in line and "% ▲" in line
                    for line in screen.splitlines()
                ),
                timeout=60,
                what="the policy in the near-firing view at about 90 %",
            )
            term.keys("+", "+", "+")
            term.wait_for("usage:>=95 limit:>=987654")
            term.wait_until(
                lambda screen: "987 654" not in screen and "No policy matches" in screen,
                timeout=30,
                what="it is under 95 %",
            )
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)


def _fired_count(server) -> tuple[int, int]:
    """(fired, every policy) as the server lists them, every page."""
    fired = total = 0
    page = 1
    while True:
        items = server.control("GET", f"{POLICIES}?page={page}&page_size=100", token=STAFF_TOKEN)
        fired += sum(1 for p in items if p["has_fired"])
        total += len(items)
        if len(items) < 100:
            return fired, total
        page += 1


def test_the_sample_near_view_marks_limits_the_server_does_not_check(tmp_path) -> None:
    """The sample data at 80x24, NO_COLOR, `TERM=xterm`: `h` marks the figures of a later
    limit `†` and the status bar says what that means; `f` then shows the fired view from
    the index of every policy the near view read, with the server's count."""
    with demo_server_process() as server:
        fired, total = _fired_count(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, NO_COLOR="1", TERM="xterm")
        with terminal(policytui_against(server), env, (80, 24)) as term:
            term.wait_for("page 1 of")
            term.keys("h")
            term.wait_until(
                lambda screen: " match" in screen and "usage of" not in screen,
                timeout=60,
                what="every policy's usage read",
            )
            screen = term.wait_for("% !†", "† a limit the server does not check")
            marked = [line for line in screen.splitlines() if "% !†" in line]
            assert 0 < len(marked) < len([ln for ln in screen.splitlines() if " % " in ln])
            term.keys("f")
            term.wait_for(f"{fired} fired of {total}", timeout=60)
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)
