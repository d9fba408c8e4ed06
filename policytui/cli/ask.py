"""Asking before a write, on the terminal: `Delete 2 policies? [y/N]`.

The question goes to the terminal, never to stdout (which a script may be reading): to
standard input and stderr when standard input is a terminal, else to ``/dev/tty`` (so
``policytui delete UUID < /dev/null`` or ``… | xargs policytui delete`` still asks). With
no terminal at all (cron, CI, a pipe under ``setsid``) there is nobody to ask, and
:func:`confirm` says so with None: the command then refuses unless given ``--yes``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def confirm(
    question: str, *, stdin: TextIO | None = None, stderr: TextIO | None = None
) -> bool | None:
    """True for y/yes, False for anything else (Enter, Ctrl-D); None: no terminal.
    Ctrl-C is passed on (KeyboardInterrupt), so every command ends on it with 130."""
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    if _is_terminal(stdin):
        return _ask(question, stdin, stderr)
    # Two handles: a terminal is not seekable, and Python refuses "r+" on it
    # (io.UnsupportedOperation, an OSError), which would read as "no terminal".
    try:
        reader = open("/dev/tty", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        return None
    with reader:
        try:
            writer = open("/dev/tty", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError:
            return None
        with writer:
            return _ask(question, reader, writer)


def _ask(question: str, reader: TextIO, writer: TextIO) -> bool:
    try:
        # Ctrl-C is ours before the question shows: typed the moment it appears (before
        # the handler was set), it went to asyncio's, and the read waited for Enter.
        with _interruptible():
            writer.write(f"{question} [y/N] ")
            writer.flush()
            answer = reader.readline()
    except KeyboardInterrupt:
        writer.write("\n")  # end the prompt's line before "Interrupted."
        writer.flush()
        raise
    if not answer.endswith("\n"):
        writer.write("\n")  # Ctrl-D: end the prompt's line
        writer.flush()
    return answer.strip().lower() in ("y", "yes")


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C stops the read at once. Under ``asyncio.run`` the first Ctrl-C only cancels
    the task, which a blocking read never sees: the prompt would wait for Enter."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
