"""`policytui list`: every policy, filtered, with its usage, in a table or for scripts.

Data goes to stdout, everything else (progress, notes, the ``--fail-if-*`` summary) to
stderr. A filter that cannot be read is refused before anything is sent (exit 2); a
read that fails is exit 4 (3 for a rejected token); a ``--fail-if-*`` check that
matches is exit 1 after the listing is written.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from policytui.cli.connect import CommandExit, session_for
from policytui.cli.exit_codes import ExitCode
from policytui.cli.policy_args import ListRequest

if TYPE_CHECKING:
    import asyncio

    from policytui.api import WaldurClient
    from policytui.auth.settings import Settings
    from policytui.cli.reading import Listed
    from policytui.query import Filter
    from policytui.tui.catalog import Catalog

#: How many policies a `--fail-if-*` summary names before "and N more".
NAMED_IN_SUMMARY = 5


def filter_problems(query: Filter) -> str:
    """Each problem of ``query`` under the filter, with a caret line under its span."""
    count = len(query.problems)
    lines = [f"--filter: {count} {'term' if count == 1 else 'terms'} could not be read:"]
    for problem in query.problems:
        width = max(1, problem.end - problem.start)
        lines.append(f"  {query.text}")
        lines.append(f"  {' ' * problem.start}{'^' * width} {problem.message}")
    return "\n".join(lines)


def cmd_list(request: ListRequest, settings: Settings) -> int:
    import asyncio

    from policytui.query import parse

    query = parse(request.filter) if request.filter else None
    if query is not None and query.problems:
        raise CommandExit(ExitCode.USAGE, filter_problems(query))
    session = session_for(settings)
    return asyncio.run(_run(request, session.client(), query))


async def _run(request: ListRequest, client: WaldurClient, query: Filter | None) -> int:
    import asyncio

    from policytui.cli.progress import PageProgress
    from policytui.cli.reading import add_headroom, load_catalog, server_today, walk_policies

    today = server_today(request.today)
    progress = PageProgress(quiet=request.quiet)
    async with client:
        catalog_task = asyncio.ensure_future(load_catalog(client))
        try:
            scope = await _offering_uuid(request.offering, catalog_task)
            listed = await walk_policies(client, scope_uuid=scope, progress=progress)
            catalog = await catalog_task
            # Headroom is the costly part (100 000 policies: a third of the run): when
            # nothing chooses by usage, only the policies chosen need it.
            by_usage = _chooses_by_usage(request, query)
            chosen = listed if by_usage else _choose(request, listed, catalog, query)
            offerings = len({item.policy.scope_uuid for item in chosen})
            # Seconds for many thousands of policies: say what the wait is for.
            noun = "offering" if offerings == 1 else "offerings"
            progress.note(f"reading the usage of {offerings} {noun}, computing headroom")
            await add_headroom(client, chosen, catalog, today)
        finally:
            progress.done()
            # Whatever stopped the walk, the catalog's task ends here and its failure (if
            # any) is taken: asyncio would otherwise print it as a traceback at exit.
            catalog_task.cancel()
            await asyncio.gather(catalog_task, return_exceptions=True)
    if by_usage:
        chosen = _choose(request, listed, catalog, query)
    from policytui.cli.output import to_stdout

    with to_stdout():
        _write(request.output, chosen, catalog, sys.stdout)
    _notes(request, chosen, listed, sys.stderr)
    return int(_checks(request, chosen, catalog, sys.stderr))


async def _offering_uuid(wanted: str | None, catalog_task: asyncio.Future[Catalog]) -> str | None:
    """``--offering`` as a uuid (`offering_choice`: the same reading as `export`)."""
    from policytui.cli.offering_choice import NoSuchOffering, choose_offering

    if wanted is None:
        return None
    catalog = await catalog_task
    try:
        return choose_offering(wanted, ((o.uuid, o.name or "") for o in catalog.offerings.values()))
    except NoSuchOffering as exc:
        raise CommandExit(ExitCode.USAGE, f"--offering: {exc}") from None


def _chooses_by_usage(request: ListRequest, query: Filter | None) -> bool:
    """Whether choosing reads the policies' headroom: a ``usage:`` term or ``--near``
    (then every policy's is computed first; ``--near`` also counts those without one)."""
    by_term = query is not None and any(term.field == "usage" for term in query.terms)
    return by_term or request.near is not None


def _reaches(item: Listed, percent: float) -> bool:
    from policytui.cli.policy_views import highest

    ratio, _, over = highest(item)
    if ratio is None:
        # A limit of 0 or less has no ratio: any usage over it is as near as can be.
        return over
    return ratio * 100 >= percent


def _percent(item: Listed) -> float | None:
    from policytui.headroom import summarize

    summary = summarize(item.headroom) if item.headroom is not None else None
    return summary.percent if summary is not None else None


def _choose(
    request: ListRequest, listed: list[Listed], catalog: Catalog, query: Filter | None
) -> list[Listed]:
    chosen = listed
    if query is not None and not query.is_empty:
        from policytui.query import FactsReader

        read = FactsReader(catalog)
        facts = [read(item.policy) for item in chosen]
        for item, f in zip(chosen, facts, strict=True):
            f.usage_percent = _percent(item)  # for `usage:>80`
        kept = {id(f) for f in query.select(facts, datetime.now(UTC))}
        chosen = [item for item, f in zip(chosen, facts, strict=True) if id(f) in kept]
    if request.fired:
        chosen = [item for item in chosen if item.policy.has_fired]
    if request.near is not None:
        chosen = [item for item in chosen if _reaches(item, request.near)]
    return chosen


def _write(output: str, chosen: Sequence[Listed], catalog: Catalog, out: TextIO) -> None:
    from policytui.cli import formats, policy_views

    if output == "json":
        formats.write_json(out, [policy_views.listed_object(i) for i in chosen])
    elif output == "ndjson":
        formats.write_ndjson(out, (policy_views.listed_object(i) for i in chosen))
    elif output == "yaml":
        formats.write_yaml(out, [policy_views.listed_object(i) for i in chosen])
    elif output == "csv":
        rows = (policy_views.csv_row(i, catalog) for i in chosen)
        formats.write_csv(out, policy_views.CSV_COLUMNS, rows)
    elif chosen:
        from policytui.cli.table import render

        rows = [policy_views.table_row(i, catalog) for i in chosen]
        out.write(render(policy_views.TABLE_COLUMNS, rows, _terminal_width(out)))
    out.flush()


def _terminal_width(out: TextIO) -> int | None:
    """The terminal's width when stdout is one (``COLUMNS`` wins, as in `ls`); else None:
    piped, nothing is cut."""
    import shutil

    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def _notes(
    request: ListRequest, chosen: Sequence[Listed], listed: Sequence[Listed], err: TextIO
) -> None:
    if not chosen and request.output == "table":
        print(f"No policy matches ({len(listed)} read).", file=err)
    missing = [item for item in chosen if item.headroom is None]
    if missing and request.output == "table":
        print(f"Usage n/a for {_count(len(missing))}: {missing[0].unavailable}.", file=err)
    if request.near is not None or request.fail_if_near is not None:
        # Said, not silently treated as "far from its limit".
        pool = listed if request.near is not None else chosen
        left = sum(1 for item in pool if item.headroom is None)
        if left:
            print(
                f"{_count(left)} without a usage figure could not be checked against a percentage.",
                file=err,
            )


def _count(n: int) -> str:
    return f"{n} {'policy' if n == 1 else 'policies'}"


def _named(items: Sequence[Listed], catalog: Catalog) -> str:
    from policytui.cli.policy_views import offering_name

    shown = [f"{i.policy.uuid} ({offering_name(i, catalog)})" for i in items[:NAMED_IN_SUMMARY]]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _checks(
    request: ListRequest, chosen: Sequence[Listed], catalog: Catalog, err: TextIO
) -> ExitCode:
    failed = False
    if request.fail_if_fired:
        fired = [i for i in chosen if i.policy.has_fired]
        if fired:
            noun = "fired policy" if len(fired) == 1 else "fired policies"
            print(f"{len(fired)} {noun}: {_named(fired, catalog)}", file=err)
            failed = True
    if request.fail_if_near is not None:
        near = [i for i in chosen if _reaches(i, request.fail_if_near)]
        if near:
            print(
                f"{_count(len(near))} at or above {request.fail_if_near:g} % of a limit: "
                f"{_named(near, catalog)}",
                file=err,
            )
            failed = True
    return ExitCode.FAILED if failed else ExitCode.OK
