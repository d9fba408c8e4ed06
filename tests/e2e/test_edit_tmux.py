"""End to end: create, edit, duplicate and delete a policy in `policytui --demo`, typed
into a real terminal (tmux, 80x24) and read back from the screen after every step."""

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
    pytest.skip("tmux is not installed: the end-to-end edit test needs it", allow_module_level=True)

SESSION = "edit"


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION).replace("\u2009", " ")

    def keys(self, *keys: str, settle: float = 0.25) -> None:
        """Send keys one by one with a pause: pickers open and close between keys,
        as they do when a person types."""
        for key in keys:
            self.tmux("send-keys", "-t", SESSION, key)
            time.sleep(settle)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", SESSION, "-l", text)
        time.sleep(0.3)

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never appeared; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never went away; the screen was:\n{screen}")


def start_terminal(**env: str) -> Terminal:
    term = Terminal(f"policytui-edit-{uuid.uuid4().hex[:8]}")
    command = shlex.join([sys.executable, "-m", "policytui", "--demo"])
    subprocess.run(
        [
            *("tmux", "-L", term.socket, "-f", "/dev/null"),
            *("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command),
        ],
        check=True,
        env={**os.environ, "TERM": "xterm-256color", **env},
        timeout=10,
    )
    return term


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = start_terminal()
    try:
        yield term
    finally:
        term.tmux("kill-server")


def pick(terminal: Terminal, search: str) -> None:
    """Open the focused picker, type to search, choose the match."""
    terminal.keys("Enter")
    terminal.wait_for("▲")  # the picker's menu is open
    terminal.type(search)
    terminal.keys("Enter")
    terminal.wait_gone("▲")


def test_create_edit_duplicate_delete_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait_for("60 policies")

    # -- create a policy with two component limits -------------------------------------
    terminal.keys("n")
    terminal.wait_for("New policy", "Offering", "Component limits")
    pick(terminal, "Acme HPC C")
    terminal.wait_for("New policy · Acme HPC Cluster")
    # Tab lands on the first action, highlighted: Notify owners (the canonical order).
    terminal.keys("Tab", "space")
    screen = terminal.wait_for("▐✓▌ Notify owners")
    assert "▐ ▌ Block orders" in screen
    terminal.keys("Tab")
    pick(terminal, "CPU")
    terminal.keys("Tab")
    terminal.type("90000")
    terminal.keys("C-n")
    pick(terminal, "RAM")
    terminal.keys("Tab")
    terminal.type("120000")
    screen = terminal.wait_for("CPU (cpu, core-hours)", "RAM (ram, GB-hours)")
    assert "90000" in screen and "120000" in screen and "GB-hours" in screen
    terminal.keys("Tab", "Tab", "Tab", "space")  # remove button, period, "apply to all"
    terminal.wait_for("▐✓▌ Apply to all organizations")
    terminal.keys("C-s")
    listed = terminal.wait_for("61 policies", "Created policy on Acme HPC Cluster")
    assert "CPU 90 000" in listed

    # -- edit one limit: old → new preview, then the list row changes in place --------
    terminal.keys("e")
    terminal.wait_for("Edit policy · Acme HPC Cluster")
    terminal.keys("Tab", "Tab", "Tab")  # actions, first row's picker, its number
    terminal.keys("End", "C-u")
    terminal.type("95000")
    terminal.keys("C-s")
    preview = terminal.wait_for("This PATCH sends only the 1 field you changed")
    # Narrow columns wrap: read the old and the new limit, not the whole line.
    assert "Component limits" in preview
    assert "CPU 90 000" in preview and "CPU 95 000" in preview
    terminal.keys("y")
    listed = terminal.wait_for("Saved policy on Acme HPC Cluster", "61 policies")
    assert "CPU 95 000" in listed and "CPU 90 000" not in listed

    # -- duplicate it ------------------------------------------------------------------
    terminal.keys("u")
    terminal.wait_for("Duplicate policy · Acme HPC Cluster", "95000", "120000")
    terminal.keys("C-s")
    listed = terminal.wait_for("62 policies", "Created policy on Acme HPC Cluster")
    assert listed.count("CPU 95 000") == 2

    # -- delete both, each after a question naming the offering and the limits ---------
    terminal.keys("d")
    # The "Created policy" toast may still cover the end of the question's line on a busy
    # machine: wait until the whole question is readable rather than read one frame.
    terminal.wait_for(
        "Delete this policy?", "Acme HPC Cluster: CPU 95 000 core-hours, RAM 120 000 GB-hours"
    )
    terminal.keys("n")  # keep it: nothing happens
    terminal.wait_gone("Delete this policy?")
    assert "62 policies" in terminal.screen()
    for remaining in ("61 policies", "60 policies"):
        terminal.keys("d")
        # Toasts of earlier steps may cover the end of the question's lines.
        terminal.wait_for("Delete this policy?", "Acme HPC Cluster: CPU 95 000")
        terminal.keys("y")
        terminal.wait_for(remaining, "Deleted policy")
    screen = terminal.wait_gone("CPU 95 000")
    assert "60 policies" in screen


def test_options_are_edited_in_the_users_editor(tmp_path) -> None:
    """ctrl+o hands the terminal to $EDITOR and reads the file back into the form."""
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf \'{"note": "from my editor"}\\n\' > "$1"\n')
    script.chmod(0o755)
    terminal = start_terminal(EDITOR=str(script), VISUAL="")
    try:
        terminal.wait_for("60 policies")
        terminal.keys("n")
        terminal.wait_for("New policy", "Component limits")
        terminal.keys("C-o")
        screen = terminal.wait_for('{"note": "from my editor"}')
        assert "New policy" in screen  # back in the form, not left
    finally:
        terminal.tmux("kill-server")
