"""What a keystroke in `/` repaints (issue 13's keystroke -> repaint): only the table's
lines whose row or Usage cell changed, the footer's keys greyed out in place rather than
composed again, and no layout of the screen for the box's growing text, while what is
shown stays right."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from browse_support import screen_text
from query_samples import GPU, NOW, VMS, make_catalog, make_policy
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from policytui.tui.rows import PolicyRow, build_row
from policytui.tui.usage_cell import UsageCell
from policytui.tui.widgets.filter_box import FilterBox
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.policy_table import PolicyTable


def _rows(count: int) -> list[PolicyRow]:
    catalog = make_catalog()
    return [
        build_row(make_policy(f"p{n:03d}", scope_uuid=GPU if n % 2 else VMS), catalog, NOW)
        for n in range(count)
    ]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PolicyTable(id="t")


def _count_lines(table: PolicyTable) -> list[int]:
    """The lines the table is asked to paint from now on (0 is the header)."""
    asked: list[int] = []
    render_line = table.render_line

    def counting(y: int):  # type: ignore[no-untyped-def]
        asked.append(y)
        return render_line(y)

    table.render_line = counting  # type: ignore[method-assign]
    return asked


def _line_of(app: App[None], uuid_row: PolicyRow) -> str:
    lines = screen_text(app).splitlines()
    return next(line for line in lines if uuid_row.offering in line and uuid_row.created in line)


async def test_a_usage_cell_that_arrives_repaints_its_line_alone() -> None:
    rows = _rows(30)
    async with TableApp().run_test(size=(120, 20)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        table.set_rows(rows)
        await pilot.pause()
        asked = _count_lines(table)
        table.set_usage({rows[3].uuid: UsageCell("CPU", "96 %", "near")})
        await pilot.pause()
        assert asked == [4]  # the header is line 0: the fourth row is line 4
        line = screen_text(pilot.app).splitlines()[4]
        assert "CPU 96 % ▲" in line and rows[3].limits[0].split()[0] in line
        # A cell of a policy below the fold, or the same cell again: nothing to repaint.
        asked.clear()
        table.set_usage({rows[25].uuid: UsageCell("CPU", "12 %", "ok")})
        table.set_usage({rows[3].uuid: UsageCell("CPU", "96 %", "near")})
        await pilot.pause()
        assert asked == []
        # Scrolled to it, the cell is there.
        table.move_to_uuid(rows[25].uuid)
        await pilot.pause()
        assert "CPU 12 %" in screen_text(pilot.app)


async def test_new_matches_keeping_the_first_rows_repaint_the_lines_below_them() -> None:
    rows = _rows(30)
    async with TableApp().run_test(size=(120, 20)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        table.show_ordered(rows, None, False)
        await pilot.pause()
        asked = _count_lines(table)
        # The next keystroke's matches: the third row is gone, the rest move up.
        narrower = rows[:2] + rows[3:]
        table.show_ordered(narrower, None, False)
        await pilot.pause()
        assert 0 not in asked and 1 not in asked and 2 not in asked
        assert set(range(3, 20)) <= set(asked)
        shown = screen_text(pilot.app).splitlines()[1:20]
        # Rows alternate between the two offerings: the shift up shows on each line.
        assert [row.offering for row in narrower[:19]] != [row.offering for row in rows[:19]]
        assert all(row.offering in line for row, line in zip(narrower, shown, strict=False))
        # Fewer matches than lines: the lines below the last are painted blank.
        table.show_ordered(narrower[:5], None, False)
        await pilot.pause()
        lines = screen_text(pilot.app).split("\n")
        assert all(lines[1:6]) and lines[6:] == [""] * 14


class KeysScreen(Screen[None]):
    """Three keys shown; ``n`` greyed out while ``busy``, ``x`` shown only when ``extra``."""

    BINDINGS = [
        Binding("n", "next_page", "Next"),
        Binding("x", "extra", "Extra"),
        Binding("q", "quit", "Quit"),
    ]
    busy = False
    extra = True

    def compose(self) -> ComposeResult:
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page" and self.busy:
            return None  # shown greyed out
        if action == "extra":
            return self.extra  # False: not shown
        return True

    def action_next_page(self) -> None:
        pass

    def action_extra(self) -> None:
        pass


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(KeysScreen())


def _keys(screen: Screen[None]) -> dict[str, FooterKey]:
    return {key.key: key for key in screen.query(FooterKey)}


async def test_the_footer_greys_a_key_out_in_place_and_shows_other_keys_when_they_change() -> None:
    async with KeysApp().run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, KeysScreen)
        before = _keys(screen)
        assert set(before) >= {"n", "x", "q"} and not before["n"].has_class("-disabled")
        screen.busy = True
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        after = _keys(screen)
        assert after["n"].has_class("-disabled") and after["n"]._disabled
        assert not after["q"].has_class("-disabled")
        # The same keys, greyed out where they stand: nothing removed and mounted again.
        assert all(after[key] is before[key] for key in before)
        assert "Next" in screen_text(pilot.app).splitlines()[-1]
        screen.busy = False
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert not _keys(screen)["n"].has_class("-disabled")
        # Another set of keys: composed again, without the hidden one.
        screen.extra = False
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "x" not in _keys(screen)
        assert "Extra" not in screen_text(pilot.app).splitlines()[-1]
        assert "Quit" in screen_text(pilot.app).splitlines()[-1]


class BoxApp(App[None]):
    CSS = "FilterBox { height: 1; border: none; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield FilterBox(id="box")


async def test_typing_into_the_box_lays_nothing_out_and_a_long_filter_still_scrolls() -> None:
    async with BoxApp().run_test(size=(40, 5)) as pilot:
        box = pilot.app.query_one(FilterBox)
        box.focus()
        await pilot.pause()
        screen = pilot.app.screen
        layouts: list[object] = []
        refresh_layout = screen._refresh_layout

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not kwargs.get("scroll"):  # a scroll of the box alone moves no widget
                layouts.append(args)
            return refresh_layout(*args, **kwargs)

        screen._refresh_layout = counting  # type: ignore[method-assign]
        typed = "group:nordics offering:gpu limit:cpu>10000 -fired:yes"
        await pilot.press(*typed)
        await pilot.pause()
        assert box.value == typed
        # The end of what was typed is in view, the start scrolled off to the left.
        shown = screen_text(pilot.app).splitlines()[0]
        assert shown.strip().endswith("-fired:yes") and not shown.strip().startswith("group")
        assert box.scroll_x > 0
        # Scrolling is the box's own: no layout of the screen for it (issue 13).
        assert layouts == []


async def test_a_scrollbar_whose_thumb_stays_is_not_repainted_and_one_that_moves_is() -> None:
    rows = _rows(60) * 80  # 4 800 lines: at the top, a thumb of one cell
    async with TableApp().run_test(size=(120, 20)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        table.show_ordered(rows, None, False)
        await pilot.pause()
        bar = table.vertical_scrollbar
        painted: list[object] = []
        render_lines = bar.render_lines

        def counting(crop):  # type: ignore[no-untyped-def]
            painted.append(crop)
            return render_lines(crop)

        bar.render_lines = counting  # type: ignore[method-assign]
        table.show_ordered(rows[:4000], None, False)
        await pilot.pause()
        assert painted == []
        shown = pilot.app.export_screenshot()
        bar.refresh()  # what a repaint of it would have shown: the same
        await pilot.pause()
        assert pilot.app.export_screenshot() == shown
        # The list is 4 000 long for scrolling: the last row is reached.
        table.action_cursor_last()
        await pilot.pause()
        # 19 lines of rows under the header: the 4 000th row is the last line.
        assert table.current is rows[3999] and round(table.scroll_y) == 4000 - 19
        # Back at the top with 40 matches: the thumb is half the bar, and painted so.
        table.action_cursor_first()
        await pilot.pause()
        painted.clear()
        table.show_ordered(rows[:40], None, False)
        await pilot.pause()
        assert painted and bar.window_virtual_size == 41
        shown = pilot.app.export_screenshot()
        bar.refresh()
        await pilot.pause()
        assert pilot.app.export_screenshot() == shown


async def test_a_scrollbar_look_seen_before_is_painted_as_textual_paints_it() -> None:
    """The table's scrollbar reuses the lines of a look it has drawn (issue 13): for any
    count of matches, scrolled anywhere, what it paints is what Textual paints afresh,
    and a look it has not drawn yet is drawn, not taken from another."""
    from textual.geometry import Region

    async with TableApp().run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        table.set_rows(_rows(300))
        await pilot.pause()
        bar = table.vertical_scrollbar

        def painted(fresh: bool) -> list:
            if fresh:
                bar._looks.clear()
            bar.refresh()
            return bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))

        seen = []
        for count, scroll in [(300, 0), (40, 0), (300, 0), (300, 150), (120, 10), (40, 0)]:
            table.set_rows(_rows(count))
            table.scroll_to(y=scroll, animate=False, immediate=True)
            await pilot.pause()
            kept = painted(fresh=False)
            assert kept == painted(fresh=True), (count, scroll)
            seen.append(kept)
        assert seen[0] == seen[2] and seen[0] != seen[1] and seen[0] != seen[3]


async def test_a_table_made_shorter_or_narrower_and_back_makes_no_line_again() -> None:
    """The filter note's second line comes and goes (a half-typed term) and the
    scrollbar shows and hides as the matches cross a screenful: each changes the
    table's size, and its lines stay those it made for that width."""
    rows = _rows(60)
    async with TableApp().run_test(size=(120, 24)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        table.set_rows(rows)
        await pilot.pause()

        def lines() -> list[str]:  # the rows, without the scrollbar's column
            return [line[:119] for line in screen_text(pilot.app).splitlines()[1:21]]

        before = lines()
        made: list[str] = []
        row_strip = table._row_strip

        def making(row, *args, **kwargs):  # type: ignore[no-untyped-def]
            made.append(row.uuid)
            return row_strip(row, *args, **kwargs)

        table._row_strip = making  # type: ignore[method-assign]
        table.styles.height = 21  # a line shorter
        await pilot.pause()
        assert lines() == before
        table.set_rows(rows[:5])  # no scrollbar: a column wider
        await pilot.pause()
        made.clear()
        table.set_rows(rows)  # the scrollbar again
        await pilot.pause()
        assert made == []
        assert lines() == before
