"""When the user last pressed a key or used the mouse, in memory shared with the helper."""

from __future__ import annotations

import mmap
import struct
import time

_CLOCK = struct.Struct("d")


class InputClock:
    """An anonymous shared mapping made before the fork, so both processes see it: the
    helper reads no page while keys are coming, as the in-process scan does, so the
    server, the helper and the UI do not all want the CPU at the moment a key is handled."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, _CLOCK.size)  # MAP_SHARED: visible across fork

    def note(self, at: float) -> None:
        _CLOCK.pack_into(self._memory, 0, at)

    def idle_seconds(self) -> float:
        return time.monotonic() - _CLOCK.unpack_from(self._memory, 0)[0]
