"""Loading, error and sign-in states of the list, and the help, palette and theme."""

from __future__ import annotations

import pytest
from browse_support import make_app, screen_text, settle

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings, Fault
from policytui.tui.actions import LIST, help_for
from policytui.tui.list_state import ListMode
from policytui.tui.screens.help import HelpScreen
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.widgets.policy_table import PolicyTable

POLICY_LIST = "marketplace-offering-usage-policies/"


def fault(name: str, **params: object) -> Fault:
    return Fault(name, method="GET", path=POLICY_LIST, params=dict(params))


async def test_first_paint_is_a_loading_state_before_any_answer(fresh_demo_server) -> None:
    fresh_demo_server.set_latency(1500)
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, PolicyListScreen):
            await pilot.pause()
        await pilot.pause()
        # Painted while the first request is on the wire (1.5 s latency: slack for busy CI).
        assert "Loading policies…" in screen_text(app)
        await settle(pilot)
        assert "Loading policies…" not in screen_text(app)
        assert app.screen.query_one(PolicyTable).row_count == 20


@pytest.mark.parametrize(
    ("injected", "title"),
    [
        (fault("status", status=500), "The server failed (500)"),
        (fault("status", status=403), "You may not see these policies"),
        (fault("malformed_json"), "The server sent something unreadable"),
        (fault("html"), "The server"),
    ],
    ids=["500", "403", "malformed-json", "html"],
)
async def test_server_failures_show_an_error_and_r_retries(
    fresh_demo_server, injected: Fault, title: str
) -> None:
    server = fresh_demo_server
    server.set_faults([injected])
    app = make_app(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert title in text
        assert "Press r to retry" in text
        assert isinstance(app.screen, PolicyListScreen)  # no crash, no traceback
        server.clear_faults()
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one(PolicyTable).row_count == 20
        assert "page 1 of 3" in screen_text(app)


async def test_network_down_says_so_and_keeps_the_app_alive() -> None:
    server = DemoServer(DemoSettings()).start()
    server.stop()  # nothing listens on that port any more
    app = make_app(server)
    app_client_retries = 0
    async with app.run_test(size=(80, 24)) as pilot:
        app.client.max_retries = app_client_retries  # no backoff waits in the test
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "Cannot reach the server" in text
        assert "Press r to retry" in text


async def test_expired_token_opens_sign_in_and_the_list_resumes(fresh_demo_server) -> None:
    from policytui.tui.screens.login import LoginScreen

    app = make_app(fresh_demo_server, token="0" * 40)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        list_screen = app.screen_stack[-2]
        assert isinstance(list_screen, PolicyListScreen)
        assert "0" * 40 not in screen_text(app)
        # What the sign-in screen hands back after a good token.
        good = Session(
            url=fresh_demo_server.url,
            token=Secret(STAFF_TOKEN),
            token_source="prompt",
            demo=True,
        )
        app.screen.dismiss(good)
        await settle(pilot)
        assert app.screen is list_screen
        assert list_screen.query_one(PolicyTable).row_count == 20


async def test_help_lists_every_key(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for command in help_for(LIST):
            assert command.title in text
        await pilot.press("escape")
        assert isinstance(app.screen, PolicyListScreen)


async def test_palette_offers_the_fired_view(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"fired policies")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PolicyListScreen)
        assert app.screen.mode is ListMode.FIRED
        assert "fired of 60" in screen_text(app)


async def test_theme_toggles_between_light_and_dark(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.theme
        await pilot.press("t")
        assert app.theme != before
        assert {before, app.theme} == {"textual-dark", "textual-light"}


@pytest.mark.parametrize(
    ("injected", "expect"),
    [
        (fault("wrong_types"), "The server sent something unreadable"),
        (fault("missing_fields"), "The server sent something unreadable"),
        (fault("drop"), "Cannot reach the server"),
        (fault("rate_limit", retry_after=0), "rate limiting"),
    ],
    ids=["wrong-types", "missing-fields", "dropped-connection", "rate-limited"],
)
async def test_odd_server_answers_become_messages_not_crashes(
    fresh_demo_server, injected: Fault, expect: str
) -> None:
    server = fresh_demo_server
    server.set_faults([injected])
    app = make_app(server)
    async with app.run_test(size=(80, 24)) as pilot:
        app.client.max_retries = 0  # the first bad answer is the one shown
        await pilot.press("r")
        await settle(pilot)
        assert expect in screen_text(app)
        assert app.is_running


async def test_a_server_without_count_or_links_still_pages(fresh_demo_server) -> None:
    server = fresh_demo_server
    server.set_faults([fault("bad_count"), fault("no_link")])
    app = make_app(server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        assert table.row_count == 20
        assert "page 1 of ? · ? policies" in screen_text(app)
        first = [r.uuid for r in table.rows]
        # A full page with no count or links: there may be more, so next is allowed.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "page 2 of ? · ? policies" in screen_text(app)
        assert table.row_count == 20 and [r.uuid for r in table.rows] != first


async def test_a_huge_page_is_listed_without_freezing(fresh_demo_server) -> None:
    server = fresh_demo_server
    server.set_faults(
        [Fault("huge", times=1, method="GET", path=POLICY_LIST, params={"count": 5000})]
    )
    app = make_app(server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The server ignored page_size and sent 5000: all of them are rows, painted lazily.
        assert app.screen.query_one(PolicyTable).row_count == 5000
        await pilot.press("G")
        await pilot.pause()
        assert app.screen.query_one(PolicyTable).cursor == 4999


async def test_the_2024_server_shape_lists_and_details(quirks_demo_server) -> None:
    app = make_app(quirks_demo_server, page_size=20)
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        assert table.row_count == 20
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Policy uuid" in text
        # The 2024 server sends neither apply_to_all nor options: nothing is made up.
        assert "Apply to all" not in text
        assert "Options" not in text


async def test_palette_runs_list_actions_from_the_detail_screen(demo_server) -> None:
    from policytui.tui.screens.detail import DetailScreen

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"next page", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PolicyListScreen)
        assert "page 2 of 3" in screen_text(app)
