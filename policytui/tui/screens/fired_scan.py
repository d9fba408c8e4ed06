"""The fired view's walk over every page, run off the UI thread (and, when the helper
process is there, out of the UI process: :func:`relay_helper_scan`).

The server cannot filter by ``has_fired``, so the fired view reads every page. With
100 000 policies that is hundreds of pages of JSON to parse; done on the UI's event loop
it would make every keypress wait behind a page. So the walk runs in a thread worker
with its own event loop and its own client (same session), keeps only fired policies,
turns them into rows there, and reports in batches a few times a second.

Pages come raw (decoded JSON, not models): about six policies in seven never fired, and
validating each of them into a model was most of the scan's CPU, time the UI thread then
waited for the interpreter lock (keys lagged by hundreds of milliseconds). A policy is
validated only when it fired or carries a firing time; for the rest its fired state is
read straight from the JSON.

The scan also gives way to the user: the interpreter runs one thread at a time, so a
page being read while a key is handled makes that key wait. While keys are coming the
scan pauses between pages (sleeping, so the UI thread has the interpreter to itself),
and a batch of new rows (a repaint of the whole table) waits for a pause in typing or
at most ``MAX_REPORT_HOLD`` seconds. A user holding a key thus slows the scan down; a
user reading the list does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policytui.tui.widgets.policy_rows import PolicyRow

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.auth.session import Session
    from policytui.scan_service import ScanService
    from policytui.tui.catalog import Catalog

FiredState = tuple[bool, datetime | None]

#: Read no page until the user has been still this long (a keypress is handled by then).
INPUT_QUIET_SECONDS = 0.05
#: Deliver a batch of new rows only after this long without input...
REPORT_QUIET_SECONDS = 0.3
#: ...or once it has waited this long, so rows still arrive during long key repeats.
MAX_REPORT_HOLD = 2.0
#: A key held down (auto-repeat) pauses the scan at most this long before the next page.
MAX_PAUSE_SECONDS = 1.0

_gc_lock = threading.Lock()
_gc_scans = 0
_gc_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def _no_full_collections() -> Iterator[None]:
    """No oldest-generation garbage collections while a scan runs.

    A scan of 100 000 policies leaves millions of long-lived objects (fired states, rows)
    and allocates fast, so full collections came every second or two, each holding the
    interpreter for ~300 ms: keys waited that long. Young generations are still collected
    (cycles made meanwhile are short-lived); the full collection happens after the scan.

    Nothing is frozen (``gc.freeze``) at the end: that once moved every object alive at
    the time, widgets and screens included, out of the collector's reach for good, and
    the soak (bench/soak.py) found the ones closed later piling up as garbage
    (tests/tui/test_fired_scan_memory.py). With the scan in the helper process the rows
    the UI keeps are few objects each (their models are built on demand), so the one
    full collection after a scan is short.
    """
    global _gc_scans, _gc_saved
    with _gc_lock:
        if _gc_scans == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(_gc_saved[0], _gc_saved[1], 1_000_000)
        _gc_scans += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_scans -= 1
            if _gc_scans == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)


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
    idle_seconds: Callable[[], float] | None = None,
) -> ScanProgress | None:
    """Walk every page; ``report`` batches as they come; None when cancelled.

    The cancel flag is polled while requests are in flight too, so leaving the fired
    view (or quitting) does not wait for a slow server to answer the next page.
    ``idle_seconds`` (time since the user's last input) makes the scan give way to keys.
    """
    walk = asyncio.ensure_future(
        _walk(
            session,
            scope_uuid,
            build,
            report,
            cancelled,
            flush_seconds,
            idle_seconds or (lambda: float("inf")),
        )
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
    idle_seconds: Callable[[], float],
) -> ScanProgress | None:
    progress = ScanProgress()
    with _no_full_collections():
        return await _walk_pages(
            session, scope_uuid, build, report, cancelled, flush_seconds, idle_seconds, progress
        )


async def _walk_pages(
    session: Session,
    scope_uuid: str | None,
    build: Callable[[OfferingUsagePolicy], PolicyRow],
    report: Callable[[ScanProgress], None],
    cancelled: Callable[[], bool],
    flush_seconds: float,
    idle_seconds: Callable[[], float],
    progress: ScanProgress,
) -> ScanProgress | None:
    last_report = time.monotonic()
    async with session.client() as client:
        async for page in client.policies.walk_raw(scope_uuid=scope_uuid):
            _give_way(idle_seconds, cancelled)
            if cancelled():
                return None
            progress.pages += 1
            progress.page_count = max(page.page_count, progress.pages)
            progress.total = page.total
            for item in page.items:
                policy = _fired_policy(item, progress.states)
                if policy is not None and policy.has_fired:
                    progress.rows.append(build(policy))
                    progress.fired += 1
            waited = time.monotonic() - last_report
            if waited >= flush_seconds and (
                idle_seconds() >= REPORT_QUIET_SECONDS or waited >= MAX_REPORT_HOLD
            ):
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


def _fired_policy(
    item: dict[str, Any], states: dict[str, FiredState]
) -> OfferingUsagePolicy | None:
    """Note ``item``'s fired state; the validated policy when it may matter, else None.

    An item that plainly never fired (``has_fired`` false, no firing time, a string uuid)
    is not validated: the fired view does not show it. Anything else goes through the
    client's parser, so a bad fired policy is the client's own error, as in the paged view.
    """
    uuid = item.get("uuid")
    plainly_unfired = item.get("has_fired") is False and item.get("fired_datetime") is None
    if plainly_unfired and isinstance(uuid, str):
        states[uuid] = (False, None)
        return None
    # Imported here: this module is on the first page's path, pydantic is not (and only
    # the few items that may have fired get this far).
    from policytui.api.parsing import parse_policy

    policy = parse_policy(item)
    states[policy.uuid] = (policy.has_fired, policy.fired_datetime)
    return policy


def _give_way(idle_seconds: Callable[[], float], cancelled: Callable[[], bool]) -> None:
    """Sleep (this whole thread, its loop included) while the user is pressing keys.

    A blocking sleep, not ``asyncio.sleep``: responses arriving meanwhile wait in the
    socket instead of being parsed, so the UI thread really has the interpreter.
    """
    give_up = time.monotonic() + MAX_PAUSE_SECONDS
    while not cancelled() and time.monotonic() < give_up:
        quiet = idle_seconds()
        if quiet >= INPUT_QUIET_SECONDS:
            return
        time.sleep(min(INPUT_QUIET_SECONDS - quiet, 0.05) + 0.005)


def merge_progress(pending: ScanProgress, more: ScanProgress) -> ScanProgress:
    """Two consecutive reports as one: counts from the later, rows and states of both."""
    more.rows[:0] = pending.rows
    pending.states.update(more.states)
    more.states = pending.states
    return more


def relay_helper_scan(
    service: ScanService,
    session: Session,
    scope_uuid: str | None,
    catalog: Catalog | None,
    now: datetime,
    *,
    report: Callable[[ScanProgress], None],
    cancelled: Callable[[], bool],
    idle_seconds: Callable[[], float],
    flush_seconds: float,
) -> None:
    """Run the scan in the helper process (policytui.scan_service); hand ``report`` its
    batches by the same rules as the in-process scan: after ``flush_seconds``, and while
    the user types only once they pause or ``MAX_REPORT_HOLD`` has passed. The scan's
    CPU is the helper's; this thread only gives way to keys before reading the next
    report. Raises :class:`~policytui.scan_service.HelperGone` when the helper stops
    before the end (after reporting what it had sent)."""
    from policytui.scan_service import HelperGone

    # The rows received pile up here as in a local scan: no full collections meanwhile.
    with _no_full_collections():
        pending: ScanProgress | None = None
        last = time.monotonic()
        try:
            for progress in service.scan(session, scope_uuid, catalog, now, cancelled):
                pending = progress if pending is None else merge_progress(pending, progress)
                # While keys come, read nothing: unpickling rows would take the interpreter
                # from the UI thread; the helper waits once the pipe is full.
                _give_way(idle_seconds, cancelled)
                waited = time.monotonic() - last
                if pending.done or (
                    waited >= flush_seconds
                    and (idle_seconds() >= REPORT_QUIET_SECONDS or waited >= MAX_REPORT_HOLD)
                ):
                    report(pending)
                    pending = None
                    last = time.monotonic()
        except HelperGone:
            # What the helper sent before it went is real: shown, then the caller finishes.
            if pending is not None and not cancelled():
                report(pending)
            raise
