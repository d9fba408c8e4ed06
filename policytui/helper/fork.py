"""The helper process: forked at start-up, it fetches the first page, then runs fired scans.

Time to first page is mostly the UI process importing Textual (a third of a second of
one core) and only then sending its first requests. The machine's other core sits idle
meanwhile. :func:`fork_helper` forks a helper before Textual is imported; the helper
sends the start-up GETs the list screen is about to make (:mod:`policytui.helper.startup`)
and streams each answer back over a pipe. By the time the list screen asks, the answers
are there. After that it waits for fired scans to run (:mod:`policytui.helper.scan_pipe`),
so their parsing never competes with the UI thread, and it ends when the UI closes its
pipes (:meth:`~policytui.helper.scan_pipe.ScanClient.close`).

The helper is forked only when that is safe and useful: the process still has a single
thread (so no lock can be held by a thread that does not exist in the child), ``fork``
exists, and ``POLICYTUI_NO_PREFETCH`` is unset; otherwise the work is done in the UI
process (:class:`~policytui.helper.work.InProcess`). It never writes to the terminal and
sends only GETs.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policytui.auth.session import Session
    from policytui.helper.clock import InputClock
    from policytui.helper.work import Forked


def fork_helper(session: Session, page_size: int) -> Forked | None:
    """Fork the helper that fetches page 1 at ``page_size`` (and what goes with it) and
    then runs fired scans; ``None`` when it is not safe or not wanted."""
    if os.environ.get("POLICYTUI_NO_PREFETCH") or not hasattr(os, "fork"):
        return None
    for thread in threading.enumerate():
        if thread.name == "policytui-keyring":
            thread.join(0.2)  # a keyring read that has answered is finishing up
    if threading.active_count() > 1:
        return None  # forking a threaded process can copy a lock that is held forever

    from policytui.helper.clock import InputClock
    from policytui.helper.recording import StartupRecording
    from policytui.helper.scan_pipe import ScanClient
    from policytui.helper.work import Forked

    input_clock = InputClock()

    startup_read, startup_write = os.pipe()
    command_read, command_write = os.pipe()
    result_read, result_write = os.pipe()
    _widen(result_write)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        code = 1
        try:
            for fd in (startup_read, command_write, result_read):
                os.close(fd)
            _silence_stdio()
            _child(session, page_size, startup_write, command_read, result_write, input_clock)
            code = 0
        finally:
            os._exit(code)
    for fd in (startup_write, command_read, result_write):
        os.close(fd)
    return Forked(
        StartupRecording(startup_read),
        ScanClient(command_write, result_read, pid, input_clock),
    )


def _child(  # pragma: no cover - in the helper
    session: Session,
    page_size: int,
    startup_fd: int,
    command_fd: int,
    result_fd: int,
    input_clock: InputClock,
) -> None:
    from policytui.helper.scan_pipe import serve
    from policytui.helper.startup import fetch_startup

    fetch_startup(session, page_size, startup_fd)
    # From here on the helper is background work: when the CPU is contended the
    # scheduler runs the UI first, so a scan never delays a keypress.
    with contextlib.suppress(OSError):
        os.nice(10)
    serve(command_fd, result_fd, input_clock)


#: Room in the result pipe: a few of the index's batches (~400 bytes a policy, a batch
#: every 0.1 s). With Linux's default 64 KiB the helper stopped at every batch until the
#: UI had painted the one before (a batch waits for its frame): the two took turns
#: instead of working at once. The UI still stops reading while keys come, and the
#: helper then stops once this is full.
RESULT_PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    """Give the pipe ``fd`` :data:`RESULT_PIPE_BYTES` of buffer where the system allows
    (Linux; at most ``/proc/sys/fs/pipe-max-size``); elsewhere it stays as it is."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no helper is forked there anyway
        return
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, set_size, RESULT_PIPE_BYTES)


def _silence_stdio() -> None:
    """The terminal belongs to the UI: the child's stdin, stdout and stderr go nowhere."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
