"""The helper process: forked at start-up, it fetches the first page, then runs fired scans.

Time to first page is mostly the UI process importing Textual (a third of a second of
one core) and only then sending its first requests. The machine's other core sits idle
meanwhile. :func:`start` forks a helper before Textual is imported; the helper sends the
start-up GETs the list screen is about to make (page 1 at the page size that fits the
terminal, the catalog of offerings, groups and actions, and page 2 when there is one)
through the same client code, and streams each answer back over a pipe
(:mod:`policytui.api.replay`). By the time the list screen asks, the answers are there.
After that it waits for fired scans to run (:mod:`policytui.scan_service`), so their
parsing never competes with the UI thread, and it ends when the UI closes its pipe.

The helper is forked only when that is safe and useful: the process still has a single
thread (so no lock can be held by a thread that does not exist in the child), ``fork``
exists, and ``POLICYTUI_NO_PREFETCH`` is unset; otherwise both jobs are done in the UI
process as before. It never writes to the terminal, sends only GETs (start-up: one
attempt each, errors are left to the UI, which retries as it always does; the start-up
part gives up after :data:`CHILD_DEADLINE` seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytui.api.pagination import Page
    from policytui.api.replay import StartupRecording
    from policytui.auth.session import Session
    from policytui.scan_service import ScanService
    from policytui.tui.widgets.policy_rows import PolicyRow

#: Lines of the list screen that are not table rows (header bar, column titles, status,
#: footer): the first page's size is the terminal's height minus these.
CHROME_LINES = 4
#: The child's whole life, at most (a hung server must not keep it around).
CHILD_DEADLINE = 20.0


def fitted_page_size(terminal_lines: int) -> int:
    """How many policies fit on the list screen of a terminal this tall."""
    return max(3, terminal_lines - CHROME_LINES)


def terminal_lines() -> int | None:
    """The controlling terminal's height, as Textual will see it; ``None`` without one."""
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            return os.get_terminal_size(stream.fileno()).lines  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            continue
    return None


@dataclass(frozen=True, slots=True)
class FirstPage:
    """Page 1 as the list screen shows it, built by the helper with the catalog's names.

    The UI paints these rows before it imports pydantic and httpx (a quarter of a second
    of its one thread); each row carries its policy as JSON and builds the model only
    when something asks for it (:class:`~policytui.tui.widgets.policy_rows.PolicyRow`).
    """

    #: The page's numbers and links; its ``items`` are empty (the rows hold the policies).
    page: Page[Any]
    rows: list[PolicyRow]


@dataclass(frozen=True, slots=True)
class Helper:
    """The helper process as the UI sees it: its start-up answers and its scan service."""

    recording: StartupRecording
    scans: ScanService


def start(session: Session, page_size: int | None = None) -> Helper | None:
    """Fork the helper that fetches the start-up answers; ``None`` when it is not done.

    ``page_size`` is ``--page-size`` when given; otherwise the size that fits the terminal.
    """
    if os.environ.get("POLICYTUI_NO_PREFETCH") or not hasattr(os, "fork"):
        return None
    if page_size is not None and page_size <= 0:
        page_size = None  # the app ignores a size that is not positive: fit the screen
    for thread in threading.enumerate():
        if thread.name == "policytui-keyring":
            thread.join(0.2)  # a keyring read that has answered is finishing up
    if threading.active_count() > 1:
        return None  # forking a threaded process can copy a lock that is held forever
    if page_size is None:
        lines = terminal_lines()
        if lines is None:
            return None
        page_size = fitted_page_size(lines)

    from policytui.api.replay import StartupRecording
    from policytui.scan_service import InputClock, ScanService

    input_clock = InputClock()

    startup_read, startup_write = os.pipe()
    command_read, command_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        code = 1
        try:
            for fd in (startup_read, command_write, result_read):
                os.close(fd)
            _silence_stdio()
            _prefetch(session, page_size, startup_write)
            from policytui.scan_service import serve

            # From here on the helper is background work: when the CPU is contended the
            # scheduler runs the UI first, so a scan never delays a keypress.
            with contextlib.suppress(OSError):
                os.nice(10)

            serve(command_read, result_write, input_clock)
            code = 0
        finally:
            os._exit(code)
    for fd in (startup_write, command_read, result_write):
        os.close(fd)
    return Helper(
        StartupRecording(startup_read),
        ScanService(command_write, result_read, pid, input_clock),
    )


def _silence_stdio() -> None:
    """The terminal belongs to the UI: the child's stdin, stdout and stderr go nowhere."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _prefetch(session: Session, page_size: int, write_fd: int) -> None:  # pragma: no cover
    from policytui.api.replay import FrameWriter
    from policytui.api.replay_http import RecordingTransport

    writer = FrameWriter(write_fd)
    client = session.client(
        max_retries=0,
        wrap_transport=lambda network: RecordingTransport(network(), writer),
    )

    async def fetch() -> None:
        from datetime import UTC, datetime

        from policytui.api.pagination import Page
        from policytui.tui.catalog import Catalog
        from policytui.tui.widgets.policy_rows import build_row

        async with client:
            first, catalog = await asyncio.gather(
                client.policies.list(page=1, page_size=page_size),
                Catalog().load(client),
                return_exceptions=True,
            )
            if isinstance(first, BaseException):
                return
            if isinstance(catalog, Catalog):
                # Without the catalog the rows would show component types, then change
                # to names: the UI builds that case itself, once.
                now = datetime.now(UTC)
                rows = [build_row(policy, catalog, now) for policy in first.items]
                meta = Page([], first.page, first.page_size, first.total, first.links)
                writer.write(FirstPage(meta, rows))
            if first.has_next:
                await client.policies.list(page=2, page_size=page_size)

    try:
        asyncio.run(asyncio.wait_for(fetch(), CHILD_DEADLINE))
    except BaseException:  # whatever happened, the UI asks for itself
        pass
    finally:
        os.close(write_fd)
