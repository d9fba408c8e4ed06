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
    #: The output could not be written (a full disk, stdout closed); a write command
    #: says on stderr what it had done by then.
    OUTPUT = 5


#: What each code means, in the words of `--help` (argparse epilogs) and the README.
MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done (and nothing matched a --fail-if-* check)",
    ExitCode.FAILED: "a --fail-if-* check matched, or a write failed",
    ExitCode.USAGE: "usage error, invalid input, or refused (no terminal and no --yes)",
    ExitCode.NOT_SIGNED_IN: "not signed in, or the token was rejected (401)",
    ExitCode.SERVER: "the server or the network failed on a read",
    ExitCode.OUTPUT: "the output could not be written (a full disk, stdout closed)",
}


#: Each command's own words for the codes it can return (and only those).
FOR_COMMAND: dict[str, dict[ExitCode, str]] = {
    "list": {
        ExitCode.OK: "done (and nothing matched a --fail-if-* check)",
        ExitCode.FAILED: "a --fail-if-* check matched (after the listing is written)",
        ExitCode.USAGE: "usage error or invalid input (a filter term, an unknown --offering)",
    },
    "show": {
        ExitCode.OK: "done",
        ExitCode.USAGE: "usage error or invalid input (a malformed uuid)",
        ExitCode.SERVER: "the server or the network failed, or no such policy (404)",
    },
    "delete": {
        ExitCode.OK: "every policy deleted",
        ExitCode.FAILED: "a delete failed, or declined at the question",
        ExitCode.USAGE: "usage error, invalid input, or refused (no terminal and no --yes)",
        ExitCode.SERVER: "the server or the network failed on a read, or a uuid is not "
        "there (404; nothing deleted)",
    },
    "export": {
        ExitCode.OK: "done",
        ExitCode.USAGE: "usage error or invalid input (an unknown --offering)",
    },
    "apply": {
        ExitCode.OK: "done (or nothing to change, or --dry-run)",
        ExitCode.FAILED: "a write failed, or declined at the question",
        ExitCode.USAGE: "a problem in the file, usage error, or refused (no terminal and no --yes)",
    },
}


def epilog_lines(command: str | None = None) -> str:
    """The exit-code block for a command's ``--help``: only the codes it can return."""
    own = FOR_COMMAND.get(command or "", {})
    codes = (
        MEANINGS
        if command is None
        else {
            code: own.get(code, text)
            for code, text in MEANINGS.items()
            if code in own or code in (ExitCode.NOT_SIGNED_IN, ExitCode.SERVER, ExitCode.OUTPUT)
        }
    )
    lines = ["exit codes:"]
    lines.extend(f"  {int(code)}  {text}" for code, text in codes.items())
    if command in ("delete", "apply"):
        lines.append("  130  interrupted (Ctrl-C)")
    return "\n".join(lines)
