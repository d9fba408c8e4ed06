"""Every screen under ``NO_COLOR``: Textual then passes each line through its Monochrome
filter, which reads ``.color`` off every segment's style, so a hand-built line with a
``None`` style crashed the app (the fired view's "Scanning every page…" line)."""

from __future__ import annotations

import pytest
from browse_support import make_app, screen_text, settle
from rich.segment import Segment
from textual.color import Color
from textual.filter import Monochrome

from policytui.tui.screens.detail import DetailScreen
from policytui.tui.screens.help import HelpScreen
from policytui.tui.screens.raw import RawScreen
from policytui.tui.widgets.multi_select import TickList
from policytui.tui.widgets.policy_table import PolicyTable

SCANNING = "Scanning every page for fired policies…"


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a user with ``NO_COLOR=1`` in their shell brings (conftest clears it)."""
    monkeypatch.setenv("NO_COLOR", "1")


def monochrome(segments: list[Segment]) -> str:
    """The text of a line after the filter Textual applies under NO_COLOR."""
    filtered = Monochrome().apply(segments, Color(0, 0, 0))
    return "".join(segment.text for segment in filtered)


async def test_every_hand_built_line_passes_the_monochrome_filter(demo_server) -> None:
    """The table's header, rows and placeholder, and the editor's tick list."""
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        lines = [monochrome(list(table.render_line(y))) for y in range(3)]
        assert "Offering" in lines[0]
        assert table.rows[0].offering in lines[1]
        table.set_rows([])
        table.show_placeholder(SCANNING)
        assert SCANNING in monochrome(list(table.render_line(2)))
        await pilot.press("n")
        await settle(pilot)
        ticks = app.screen.query_one(TickList)
        assert "Notify owners" in "".join(
            monochrome(list(ticks.render_line(y))) for y in range(ticks.size.height)
        )


async def test_the_tour_works_under_no_color(demo_server, no_color) -> None:
    """List, the fired view (its placeholder on screen), detail, raw, help, editor."""
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color  # the filter really is on
        assert "page 1 of" in screen_text(app)
        table = app.screen.query_one(PolicyTable)
        # The placeholder as the fired view shows it while its scan starts (the scan
        # itself may end before a repaint, so the line is put on screen directly).
        table.set_rows([])
        table.show_placeholder(SCANNING)
        await pilot.pause()
        assert SCANNING in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert "fired of 60" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Period" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RawScreen)
        assert '"uuid"' in screen_text(app)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Keys" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("n")
        await settle(pilot)
        assert "Notify owners" in screen_text(app)
        assert app.is_running
