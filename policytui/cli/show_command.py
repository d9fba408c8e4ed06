"""`policytui show UUID`: one policy with its offering, groups and components named, the
units, and usage against each limit (which the server checks: only the first).

A uuid the server does not have, or that the user may not see (the server says 404 for
both), is exit 4 with one line saying so; a malformed one never reaches the server
(argparse, exit 2).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from policytui.cli.connect import CommandExit, session_for
from policytui.cli.exit_codes import ExitCode
from policytui.cli.policy_args import ShowRequest

if TYPE_CHECKING:
    from policytui.api import WaldurClient
    from policytui.auth.settings import Settings


def not_found(uuid: str) -> str:
    return f"No policy {uuid}: the server has none by that uuid, or you may not see it."


def cmd_show(request: ShowRequest, settings: Settings) -> int:
    import asyncio

    session = session_for(settings)
    return asyncio.run(_run(request, session.client()))


async def _run(request: ShowRequest, client: WaldurClient) -> int:
    import asyncio

    from policytui.api import errors
    from policytui.api.parsing import parse_policy
    from policytui.cli import formats
    from policytui.cli.policy_views import show_document
    from policytui.cli.reading import Listed, add_headroom, load_catalog, server_today

    async with client:
        # Both at once; both finish before the client closes, whichever fails.
        raw, catalog = await asyncio.gather(
            client.policies.get_raw(request.uuid), load_catalog(client), return_exceptions=True
        )
        if isinstance(raw, errors.NotFound):
            raise CommandExit(ExitCode.SERVER, not_found(request.uuid))
        for outcome in (raw, catalog):
            if isinstance(outcome, BaseException):
                raise outcome
        item = Listed(raw, parse_policy(raw))
        await add_headroom(client, [item], catalog, server_today(request.today))
    from policytui.cli.output import to_stdout

    document = show_document(item, catalog)
    with to_stdout():
        if request.output == "json":
            formats.write_json(sys.stdout, document)
        else:
            formats.write_yaml(sys.stdout, document)
        sys.stdout.flush()
    return int(ExitCode.OK)
