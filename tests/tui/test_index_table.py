"""The table over the index's matches (issue 13's keystroke figures): the matches shown
as the index gives them, rows read off their facts, not copied; the cursor kept on its
policy across a re-filter; a keystroke in `/` applied before the next frame; and a
keystroke that keeps the same matches repainting nothing of the table."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from browse_support import make_app, settle, wait_until
from query_samples import GPU, NOW, VMS, make_catalog, make_policy
from textual.app import App, ComposeResult
from textual.widgets import Input

from policytui.auth.config import SavedView
from policytui.query import FactsReader, parse
from policytui.tui.policy_index import Matches, PolicyIndex
from policytui.tui.rows import build_row
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.widgets.policy_table import PolicyTable


def _policies(count: int) -> list:
    """``count`` policies: the even ones on the GPU partition, the odd ones on VMs."""
    return [make_policy(f"p{n:03d}", scope_uuid=GPU if n % 2 == 0 else VMS) for n in range(count)]


def _index(policies: list, *, complete: bool = True) -> PolicyIndex:
    catalog = make_catalog()
    read = FactsReader(catalog)
    index = PolicyIndex()
    generation = index.start(refresh=False)
    rows = [build_row(p, catalog, NOW) for p in policies]
    index.add(generation, rows, [read(p) for p in policies], len(policies) + 10)
    if complete:
        index.finished(generation, len(policies))
    return index


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PolicyTable(id="t")


def test_the_answer_reads_each_row_off_its_facts() -> None:
    index = _index(_policies(12))
    answer = index.select(parse("gpu"), NOW)
    expected = [row for row in index.rows_at(range(index.read)) if "GPU" in row.offering]
    assert isinstance(answer, Matches)
    assert list(answer) == expected and len(answer) == 6
    assert answer[0] is expected[0] and answer[-1] is expected[-1]
    assert answer[1:3] == expected[1:3]
    assert answer.uuids() == [row.uuid for row in expected]


def test_an_answer_without_terms_does_not_grow_as_the_index_fills() -> None:
    index = _index(_policies(6), complete=False)
    everything = index.select(parse(""), NOW)
    assert len(everything) == 6
    more = _policies(9)[6:]
    catalog = make_catalog()
    index.add(
        index.generation,
        [build_row(p, catalog, NOW) for p in more],
        [FactsReader(catalog)(p) for p in more],
        9,
    )
    assert len(everything) == 6  # what the table shows stays as it was given
    assert len(index.select(parse(""), NOW)) == 9


async def test_the_table_shows_the_matches_and_keeps_the_cursor_on_its_policy() -> None:
    index = _index(_policies(40))
    async with TableApp().run_test(size=(120, 30)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        answer = index.select(parse("-zzzz"), NOW)  # every policy
        table.show_ordered(answer, None, False)
        await pilot.pause()
        assert [row.uuid for row in table.rows] == [f.uuid for f in index.facts]
        assert table.move_to_uuid("p030")
        # Typed further: fewer matches, the cursor's policy among them.
        table.show_ordered(index.select(parse("gpu"), NOW), None, False)
        await pilot.pause()
        assert table.current is not None and table.current.uuid == "p030"
        assert [row.uuid for row in table.rows] == [f"p{n:03d}" for n in range(0, 40, 2)]
        # A row swapped in place (a write read back) is the table's: the index's
        # answer it was given is not changed under the index.
        shown = table.all_rows
        edited = make_policy("p004", scope_uuid=GPU, component_limits_set=[])
        assert table.replace_row(build_row(edited, make_catalog(), NOW))
        assert table.rows[2].uuid == "p004" and table.rows[2].limits == []
        assert shown[2].uuid == "p004" and shown[2].limits != []


async def _index_complete(pilot, screen: PolicyListScreen, typed: str) -> None:
    await pilot.press("slash", *typed)
    await wait_until(pilot, lambda: screen.index.complete, what="the index complete")
    await settle(pilot)


async def test_a_keystroke_in_the_box_is_applied_before_the_next_frame(demo_server) -> None:
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen)
        await _index_complete(pilot, screen, "offering:gp")
        box = screen.query_one("#quick-filter", Input)
        box.insert_text_at_cursor("u")  # as the key handler does; nothing awaited after
        # Applied in the same handler: no frame can show "offering:gpu" in the box over
        # the matches of "offering:gp".
        assert screen.query_filter is not None and screen.query_filter.text == "offering:gpu"
        assert all("gpu" in row.offering.casefold() for row in screen.table.rows)
        # Put there by the screen (a saved view, the near view): applied once, by it.
        screen.open_view(SavedView(name="fired", filter="fired:yes"))
        await settle(pilot)
        assert screen.query_filter.text == "fired:yes" and box.value == "fired:yes"


async def test_a_keystroke_keeping_the_matches_repaints_nothing_of_the_table(demo_server) -> None:
    app = make_app(demo_server, page_size=5)
    # Short: more matches than lines, so the table has a scrollbar.
    async with app.run_test(size=(120, 12)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen)
        await _index_complete(pilot, screen, "offering:gp")
        before = [row.uuid for row in screen.table.rows]
        assert len(before) > screen.table.size.height
        # What the screen asks the table for (its lines, or the scrollbar's column).
        asked: list[object] = []
        render_lines = screen.table.render_lines

        def counting(crop):  # type: ignore[no-untyped-def]
            asked.append(crop)
            return render_lines(crop)

        screen.table.render_lines = counting  # type: ignore[method-assign]
        await pilot.press("u")
        await settle(pilot)
        assert [row.uuid for row in screen.table.rows] == before  # the same matches
        assert screen.query_filter is not None and screen.query_filter.text == "offering:gpu"
        assert asked == []
