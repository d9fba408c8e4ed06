"""`policytui` (the interface) with no terminal to read keys from: a message and exit
code 2 at once. Textual painted and then read a file or pipe with no keys: at its end its
input thread looped, a core busy for good, and nothing could quit it. The console script
as a user runs it, against the demo server over HTTP."""

from __future__ import annotations

from shell_run import run, run_in_terminal

from policytui.cli.exit_codes import ExitCode

SAYS = "the interface reads keys from a terminal, and standard input is not one"


def test_the_interface_from_a_script_says_it_needs_a_terminal(demo_server) -> None:
    done = run(demo_server)  # stdin closed, no terminal: as under cron
    assert done.code == ExitCode.USAGE
    assert SAYS in done.err and "policytui list" in done.err
    assert done.out == ""


def test_the_interface_with_a_pipe_for_stdin_says_so_on_the_terminal(demo_server) -> None:
    done = run_in_terminal(demo_server, stdin="")  # `policytui < /dev/null` in a shell
    assert done.code == ExitCode.USAGE
    assert SAYS in done.out
    # Nothing was painted: no screen switched to, no policy listed.
    assert "\x1b[?1049h" not in done.out and "Offering" not in done.out
