"""Memory: widgets removed after a fired scan are freed (found by the soak, bench/soak.py).

At the end of every scan ``fired_scan._no_full_collections`` called ``gc.freeze()``: every
object alive at that moment moves to the permanent generation, which the cyclic collector
never examines again. Widgets, screens, message queues and tasks live in reference cycles
(parent <-> child, node <-> its message pump), so any of them alive at a scan's end and
removed later (a help screen or an editor closed later, footer keys recomposed away, a
toast) are never freed: at the end of a 60 s soak, unfreezing and collecting found
223 000 objects of such garbage (494 footer keys, editors, pickers, their styles and
render caches). The soak presses ``f`` (the fired view) every few seconds: the
live heap grew about +200 000 blocks every 30 s (+120 % in 90 s), with the count of
frozen objects rising from 150 000 to 505 000; with ``gc.freeze`` made a no-op the same
run levels off after ~30 s.

Fixed by not freezing at the end of a scan (fired_scan.py); the app's collector freezes
under keys (tui/idle_collect.py) but unfreezes everything in its idle collection: this
test keeps both so.
"""

from __future__ import annotations

import gc
import weakref

from browse_support import make_app, settle

from policytui.tui.list_state import ListMode
from policytui.tui.screens.help import HelpScreen
from policytui.tui.screens.policy_list import PolicyListScreen


async def test_a_screen_open_when_a_fired_scan_ends_is_freed_once_closed(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        # A scan that ends while help is open over the list (as a watched fired view's
        # rescans do): the help screen is alive at the scan's end.
        screen.action_toggle_fired()
        await settle(pilot)
        assert screen.mode is ListMode.FIRED and screen.scan.done
        closed = weakref.ref(help_screen)
        del help_screen
        await pilot.press("escape")  # help closes: nothing refers to it any more
        await settle(pilot)
        await pilot.press("f")  # back to the pages: the scan's rows are let go too
        await settle(pilot)
        assert app.screen is screen and screen.mode is ListMode.PAGES
        # The app's idle collection (keys may have frozen the screen meanwhile: the
        # collector freezes what is alive when a collection falls due under keys).
        app.collector.collect_all()
        still_alive = closed() is not None
        frozen = gc.get_freeze_count()
    gc.unfreeze()  # leave no frozen heap to the tests that follow
    assert not still_alive, f"the closed help screen is still alive ({frozen} objects frozen)"
