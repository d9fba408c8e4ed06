"""The helper's start-up fetch: the GETs the list screen is about to make, sent first.

Page 1 at the page size that fits the terminal, the catalog of offerings, groups and
actions, and page 2 when there is one, through the same client code as the UI's; each
answer is recorded onto the start-up pipe (:class:`~policytui.helper.transport.
RecordingTransport`) for the UI's first client to replay.

Page 1 crosses the pipe once: as the rows of a :class:`~policytui.helper.events.FirstPage`
when the catalog loaded too (the UI paints them before it has imported its client), and
only otherwise as the recorded answer (without the catalog the rows would show component
types, then change to names: the UI builds that case itself, once).

One attempt each (errors are left to the UI, which retries as it always does), and the
whole fetch gives up after :data:`DEADLINE` seconds: a hung server must not keep the
helper from its next job.
"""

from __future__ import annotations

import asyncio
import os
from contextvars import ContextVar
from typing import TYPE_CHECKING

from policytui.helper.recording import FrameWriter

if TYPE_CHECKING:
    from policytui.auth.session import Session
    from policytui.helper.messages import Recorded

#: The start-up fetch's whole life, at most.
DEADLINE = 20.0

#: Set in the task that fetches page 1: its answer is held back until it is known
#: whether the rows will carry it instead.
_HELD: ContextVar[list[Recorded] | None] = ContextVar("policytui_held_answers", default=None)


class _Recorder:
    """The recording transport's sink: onto the pipe, or held while ``_HELD`` says so."""

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer

    def write(self, recorded: Recorded) -> None:
        held = _HELD.get()
        if held is not None:
            held.append(recorded)
        else:
            self._writer.write(recorded)


def fetch_startup(session: Session, page_size: int, write_fd: int) -> None:  # pragma: no cover
    """Fetch and send the start-up answers, then close the pipe (the UI then knows
    nothing more will come). Runs in the helper; never raises."""
    from policytui.helper.transport import RecordingTransport

    writer = FrameWriter(write_fd)
    recorder = _Recorder(writer)
    client = session.client(
        max_retries=0,
        wrap_transport=lambda network: RecordingTransport(network(), recorder),
    )
    held: list[Recorded] = []

    async def first_page():  # type: ignore[no-untyped-def]
        _HELD.set(held)  # this task's answers only (gather runs it in a task of its own)
        return await client.policies.list(page=1, page_size=page_size)

    async def fetch() -> None:
        from datetime import UTC, datetime

        from policytui.api.pagination import Page
        from policytui.helper.events import FirstPage
        from policytui.tui.catalog import Catalog
        from policytui.tui.rows import build_row

        async with client:
            first, catalog = await asyncio.gather(
                first_page(), Catalog().load(client), return_exceptions=True
            )
            if isinstance(first, BaseException):
                return
            if isinstance(catalog, Catalog):
                now = datetime.now(UTC)
                rows = [build_row(policy, catalog, now) for policy in first.items]
                meta = Page([], first.page, first.page_size, first.total, first.links)
                writer.write(FirstPage(meta, rows, page_size))
            else:
                for recorded in held:  # the UI builds the rows itself, from this answer
                    writer.write(recorded)
            if first.has_next:
                await client.policies.list(page=2, page_size=page_size)

    try:
        asyncio.run(asyncio.wait_for(fetch(), DEADLINE))
    except BaseException:  # whatever happened, the UI asks for itself
        pass
    finally:
        os.close(write_fd)
