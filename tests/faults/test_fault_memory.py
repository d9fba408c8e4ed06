"""Memory: switching screens back and forth must not leave widgets alive behind it.

Found by the soak (bench/soak.py): every push and pop of a screen over the policy list
left the list's 16 old footer keys alive. Textual 8.2.8's Footer binds each FooterKey to
its ``compact`` reactive with ``data_bind``; the watcher list of that reactive is pruned
only when ``compact`` changes, so every recompose (each screen switch changes the
bindings) adds keys that are never freed, with their styles and render caches.
"""

from __future__ import annotations

import gc

import pytest

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import STAFF_TOKEN

app_module = pytest.importorskip("policytui.tui.app", reason="the TUI app has not landed")


def detached_widgets(app) -> int:
    from textual.widget import Widget

    gc.collect()
    return sum(
        1
        for obj in gc.get_objects()
        if isinstance(obj, Widget) and not obj.is_attached and obj is not app
    )


async def test_screen_switches_leave_no_widgets_behind(demo_server) -> None:
    session = Session(
        url=demo_server.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True
    )
    app = app_module.PolicyApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(1.0)
        await pilot.press("question_mark", "escape")
        await pilot.pause(0.3)
        before = detached_widgets(app)
        for _ in range(10):
            await pilot.press("question_mark")
            await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        after = detached_widgets(app)
    assert after - before < 10, f"{after - before} widgets left alive after 10 help round trips"
