"""Run a terminal app under a pseudo-terminal of a given size and watch what it writes.

What a pty carries is what an SSH link carries: the app runs with its real driver, and the
bytes it writes are counted and searched here (SGR colour codes stripped before searching,
so styled text still matches).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

_SGR = re.compile(rb"\x1b\[[0-9;:]*m")


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
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        #: Every byte the app wrote so far.
        self.output = bytearray()

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the app exited and the pty closed
            return -1
        self.output += chunk
        return len(chunk)

    def wait_for(self, pattern: bytes, *, timeout: float = 30.0, start: int = 0) -> float:
        """Read until ``pattern`` (a regex, searched with colour codes stripped) shows in the
        output written after byte ``start``; the moment it was read."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            if regex.search(_SGR.sub(b"", bytes(self.output[start:]))):
                return time.monotonic()
            left = deadline - time.monotonic()
            if left <= 0:
                tail = _SGR.sub(b"", bytes(self.output[-400:]))
                raise TimeoutError(f"{pattern!r} not seen in {timeout:g} s; last output: {tail!r}")
            if self._read(min(left, 0.5)) < 0:
                raise RuntimeError(f"the app exited before {pattern!r} showed")

    def settle(self, quiet: float = 0.3, *, timeout: float = 20.0) -> int:
        """Read until the app has written nothing for ``quiet`` seconds; bytes read."""
        before = len(self.output)
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline:
            n = self._read(quiet)
            if n < 0:
                break
            if n:
                last = time.monotonic()
            elif time.monotonic() - last >= quiet:
                break
        return len(self.output) - before

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
        os.close(self.master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
