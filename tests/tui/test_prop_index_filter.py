"""Any text typed into `/` gives a filter or a message in place, never an exception:
through the list screen (its Input, the index, the table and the note), against a demo
server, not only through the parser (tests/query/test_prop_query.py)."""

from __future__ import annotations

import asyncio

from browse_support import make_app, settle, wait_until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

#: What the language is made of, so the examples reach its corners, and anything else.
_PIECES = st.sampled_from(
    [
        "gpu", "offering:", "group:", "limit:", "limits:", "fired:", "created:", "period:",
        "by:", "action:", "component:", "provider:", "cpu", ">", "<", ">=", "=", "-", '"',
        "\\", " ", "10000", "7d", "2026-11-01", "12m", "yes", "no", "x:", ":", "\x1f",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.lists(_PIECES, max_size=12).map("".join),
    st.text(max_size=40),
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(_TEXT, min_size=1, max_size=15))
def test_any_text_in_the_filter_gives_matches_or_a_message(demo_server, texts) -> None:
    async def run() -> None:
        app = make_app(demo_server, page_size=5)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            screen = app.screen
            box = screen.query_one("#quick-filter", Input)
            for text in texts:
                box.value = text  # what typing or pasting it gives the Input
                await pilot.pause()
                if not text.strip():
                    assert screen.query_filter is None
                    continue
                query = screen.query_filter
                assert query is not None and query.text == text
                note = str(screen.query_one("#filter-note").render())
                if query.problems:
                    assert "↑ " in note  # marked in place, with what it expected
                else:
                    assert "match" in note or "polic" in note
            await wait_until(pilot, lambda: not screen.index.filling, what="the fill's end")
            assert app.return_code is None  # still running: nothing raised

    asyncio.run(run())
