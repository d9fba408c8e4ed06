"""Run a terminal app under a pseudo-terminal of a given size and watch what it writes.

What a pty carries is what an SSH link carries: the app runs with its real driver, and the
bytes it writes are counted and searched here (SGR colour codes stripped before searching,
so styled text still matches). A reader thread drains the pty all the time, as a terminal
would: an app whose output nobody reads blocks on its writes, which would be measured as
slowness of the app.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence

_SGR = re.compile(rb"\x1b\[[0-9;:]*m")


def _take_the_terminal() -> None:
    # Run in the forked child before exec, maybe while another PtyApp's reader thread
    # runs in this process: one ioctl of modules imported already, no lock taken (an
    # import or a logging call here could wait for ever on a lock that thread held).
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    def __init__(
        self, argv: Sequence[str], env: dict[str, str], *, size: tuple[int, int] = (120, 40)
    ) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
        #: When the process was started (CLOCK_MONOTONIC, comparable with child clocks).
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,  # Textual paints on stderr
            env=env,
            start_new_session=True,
            # The pty is the app's controlling terminal, as a user's terminal is: when
            # this process dies without closing the app (a benchmark killed), the kernel
            # hangs the app up (SIGHUP) instead of leaving it reading a closed terminal,
            # which Textual's input thread does in a busy loop (a core for good).
            preexec_fn=_take_the_terminal,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        #: Every byte the app wrote so far.
        self.output = bytearray()
        #: When the last byte arrived.
        self.last_write = time.monotonic()
        self.closed = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the app exited and the pty closed
                chunk = b""
            with self._changed:
                if not chunk:
                    self.closed = True
                    self._changed.notify_all()
                    return
                self.output += chunk
                self.last_write = time.monotonic()
                self._changed.notify_all()

    def wait_for(self, pattern: bytes, *, timeout: float = 30.0, start: int = 0) -> float:
        """Wait until ``pattern`` (a regex, searched with colour codes stripped) shows in the
        output written after byte ``start``; the moment it was read."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if regex.search(_SGR.sub(b"", bytes(self.output[start:]))):
                    return self.last_write
                if self.closed:
                    raise RuntimeError(f"the app exited before {pattern!r} showed")
                left = deadline - time.monotonic()
                if left <= 0:
                    tail = _SGR.sub(b"", bytes(self.output[-400:]))
                    raise TimeoutError(f"{pattern!r} not seen in {timeout:g} s; output: {tail!r}")
                self._changed.wait(min(left, 0.5))

    def settle(self, quiet: float = 0.3, *, timeout: float = 20.0) -> int:
        """Wait until the app has written nothing for ``quiet`` seconds (or ``timeout``
        passed); the bytes written meanwhile."""
        with self._changed:
            before = len(self.output)
        deadline = time.monotonic() + timeout
        begun = time.monotonic()
        while True:
            now = time.monotonic()
            with self._changed:
                since = now - max(self.last_write, begun)
                if since >= quiet or self.closed or now >= deadline:
                    return len(self.output) - before
                self._changed.wait(min(quiet - since, deadline - now))

    def press(self, keys: bytes, *, quiet: float = 0.3, timeout: float = 20.0) -> int:
        """Type ``keys`` and count what the app writes in answer: from the send until it
        has been quiet for ``quiet`` seconds after its first byte. Waiting for that first
        byte (not merely for quiet) keeps a slow answer on a busy machine from being
        counted as no answer."""
        with self._changed:
            before = len(self.output)
        self.send(keys)
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.output) == before and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to {keys!r} in {timeout:g} s")
                self._changed.wait(left)
        self.settle(quiet, timeout=timeout)
        return self.size() - before

    def size(self) -> int:
        with self._changed:
            return len(self.output)

    def send(self, keys: bytes) -> float:
        """Type ``keys``; the moment they were written."""
        os.write(self.master, keys)
        return time.monotonic()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(timeout=5)
        os.close(self.master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
