"""``?`` lists the keys of the screen it is opened on; each footer shows that screen's
most used keys, whole, as many as fit; the palette shows keys as they are typed."""

from __future__ import annotations

import pytest
from browse_support import make_app, screen_text, settle
from textual.binding import Binding

from policytui.tui import actions
from policytui.tui.actions import help_for, help_for_screen
from policytui.tui.screens.detail import DetailScreen
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.screens.help import HelpScreen
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.screens.raw import RawScreen


def footer_line(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[-1]


async def open_help(pilot) -> str:  # type: ignore[no-untyped-def]
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    # Tall enough for the whole table to be on screen.
    await pilot.resize_terminal(100, 60)
    await settle(pilot)
    text = screen_text(pilot.app)
    await pilot.press("escape")
    await pilot.resize_terminal(80, 24)
    await settle(pilot)
    return text


async def test_help_lists_the_keys_of_the_screen_it_is_opened_on(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        on_list = await open_help(pilot)
        assert "Keys of the policy list" in on_list
        assert "Next page" in on_list and "Fired policies" in on_list

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        on_detail = await open_help(pilot)
        assert "Keys of the policy detail" in on_detail
        for command in help_for(actions.DETAIL):
            assert command.title in on_detail
        assert "Next page" not in on_detail

        await pilot.press("y")
        await settle(pilot)
        on_raw = await open_help(pilot)
        assert "Copy the JSON" in on_raw and "Next page" not in on_raw
        await pilot.press("escape", "escape")
        await settle(pilot)

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PolicyEditor)
        in_editor = await open_help(pilot)
        assert "Keys of the policy editor" in in_editor
        for key in ("Ctrl+S", "Ctrl+N", "Ctrl+R", "Ctrl+O"):
            assert key in in_editor
        assert "Save the policy" in in_editor and "Add a component limit" in in_editor
        assert "Next page" not in in_editor


def _bound_actions(screen_class: type) -> set[str]:
    actions = set()
    for binding in screen_class.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.description and not binding.action.startswith("scroll("):
            actions.add(binding.action)
    return actions


@pytest.mark.parametrize(
    ("screen_class", "screen"),
    [
        (DetailScreen, actions.DETAIL),
        (RawScreen, actions.RAW),
        (PolicyEditor, actions.EDITOR),
        (PolicyListScreen, actions.LIST),
    ],
    ids=["detail", "raw", "editor", "list"],
)
def test_every_bound_key_of_a_screen_is_in_its_help(screen_class: type, screen: str) -> None:
    keys = help_for(screen)
    listed = {command.name for command in keys}
    # The list's Esc clears the quick filter (its help and palette say so by that name).
    listed |= {"escape"} if "clear_quick_filter" in listed else set()
    missing = _bound_actions(screen_class) - listed
    assert not missing, f"{screen_class.__name__}: keys not in its help: {sorted(missing)}"
    assert help_for_screen(screen_class.__new__(screen_class)) == keys


async def test_footers_at_80_columns_show_each_screens_essentials_whole(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        on_list = footer_line(app)
        for key in ("] Next", "[ Prev", "f Fired", "/ Filter", "e Edit", "d Delete"):
            assert key in on_list
        assert "r Refresh" in on_list and "? Help" in on_list and "q Quit" in on_list

        await pilot.press("enter")
        await settle(pilot)
        on_detail = footer_line(app)
        for key in ("esc Back", "e Edit", "d Delete", "y Raw JSON", "r Refresh", "? Help"):
            assert key in on_detail

        await pilot.press("escape", "n")
        await settle(pilot)
        in_editor = footer_line(app)
        for key in ("^s Save", "^n Add limit", "^r Remove limit", "esc Back", "? Help"):
            assert key in in_editor

        # Wider, the keys left out at 80 columns come back.
        await pilot.press("escape")
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert isinstance(app.screen, PolicyListScreen)
        wide = footer_line(app)
        for key in ("o Offering", "y Raw", "u Duplicate", "^p palette"):
            assert key in wide


@pytest.mark.parametrize("width", [64, 80, 100])
async def test_a_footer_never_cuts_a_key(demo_server, width: int) -> None:
    """Every key shown is whole: the last one ends before the right edge."""
    app = make_app(demo_server)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        for _ in range(2):  # the list, then the detail
            from textual.widgets._footer import FooterKey

            keys = list(app.screen.query(FooterKey))
            assert keys
            line = footer_line(app)
            for key in keys:
                label = f"{key.key_display} {key.description}".strip()
                assert label in line, f"{label!r} is cut at {width} columns: {line!r}"
            await pilot.press("enter")
            await settle(pilot)


async def test_the_palette_shows_keys_as_typed_not_markup(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        text = screen_text(app)
        assert "Previous page  [ ←" in text
        assert "[/]" not in text
        await pilot.press(*"previous")
        await settle(pilot)
        text = screen_text(app)
        assert "([ ←)" in text and "[/]" not in text
