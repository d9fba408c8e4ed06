"""``--watch 1 --notify`` as users run it (issue 14): the installed console script in a
real pseudo-terminal (what SSH carries) against ``policytui demo-server`` over HTTP.
A provider's usage report (``set_usage``) makes a notifying policy fire; the next tick
writes the bell and the OSC 9 / OSC 777 notifications naming it, in the raw bytes the
terminal receives, once; no token is ever written. Under tmux the bell marks the window.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from e2e_terminal import (
    ROOT,
    demo_server_process,
    policytui_against,
    terminal,
    user_env,
)
from test_usage_fires_tmux import LIMIT, _a_notifying_policy
from usage_report import API, POLICIES, a_members_resource, report_body, set_limit

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e


def _pty_app():
    """bench/_pty.py's PtyApp (bench/ is not a package the tests import from)."""
    spec = importlib.util.spec_from_file_location("_pty", ROOT / "bench" / "_pty.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_pty", module)
    spec.loader.exec_module(module)
    return module.PtyApp


def _ready_to_fire(server) -> tuple[dict, dict]:
    """A notifying policy on page 1 with a limit no usage comes near (not fired), and the
    usage report that will push it over: (the policy, the set_usage body)."""
    policy = _a_notifying_policy(server)
    kind = policy["component_limits_set"][0]["type"]
    patched = set_limit(server, policy, LIMIT)
    assert not patched["has_fired"]
    report = report_body(a_members_resource(server, policy), kind, LIMIT + 1)
    return patched, report


#: The policy's limit as the list shows it (987 654, grouped with a thin space).
SHOWN_LIMIT = rb"987(?:\xe2\x80\x89| )654"
#: One watch tick's status bar: the time the server last answered.
TICK = rb"read \d\d:\d\d:\d\d"


def test_a_policy_that_fires_while_watching_rings_and_notifies_once(tmp_path) -> None:
    PtyApp = _pty_app()
    with demo_server_process("--policies", "60") as server:
        policy, report = _ready_to_fire(server)
        offering = re.escape(policy["scope_name"].encode())
        # An unnamed terminal, as over SSH (a developer's WezTerm would get OSC 9 only).
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, TERM_PROGRAM=None)
        argv = policytui_against(server, "--page-size=10", "--watch", "1", "--notify")
        with PtyApp(argv, env, size=(120, 30)) as app:
            app.wait_for(SHOWN_LIMIT, timeout=60)
            # A few ticks that change nothing: the first look and they never notify.
            for _ in range(2):
                app.wait_for(TICK, start=app.size(), timeout=30)
            assert b"\x1b]9;" not in app.output and b"\x1b]777;" not in app.output
            before = app.size()
            server.control(
                "POST", f"{API}/marketplace-component-usages/set_usage/", report, token=STAFF_TOKEN
            )
            app.wait_for(rb"\x1b\]777;notify;policytui;1 policy fired: ", start=before)
            # Two more ticks (and the Usage column's refill, which sees it over its limit):
            # still one notification.
            for _ in range(2):
                app.wait_for(TICK, start=app.size(), timeout=30)
            app.settle(0.5)
            written = bytes(app.output[before:])
            # Each notification: the bell, then OSC 9 and OSC 777 with the same text.
            pairs = re.findall(
                rb"\x07\x1b\]9;policytui: ([^\x07\x1b]*)\x07"
                rb"\x1b\]777;notify;policytui;([^\x07\x1b]*)\x07",
                written,
            )
            assert len(pairs) == written.count(b"\x1b]9;") == written.count(b"\x1b]777;")
            assert all(nine == seven for nine, seven in pairs), pairs
            # The firing is told once, naming it. The report may also push other policies
            # of the offering over a limit, told as such (before the firing, when a tick
            # read the page before the report and the usage after it).
            fired = [nine for nine, _ in pairs if b"fired" in nine]
            assert len(fired) == 1, pairs
            assert re.match(rb"1 policy fired: " + offering, fired[0]), fired
            assert all(re.match(rb"\d+ polic(y|ies) over a limit: ", n) for n, _ in pairs
                       if n is not fired[0]), pairs  # fmt: skip
            assert STAFF_TOKEN.encode() not in app.output
            app.send(b"q")
            assert app.process.wait(timeout=30) == 0
        stored = server.control("GET", f"{POLICIES}{policy['uuid']}/", token=STAFF_TOKEN)
        assert stored["has_fired"], "the server fired it on the usage report"


def test_under_tmux_the_bell_marks_the_window(tmp_path) -> None:
    """In tmux the bell is tmux's: it flags the window (the status line shows it, and an
    attached client passes it on); the notifications go through its passthrough."""
    with demo_server_process("--policies", "60") as server:
        _, report = _ready_to_fire(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, TMUX="tmux-e2e")
        command = policytui_against(server, "--page-size=10", "--watch", "1", "--notify")
        with terminal(command, env, (120, 30)) as term:
            term.wait_for("987 654", "watch 1 s")
            assert term.tmux("display", "-p", "-t", term.target, "#{window_bell_flag}") == "0\n"
            server.control(
                "POST", f"{API}/marketplace-component-usages/set_usage/", report, token=STAFF_TOKEN
            )
            term.wait_until(
                lambda _: (
                    term.tmux("display", "-p", "-t", term.target, "#{window_bell_flag}") == "1\n"
                ),
                timeout=30,
                what="the window's bell flag",
            )
            # Nothing of the passthrough shows as text on the screen.
            assert "777" not in term.screen() and "policytui: 1 policy" not in term.screen()
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)
