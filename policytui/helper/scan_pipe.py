"""A fired scan run in the helper process: both ends of its pipes.

A scan of 100 000 policies is seconds of HTTP, JSON decoding and validation. In a thread
of the UI process it competes with the UI thread for the interpreter lock, and a key
pressed meanwhile waits for it (keypress-to-repaint p95 ~60-80 ms, bench/responsiveness.py).
The helper forked at start-up therefore also runs scans: :class:`ScanClient` (in the UI)
sends it the session, the offering filter and the catalog; :func:`serve` (in the helper)
walks every page with the same engine as an in-process scan
(:func:`policytui.helper.scan.scan_fired`) and sends back batches of ready-made rows of
fired policies and the fired state of every policy read. The UI process's share is
unpickling about one policy in seven.

The messages are those of :mod:`policytui.helper.messages`. One scan at a time; the
helper ends when the UI closes its pipe. While the user types the UI stops reading (see
:meth:`policytui.helper.work.Forked.scan_fired`); the pipe fills and the helper waits,
so neither process competes with a keypress.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING

from policytui.helper import frames
from policytui.helper.events import ScanProgress
from policytui.helper.messages import (
    CancelScan,
    CatalogContents,
    CatalogLoaded,
    ScanEnded,
    ScanError,
    ScanReport,
    StartScan,
)

if TYPE_CHECKING:
    from policytui.auth.session import Session
    from policytui.helper.clock import InputClock
    from policytui.tui.catalog import Catalog

__all__ = ["HELPER_FLUSH_SECONDS", "HelperGone", "ScanClient", "serve"]

#: How often a waiting UI-side scan looks at its cancel flag.
_POLL_SECONDS = 0.1
#: The helper reports at most this often (the UI side batches further for the screen).
#: A batch of the index's fill is ~130 bytes a policy: at 0.1 s one outgrew the result
#: pipe (1 MiB, fork.RESULT_PIPE_BYTES) and the helper waited for the UI to read it;
#: at 0.05 s the fill of 100 000 ends ~0.07 s sooner (bench/index_scale.py).
HELPER_FLUSH_SECONDS = 0.05
_UNFIRED = (False, None)


class HelperGone(Exception):
    """The helper process is not there any more: scan in the UI process instead."""


class ScanClient:
    """The UI side: start a scan in the helper and iterate over its batches. Owns the
    helper's lifetime: :meth:`close` ends and reaps it."""

    def __init__(
        self, command_fd: int, result_fd: int, pid: int | None, input_clock: InputClock
    ) -> None:
        self._command_fd = command_fd
        self._result_fd = result_fd
        self._pid = pid
        #: When the user last pressed a key, shared with the helper.
        self.input_clock = input_clock
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.gone = False

    def scan(
        self,
        session: Session,
        scope_uuid: str | None,
        catalog: Catalog | None,
        now: datetime,
        cancelled: Callable[[], bool],
        *,
        keep_all: bool = False,
    ) -> Iterator[ScanProgress]:
        """Batches as the helper sends them; the last one has ``done`` set (``keep_all``:
        every policy as a row with its facts, for the index).

        ``catalog`` may still be loading: the helper is sent its contents once it has
        loaded, and builds named rows from then on.

        Returns without it when ``cancelled()`` turned true; raises the client's error
        when the scan failed, :class:`HelperGone` when the helper is not there.
        """
        # One conversation at a time: a scan being cancelled drains its last frames first.
        with self._lock:
            if self.gone:
                raise HelperGone
            scan_id = next(self._ids)
            start = StartScan(
                scan_id=scan_id,
                url=session.url,
                token=session.token.get_secret_value(),
                verify=session.verify,
                ca_bundle=session.ca_bundle,
                scope_uuid=scope_uuid,
                now=now,
                catalog=_contents(catalog),
                keep_all=keep_all,
            )
            later = catalog if start.catalog is None else None
            try:
                frames.send(self._command_fd, start)
                yield from self._results(scan_id, cancelled, later)
            except frames.PipeClosed:
                self.gone = True
                raise HelperGone from None

    def _results(
        self, scan_id: int, cancelled: Callable[[], bool], later: Catalog | None
    ) -> Iterator[ScanProgress]:
        from policytui.helper.index_batch import RECEIVED

        # What this scan's batches repeat is shared among them, then forgotten.
        RECEIVED.clear()
        try:
            yield from self._received(scan_id, cancelled, later)
        finally:
            RECEIVED.clear()

    def _received(
        self, scan_id: int, cancelled: Callable[[], bool], later: Catalog | None
    ) -> Iterator[ScanProgress]:
        cancel_sent = False
        while True:
            if later is not None and not cancel_sent and (contents := _contents(later)):
                frames.send(self._command_fd, CatalogLoaded(scan_id, contents))
                later = None
            if not cancel_sent and cancelled():
                frames.send(self._command_fd, CancelScan(scan_id))
                cancel_sent = True
            try:
                ready, _, _ = select.select([self._result_fd], [], [], _POLL_SECONDS)
            except (OSError, ValueError):  # closed under us: the app is quitting
                raise frames.PipeClosed("closed") from None
            if not ready:
                continue
            with _made_to_stay() as kept:
                message = frames.receive(self._result_fd)
                progress = None
                if (
                    isinstance(message, ScanReport | ScanEnded)
                    and message.scan_id == scan_id
                    and message.progress is not None
                    and not cancel_sent
                ):
                    kept.append(message.progress.index is not None)
                    progress = _expand(message.progress, message.unfired)
            if message.scan_id != scan_id:
                continue  # the tail of a scan given up earlier
            if progress is not None:
                yield progress
            if isinstance(message, ScanEnded):
                return
            elif isinstance(message, ScanError):
                raise _rebuild_error(message)

    def close(self, wait: float = 2.0) -> None:
        """End the helper and reap it: both pipes closed, so a helper waiting for a
        command sees the end of it and one in the middle of a scan (blocked on a full
        pipe nobody reads) fails its next write; killed if it is still there after
        ``wait`` seconds, so quitting never hangs on it."""
        self.gone = True
        for fd in (self._command_fd, self._result_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        pid, self._pid = self._pid, None
        if pid is None:
            return
        deadline = time.monotonic() + wait
        with contextlib.suppress(ChildProcessError, OSError):
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return
                time.sleep(0.01)


def _contents(catalog: Catalog | None) -> CatalogContents | None:
    """What of the catalog crosses the pipe; None while it is not loaded."""
    if catalog is None or not catalog.loaded:
        return None
    return (catalog.offerings, catalog.groups, catalog.actions)


def _rebuild_error(message: ScanError) -> Exception:
    """The client's error as the helper met it."""
    from policytui.api import errors

    cls = getattr(errors, message.name, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.WaldurError)):
        return errors.WaldurError(f"The fired scan failed ({message.name}: {message.message}).")
    error = cls.__new__(cls)
    Exception.__init__(error, message.message)
    error.__dict__.update(message.fields)
    error.message = message.message
    return error


# -- the helper's side --------------------------------------------------------------------


def serve(  # pragma: no cover - in the helper
    command_fd: int, result_fd: int, input_clock: InputClock
) -> None:
    """Answer scan requests until the UI closes the command pipe."""
    _prepare_the_fill()
    while True:
        try:
            message = frames.receive(command_fd)
        except frames.PipeClosed:
            return
        if not isinstance(message, StartScan):
            continue  # a cancel for a scan that already ended
        try:
            _scan(message, command_fd, result_fd, input_clock)
        except frames.PipeClosed:
            return


#: What the fill imports that nothing before it has (the walk's transport, the page's
#: decoders and readers).
_FILL_MODULES = ("policytui.api.page_transport", "policytui.helper.index_page")


def _prepare_the_fill() -> None:  # pragma: no cover - in the helper
    """Import what the index's fill runs on while the helper waits for its first scan
    (the user is looking at page 1), not once `/` is pressed: msgspec and the fill's own
    modules were ~30 ms of the first fill where bytecode is not cached
    (``PYTHONDONTWRITEBYTECODE``), and its zstd compressor is made here too."""
    import importlib

    from policytui.tui.rows import PackedItems

    for module in _FILL_MODULES:
        importlib.import_module(module)

    PackedItems.of_json([b"{}"])


def _scan(
    start: StartScan,
    command_fd: int,
    result_fd: int,
    input_clock: InputClock,
) -> None:
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.helper.index_batch import Definitions
    from policytui.helper.index_page import IndexReader
    from policytui.helper.page_structs import read_page
    from policytui.helper.scan import scan_fired
    from policytui.tui.catalog import Catalog
    from policytui.tui.rows import build_row

    scan_id = start.scan_id
    session = Session(
        url=start.url,
        token=Secret(start.token),
        token_source="env",
        verify=start.verify,
        ca_bundle=start.ca_bundle,
    )

    def catalog_of(contents: CatalogContents | None) -> Catalog | None:
        if contents is None:
            return None
        offerings, groups, actions = contents
        return Catalog(offerings=offerings, groups=groups, actions=actions, loaded=True)

    catalog = catalog_of(start.catalog)
    # One reader per catalog: the texts it shares were named by that catalog. What the
    # policies share is numbered once for the scan.
    definitions = Definitions()
    index = IndexReader(catalog, definitions)
    stop = False

    def cancelled() -> bool:
        nonlocal stop, catalog, index
        while not stop and select.select([command_fd], [], [], 0)[0]:
            message = frames.receive(command_fd)
            if message.scan_id != scan_id:
                continue
            if isinstance(message, CatalogLoaded):  # after the scan began: names from now
                catalog = catalog_of(message.catalog)
                index = IndexReader(catalog, definitions)
            stop = isinstance(message, CancelScan)
        return stop

    async def run() -> None:
        async for batch in scan_fired(
            session,
            start.scope_uuid,
            build=lambda policy: build_row(policy, catalog, start.now),
            cancelled=cancelled,
            flush_seconds=HELPER_FLUSH_SECONDS,
            idle_seconds=input_clock.idle_seconds,
            # The index's pages are read from their JSON, a model only for an odd policy.
            keep_page=(lambda items, progress: index.keep(items, progress))
            if start.keep_all
            else None,
            # Decoded straight into what the index reads (msgspec), not dicts.
            read_body=read_page if start.keep_all else None,
            full_collections=True,  # this process draws nothing: no key waits for them
        ):
            progress, unfired = _compact(batch)
            if batch.done:
                frames.send(result_fd, ScanEnded(scan_id, progress, unfired))
                return
            frames.send(result_fd, ScanReport(scan_id, progress, unfired))
            # Let go of the batch sent before the walk goes on (the collector is off
            # during the fill: reference counting frees it).
            del batch, progress
        frames.send(result_fd, ScanEnded(scan_id, None, ""))  # cancelled

    try:
        asyncio.run(run())
    except frames.PipeClosed:
        raise
    except Exception as exc:
        fields = {k: v for k, v in vars(exc).items() if isinstance(v, str | int | float | None)}
        frames.send(result_fd, ScanError(scan_id, type(exc).__name__, str(exc), fields))


@contextlib.contextmanager
def _made_to_stay() -> Iterator[list[bool]]:
    """No collection while a batch is unpickled and its facts made; a batch of the
    index (``True`` appended to the list given) frozen after (``gc.freeze``), as
    ``IdleCollector.hold`` freezes each one kept. A fill of 100 000 makes ~200 000
    objects that stay, and the young collections that went through each of them once
    or twice were ~55 ms of the UI process's CPU during the fill (bench/index_scale.py).
    Garbage frozen with them goes with the next full collection, once the user is idle
    (tui/idle_collect.py)."""
    enabled = gc.isenabled()
    gc.disable()
    kept: list[bool] = []
    try:
        yield kept
    finally:
        if any(kept):
            gc.freeze()
        if enabled:
            gc.enable()


def _compact(progress: ScanProgress) -> tuple[ScanProgress, str]:
    """The batch, with the policies that never fired sent as one string of uuids, or,
    in a batch of the index (every policy's facts, uuid included), not sent at all:
    :func:`_expand` reads them off the facts."""
    unfired = [uuid for uuid, state in progress.states.items() if state == _UNFIRED]
    for uuid in unfired:
        del progress.states[uuid]
    index = progress.facts or progress.index is not None
    return progress, "" if index else " ".join(unfired)


def _expand(progress: ScanProgress, unfired: str) -> ScanProgress:
    from policytui.helper.index_batch import RECEIVED

    if progress.index is not None:  # the index's batch: its facts, built here
        progress.facts = progress.index.facts(RECEIVED)
        progress.index = None
    states = progress.states
    states.update(dict.fromkeys(unfired.split(), _UNFIRED))
    if progress.facts:
        # An index batch: every policy without a state never fired. Keyed by the facts'
        # own uuid (a second copy of 100 000 uuids split from a string was ~7 MB of the
        # app): an update keeps the key it finds. In C, not a loop over the policies.
        every = dict.fromkeys(map(_UUID, progress.facts), _UNFIRED)
        every.update(states)
        progress.states = every
    return progress


_UUID = attrgetter("uuid")
