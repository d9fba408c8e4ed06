"""Writing a command's result to stdout, and saying so when stdout cannot take it.

``policytui list -o json > /dev/full`` (a full disk), or stdout closed (``list >&-``),
is not a crash: one line on stderr, ``cannot write the output: No space left on
device``, and exit 5 (``ExitCode.OUTPUT``). A reader that stops early (``| head``,
BrokenPipeError) is not this: it stays quiet (`shell.run_policy_command`).
Standard library only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class OutputFailed(Exception):
    """Stdout refused a write; ``reason`` is the system's words (``No space left …``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"cannot write the output: {reason}")
        self.reason = reason


@contextmanager
def to_stdout() -> Iterator[None]:
    """Writes to stdout inside: a failed one becomes :class:`OutputFailed`."""
    if sys.stdout is None:  # started with stdout closed
        raise OutputFailed("standard output is closed")
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputFailed(exc.strerror or str(exc)) from None


def check_stdout() -> None:
    """Before anything is read or written: stdout closed is refused up front, so a
    write command never deletes what it then cannot report."""
    if sys.stdout is None:
        raise OutputFailed("standard output is closed")


def drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit does not fail again
    on what is still buffered."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
