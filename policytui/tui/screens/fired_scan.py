"""The fired view's walk over every page, run off the UI thread.

The server cannot filter by ``has_fired``, so the fired view reads every page. With
100 000 policies that is hundreds of pages of JSON to parse; done on the UI's event loop
it would make every keypress wait behind a page. So the walk runs in a thread worker
with its own event loop and its own client (same session), keeps only fired policies,
turns them into rows there, and reports in batches a few times a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from policytui.api import OfferingUsagePolicy
from policytui.session import Session
from policytui.tui.widgets.policy_rows import PolicyRow

FiredState = tuple[bool, datetime | None]


@dataclass(slots=True)
class ScanProgress:
    pages: int = 0
    page_count: int = 0
    total: int | None = None
    fired: int = 0
    #: Fired policies found since the last report, as rows.
    rows: list[PolicyRow] = field(default_factory=list)
    #: The fired state of every policy read since the last report (for change marks).
    states: dict[str, FiredState] = field(default_factory=dict)
    done: bool = False


async def scan_fired(
    session: Session,
    scope_uuid: str | None,
    *,
    build: Callable[[OfferingUsagePolicy], PolicyRow],
    report: Callable[[ScanProgress], None],
    cancelled: Callable[[], bool],
    flush_seconds: float = 0.25,
    poll_seconds: float = 0.1,
) -> ScanProgress | None:
    """Walk every page; ``report`` batches as they come; None when cancelled.

    The cancel flag is polled while requests are in flight too, so leaving the fired
    view (or quitting) does not wait for a slow server to answer the next page.
    """
    walk = asyncio.ensure_future(
        _walk(session, scope_uuid, build, report, cancelled, flush_seconds)
    )
    while not walk.done():
        await asyncio.wait({walk}, timeout=poll_seconds)
        if cancelled() and not walk.done():
            walk.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await walk
            return None
    return walk.result()


async def _walk(
    session: Session,
    scope_uuid: str | None,
    build: Callable[[OfferingUsagePolicy], PolicyRow],
    report: Callable[[ScanProgress], None],
    cancelled: Callable[[], bool],
    flush_seconds: float,
) -> ScanProgress | None:
    progress = ScanProgress()
    last_report = time.monotonic()
    async with session.client() as client:
        async for page in client.policies.walk(scope_uuid=scope_uuid):
            if cancelled():
                return None
            progress.pages += 1
            progress.page_count = max(page.page_count, progress.pages)
            progress.total = page.total
            for policy in page.items:
                progress.states[policy.uuid] = (policy.has_fired, policy.fired_datetime)
                if policy.has_fired:
                    progress.rows.append(build(policy))
                    progress.fired += 1
            if time.monotonic() - last_report >= flush_seconds:
                last_report = time.monotonic()
                report(progress)
                progress = ScanProgress(
                    pages=progress.pages,
                    page_count=progress.page_count,
                    total=progress.total,
                    fired=progress.fired,
                )
    progress.done = True
    return progress
