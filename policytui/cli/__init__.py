"""Command line: parse arguments, then start the app or a headless command.

Heavy modules (textual, the demo server) are imported only by the branch that needs
them, so ``policytui status`` does not pay for the UI.
No option takes a token: it would land in shell history and in ``ps``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields

from policytui import __version__
from policytui.auth.settings import Settings
from policytui.cli import policy_args
from policytui.cli.argtypes import (
    CONNECTION,
    connection_options,
    float_in,
    int_in,
    keep_earlier,
)
from policytui.cli.policy_file import commands as policy_file

#: Waldur caps page_size at 300 (SEMANTICS.md); 0 would mean the server's default.
MAX_PAGE_SIZE = 300
#: Enough for the scale tests (100 000) with room; ten million would take hours to seed.
MAX_DEMO_POLICIES = 1_000_000
#: A refresh more often than every second would hammer the server; a day is the longest.
WATCH_RANGE = (1.0, 86_400.0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policytui",
        description="A terminal UI for Waldur offering usage policies.",
    )
    parser.add_argument("--version", action="version", version=f"policytui {__version__}")
    connection_options(parser)
    parser.add_argument("--demo", action="store_true", help="run against the built-in demo server")
    parser.add_argument(
        "--demo-policies",
        type=int_in(0, MAX_DEMO_POLICIES),
        default=60,
        metavar="N",
        help=f"demo: number of policies (0 to {MAX_DEMO_POLICIES:,})",
    )
    parser.add_argument(
        "--demo-quirks",
        action="store_true",
        help="demo: behave like the 2024 Waldur server (one limit per policy, 500s)",
    )
    parser.add_argument(
        "--watch",
        type=float_in(*WATCH_RANGE, unit="seconds"),
        metavar="SECONDS",
        help="refresh every SECONDS (1 to 86400) and mark policies whose fired state changed",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="when a refresh (r or --watch) sees a policy fire or go over a limit, ring the "
        "terminal's bell and send a desktop notification (OSC 9 / OSC 777; in tmux: "
        "set -g allow-passthrough on)",
    )
    parser.add_argument(
        "--view",
        metavar="NAME",
        help="open the list with a saved view's filter and sort (Ctrl+P: Save view)",
    )
    parser.add_argument(
        "--page-size",
        type=int_in(1, MAX_PAGE_SIZE),
        metavar="N",
        help=f"policies per page, 1 to {MAX_PAGE_SIZE} (default: fit the screen)",
    )
    parser.add_argument(
        "--insecure-storage",
        action="store_true",
        help="allow storing the token in a 0600 file when no OS keyring is usable",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = sub.add_parser("login", help="sign in and store the token in the OS keyring")
    connection_options(login)
    login.add_argument(
        "--with-token", action="store_true", help="read the token from standard input"
    )
    login.add_argument(
        "--insecure-storage",
        action="store_true",
        help="store the token in a 0600 file if no OS keyring is usable",
    )
    keep_earlier(login, (*CONNECTION, "insecure_storage"))

    logout = sub.add_parser("logout", help="remove the stored token of a profile")
    logout.add_argument("--profile", "-p")
    keep_earlier(logout, ("profile",))

    sub.add_parser("status", help="profiles, users and where each token is stored")
    sub.add_parser("profiles", help="list the profiles")
    policy_args.add_parsers(sub)  # list, show, delete
    policy_file.add_parsers(sub, connection_options)

    sub.add_parser(
        "demo-server",
        help="serve the demo Waldur API over HTTP",
        add_help=False,
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The one place the parsed arguments are read: a subcommand leaves out the options
    it has not got, and those keep the defaults of :class:`Settings`."""
    given = vars(args)
    return Settings(**{f.name: given[f.name] for f in fields(Settings) if f.name in given})


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["demo-server"]:
        from policytui.demo.cli import serve

        return serve(args_list[1:])
    args = build_parser().parse_args(args_list)
    settings = settings_from(args)
    if args.command in ("login", "logout", "status", "profiles"):
        from policytui.cli import account

        return getattr(account, f"cmd_{args.command}")(settings)
    if args.command in policy_args.COMMANDS:
        from policytui.cli.shell import run_policy_command

        return run_policy_command(policy_args.request_from(args), settings)
    if args.command in ("export", "apply"):
        return policy_file.run(args.command, settings, args)
    from policytui.tui.run import run_app

    return run_app(settings)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
