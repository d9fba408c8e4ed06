"""The one interface the app has to its background work, and its two implementations.

``policytui.tui.run`` chooses once: :func:`~policytui.helper.fork.fork_helper` gives a
:class:`Forked` when a helper process can be forked, else the app gets
:class:`InProcess`. The app and its screens use only :class:`Work`; which one is behind
it changes how fast things are, never what the user sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from policytui.helper.events import FirstPage, ScanEvent, ScanFailed, ScanProgress, ScanResumed
from policytui.helper.recording import StartupRecording, mark_startup_requests
from policytui.helper.scan import (
    MAX_REPORT_HOLD,
    REPORT_QUIET_SECONDS,
    consume_in_thread,
    give_way,
    merge_progress,
    no_full_collections,
    scan_fired,
)
from policytui.helper.scan_pipe import HelperGone, ScanClient

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy, WaldurClient
    from policytui.auth.session import Session
    from policytui.query import PolicyFacts
    from policytui.tui.catalog import Catalog
    from policytui.tui.rows import PolicyRow

__all__ = ["FirstPage", "Forked", "InProcess", "ScanEvent", "Work"]


class Work(Protocol):
    """What the app asks of its background work."""

    async def first_page(self) -> FirstPage | None:
        """Page 1's rows, built in the background at start-up; ``None`` when there are
        none (no helper, it failed, or they were asked for once already), and the
        caller loads page 1 itself.

        Call it from the task that makes the start-up load: that task's requests, and
        those of the tasks it starts, are the start-up requests the helper's recording
        may answer (a refresh or anything else the user asks for goes to the server).
        """
        ...

    def client(self, session: Session) -> WaldurClient:
        """The app's client for ``session`` (the first one answers the start-up
        requests from the helper's recording, once each)."""
        ...

    def scan_fired(
        self,
        session: Session,
        scope_uuid: str | None,
        *,
        catalog: Catalog,
        now: datetime,
        cancelled: Callable[[], bool],
        idle_seconds: Callable[[], float],
        flush_seconds: float,
        keep_all: bool = False,
    ) -> Iterator[ScanEvent]:
        """Scan every page for fired policies: batches, the last with ``done`` set,
        at most every ``flush_seconds`` and while the user types (``idle_seconds`` is
        the time since their last input) only once they pause or ``MAX_REPORT_HOLD``
        has passed. A scan cut short by the helper's end yields :class:`ScanResumed`
        and goes on here; one that stops for good ends with :class:`ScanFailed`; a
        cancelled one ends without a ``done`` batch.

        ``catalog`` may still be loading: rows are built with names once it has loaded.
        ``keep_all``: the same walk keeps every policy, as a row with its filter facts
        (the index of every policy), not only the fired ones.
        Iterate it in a thread of its own: it blocks.
        """
        ...

    def note_input(self, at: float) -> None:
        """The user pressed a key or used the mouse at ``at`` (``time.monotonic``)."""
        ...

    def close(self) -> None:
        """The app is done: end whatever runs in the background (never hangs)."""
        ...


class InProcess:
    """The work done in the UI process: the list screen loads page 1 itself, and a
    fired scan runs in the calling thread on an event loop of its own."""

    async def first_page(self) -> FirstPage | None:
        return None

    def client(self, session: Session) -> WaldurClient:
        return session.client()

    def scan_fired(
        self,
        session: Session,
        scope_uuid: str | None,
        *,
        catalog: Catalog,
        now: datetime,
        cancelled: Callable[[], bool],
        idle_seconds: Callable[[], float],
        flush_seconds: float,
        keep_all: bool = False,
    ) -> Iterator[ScanEvent]:
        return _scan_here(
            session, scope_uuid, catalog, now, cancelled, idle_seconds, flush_seconds, keep_all
        )

    def note_input(self, at: float) -> None:
        pass  # the scan here reads ``idle_seconds`` directly

    def close(self) -> None:
        pass


class Forked:
    """The work done by the helper process forked at start-up
    (:func:`~policytui.helper.fork.fork_helper`), and here once it has gone."""

    def __init__(self, recording: StartupRecording, scans: ScanClient) -> None:
        #: What the helper fetched at start-up, read from its pipe as it arrives.
        self.recording = recording
        #: The helper's fired scans (and its lifetime).
        self.scans = scans
        self._first_page_asked = False
        self._replaying = False

    async def first_page(self) -> FirstPage | None:
        mark_startup_requests()
        if self._first_page_asked:
            return None
        self._first_page_asked = True
        return await self.recording.wait_first_page()

    def client(self, session: Session) -> WaldurClient:
        if self._replaying:
            return session.client()
        self._replaying = True
        # Imported here: it needs httpx, which the UI loads only after the first paint.
        from policytui.helper.transport import ReplayTransport

        recording = self.recording
        return session.client(wrap_transport=lambda network: ReplayTransport(recording, network))

    def scan_fired(
        self,
        session: Session,
        scope_uuid: str | None,
        *,
        catalog: Catalog,
        now: datetime,
        cancelled: Callable[[], bool],
        idle_seconds: Callable[[], float],
        flush_seconds: float,
        keep_all: bool = False,
    ) -> Iterator[ScanEvent]:
        if not self.scans.gone:
            reported = False
            try:
                for batch in self._relay(
                    session,
                    scope_uuid,
                    catalog,
                    now,
                    cancelled,
                    idle_seconds,
                    flush_seconds,
                    keep_all,
                ):
                    reported = True
                    yield batch
                return
            except HelperGone:
                # The helper died mid-scan (killed, out of memory): what it sent is not
                # the answer. Finish here, reading every page again; the app says so
                # when it had shown some of the helper's rows, else it simply scans.
                if reported:
                    yield ScanResumed()
            except Exception as exc:
                yield ScanFailed(exc)
                return
        yield from _scan_here(
            session, scope_uuid, catalog, now, cancelled, idle_seconds, flush_seconds, keep_all
        )

    def _relay(
        self,
        session: Session,
        scope_uuid: str | None,
        catalog: Catalog,
        now: datetime,
        cancelled: Callable[[], bool],
        idle_seconds: Callable[[], float],
        flush_seconds: float,
        keep_all: bool,
    ) -> Iterator[ScanProgress]:
        """The helper's batches, merged by the same rules as a scan here. The scan's CPU
        is the helper's; this thread only gives way to keys before reading the next
        batch. Raises :class:`HelperGone` when the helper stops before the end (after
        yielding what it had sent)."""
        # The rows received pile up here as in a local scan: no full collections meanwhile.
        with no_full_collections():
            pending: ScanProgress | None = None
            last = time.monotonic()
            try:
                for progress in self.scans.scan(
                    session, scope_uuid, catalog, now, cancelled, keep_all=keep_all
                ):
                    pending = progress if pending is None else merge_progress(pending, progress)
                    # While keys come, read nothing: unpickling rows would take the
                    # interpreter from the UI thread; the helper waits once the pipe is full.
                    give_way(idle_seconds, cancelled)
                    waited = time.monotonic() - last
                    if pending.done or (
                        waited >= flush_seconds
                        and (idle_seconds() >= REPORT_QUIET_SECONDS or waited >= MAX_REPORT_HOLD)
                    ):
                        yield pending
                        pending = None
                        last = time.monotonic()
            except HelperGone:
                # What the helper sent before it went is real: shown, then finished here.
                if pending is not None and not cancelled():
                    yield pending
                raise

    def note_input(self, at: float) -> None:
        self.scans.input_clock.note(at)

    def close(self) -> None:
        self.scans.close()


def _scan_here(
    session: Session,
    scope_uuid: str | None,
    catalog: Catalog,
    now: datetime,
    cancelled: Callable[[], bool],
    idle_seconds: Callable[[], float],
    flush_seconds: float,
    keep_all: bool = False,
) -> Iterator[ScanEvent]:
    """The scan in the calling thread (with its own event loop and client)."""
    from policytui.query import FactsReader
    from policytui.tui.rows import build_row

    readers: dict[bool, FactsReader] = {}

    def build(policy: OfferingUsagePolicy) -> PolicyRow:
        return build_row(policy, catalog if catalog.loaded else None, now)

    def facts(policy: OfferingUsagePolicy) -> PolicyFacts:
        # A new reader once the catalog has loaded: the texts it shares carry its names.
        loaded = catalog.loaded
        reader = readers.get(loaded)
        if reader is None:
            reader = readers[loaded] = FactsReader(catalog if loaded else None)
        return reader(policy)

    try:
        yield from consume_in_thread(
            scan_fired(
                session,
                scope_uuid,
                build=build,
                cancelled=cancelled,
                flush_seconds=flush_seconds,
                idle_seconds=idle_seconds,
                facts=facts if keep_all else None,
            )
        )
    except Exception as exc:
        yield ScanFailed(exc)
