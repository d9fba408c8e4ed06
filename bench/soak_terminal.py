"""The soak in the users' conditions (``python bench/soak.py --terminal``).

The installed console script runs in a real terminal (tmux) against ``policytui
demo-server`` over HTTP, with the helper process on and the user's own environment: keys
are typed with ``tmux send-keys``, the fault mix changes every few seconds (the same
mixes as the in-process soak), and the helper is killed with SIGKILL at a moment drawn
from the seed. The screen is read back after every few keys.

What is judged: the app neither crashes nor exits (no traceback, no exit status in the
pane, its process still there at the end), and once the faults are switched off it comes
back to the policy list. Memory is not judged here (the app is another process; the
in-process soak measures it at rest): the app's and the helper's RSS are reported.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "tests", ROOT / "tests" / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

#: Textual key names (as the in-process soak lists them) as tmux names them.
TMUX_KEYS = {
    "enter": "Enter",
    "escape": "Escape",
    "tab": "Tab",
    "shift+tab": "BTab",
    "down": "Down",
    "up": "Up",
    "pagedown": "NPage",
    "pageup": "PPage",
    "slash": "/",
    "question_mark": "?",
    "full_stop": ".",
    "comma": ",",
    "at": "@",
    "space": "Space",
    "backspace": "BSpace",
    "ctrl+n": "C-n",
    "ctrl+r": "C-r",
    "ctrl+s": "C-s",
}


def tmux_key(name: str) -> str:
    return TMUX_KEYS.get(name, name)


@dataclass
class TerminalReport:
    seconds: float = 0.0
    keys: int = 0
    fault_mixes: int = 0
    #: Seconds into the run when the helper was killed (None: it was gone already).
    helper_killed_at: float | None = None
    crashed: str = ""
    recovered: bool = False
    rss_mb: dict[str, float] = field(default_factory=dict)
    passed: bool = False

    def lines(self) -> list[str]:
        killed = f"at {self.helper_killed_at:.1f} s" if self.helper_killed_at is not None else "no"
        return [
            f"terminal soak: {self.seconds:.0f} s, {self.keys} keys, "
            f"{self.fault_mixes} fault mixes, helper killed: {killed}",
            f"back on the policy list once faults were off: {self.recovered}",
            "RSS at the end: "
            + ", ".join(f"{name} {mb:.1f} MB" for name, mb in self.rss_mb.items()),
            f"crash: {self.crashed or 'none'}",
            "PASS" if self.passed else "FAIL",
        ]


def _rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _crash(screen: str) -> str:
    if "Traceback" in screen:
        return "a traceback on screen"
    if "[exited " in screen:
        return "the app exited: " + screen[screen.index("[exited ") :].split("]")[0] + "]"
    return ""


def run(args: Any, keys: list[str], fault_mix: Any) -> TerminalReport:
    """Drive the console script for ``args.seconds`` with ``keys`` (Textual names) and a
    new ``fault_mix(rng)`` every ``args.fault_every`` seconds."""
    from e2e_terminal import demo_server_process, policytui_against, terminal, user_env
    from helper_process import app_and_helper

    from policytui.demo import STAFF_TOKEN

    rng = random.Random(args.seed)
    report = TerminalReport()
    kill_at = rng.uniform(0.1, 0.9) * args.seconds
    with (
        demo_server_process("--policies", str(args.policies)) as server,
        tempfile.TemporaryDirectory() as home,
    ):
        env = user_env(Path(home), WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, size=(120, 36)) as term:
            term.wait_for("page 1 of", timeout=60)
            app, helper = app_and_helper(server)
            start = time.monotonic()
            next_mix = start
            while (now := time.monotonic()) - start < args.seconds:
                if now >= next_mix:
                    server.control("POST", "/__demo__/faults", fault_mix(rng))
                    server.control("DELETE", "/__demo__/requests")
                    report.fault_mixes += 1
                    next_mix = now + args.fault_every
                if helper is not None and now - start >= kill_at:
                    os.kill(helper, signal.SIGKILL)
                    report.helper_killed_at = now - start
                    helper = None
                term.keys(tmux_key(rng.choice(keys)))
                report.keys += 1
                time.sleep(rng.uniform(0.02, 0.25))  # a person's pace, not a test's wait
                if report.keys % 5 == 0:
                    report.crashed = _crash(term.screen())
                    if report.crashed:
                        break
            report.seconds = time.monotonic() - start
            if not report.crashed:
                server.control("POST", "/__demo__/faults", {"faults": []})
                report.recovered = _back_to_the_list(term)
                report.crashed = _crash(term.screen())
            report.rss_mb = {"app": _rss_mb(app), "helper": _rss_mb(helper)}
            alive = app is not None and _alive(app)
            if not alive and not report.crashed:
                report.crashed = "the app's process is gone"
            term.assert_no_secret(STAFF_TOKEN)
    report.passed = not report.crashed and report.recovered
    return report


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return not state.stdout.strip().startswith("Z")


def _back_to_the_list(term: Any) -> bool:
    """Leave whatever is on top (an unsaved form asks first: discard), then refresh the
    list and wait for its page position."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        screen = term.screen()
        if _crash(screen):
            return False
        if "Discard unsaved changes?" in screen:
            term.keys("d")
        elif re.search(r"page \d+ of", screen) or "not loaded · r retries" in screen:
            # The list, or its error state ("not loaded · r retries", as a page the last
            # fault mix broke leaves it): a user does what it says.
            term.keys("r")
            try:
                term.wait_for("policies", timeout=30)
                return True
            except AssertionError:
                continue
        else:
            term.keys("Escape")
        time.sleep(0.3)
    return False
