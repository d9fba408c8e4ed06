"""In the editor, the field Tab reaches is marked by more than a tint: underlined, so a
monochrome terminal (NO_COLOR) shows where the keys go. With the tint alone, nothing on
screen changed but the colour of a ▼."""

from __future__ import annotations

from browse_support import make_app, screen_text, settle, wait_until
from textual.widgets import Input, Select
from textual.widgets._select import SelectCurrent


def _underlined(widget) -> bool:
    target = widget.query_one(SelectCurrent) if isinstance(widget, Select) else widget
    return bool(target.rich_style.underline)


async def test_tab_moves_an_underline_from_field_to_field(demo_server) -> None:
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: "New policy" in screen_text(app), what="the editor")
        await settle(pilot)
        fields = [w for w in app.screen.query("#editor-form *") if isinstance(w, Input | Select)]
        offering = app.screen.query_one("#offering", Select)
        assert app.focused is offering
        assert _underlined(offering)
        assert not any(_underlined(w) for w in fields if w is not offering)
        for _ in range(10):  # on to a box
            await pilot.press("tab")
            if isinstance(app.focused, Input):
                break
        box = app.focused
        assert isinstance(box, Input)
        await pilot.pause()
        assert _underlined(box)
        assert not _underlined(offering)
