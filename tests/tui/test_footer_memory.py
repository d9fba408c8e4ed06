"""Memory: a screen's footer frees the keys it shows no more (policytui's Footer).

Textual 8.2.8's Footer keeps every FooterKey it ever composed alive through the watcher
list of its ``compact`` reactive (see policytui/tui/widgets/footer.py). The detail view
is a screen users keep open while help, the raw view or a confirmation come and go over
it; each return recomposes its footer.
"""

from __future__ import annotations

import gc
import weakref

from browse_support import make_app, settle
from textual.widgets._footer import FooterKey

from policytui.tui.screens.detail import DetailScreen
from policytui.tui.widgets.footer import Footer


async def test_detail_footer_frees_old_keys_when_screens_come_and_go(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        footer = detail.query_one(Footer)
        first_keys = [weakref.ref(key) for key in footer.query(FooterKey)]
        assert first_keys, "the detail footer shows its keys"
        for _ in range(10):
            await pilot.press("question_mark")
            await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.05)
        await settle(pilot)
        assert app.screen is detail
        shown = list(footer.query(FooterKey))
        assert shown, "the footer still shows keys after the round trips"
        # Every key ever composed would still be watching `compact` with the stock Footer.
        watching = getattr(footer, "__watchers", {}).get("compact", [])
        assert len(watching) <= len(shown), f"{len(watching)} watchers for {len(shown)} keys"
        del shown
        gc.collect()
        alive = [ref for ref in first_keys if (key := ref()) is not None and not key.is_attached]
        assert not alive, f"{len(alive)} removed footer keys are still alive"
