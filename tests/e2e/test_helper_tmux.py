"""End to end: `policytui --url` (not --demo) in tmux, where the helper process is forked.

The start-up page comes from the helper and is asked for once; the fired view's scan runs
in the helper and shows every fired policy; quitting ends the helper too.
"""

from __future__ import annotations

import time

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env
from helper_process import app_and_helper, fired_count

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def test_the_helper_fetches_the_first_page_and_runs_the_fired_scan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_server_process("--policies", "700") as server:
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--page-size=20"), env, (80, 24)) as term:
            first = term.wait_for("page 1 of 35")
            assert "700 policies" in first
            app, helper = app_and_helper(server)
            assert app is not None and helper is not None, "the app and its helper"
            page_one = [
                r
                for r in server.requests()
                if r["path"] == POLICIES and r["query"] == "page_size=20"
            ]
            assert len(page_one) == 1  # the helper's; the app replayed it

            expected, _ = fired_count(server)
            term.keys("f")
            fired = term.wait_for(f"{expected} fired of 700", timeout=30)
            assert "●" in fired
            term.keys("q")
            term.wait_exit(0)
            # The helper ended with the app: neither is left running.
            deadline = time.monotonic() + 10
            while app_and_helper(server) != (None, None) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert app_and_helper(server) == (None, None)
            term.assert_no_secret(STAFF_TOKEN)
