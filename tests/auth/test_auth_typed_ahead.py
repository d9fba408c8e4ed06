"""Keys typed ahead of the sign-in screen land where the user meant them: a token typed
right after Enter in the URL field goes to the hidden token field, never into the
clear-text URL field (where it would be on screen)."""

from __future__ import annotations

from login_host import LoginHost
from textual import events
from textual.widgets import Input

from policytui.demo import OWNER_TOKEN
from policytui.tui.screens.login import SecretInput


async def test_a_token_typed_right_after_enter_lands_in_the_hidden_field() -> None:
    app = LoginHost()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        url = app.screen.query_one("#login-url", Input)
        assert app.focused is url
        # Everything arrives in the app's queue at once, as a fast typist's (or a paste
        # tool's) keys do: Enter, then the token, before any of them is handled.
        for key in ["h", "t", "t", "p", "colon", "enter", *OWNER_TOKEN]:
            character = ":" if key == "colon" else (key if len(key) == 1 else None)
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        token = app.screen.query_one("#login-token", SecretInput)
        assert url.value == "http:"
        assert token.value == OWNER_TOKEN
        assert app.focused is token
