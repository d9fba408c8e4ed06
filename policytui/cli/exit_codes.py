"""The exit codes of the shell commands (`list`, `show`, `delete`, `export`, `apply`).

One table, so a script or a monitoring check can tell "something matched" from "the
server is down" from "sign in again", as with gh, kubectl and terraform. The `--help`
epilog of each command and the README's "Scripting" section are made from / say the same.
Standard library only: the command line imports it before anything heavy.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    #: Done; nothing matched a ``--fail-if-*`` check.
    OK = 0
    #: A ``--fail-if-*`` check matched, or a write (delete, apply) failed.
    FAILED = 1
    #: A usage error, invalid input (a bad filter, an unknown UUID form), or refused:
    #: a write with no terminal to ask on and no ``--yes``.
    USAGE = 2
    #: Not signed in, or the server rejected the token (401).
    NOT_SIGNED_IN = 3
    #: The server or the network failed on a read (5xx, timeout, refused, TLS, 403/404
    #: where a read needed the object).
    SERVER = 4


#: What each code means, in the words of `--help` (argparse epilogs) and the README.
MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done (and nothing matched a --fail-if-* check)",
    ExitCode.FAILED: "a --fail-if-* check matched, or a write failed",
    ExitCode.USAGE: "usage error, invalid input, or refused (no terminal and no --yes)",
    ExitCode.NOT_SIGNED_IN: "not signed in, or the token was rejected (401)",
    ExitCode.SERVER: "the server or the network failed on a read",
}


def epilog_lines() -> str:
    """The exit-code block for a command's ``--help``."""
    lines = ["exit codes:"]
    lines.extend(f"  {int(code)}  {text}" for code, text in MEANINGS.items())
    return "\n".join(lines)
