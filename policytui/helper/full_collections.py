"""Who holds CPython's full garbage collections off, and how it says so.

A scan holds them off while it runs (``helper/scan.py`` ``no_full_collections``); the
app takes them over for good once it runs and collects when the user is idle
(``tui/idle_collect.py``). Each sets the oldest generation's threshold to its own
number, so neither restores over the other's. Light: imported at start-up.
"""

#: The oldest generation's threshold while a scan runs: CPython never gets to it.
HELD_BY_A_SCAN = 1_000_000
#: The same while the app collects on its own, when the user is idle.
HELD_BY_THE_APP = 2_000_000
