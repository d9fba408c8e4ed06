"""The fired scan in the helper process: the UI process only receives the fired rows.

A scan of 100 000 policies is seconds of HTTP, JSON decoding and validation. In a thread
of the UI process it competes with the UI thread for the interpreter lock, and a key
pressed meanwhile waits for it (keypress-to-repaint p95 ~60-80 ms, bench/responsiveness.py).
The helper forked at start-up (:mod:`policytui.prefetch`) therefore also runs scans: the
UI sends it the session, the offering filter and the catalog; it walks every page with
the same code as the in-process scan (:func:`policytui.tui.screens.fired_scan.scan_fired`)
and sends back batches of ready-made rows of fired policies and the fired state of every
policy read. The UI process's share is unpickling about one policy in seven.

Protocol (frames of :mod:`policytui.frames`), UI -> helper: ``("scan", id, request)``,
``("catalog", id, contents)`` (a scan started before the catalog had arrived gets it as
soon as the UI has it: the rows built from then on carry names) and ``("cancel", id)``;
helper -> UI: ``("progress", id, ScanProgress, unfired)`` as pages
come, then ``("end", id, ScanProgress | None, unfired)`` (None: cancelled) or ``("error",
id, name, message, fields)``; ``unfired`` is the space-separated uuids of the policies
that never fired (left out of the report's states). One scan at a time; the helper ends
when the UI closes its pipe. While the user types the UI stops reading (see
:func:`policytui.tui.screens.fired_scan.relay_helper_scan`); the pipe fills and the
helper waits, so neither process competes with a keypress.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mmap
import os
import select
import signal
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policytui import frames

if TYPE_CHECKING:
    from policytui.auth.session import Session
    from policytui.tui.catalog import Catalog
    from policytui.tui.screens.fired_scan import ScanProgress

#: How often a waiting UI-side scan looks at its cancel flag.
_POLL_SECONDS = 0.1
#: The helper reports at most this often (the UI side batches further for the screen).
HELPER_FLUSH_SECONDS = 0.1
_UNFIRED = (False, None)
_CLOCK = struct.Struct("d")


class InputClock:
    """When the user last pressed a key or used the mouse, in memory shared with the
    helper (an anonymous shared mapping made before the fork): the helper reads no page
    while keys are coming, as the in-process scan does, so the server, the helper and
    the UI do not all want the CPU at the moment a key is handled."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, _CLOCK.size)  # MAP_SHARED: visible across fork

    def note(self, at: float) -> None:
        _CLOCK.pack_into(self._memory, 0, at)

    def idle_seconds(self) -> float:
        return time.monotonic() - _CLOCK.unpack_from(self._memory, 0)[0]


class HelperGone(Exception):
    """The helper process is not there any more: scan in the UI process instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRequest:
    url: str
    #: Plain, because it crosses a pipe to our own helper; never in a repr.
    token: str = field(repr=False)
    verify: bool
    ca_bundle: str | None
    scope_uuid: str | None
    now: datetime
    #: The catalog's contents (offerings by uuid, groups by url, actions), or None.
    catalog: tuple[dict[str, Any], dict[str, Any], list[str]] | None


class ScanService:
    """The UI side: start a scan in the helper and iterate over its progress reports."""

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
    ) -> Iterator[ScanProgress]:
        """Progress reports as the helper sends them; the last one has ``done`` set.

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
            request = ScanRequest(
                url=session.url,
                token=session.token.get_secret_value(),
                verify=session.verify,
                ca_bundle=session.ca_bundle,
                scope_uuid=scope_uuid,
                now=now,
                catalog=_contents(catalog),
            )
            later = catalog if request.catalog is None else None
            try:
                frames.send(self._command_fd, ("scan", scan_id, request))
                yield from self._results(scan_id, cancelled, later)
            except frames.PipeClosed:
                self.gone = True
                raise HelperGone from None

    def _results(
        self, scan_id: int, cancelled: Callable[[], bool], later: Catalog | None
    ) -> Iterator[ScanProgress]:
        cancel_sent = False
        while True:
            if later is not None and not cancel_sent and (contents := _contents(later)):
                frames.send(self._command_fd, ("catalog", scan_id, contents))
                later = None
            if not cancel_sent and cancelled():
                frames.send(self._command_fd, ("cancel", scan_id))
                cancel_sent = True
            try:
                ready, _, _ = select.select([self._result_fd], [], [], _POLL_SECONDS)
            except (OSError, ValueError):  # closed under us: the app is quitting
                raise frames.PipeClosed("closed") from None
            if not ready:
                continue
            kind, frame_id, *payload = frames.receive(self._result_fd)
            if frame_id != scan_id:
                continue  # the tail of a scan given up earlier
            if kind == "progress":
                if not cancel_sent:
                    yield _expand(*payload)
            elif kind == "end":
                if payload[0] is not None and not cancel_sent:
                    yield _expand(*payload)
                return
            elif kind == "error":
                raise _rebuild_error(*payload)

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


def _contents(
    catalog: Catalog | None,
) -> tuple[dict[str, Any], dict[str, Any], list[str]] | None:
    """What of the catalog crosses the pipe; None while it is not loaded."""
    if catalog is None or not catalog.loaded:
        return None
    return (catalog.offerings, catalog.groups, catalog.actions)


def _rebuild_error(name: str, message: str, fields: dict[str, Any]) -> Exception:
    """The client's error as the helper met it (pickling keyword-only exceptions does not
    round-trip, so it travels as its class name, message and attributes)."""
    from policytui.api import errors

    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.WaldurError)):
        return errors.WaldurError(f"The fired scan failed ({name}: {message}).")
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(fields)
    error.message = message
    return error


# -- the helper's side --------------------------------------------------------------------


def serve(  # pragma: no cover - in the helper
    command_fd: int, result_fd: int, input_clock: InputClock
) -> None:
    """Answer scan requests until the UI closes the command pipe."""
    while True:
        try:
            message = frames.receive(command_fd)
        except frames.PipeClosed:
            return
        if message[0] != "scan":
            continue  # a cancel for a scan that already ended
        _, scan_id, request = message
        try:
            _scan(scan_id, request, command_fd, result_fd, input_clock)
        except frames.PipeClosed:
            return


def _scan(
    scan_id: int,
    request: ScanRequest,
    command_fd: int,
    result_fd: int,
    input_clock: InputClock,
) -> None:
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.tui.catalog import Catalog
    from policytui.tui.screens.fired_scan import scan_fired
    from policytui.tui.widgets.policy_rows import build_row

    session = Session(
        url=request.url,
        token=Secret(request.token),
        token_source="env",
        verify=request.verify,
        ca_bundle=request.ca_bundle,
    )
    catalog = None
    if request.catalog is not None:
        offerings, groups, actions = request.catalog
        catalog = Catalog(offerings=offerings, groups=groups, actions=actions, loaded=True)
    stop = False

    def cancelled() -> bool:
        nonlocal stop, catalog
        while not stop and select.select([command_fd], [], [], 0)[0]:
            message = frames.receive(command_fd)
            if message[1] != scan_id:
                continue
            if message[0] == "catalog":  # it arrived after the scan began: names from now
                offerings, groups, actions = message[2]
                catalog = Catalog(offerings=offerings, groups=groups, actions=actions, loaded=True)
            stop = message[0] == "cancel"
        return stop

    try:
        final = asyncio.run(
            scan_fired(
                session,
                request.scope_uuid,
                build=lambda policy: build_row(policy, catalog, request.now),
                report=lambda progress: frames.send(
                    result_fd, ("progress", scan_id, *_compact(progress))
                ),
                cancelled=cancelled,
                flush_seconds=HELPER_FLUSH_SECONDS,
                idle_seconds=input_clock.idle_seconds,
            )
        )
    except frames.PipeClosed:
        raise
    except Exception as exc:
        fields = {k: v for k, v in vars(exc).items() if isinstance(v, str | int | float | None)}
        frames.send(result_fd, ("error", scan_id, type(exc).__name__, str(exc), fields))
        return
    frames.send(result_fd, ("end", scan_id, *(_compact(final) if final else (None, ""))))


def _compact(progress: ScanProgress) -> tuple[ScanProgress, str]:
    """The report, with the policies that never fired sent as one string of uuids: most
    of the states, and the UI process unpickles one string instead of a tuple each."""
    unfired = [uuid for uuid, state in progress.states.items() if state == _UNFIRED]
    for uuid in unfired:
        del progress.states[uuid]
    return progress, " ".join(unfired)


def _expand(progress: ScanProgress, unfired: str) -> ScanProgress:
    progress.states.update(dict.fromkeys(unfired.split(), _UNFIRED))
    return progress
