"""Length-prefixed pickle frames on a pipe between policytui and its own helper process
(what travels in them: :mod:`policytui.helper.messages`).

Both ends are this program (the helper is forked from it), so pickle is trusted here;
nothing else ever writes to these pipes.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any

_LENGTH = struct.Struct("!I")


class PipeClosed(Exception):
    """The other end went away (its process ended or closed the pipe)."""


def send(fd: int, obj: Any) -> None:
    """Write one frame; raises :class:`PipeClosed` when nobody reads any more."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except (BrokenPipeError, OSError) as exc:
        raise PipeClosed(str(exc)) from None


def receive(fd: int) -> Any:
    """Read one frame (blocking); raises :class:`PipeClosed` at end of file or on a
    frame cut short."""
    head = _read_exactly(fd, _LENGTH.size)
    data = _read_exactly(fd, _LENGTH.unpack(head)[0])
    try:
        return pickle.loads(data)  # our own helper process: trusted
    except Exception as exc:  # a frame that does not decode is a broken pipe too
        raise PipeClosed(f"undecodable frame ({type(exc).__name__})") from None


def _read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        try:
            chunk = os.read(fd, min(size, 1 << 20))
        except OSError as exc:
            raise PipeClosed(str(exc)) from None
        if not chunk:
            raise PipeClosed("end of file")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
