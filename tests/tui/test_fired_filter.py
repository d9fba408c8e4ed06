"""`/` in the fired view reads the filter language, as it does over every policy: field
terms, negation, an inline mark on a term it cannot read, "No policy matches" with how to
clear it. It once searched the rows' words only, so `limit:cpu>10000` there said
"0 of 2936" of a view holding dozens of such policies. Against the demo server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browse_support import make_app, screen_text, server_policies, settle, wait_until

from policytui.demo import DemoServer, DemoSettings, Fault
from policytui.tui.widgets.policy_table import PolicyTable


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=1500, seed=7)) as demo:
        yield demo


def _cpu_over(policy: dict[str, Any], bound: int) -> bool:
    return any(c["type"] == "cpu" and c["limit"] > bound for c in policy["component_limits_set"])


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", "\u2009")


async def _fired_view(pilot) -> PolicyTable:
    await settle(pilot)
    await pilot.press("f")
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen.scan.done, timeout=60, what="the fired scan")
    await settle(pilot)
    return screen.query_one(PolicyTable)


async def test_field_terms_and_a_negation_select_the_fired_policies_they_name(server) -> None:
    fired = [p for p in server_policies(server) if p["has_fired"]]
    bound = 3000
    expected = {p["uuid"] for p in fired if _cpu_over(p, bound) and p["period"] != 1}
    assert 0 < len(expected) < len(fired)
    app = make_app(server, page_size=20)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await _fired_view(pilot)
        assert len(table.all_rows) == len(fired)
        await pilot.press("slash", *f"limit:cpu>{bound} -period:total")
        await settle(pilot)
        assert {row.uuid for row in table.rows} == expected
        text = screen_text(app)
        assert f"{_grouped(len(expected))} of {_grouped(len(fired))} match" in text
        # Esc gives every fired row back.
        await pilot.press("escape")
        await settle(pilot)
        assert len(table.rows) == len(fired)
        assert "match" not in screen_text(app)


async def test_a_term_it_cannot_read_is_marked_and_no_match_says_how_to_clear(server) -> None:
    fired = [p for p in server_policies(server) if p["has_fired"]]
    app = make_app(server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _fired_view(pilot)
        await pilot.press("slash", *"limit:cpu>>")
        await settle(pilot)
        text = screen_text(app)
        assert "is not a whole number" in text
        assert len(table.rows) == len(fired)  # the term is left out, nothing else
        for _ in range(len("limit:cpu>>")):
            await pilot.press("backspace")
        await pilot.press(*"offering:zzzz")
        await settle(pilot)
        text = screen_text(app)
        assert "No policy matches offering:zzzz" in text
        assert "Esc clears the filter" in text
        assert not table.rows
        # Back to the paged list: the fired rows' filter went with them (the box too).
        await pilot.press("enter", "f")
        await settle(pilot)
        assert "offering:zzzz" not in screen_text(app)
        assert not app.screen.query_one("#quick-filter").display
        assert len(table.rows) == len(table.all_rows)  # the page, unfiltered


async def test_usage_terms_follow_the_figures_as_they_come(server) -> None:
    """`usage:>=0` typed before the figures are in says "so far", and takes in each
    figure as it comes (it stayed at what it had matched when typed)."""
    fired = [p for p in server_policies(server) if p["has_fired"]]
    # Every usage read held 6 s: the scan's 5 pages are read long before.
    server.set_faults([Fault("timeout", path="component-usages/", params={"seconds": 6})])
    app = make_app(server, page_size=20)
    async with app.run_test(size=(120, 30)) as pilot:
        try:
            await wait_until(pilot, lambda: "page 1 of" in screen_text(app), what="the list")
            await pilot.press("f")
            screen = app.screen
            table = screen.query_one(PolicyTable)
            # Typed as soon as the rows are in, their figures still held by the server.
            await wait_until(pilot, lambda: screen.scan.done, timeout=60, what="the fired scan")
            await pilot.press("slash", *"usage:>=0")
            await pilot.pause()
            assert "so far" in screen_text(app)
            with_figure = lambda: {  # noqa: E731
                r.uuid for r in table.all_rows if (u := screen.usage.of(r.uuid)) and u.headroom
            }
            await wait_until(
                pilot,
                lambda: {r.uuid for r in table.rows} == with_figure() != set(),
                timeout=60,
                what="every figure taken in",
            )
            await settle(pilot)
            assert "so far" not in screen_text(app)
            assert len(table.all_rows) == len(fired)
        finally:
            server.set_faults([])
