"""`policytui export` and `policytui apply`: their arguments, and the two commands.

Standard library only at import time: ``build_parser`` adds these subcommands without
loading the client. The document goes to stdout (export) and so do the plan and the
report of the writes (apply); problems, the question and progress go to stderr, progress
only when stderr is a terminal and ``--quiet`` is not given.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from policytui.cli.argtypes import CONNECTION, keep_earlier
from policytui.cli.exit_codes import ExitCode, epilog_lines

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient
    from policytui.auth.settings import Settings
    from policytui.cli.policy_file.located import Located
    from policytui.cli.policy_file.model import Problem, StoredPolicy
    from policytui.cli.policy_file.writes import Outcome

EXPORT_EXAMPLES = """\
examples:
  policytui export > policies.yaml                 # every policy you manage, as YAML
  policytui export --offering "Acme HPC Cluster"   # one offering (its name or uuid)
  policytui export -o json | jq '.offerings[].name'
  policytui export > before.yaml && policytui export | diff before.yaml -

The same policies give byte-identical output: offerings by name, policies in the order
they were created, keys in one order. Read-only fields (created, has_fired, ...) are
left out; names stand beside the uuids that `apply` matches on.
"""

APPLY_EXAMPLES = """\
examples:
  policytui apply -f policies.yaml --dry-run       # the plan only; nothing is written
  policytui apply -f policies.yaml                 # the plan, then asks before writing
  policytui apply -f policies.yaml --yes           # no question (scripts, CI)
  policytui apply -f policies.yaml --prune         # also delete the offerings' policies
                                                   # that the file does not list
  policytui export --offering X | sed s/1000/2000/ | policytui apply -f - --yes

Everything is checked before anything is written; every problem is listed with its
line, and nothing is written while there is one (exit 2). A policy with a uuid is
updated (only the fields that differ); one without a uuid is created, unless an
identical policy of that offering is on the server already. Writes go one at a time,
each read back; the first failure stops the run and says what was written and what
was not. No write is ever sent twice. Declining at the question: exit 1, nothing written.
"""


def _keep_earlier(parser: argparse.ArgumentParser) -> None:
    keep_earlier(parser, CONNECTION)


def add_parsers(
    sub: argparse._SubParsersAction,
    connection_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The `export` and `apply` subcommands (``connection_options``: --profile, --url …)."""
    export = sub.add_parser(
        "export",
        help="write the policies as a YAML or JSON document (for review, backup, apply)",
        description="Write the offering usage policies as a readable, stable document.",
        epilog=f"{EXPORT_EXAMPLES}\n{epilog_lines('export')}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    connection_options(export)
    _keep_earlier(export)
    export.add_argument("--offering", metavar="NAME|UUID", help="only this offering's policies")
    export.add_argument(
        "-o", "--output", choices=("yaml", "json"), default="yaml", help="format (default: yaml)"
    )
    export.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")

    apply = sub.add_parser(
        "apply",
        help="make the server's policies what a file says: a plan first, then the writes",
        description="Plan and apply a policy document (as `policytui export` writes).",
        epilog=f"{APPLY_EXAMPLES}\n{epilog_lines('apply')}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    connection_options(apply)
    _keep_earlier(apply)
    apply.add_argument(
        "-f",
        "--file",
        required=True,
        metavar="FILE",
        help="the document (YAML or JSON; - for stdin)",
    )
    apply.add_argument("--dry-run", action="store_true", help="show the plan and stop")
    apply.add_argument(
        "--prune",
        action="store_true",
        help="delete the policies of the file's offerings that the file does not list",
    )
    apply.add_argument("--yes", "-y", action="store_true", help="write without asking")
    apply.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def run(command: str, settings: Settings, args: argparse.Namespace) -> int:
    """Run `export` or `apply`; client errors on reads become exit 3 or 4."""
    from policytui.cli.connect import run_command

    body = _export if command == "export" else _apply
    return run_command(body, settings, args)


class _Progress:
    """A line on stderr rewritten in place, only on a terminal and without --quiet."""

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.on = not quiet and self.stream.isatty()
        self.shown = False

    def say(self, text: str) -> None:
        if self.on:
            self.stream.write(f"\r\x1b[2K{text}")
            self.stream.flush()
            self.shown = True

    def policies(self, read: int, total: int | None) -> None:
        """``Reading policies: 1 200 of 10 000`` after each page of a walk."""
        of = f" of {total:,}".replace(",", " ") if total is not None else ""
        self.say(f"Reading policies: {read:,}".replace(",", " ") + of)

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


def _out(lines: list[str]) -> None:
    from policytui.cli.output import to_stdout

    with to_stdout():
        for line in lines:
            print(line)
        sys.stdout.flush()


def _err(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


# -- export ----------------------------------------------------------------------------


def _export(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from policytui.cli.connect import client_for

    progress = _Progress(args.quiet)
    try:
        text = asyncio.run(_export_text(client_for(settings), args, progress))
    finally:
        progress.done()
    from policytui.cli.output import to_stdout

    # The document is UTF-8 whatever the locale says (apply reads it as UTF-8).
    with to_stdout():
        binary = getattr(sys.stdout, "buffer", None)
        if binary is not None:
            sys.stdout.flush()
            binary.write(text.encode("utf-8"))
            binary.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    return ExitCode.OK


async def _export_text(client: WaldurClient, args: argparse.Namespace, progress: _Progress) -> str:
    from policytui.cli.connect import CommandExit
    from policytui.cli.policy_file import document, server

    async with client:
        progress.say("Reading offerings, groups and actions…")
        catalog = await server.read_catalog(client)
        chosen: list[str] = []
        if args.offering:
            from policytui.cli.offering_choice import NoSuchOffering, choose_offering

            pairs = ((o.uuid, o.name) for o in catalog.offerings.values())
            try:
                chosen = [choose_offering(args.offering, pairs)]
            except NoSuchOffering as exc:
                raise CommandExit(ExitCode.USAGE, f"--offering: {exc}") from None
        progress.say("Reading policies…")
        policies = await server.read_policies(client, chosen or None, progress.policies)
    return document.render(document.build(catalog, policies, offerings=chosen), args.output)


# -- apply -----------------------------------------------------------------------------


def _read_file(path: str) -> tuple[str, str]:
    """The file's text and the name to show in its problems."""
    from policytui.cli.connect import CommandExit

    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), path
    except OSError as exc:
        raise CommandExit(
            ExitCode.USAGE, f"Cannot read {path}: {(exc.strerror or str(exc)).lower()}."
        ) from None
    except UnicodeDecodeError:
        raise CommandExit(ExitCode.USAGE, f"Cannot read {path}: it is not UTF-8 text.") from None


def _apply(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from policytui.cli.connect import CommandExit, client_for
    from policytui.cli.policy_file.located import FileError, load
    from policytui.cli.policy_file.render import render_problems

    text, name = _read_file(args.file)
    try:
        root, problems = load(text, name)
    except FileError as exc:
        _err(render_problems([exc.problem], name))
        return ExitCode.USAGE
    # The file's tree lives until the end and holds no cycles: out of the collector's
    # sight, so what is built next (checks, plan) does not pay for walking it again.
    gc.freeze()
    if args.file == "-" and not (args.yes or args.dry_run):
        # The file took standard input: there is nothing left to answer a question on.
        raise CommandExit(
            ExitCode.USAGE,
            "The file comes from standard input, so there is no terminal to ask on: "
            "add --yes to write, or --dry-run to see the plan. Nothing was written.",
        )
    progress = _Progress(args.quiet)
    try:
        return asyncio.run(_apply_run(client_for(settings), args, root, problems, name, progress))
    finally:
        progress.done()


async def _apply_run(
    client: WaldurClient,
    args: argparse.Namespace,
    root: Located | None,
    problems: list[Problem],
    name: str,
    progress: _Progress,
) -> int:
    from policytui.cli.connect import CommandExit
    from policytui.cli.output import OutputFailed
    from policytui.cli.policy_file import check, plan, render, server
    from policytui.cli.policy_file.report import final_lines, outcome_lines
    from policytui.cli.policy_file.writes import Writer

    async with client:
        progress.say("Reading offerings, groups and actions…")
        catalog = await server.read_catalog(client)
        wanted, found = check.check(root, catalog)
        problems = sorted([*problems, *found], key=lambda p: p.line)
        progress.say("Reading the offerings' policies…")
        stored = await server.read_policies(client, [w.uuid for w in wanted], progress.policies)
        by_offering: dict[str, list[StoredPolicy]] = {w.uuid: [] for w in wanted}
        for policy in stored:
            by_offering.setdefault(policy.offering_uuid, []).append(policy)
        seen = {p.uuid for p in stored}
        asked = {p.uuid for w in wanted for p in w.policies if p.uuid and p.uuid not in seen}
        elsewhere = await server.read_elsewhere(client, sorted(asked))
        the_plan = plan.make_plan(wanted, by_offering, elsewhere, catalog, prune=args.prune)
        progress.done()
        problems = sorted([*problems, *the_plan.problems], key=lambda p: p.line)
        if problems:
            _err(render.render_problems(problems, name))
            return ExitCode.USAGE
        _out(render.render_plan(the_plan, catalog, to=render.arrow(sys.stdout.encoding)))
        if args.dry_run or not the_plan.steps:
            return ExitCode.OK
        if not args.yes and not _confirmed(len(the_plan.steps)):
            return ExitCode.FAILED
        writer = Writer(client, catalog, stored)
        _out([""])
        outcomes: list[Outcome] = []
        total = len(the_plan.steps)
        for index, step in enumerate(the_plan.steps):
            progress.say(f"[{index + 1}/{total}] {render.step_title(step)}")
            outcome = await writer.write(step)
            progress.done()
            outcomes.append(outcome)
            try:
                # Said as soon as it is known: a run killed later has still said what
                # it wrote.
                _out(outcome_lines(outcome))
            except OutputFailed as failed:
                # Stop writing what cannot be reported; what was written goes to stderr.
                report = [o_line for o in outcomes for o_line in outcome_lines(o)]
                _err([str(failed), *report, "", *final_lines(the_plan.steps, outcomes, True)])
                raise CommandExit(ExitCode.OUTPUT) from None
            if not outcome.done:
                break
        _out(["", *final_lines(the_plan.steps, outcomes)])
        complete = len(outcomes) == total and all(o.done for o in outcomes)
        return ExitCode.OK if complete else ExitCode.FAILED


def _confirmed(count: int) -> bool:
    """Ask on the terminal (stdin's, else /dev/tty); with none, refuse (exit 2)."""
    from policytui.cli.ask import confirm
    from policytui.cli.connect import CommandExit

    noun = "change" if count == 1 else "changes"
    sys.stderr.write("\n")
    answer = confirm(f"Apply {count} {noun}?")
    if answer is None:
        raise CommandExit(
            ExitCode.USAGE,
            "Not writing: there is no terminal to ask on. Add --yes to write without "
            "asking, or --dry-run for the plan only. Nothing was written.",
        )
    if answer:
        return True
    print("Apply cancelled: nothing was written.", file=sys.stderr)
    return False
