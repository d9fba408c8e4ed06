"""Full garbage collections while the user is idle, not under their keys (issue 13).

With the index of 100 000 policies the process holds hundreds of thousands of objects
the cyclic collector tracks. CPython runs a full collection of all of them (120-360 ms
here) whenever enough objects have survived the young ones since the last, and a `/`
keystroke makes such survivors (rows made for the screen, the blocks of the pages they
came from, painted lines): the bench saw one every 1-2 s while typing, a 0.4 s key now
and then. So the app takes the oldest generation's automatic collections off and runs
them itself once the keyboard and mouse have been left alone for a second, as often as
CPython would have (after as many young collections), never while keys are coming.

Nothing is frozen (``gc.freeze``): garbage is still collected, only later
(tests/tui/test_fired_scan_memory.py).
"""

from __future__ import annotations

import gc
import time

from policytui.helper.full_collections import HELD_BY_A_SCAN, HELD_BY_THE_APP

#: Idle this long before a full collection is run.
IDLE_SECONDS = 1.0
#: Never more often than this.
AT_MOST_EVERY_SECONDS = 5.0
#: The oldest generation's threshold while the app runs: high enough that CPython
#: itself never gets to it (the app collects first).
DEFERRED = HELD_BY_THE_APP


class IdleCollector:
    def __init__(self) -> None:
        young, middle, oldest = gc.get_threshold()
        #: After this many middle-generation collections CPython would consider a full
        #: one: so does the app, when idle.
        # A scan holding full collections off (helper/scan.py) leaves them to this.
        self.due_after = oldest if oldest < HELD_BY_A_SCAN else 10  # CPython's

        self._last = 0.0
        gc.set_threshold(young, middle, DEFERRED)

    def tick(self, idle_seconds: float) -> bool:
        """Run a full collection if one is due and the user is idle; whether it ran."""
        now = time.monotonic()
        if (
            idle_seconds < IDLE_SECONDS
            or now - self._last < AT_MOST_EVERY_SECONDS
            or gc.get_count()[2] < self.due_after
        ):
            return False
        gc.collect()
        self._last = time.monotonic()
        return True

    def close(self) -> None:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, self.due_after)
