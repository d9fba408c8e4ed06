"""End to end: `policytui --demo` in a real terminal (tmux, 80x24), read with capture-pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:  # pragma: no cover - CI installs tmux
    pytest.skip(
        "tmux is not installed: the end-to-end browse test needs it", allow_module_level=True
    )


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "browse")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "browse", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen.replace("\u2009", " "):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"policytui-browse-{uuid.uuid4().hex[:8]}")
    command = shlex.join([sys.executable, "-m", "policytui", "--demo"])
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(
        [
            "tmux",
            "-L",
            term.socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "browse",
            "-x",
            "80",
            "-y",
            "24",
            command,
        ],
        check=True,
        env=env,
        timeout=10,
    )
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_browse_pages_detail_and_fired_view_in_a_real_terminal(terminal: Terminal) -> None:
    first = terminal.wait_for("page 1 of 3 · 60 policies")
    assert "DEMO" in first
    assert "Offering" in first and "Component limits" in first and "Fired" in first

    terminal.keys("]")
    terminal.wait_for("page 2 of 3 · 60 policies")
    terminal.keys("]")
    third = terminal.wait_for("page 3 of 3 · 60 policies")
    terminal.keys("[")
    terminal.wait_for("page 2 of 3")

    terminal.keys("Enter")
    top = terminal.wait_for("Unit")  # the detail opens on its component limits
    assert "Actions" in top and "Period" in top
    terminal.keys("End")  # the identifiers come last
    detail = terminal.wait_for("Policy uuid")
    assert "127.0.0.1" not in detail  # URLs on the session's own host are shown as paths
    terminal.keys("Escape")
    terminal.wait_for("page 2 of 3")

    terminal.keys("f")
    fired = terminal.wait_for("fired of 60")
    assert "Fired policies" in fired
    assert "●" in fired
    terminal.keys("f")
    terminal.wait_for("page 2 of 3")
    assert third != fired

    terminal.keys("q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "page 2 of 3" in terminal.screen():
        time.sleep(0.1)
    assert "page 2 of 3" not in terminal.screen()
