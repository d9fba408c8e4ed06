"""End to end: create, edit, duplicate and delete a policy in `policytui --demo` (the
console script), typed into a real terminal (tmux, 80x24) and read back from the screen
after every step."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from e2e_terminal import POLICYTUI, Terminal, terminal, user_env

pytestmark = pytest.mark.e2e


@pytest.fixture(name="terminal")
def demo_terminal(tmp_path) -> Iterator[Terminal]:  # type: ignore[no-untyped-def]
    with terminal([POLICYTUI, "--demo"], user_env(tmp_path), (80, 24)) as term:
        yield term


def picker_focused(terminal: Terminal, text: str) -> bool:
    """The picker on the line showing ``text`` has the focus: its ▼ is drawn bright, a
    blurred picker's dim (bright black, SGR 90). A key sent before the focus has come
    back from a closed menu, or reached a new row, would go elsewhere."""
    for line in terminal.styled_screen().splitlines():
        if text in re.sub(r"\x1b\[[0-9;]*m", "", line):
            arrow = re.search(r"((?:\x1b\[[0-9;]*m)*)▼", line)
            if arrow and "\x1b[90m" not in arrow.group(1):
                return True
    return False


def wait_picker_focused(terminal: Terminal, text: str) -> None:
    terminal.wait_until(lambda _s: picker_focused(terminal, text), what=f"{text!r} focused")


def pick(terminal: Terminal, search: str) -> None:
    """Open the focused picker, type to search, choose the match once it is highlighted
    (Enter before the search has landed would choose another option)."""
    terminal.keys("Enter")
    terminal.wait_for("▲")  # the picker's menu is open
    terminal.type(search)
    terminal.wait_highlighted(search)
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
    wait_picker_focused(terminal, "Component…")
    pick(terminal, "CPU")
    terminal.keys("Tab")
    terminal.wait_focus("CPU (cpu, core-hours)")  # the row's number
    terminal.type("90000")
    terminal.wait_for("90000")
    terminal.keys("C-n")
    wait_picker_focused(terminal, "Component…")  # the new row's picker
    pick(terminal, "RAM")
    terminal.keys("Tab")
    terminal.wait_focus("RAM (ram, GB-hours)")
    terminal.type("120000")
    screen = terminal.wait_for("CPU (cpu, core-hours)", "RAM (ram, GB-hours)", "90000", "120000")
    assert "GB-hours" in screen
    terminal.keys("Tab", "Tab")  # the row's remove button, the period
    wait_picker_focused(terminal, "1 month")
    terminal.keys("Tab", "space")  # "apply to all"
    terminal.wait_for("▐✓▌ Apply to all organizations")
    terminal.keys("C-s")
    listed = terminal.wait_for("61 policies", "Created policy on Acme HPC Cluster")
    assert "CPU 90 000" in listed

    # -- edit one limit: old → new preview, then the list row changes in place --------
    terminal.keys("e")
    terminal.wait_for("Edit policy · Acme HPC Cluster")
    terminal.keys("Tab", "Tab", "Tab")  # actions, first row's picker, its number
    terminal.wait_focus("CPU (cpu, core-hours)")
    terminal.keys("End", "C-u")
    terminal.wait_gone("90000")
    terminal.type("95000")
    terminal.wait_for("95000")
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
    env = user_env(tmp_path, EDITOR=str(script), VISUAL="")
    with terminal([POLICYTUI, "--demo"], env, (80, 24)) as term:
        term.wait_for("60 policies")
        term.keys("n")
        term.wait_for("New policy", "Component limits")
        term.keys("C-o")
        screen = term.wait_for('{"note": "from my editor"}')
        assert "New policy" in screen  # back in the form, not left
