"""The `--help` of the shell commands: examples that can be pasted as they are, and an
exit-code block listing only what that command can return."""

from __future__ import annotations

import re
import shlex

import pytest

from policytui.cli import build_parser

COMMANDS = ("list", "show", "delete", "export", "apply")


def help_of(command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[command].format_help()


def examples(text: str) -> list[str]:
    block = text.split("examples:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines()]


def codes(text: str) -> set[int]:
    block = text.split("exit codes:\n", 1)[1]
    return {int(m) for m in re.findall(r"^\s+(\d+)\s", block, re.M)}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_example_line_pastes_as_a_command(command: str) -> None:
    for line in examples(help_of(command)):
        words = shlex.split(line, comments=True)
        if not words:  # a description continued on its own line: a comment
            assert line.startswith("#"), line
            continue
        assert words[0] == "policytui", line
        # A description set off by a run of spaces is a comment, so pasting the line
        # does not pass its words as arguments.
        gap = re.search(r"\S {3,}(\S)", line)
        if gap:
            assert gap.group(1) == "#", line


def test_delete_example_survives_empty_input() -> None:
    xargs = [line for line in examples(help_of("delete")) if "xargs" in line]
    assert xargs and all("xargs -r " in line for line in xargs)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("list", {0, 1, 2, 3, 4, 5}),
        ("show", {0, 2, 3, 4, 5}),
        ("delete", {0, 1, 2, 3, 4, 5, 130}),
        ("export", {0, 2, 3, 4, 5}),
        ("apply", {0, 1, 2, 3, 4, 5, 130}),
    ],
)
def test_exit_codes_are_the_commands_own(command: str, expected: set[int]) -> None:
    text = help_of(command)
    assert codes(text) == expected
    if command in ("show", "delete"):
        assert "404" in text.split("exit codes:", 1)[1]
    if command in ("delete", "apply"):
        assert "declined" in text.split("exit codes:", 1)[1]
