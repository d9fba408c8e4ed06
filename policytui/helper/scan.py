"""The fired scan's engine: a walk over every page that keeps the fired policies, as
rows, in batches. The same code runs in the helper process and, without one (or once it
has died), in a thread of the UI process (:mod:`policytui.helper.work`).

The server cannot filter by ``has_fired``, so the fired view reads every page. With
100 000 policies that is hundreds of pages of JSON to parse; done on the UI's event loop
it would make every keypress wait behind a page. So the walk runs on an event loop of
its own with its own client (same session), keeps only fired policies, turns them into
rows there, and yields batches a few times a second.

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

A batch is yielded with the walk suspended: until the consumer asks for the next one
(having painted this one, or written it to the pipe) no page is parsed, so the two never
compete for the interpreter.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from policytui.helper.events import FiredState, ScanProgress
from policytui.helper.full_collections import HELD_BY_A_SCAN

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.api.client import BodyReader
    from policytui.auth.session import Session
    from policytui.query import PolicyFacts
    from policytui.tui.rows import PolicyRow

__all__ = [
    "FiredState",
    "ScanProgress",
    "consume_in_thread",
    "give_way",
    "merge_progress",
    "no_full_collections",
    "scan_fired",
]

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
def no_full_collections() -> Iterator[None]:
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
            gc.set_threshold(_gc_saved[0], _gc_saved[1], HELD_BY_A_SCAN)
        _gc_scans += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_scans -= 1
            # Restored unless someone set another meanwhile (the app's idle collector,
            # tui/idle_collect.py, takes full collections over once it runs).
            held = gc.get_threshold()[2] == HELD_BY_A_SCAN
            if _gc_scans == 0 and _gc_saved is not None and held:
                gc.set_threshold(*_gc_saved)


@contextlib.contextmanager
def collector_off_for_the_fill() -> Iterator[None]:
    """No garbage collection during the helper's index fill: one at its end.

    The fill makes ~20 tracked objects a policy, all freed by reference counting as
    each batch is sent. Its only cyclic garbage was httpx's: a response and its stream
    point at each other, so every page's body (~0.3 MB) waited for the collector. The
    client now lets go of a read response's stream (``api/client.py``, ``_let_go``), so
    nothing of a page outlives its batch, and the collections (between batches, with
    ``gc.freeze`` so each walked only the last batch) were ~0.6 s of the helper's ~4.5 s
    of CPU a fill of 100 000 for nothing. What the helper held before the fill (the app
    it was forked from) is frozen meanwhile, so the one collection at the end walks the
    fill's own objects only. The helper process only (it draws nothing, and runs one
    scan at a time): the collector is off for its whole process meanwhile, and as it
    was after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        # The fill's own cycles (the client's few), freed now, not at some later full
        # collection of an idle helper; then what was frozen is back in reach.
        gc.collect()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


async def scan_fired(
    session: Session,
    scope_uuid: str | None,
    *,
    build: Callable[[OfferingUsagePolicy], PolicyRow],
    cancelled: Callable[[], bool],
    flush_seconds: float = 0.25,
    poll_seconds: float = 0.1,
    idle_seconds: Callable[[], float] | None = None,
    facts: Callable[[OfferingUsagePolicy], PolicyFacts] | None = None,
    full_collections: bool = False,
    keep_page: Callable[[list[dict[str, Any]], ScanProgress], None] | None = None,
    read_body: BodyReader | None = None,
) -> AsyncGenerator[ScanProgress, None]:
    """Walk every page, yielding batches as they come; the last has ``done`` set. A
    cancelled scan ends without a ``done`` batch.

    With ``facts`` the walk keeps every policy, not only the fired ones: each becomes a
    row and its filter facts (``ScanProgress.facts``, in the order of ``rows``), for the
    index of every policy (:mod:`policytui.tui.policy_index`). It is the same walk with
    the same pacing; only what it keeps differs.

    The cancel flag is polled while requests are in flight too, so leaving the fired
    view (or quitting) does not wait for a slow server to answer the next page.
    ``idle_seconds`` (time since the user's last input) makes the scan give way to keys.

    A batch is yielded from the walk itself, in the consumer's task: the consumer has it
    at once, before the event loop runs again (and with it the parsing of pages that
    arrived meanwhile), as when batches were handed to a callback.

    ``full_collections``: leave the garbage collector as it is (the helper process: its
    collections pause its walk, never a key, and it keeps nothing across batches, so
    they are short; held off there, the cyclic garbage of a 100 000-policy walk piled up
    to ~85 MB of its peak); with ``keep_page`` too (the helper's index fill) none run
    until its end (:func:`collector_off_for_the_fill`). Otherwise no full collection
    runs during the walk (:func:`no_full_collections`).

    ``keep_page`` keeps every policy too, a page at a time, from its JSON objects (the
    helper's index fill, :class:`policytui.helper.index_page.IndexReader`: no model per
    policy); ``build`` and ``facts`` are then not used. ``read_body`` makes a page's
    items of its body (the index fill's :func:`policytui.helper.page_structs.read_page`).
    """
    idle = idle_seconds or (lambda: float("inf"))
    with (
        collector_off_for_the_fill()
        if full_collections and keep_page is not None
        else contextlib.nullcontext()
        if full_collections
        else no_full_collections()
    ):
        progress = ScanProgress()
        last_report = time.monotonic()
        # Every page over PageTransport: the walk is most of a scan's CPU.
        async with session.client(page_transport=True) as client:
            pages = client.policies.walk_raw(scope_uuid=scope_uuid, read_body=read_body)
            try:
                while True:
                    page = await _next_page(pages, cancelled, poll_seconds)
                    if page is _CANCELLED:
                        return
                    if page is _END:
                        break
                    give_way(idle, cancelled)
                    if cancelled():
                        return
                    progress.pages += 1
                    progress.page_count = max(page.page_count, progress.pages)
                    progress.total = page.total
                    if keep_page is not None:
                        keep_page(page.items, progress)
                    elif facts is not None:
                        _keep_every(page.items, progress, build, facts)
                    else:
                        for item in page.items:
                            policy = _fired_policy(item, progress.states)
                            if policy is not None and policy.has_fired:
                                progress.rows.append(build(policy))
                                progress.fired += 1
                    waited = time.monotonic() - last_report
                    if waited >= flush_seconds and (
                        idle() >= REPORT_QUIET_SECONDS or waited >= MAX_REPORT_HOLD
                    ):
                        yield progress
                        progress = ScanProgress(
                            pages=progress.pages,
                            page_count=progress.page_count,
                            total=progress.total,
                            fired=progress.fired,
                        )
                        last_report = time.monotonic()
            finally:
                await pages.aclose()
        progress.done = True
        yield progress


T = TypeVar("T")
#: What :func:`_next` returns at the end (a coroutine cannot raise StopAsyncIteration).
_END: Any = object()
#: What :func:`_next_page` returns when the scan was cancelled while it waited.
_CANCELLED: Any = object()


async def _next(items: AsyncIterator[T]) -> T:
    try:
        return await anext(items)
    except StopAsyncIteration:
        return _END  # type: ignore[no-any-return]


async def _next_page(
    pages: AsyncIterator[T], cancelled: Callable[[], bool], poll_seconds: float
) -> T:
    """The next page (``_END`` after the last), looking at ``cancelled()`` every
    ``poll_seconds`` while it is on its way (``_CANCELLED``: given up)."""
    step = asyncio.ensure_future(_next(pages))
    while not step.done():
        await asyncio.wait({step}, timeout=poll_seconds)
        if cancelled() and not step.done():
            step.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await step
            return _CANCELLED  # type: ignore[no-any-return]
    return step.result()


async def _close(items: AsyncGenerator[T, None]) -> None:
    await items.aclose()


def consume_in_thread(items: AsyncGenerator[T, None]) -> Iterator[T]:
    """``items`` as a plain iterator, for a thread with no event loop: each item is awaited
    on an event loop of the thread's own, which stands still between items (nothing is
    read or parsed while the consumer handles one). Closing the iterator closes
    ``items`` and the loop."""
    with asyncio.Runner() as runner:
        try:
            while (item := runner.run(_next(items))) is not _END:
                yield item
        finally:
            runner.run(_close(items))


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


def _keep_every(
    items: list[dict[str, Any]],
    progress: ScanProgress,
    build: Callable[[OfferingUsagePolicy], PolicyRow],
    facts: Callable[[OfferingUsagePolicy], PolicyFacts],
) -> None:
    """Every policy of a page as a row and its facts (the index keeps them all)."""
    from policytui.api.parsing import parse_policy

    states, rows, kept = progress.states, progress.rows, progress.facts
    for item in items:
        policy = parse_policy(item)
        states[policy.uuid] = (policy.has_fired, policy.fired_datetime)
        rows.append(build(policy))
        kept.append(facts(policy))
        if policy.has_fired:
            progress.fired += 1


def give_way(idle_seconds: Callable[[], float], cancelled: Callable[[], bool]) -> None:
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
    """Two consecutive reports as one: counts from the later, rows, facts and states of both."""
    more.rows[:0] = pending.rows
    more.facts[:0] = pending.facts
    pending.states.update(more.states)
    more.states = pending.states
    return more
