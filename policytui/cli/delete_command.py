"""`policytui delete UUID…`: name what will go, ask, delete each once, read each back.

Every policy is read first, so the question names what it is about (offering,
components, groups) and a uuid that is not there stops the run before any write
(exit 4, nothing deleted). With no terminal to ask on and no ``--yes`` it refuses
(exit 2). Each DELETE is sent once, never again by this command (a retry is the user's
to make), then the policy is read back: only a 404 counts as deleted, whatever the
DELETE's own answer was (a lost answer may still have deleted it). Results go to
stdout, one line each, ``deleted <uuid> (<offering>)`` or ``failed <uuid>: <reason>``;
any failure is exit 1. A token rejected mid-run (401) stops it: the rest are not
attempted and the exit code is 3.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policytui.cli.connect import CommandExit, session_for
from policytui.cli.exit_codes import ExitCode
from policytui.cli.policy_args import DeleteRequest

if TYPE_CHECKING:
    from policytui.api import WaldurClient
    from policytui.auth.settings import Settings
    from policytui.cli.reading import Listed
    from policytui.tui.catalog import Catalog


@dataclass(frozen=True)
class Outcome:
    uuid: str
    deleted: bool
    line: str


def describe(item: Listed, catalog: Catalog) -> str:
    """``<uuid>  HPC Cluster · cpu=1000 ram=20 · Nordics, Baltics · Notify owners``."""
    from policytui.cli.policy_views import (
        action_labels,
        group_labels,
        limits_text,
        offering_name,
    )

    parts = [
        offering_name(item, catalog) or "(no offering)",
        limits_text(item, " ") or "no limits",
        ", ".join(group_labels(item, catalog)) or "no groups",
        ", ".join(action_labels(item)) or "no actions",
    ]
    fired = " · fired" if item.policy.has_fired else ""
    return f"  {item.policy.uuid}  {' · '.join(parts)}{fired}"


def cmd_delete(request: DeleteRequest, settings: Settings) -> int:
    import asyncio

    session = session_for(settings)
    return asyncio.run(_run(request, session.client()))


async def _run(request: DeleteRequest, client: WaldurClient) -> int:
    async with client:
        items, catalog = await _read_first(client, request.uuids)
        count = len(items)
        noun = "policy" if count == 1 else "policies"
        err = sys.stderr
        print(f"Will delete {count} {noun}:", file=err)
        for item in items:
            print(describe(item, catalog), file=err)
        if not request.yes:
            from policytui.cli.ask import confirm

            answer = confirm(f"Delete {count} {noun}?")
            if answer is None:
                raise CommandExit(
                    ExitCode.USAGE,
                    "No terminal to ask on: nothing was deleted. Pass --yes to delete "
                    "without asking.",
                )
            if not answer:
                raise CommandExit(ExitCode.FAILED, "Cancelled: nothing was deleted.")
        return await _delete_each(client, items, catalog)


async def _read_first(client: WaldurClient, uuids: tuple[str, ...]) -> tuple[list[Listed], Any]:
    import asyncio

    from policytui.api import errors
    from policytui.api.parsing import parse_policy
    from policytui.cli.reading import Listed, load_catalog

    found = await asyncio.gather(
        *(client.policies.get_raw(u) for u in uuids), load_catalog(client), return_exceptions=True
    )
    *raws, catalog = found
    missing = [u for u, r in zip(uuids, raws, strict=True) if isinstance(r, errors.NotFound)]
    if missing:
        lines = "\n".join(f"  {u}" for u in missing)
        raise CommandExit(
            ExitCode.SERVER,
            f"Not found (or not yours to see), so nothing was deleted:\n{lines}",
        )
    for outcome in found:
        if isinstance(outcome, BaseException):
            raise outcome
    return [Listed(raw, parse_policy(raw)) for raw in raws], catalog


async def _delete_each(client: WaldurClient, items: list[Listed], catalog: Catalog) -> int:
    from policytui.api import errors
    from policytui.cli.output import OutputFailed, to_stdout
    from policytui.cli.policy_views import offering_name

    outcomes: list[Outcome] = []
    for index, item in enumerate(items):
        uuid = item.policy.uuid
        name = offering_name(item, catalog)
        problem: errors.WaldurError | None = None
        try:
            await client.policies.delete(uuid)
        except errors.AuthenticationError as exc:
            print(f"failed {uuid}: {exc}", flush=True)
            for rest in items[index + 1 :]:
                print(f"not attempted {rest.policy.uuid}", flush=True)
            raise CommandExit(
                ExitCode.NOT_SIGNED_IN,
                f"Stopped: the token was rejected (401). {_tally(outcomes, len(items))}",
            ) from None
        except errors.WaldurError as exc:
            problem = exc
        outcome = await _read_back(client, uuid, name, problem)
        outcomes.append(outcome)
        try:
            with to_stdout():
                print(outcome.line, flush=True)
        except OutputFailed as failed:
            # What cannot be reported is not done: the rest are not sent, and what was
            # done goes to stderr instead.
            lines = [str(failed), *(o.line for o in outcomes)]
            lines.extend(f"not attempted {rest.policy.uuid}" for rest in items[index + 1 :])
            lines.append(_tally(outcomes, len(items)))
            raise CommandExit(ExitCode.OUTPUT, "\n".join(lines)) from None
    print(_tally(outcomes, len(items)), file=sys.stderr)
    return int(ExitCode.OK if all(o.deleted for o in outcomes) else ExitCode.FAILED)


async def _read_back(
    client: WaldurClient, uuid: str, name: str, problem: Exception | None
) -> Outcome:
    """Whether the policy is gone: a 404 on reading it is the only proof."""
    from policytui.api import errors

    try:
        await client.policies.get_raw(uuid)
    except errors.NotFound:
        if problem is None:
            return Outcome(uuid, True, f"deleted {uuid} ({name})")
        if isinstance(problem, errors.NotFound):
            return Outcome(uuid, False, f"failed {uuid}: already gone (deleted meanwhile?)")
        return Outcome(
            uuid, True, f"deleted {uuid} ({name}): the server answered {problem}, but it is gone"
        )
    except errors.WaldurError as exc:
        said = f"{problem}; " if problem else "the DELETE was answered, but "
        return Outcome(
            uuid, problem is None, f"{'deleted' if problem is None else 'failed'} {uuid}: "
            f"{said}reading it back failed ({exc}), so whether it is gone is not confirmed",
        )  # fmt: skip
    reason = f"{problem}; it is still there" if problem else "still there after the DELETE"
    return Outcome(uuid, False, f"failed {uuid}: {reason}")


def _tally(outcomes: list[Outcome], total: int) -> str:
    done = sum(1 for o in outcomes if o.deleted)
    return f"Deleted {done} of {total}."
