"""Full garbage collections while the user is idle, not under their keys (issue 13).

With the index of 100 000 policies the process holds hundreds of thousands of objects
the cyclic collector tracks. CPython runs a full collection of all of them (120-360 ms
here) whenever enough objects have survived the young ones since the last, and a `/`
keystroke makes such survivors (rows made for the screen, the blocks of the pages they
came from, painted lines): the bench saw one every 1-2 s while typing, a 0.4 s key now
and then. So the app takes the oldest generation's automatic collections off and runs
them itself once the keyboard and mouse have been left alone for a second, at most once
a minute (each is most of a second at 100 000 policies: a key pressed meanwhile waits),
never while keys are coming.

While keys are coming, the garbage they make must still go: every painted line leaves a
cycle behind (Textual's ``Strip`` caches itself: ``divide`` and ``adjust_cell_length``
keep ``[self]``), and a run of 65 keystrokes over 100 000 policies left ~76 000 such
objects, +12 MB of the app's peak, for the idle collection to find. So the collector
freezes (``gc.freeze``) what is alive when a collection falls due under keys, and the
next one due under keys collects only what came after (a few milliseconds: the young
part), then freezes again; so does an idle moment between full collections. A full
collection unfreezes everything first, so garbage among the frozen (a screen alive at
a freeze, closed later) is collected there, as before (tests/tui/test_fired_scan_memory.py);
a freeze that is never undone piled such garbage up.
"""

from __future__ import annotations

import gc
import time

from policytui.helper.full_collections import HELD_BY_A_SCAN, HELD_BY_THE_APP

#: Idle this long before a full collection is run.
IDLE_SECONDS = 1.0
#: A full collection (of the frozen too) never more often than this.
FULL_AT_MOST_EVERY_SECONDS = 60.0
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
        """Run the collection that is due; whether a full one ran.

        While keys are coming: the young part (what is not frozen), then freeze it. Once
        the user is idle: everything, the frozen included, when it is due or anything is
        frozen (a freeze starts CPython's count anew), at most every
        ``FULL_AT_MOST_EVERY_SECONDS`` (with 100 000 policies held it takes most of a
        second, and a key pressed meanwhile waits); the young part between those."""
        due = gc.get_count()[2] >= self.due_after
        idle = idle_seconds >= IDLE_SECONDS
        full_allowed = time.monotonic() - self._last >= FULL_AT_MOST_EVERY_SECONDS
        if idle and (due or gc.get_freeze_count()) and full_allowed:
            self.collect_all()
            return True
        if due:
            if gc.get_freeze_count():
                gc.collect()  # only what is not frozen: what came since the last freeze
            gc.freeze()
        return False

    def hold(self) -> None:
        """What is alive now is there to stay (a batch of the index, just kept): frozen,
        so that a collection falling due under keys does not look at it. After a fill,
        its last batches were still unfrozen, and the first collection under the keys
        that followed went through them: 40-110 ms in the middle of a keystroke (issue
        13). Freezing moves lists, whatever their length. Garbage frozen with them (the
        batch's own message) goes with the next full collection, once idle."""
        gc.freeze()

    def collect_all(self) -> None:
        """Everything, the frozen included; what survives is frozen (the young part is
        what later collections look at)."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last = time.monotonic()

    def close(self) -> None:
        gc.unfreeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, self.due_after)
