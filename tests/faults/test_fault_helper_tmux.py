"""Faults in the users' conditions: the console script in tmux, the helper process on,
`policytui demo-server` over HTTP answering 500s, and the helper killed at a moment drawn
from a seeded random (after N of the fired scan's page requests reached the server).

The app must stay up, never show a part of the scan as the answer, and end with the
full, correct count (issue 11, "Tests in the users' conditions").
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from e2e_terminal import demo_server_process, policytui_against, terminal, user_env
from helper_process import (
    app_and_helper,
    fired_count,
    scan_page_requests,
    wait_for_requests,
)

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

PAGES = 100  # 30 000 policies, 300 a page

_TALLY = re.compile(r"(\d[\d ]*) fired of ([\d ]+) policies")


def _truthful_and_done(fired: int, total: int):  # type: ignore[no-untyped-def]
    def check(screen: str) -> bool:
        # Any tally on screen is the true one: a part never passes for the answer.
        for shown, of in _TALLY.findall(screen):
            counted = (int(shown.replace(" ", "")), int(of.replace(" ", "")))
            assert counted == (fired, total), screen
            return True
        return False

    return check


@pytest.mark.parametrize("seed", [11, 12])
def test_the_helper_killed_at_a_random_moment_of_a_scan_with_503s(
    seed: int,
    fault_row,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    after = random.Random(seed).randint(1, PAGES // 3)
    fault_row.describe(
        "e2e",
        "status 503 x3 on the list (retried), helper killed",
        f"fired scan in tmux against demo-server; helper SIGKILLed after {after} pages",
        expected="app stays up, says the scan is unfinished, shows the full count",
    )
    with demo_server_process("--policies", "30000", "--latency-ms", "100") as server:
        fired, total = fired_count(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, size=(100, 30)) as term:
            term.wait_for("page 1 of")
            app, helper = app_and_helper(server)
            assert app is not None and helper is not None, "the app and its helper"
            before = scan_page_requests(server)
            server.set_faults([_fault(503, times=3)])
            term.keys("f")
            wait_for_requests(server, before + after)
            os.kill(helper, signal.SIGKILL)
            term.wait_for("finishing the scan here", timeout=60)
            screen = term.wait_until(_truthful_and_done(fired, total), 180, "the full count")
            assert "(incomplete)" not in screen
            assert app_and_helper(server)[0] == app  # the same app, still running
            term.keys("q")
            term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)
    fault_row.observed = f"finished in-process: {fired} fired of {total}, app up"


@pytest.mark.parametrize("seed", [21])
def test_a_500_mid_scan_then_r_then_the_helper_killed(
    seed: int,
    fault_row,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    draw = random.Random(seed)
    fail_after, kill_after = draw.randint(2, PAGES // 3), draw.randint(1, PAGES // 3)
    fault_row.describe(
        "e2e",
        "status 500 once mid-scan, then helper killed",
        f"fired scan in tmux; a 500 after {fail_after} pages; r; helper SIGKILLed after "
        f"{kill_after} more",
        expected="says what the stopped scan read; r finishes; full count after the kill",
    )
    with demo_server_process("--policies", "30000", "--latency-ms", "100") as server:
        fired, total = fired_count(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, size=(100, 30)) as term:
            term.wait_for("page 1 of")
            app, helper = app_and_helper(server)
            assert app is not None and helper is not None, "the app and its helper"
            before = scan_page_requests(server)
            term.keys("f")
            wait_for_requests(server, before + fail_after)
            server.set_faults([_fault(500, times=1)])  # not retried: the scan stops
            # Truthful either way: what the stopped scan read, or (when the 500 came before
            # any batch reached the screen) the server's failure with r to retry.
            stopped = term.wait_until(_stopped_truthfully, 60, "the stopped scan said so")
            assert _TALLY.search(stopped) is None, stopped  # no tally that looks final
            again = scan_page_requests(server)
            term.keys("r")  # as the screen says
            wait_for_requests(server, again + kill_after)
            os.kill(helper, signal.SIGKILL)
            screen = term.wait_until(_truthful_and_done(fired, total), 180, "the full count")
            assert "(incomplete)" not in screen
            assert app_and_helper(server)[0] == app
            term.keys("q")
            term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)
    fault_row.observed = f"said what it read; after r and the kill: {fired} fired of {total}"


def _stopped_truthfully(screen: str) -> bool:
    said_what_it_read = "pages read" in screen and "(incomplete)" in screen
    return said_what_it_read or ("The server failed (500)" in screen and "Press r" in screen)


def _fault(status: int, *, times: int) -> dict[str, object]:
    """``status`` answered to the next ``times`` requests for policies."""
    params = {"status": status}
    return {"name": "status", "times": times, "path": "usage-policies", "params": params}
