"""Keys that come in a burst (fast typing over SSH, tmux send-keys) edit a text box in the
order typed. In Textual 8.2.8 a bound key (Backspace, Ctrl+U) took a detour through the
app and ran after the characters behind it: `Ctrl+U abc` in the `/` box left it empty,
`jj BS BS kkk` gave `jkk` (Textual #6605). Keys are posted without waiting between them,
as a terminal delivers a burst."""

from __future__ import annotations

import pytest
from browse_support import make_app, settle
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from policytui.tui.widgets.text_input import TextInput

BURSTS = [
    pytest.param("gpu", ["ctrl+u", *"abc"], "abc", id="ctrl+u-then-type"),
    pytest.param("", [*"jj", "backspace", "backspace", *"kkk"], "kkk", id="backspace-then-type"),
    pytest.param("", [*"cpu", "left", "left", *"x", "end", *"y"], "cxpuy", id="arrows-between"),
]


def _key(name: str) -> events.Key:
    return events.Key(name, name if len(name) == 1 else None)


async def _burst(app: App, keys: list[str]) -> None:
    for name in keys:
        app.post_message(_key(name))


@pytest.mark.parametrize(("before", "keys", "after"), BURSTS)
async def test_the_filter_box_takes_a_burst_of_keys_in_order(demo_server, before, keys, after):
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *before)
        await settle(pilot)
        await _burst(app, keys)
        await settle(pilot)
        box = app.screen.query_one("#quick-filter", Input)
        assert box.value == after
        assert app.focused is box
        assert app.screen.query_filter is not None and app.screen.query_filter.text == after


class _Form(App[None]):
    def compose(self) -> ComposeResult:
        yield TextInput(id="limit")


@pytest.mark.parametrize(("before", "keys", "after"), BURSTS)
async def test_a_form_box_takes_a_burst_of_keys_in_order(before, keys, after):
    app = _Form()
    async with app.run_test() as pilot:
        await pilot.press(*before)
        await _burst(app, keys)
        await pilot.pause()
        await pilot.pause()
        assert app.query_one("#limit", Input).value == after


async def test_esc_in_a_burst_leaves_the_filter_and_the_next_key_acts_on_the_list(demo_server):
    """`/gpu Esc s` typed fast: Esc clears and leaves the box, and the `s` behind it
    sorts the list (it went into the box and was cleared with it)."""
    from policytui.tui.widgets.policy_table import PolicyTable

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        before = table.sort_column
        await _burst(app, ["slash", *"gpu", "escape", "s"])
        await settle(pilot)
        box = app.screen.query_one("#quick-filter", Input)
        assert box.value == "" and not box.display
        assert app.focused is table
        assert app.screen.query_filter is None
        assert table.sort_column is not None and table.sort_column != before


async def test_esc_and_a_key_in_one_read_are_esc_then_the_key(demo_server):
    """A terminal sends Esc and the key typed right after it as one sequence ("\\x1bs"),
    which Textual reads as Alt with that key: in the `/` box it is Esc (the filter
    cleared, the box left), then the key, on the list (it went into the box as "s")."""
    from policytui.tui.widgets.policy_table import PolicyTable

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        before = table.sort_column
        await _burst(app, ["slash", *"gpu"])
        app.post_message(events.Key("alt+s", "s"))
        await settle(pilot)
        box = app.screen.query_one("#quick-filter", Input)
        assert box.value == "" and not box.display
        assert app.focused is table and app.screen.query_filter is None
        assert table.sort_column is not None and table.sort_column != before


async def test_a_list_key_typed_right_before_slash_acts_on_the_list(demo_server):
    """`f/gpu` typed fast: the fired view, then `gpu` over its rows. `/` is bound with
    priority and focused the box before the `f` ahead of it was handled; the box takes
    printable keys, so Textual dropped the `f`, and `gpu` filtered every policy."""
    from on_screen import screen_text

    from policytui.tui.screens.policy_list import ListMode

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _burst(app, ["f", "slash", *"gpu"])
        await settle(pilot)
        box = app.screen.query_one("#quick-filter", Input)
        assert box.value == "gpu" and app.focused is box
        assert app.screen.mode is ListMode.FIRED
        text = screen_text(app)
        assert "Fired policies" in text and "2 of 7 match" in text, text


@pytest.mark.parametrize("key", ["escape", "h", "enter"])
async def test_a_key_typed_before_slash_that_would_touch_the_box_leaves_it_to_what_follows(
    demo_server, key: str
):
    """`Esc/gpu`, `h/gpu`, `Enter/gpu` typed fast over a filter: handled after `/`, such
    a key is not run (Esc hid the box `/` had just opened and `gpu` filtered out of
    sight; h took the box's text and the focus; Enter opened a policy with `gpu` typed
    behind it). What was typed after `/` is in the box, shown and focused, and is the
    filter on screen."""
    from policytui.tui.screens.policy_list import PolicyListScreen

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"vms", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen) and app.focused is screen.table
        await _burst(app, [key, "slash", *"gpu"])
        await settle(pilot)
        assert app.screen is screen
        box = screen.query_one("#quick-filter", Input)
        assert box.display and app.focused is box
        assert box.value == "vmsgpu"
        assert screen.query_filter is not None and screen.query_filter.text == "vmsgpu"


async def test_a_cursor_key_typed_before_slash_still_moves_the_cursor(demo_server):
    """`j/` typed fast: the cursor goes down a row, then the box opens."""
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.table
        second = table.rows[1].uuid
        await _burst(app, ["j", "slash"])
        await settle(pilot)
        box = app.screen.query_one("#quick-filter", Input)
        assert box.display and app.focused is box
        assert table.current is not None and table.current.uuid == second
