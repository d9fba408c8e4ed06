"""The shell's policy commands on the command line: `list`, `show`, `delete`.

Each gets its own parser with examples and the exit codes in its ``--help``, and its
arguments are read here once, into a plain request object the command runs from.
Standard library only: `policytui --help` must not pay for the client.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import date

from policytui.cli.argtypes import CONNECTION, connection_options, float_in, keep_earlier
from policytui.cli.exit_codes import epilog_lines

#: The commands this module adds (the dispatch in `policytui.cli.main` asks).
COMMANDS = ("list", "show", "delete")
LIST_FORMATS = ("table", "json", "ndjson", "csv", "yaml")
SHOW_FORMATS = ("yaml", "json")
#: A Waldur uuid: 32 hex digits, dashes allowed (they are dropped before a request).
_UUID = re.compile(r"[0-9a-f]{32}")

LIST_EXAMPLES = """\
examples:
  policytui list
  policytui list --offering "HPC Cluster" -o json
  policytui list --fired -o csv > fired.csv
  policytui list --near 80 --filter 'group:nordics component:cpu'
  policytui list -o ndjson | jq -r 'select(.has_fired) | .uuid'
  policytui list --fail-if-fired --quiet -o json > /dev/null || echo "something fired"
  policytui list --fail-if-near 90     # a monitoring check: exit 1 at 90 % or more

--filter takes the language of the list's `/` (docs/filter.md). `table` fits the
terminal; piped, it is plain text with every value whole (the first column, the
uuid, has no spaces). `json`/`yaml`/`ndjson` give the server's objects as sent, each
with "headroom": [{type, limit, usage, ratio, over, checked}] (usage a decimal
string, ratio a number), or "headroom": null and "headroom_unavailable": why.
"""

SHOW_EXAMPLES = """\
examples:
  policytui show 0b7c9f3e5d2a4b6c8e1f0a2b3c4d5e6f
  policytui show 0b7c9f3e5d2a4b6c8e1f0a2b3c4d5e6f -o json | jq .component_limits

An unknown uuid (or one you may not see) is exit code 4, as the server answers 404.
"""

DELETE_EXAMPLES = """\
examples:
  policytui delete 0b7c9f3e5d2a4b6c8e1f0a2b3c4d5e6f
  policytui list --offering old-cluster -o ndjson | jq -r .uuid | xargs -r policytui delete --yes

It names what it will delete and asks on the terminal; with no terminal and no --yes it
refuses (exit 2). Each policy is deleted once (never retried) and read back. Declined
at the prompt: exit 1, nothing deleted.
"""


def _epilog(examples: str, command: str) -> str:
    return f"{examples}\n{epilog_lines(command)}\n"


def policy_uuid(text: str) -> str:
    """A ``type=`` for a policy uuid: 32 hex digits (dashes and case ignored)."""
    value = text.strip().replace("-", "").lower()
    if not _UUID.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a policy uuid (32 hex digits)")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _connection(parser: argparse.ArgumentParser) -> None:
    # Given before the command (`policytui -p prod list`) they still count.
    connection_options(parser)
    keep_earlier(parser, CONNECTION)


def _today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the server's date, which usage windows end with (default: today in UTC)",
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add `list`, `show` and `delete` to the main parser's subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    percent = float_in(0, 1_000_000, unit="%")

    listing = sub.add_parser(
        "list",
        help="list policies (table, json, ndjson, csv, yaml), for scripts and checks",
        description="List every policy you can see, with its usage against its limits.",
        epilog=_epilog(LIST_EXAMPLES, "list"),
        formatter_class=raw,
    )
    _connection(listing)
    listing.add_argument("--offering", metavar="NAME|UUID", help="only this offering's policies")
    listing.add_argument("--fired", action="store_true", help="only policies that have fired")
    listing.add_argument(
        "--near",
        type=percent,
        metavar="PCT",
        help="only policies whose highest usage / limit is at least PCT %%",
    )
    listing.add_argument("--filter", metavar="EXPR", help="the filter language (docs/filter.md)")
    listing.add_argument("-o", "--output", choices=LIST_FORMATS, default="table")
    listing.add_argument(
        "--fail-if-fired", action="store_true", help="exit 1 when a listed policy has fired"
    )
    listing.add_argument(
        "--fail-if-near",
        type=percent,
        metavar="PCT",
        help="exit 1 when a listed policy's usage is at least PCT %% of a limit",
    )
    listing.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    _today(listing)

    show = sub.add_parser(
        "show",
        help="one policy with names, units and usage",
        description="Show one policy with its offering, groups and components named.",
        epilog=_epilog(SHOW_EXAMPLES, "show"),
        formatter_class=raw,
    )
    _connection(show)
    show.add_argument("uuid", type=policy_uuid, metavar="UUID")
    show.add_argument("-o", "--output", choices=SHOW_FORMATS, default="yaml")
    _today(show)

    delete = sub.add_parser(
        "delete",
        help="delete policies (asks first unless --yes)",
        description="Delete policies by uuid: names them, asks, deletes each once, reads back.",
        epilog=_epilog(DELETE_EXAMPLES, "delete"),
        formatter_class=raw,
    )
    _connection(delete)
    delete.add_argument("uuids", type=policy_uuid, nargs="+", metavar="UUID")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask")


@dataclass(frozen=True)
class ListRequest:
    offering: str | None
    fired: bool
    near: float | None
    filter: str | None
    output: str
    fail_if_fired: bool
    fail_if_near: float | None
    quiet: bool
    today: date | None


@dataclass(frozen=True)
class ShowRequest:
    uuid: str
    output: str
    today: date | None


@dataclass(frozen=True)
class DeleteRequest:
    uuids: tuple[str, ...]
    yes: bool


def request_from(args: argparse.Namespace) -> ListRequest | ShowRequest | DeleteRequest:
    """The one place these commands' parsed arguments are read."""
    if args.command == "list":
        return ListRequest(
            args.offering, args.fired, args.near, args.filter, args.output,
            args.fail_if_fired, args.fail_if_near, args.quiet, args.today,
        )  # fmt: skip
    if args.command == "show":
        return ShowRequest(args.uuid, args.output, args.today)
    # One delete per uuid, in the order given, a repeated uuid once.
    return DeleteRequest(tuple(dict.fromkeys(args.uuids)), args.yes)
