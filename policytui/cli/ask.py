"""Asking before a write, on the terminal: `Delete 2 policies? [y/N]`.

The question goes to the terminal, never to stdout (which a script may be reading): to
standard input and stderr when standard input is a terminal, else to ``/dev/tty``. With
no terminal at all (cron, CI, a pipe under ``setsid``) there is nobody to ask, and
:func:`confirm` says so with None: the command then refuses unless given ``--yes``.
"""

from __future__ import annotations

import sys
from typing import TextIO


def confirm(
    question: str, *, stdin: TextIO | None = None, stderr: TextIO | None = None
) -> bool | None:
    """True for y/yes, False for anything else (Enter, Ctrl-D, Ctrl-C); None: no terminal."""
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    if _is_terminal(stdin):
        return _ask(question, stdin, stderr)
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        return None
    with tty:
        return _ask(question, tty, tty)


def _ask(question: str, reader: TextIO, writer: TextIO) -> bool:
    writer.write(f"{question} [y/N] ")
    writer.flush()
    try:
        answer = reader.readline()
    except KeyboardInterrupt:
        answer = ""
    if not answer.endswith("\n"):
        writer.write("\n")  # Ctrl-D: end the prompt's line
        writer.flush()
    return answer.strip().lower() in ("y", "yes")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
