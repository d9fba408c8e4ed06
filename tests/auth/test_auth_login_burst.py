"""A password manager types the URL, Tab and the token in one burst: the token goes to
the hidden token field, never into the URL field, where it would show in clear. Before,
the characters behind Tab had been handed to the URL field before Tab moved the focus."""

from __future__ import annotations

from login_host import LoginHost
from textual import events
from textual.widgets import Input

TOKEN_START = "e82898356f50b0a8"


async def test_a_token_typed_after_tab_in_a_burst_goes_to_the_token_field():
    app = LoginHost()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        url = app.screen.query_one("#login-url", Input)
        url.focus()
        await pilot.pause()
        for name in [*"http", "tab", *TOKEN_START]:  # posted at once, as a burst arrives
            app.post_message(events.Key(name, name if len(name) == 1 else None))
        for _ in range(5):
            await pilot.pause()
        assert url.value == "http"
        assert app.screen.query_one("#login-token", Input).value == TOKEN_START
        assert TOKEN_START not in str(url.render())
