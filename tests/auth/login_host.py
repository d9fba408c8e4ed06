"""A small app that opens the sign-in screen and keeps what it dismissed with."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Input

from policytui.auth.session import Session
from policytui.tui.screens.login import LoginScreen

UNSET = object()


class LoginHost(App):
    def __init__(self, **screen_args: Any) -> None:
        super().__init__()
        self.screen_args = screen_args
        self.result: Any = UNSET

    def on_mount(self) -> None:
        self.push_screen(LoginScreen(**self.screen_args), self._done)

    def _done(self, session: Session | None) -> None:
        self.result = session

    def freeze_cursors(self) -> None:
        # Blinking cursors would make snapshots depend on timing.
        for widget in self.screen.query(Input):
            widget.cursor_blink = False


async def settle(pilot) -> None:
    """Wait for the sign-in worker and the messages it posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def fill(
    pilot, *, url: str | None = None, token: str | None = None, profile=None, typed=False
) -> None:
    """Fill the form; ``typed`` presses every key of the token (slow: one test does it)."""
    screen = pilot.app.screen
    if url is not None:
        screen.query_one("#login-url", Input).value = url
    if profile is not None:
        screen.query_one("#login-profile", Input).value = profile
    if token is not None:
        await pilot.click("#login-token")
        if typed:
            await pilot.press(*token)
        else:
            screen.query_one("#login-token", Input).insert_text_at_cursor(token)
