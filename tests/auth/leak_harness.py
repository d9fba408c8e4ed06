"""Run the sign-in and client paths while holding a known token, and fail on purpose.

``python leak_harness.py MODE`` with WALDUR_ACCESS_TOKEN and WALDUR_API_URL set. The app
runs headless and crashes in the way MODE names; Textual then prints its crash report
(with local variables) to the terminal, and logging writes to the files the test gives.
The test asserts the token is nowhere in any of it. ``leaky`` is the control: it holds the
plain token in a local, so the token must show up, proving the check can fail.
"""

from __future__ import annotations

import logging
import sys

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

from policytui.auth.resolve import resolve_session
from policytui.auth.settings import Settings
from policytui.tui.screens.login import LoginScreen

MODE = sys.argv[1]
if len(sys.argv) > 2:
    # Everything at DEBUG, httpx and httpcore included: a header in a log would show here.
    logging.basicConfig(filename=sys.argv[2], level=logging.DEBUG, force=True)


class Crashing(App):
    BINDINGS = [Binding("x", "crash", "crash")]

    def __init__(self) -> None:
        super().__init__()
        self.session = resolve_session(Settings())
        assert self.session is not None and self.session.token_source == "env"
        self.client = self.session.client(max_retries=0)

    def compose(self):
        yield Static("holding a session")

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def action_crash(self) -> None:
        session = self.session  # noqa: F841 - a local the crash report prints
        client = self.client  # noqa: F841
        if MODE == "handler":
            raise RuntimeError("a handler failed while holding the session")
        if MODE == "leaky":
            plain = self.session.token.get_secret_value()  # noqa: F841 - the bad practice
            raise RuntimeError("a handler failed while holding a plain token")
        if MODE == "worker":
            self.failing_worker()
        if MODE == "client":
            self.client_worker()

    @work(exclusive=True)
    async def failing_worker(self) -> None:
        token = self.session.token  # noqa: F841 - a Secret local in the worker's frame
        raise ValueError("a worker failed while holding the token")

    @work(exclusive=True)
    async def client_worker(self) -> None:
        # The demo server answers 500 or bad JSON: the client's error escapes the worker.
        await self.client.me()


class LoginThenCrash(App):
    """The user types the token into the sign-in screen; then the app fails."""

    BINDINGS = [Binding("f12", "crash", "crash")]

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())

    def action_crash(self) -> None:
        screen = self.screen  # the sign-in screen, token input and all
        who = screen.query_one("#login-who", Static).render()
        raise RuntimeError(f"failed while the sign-in screen holds a typed token ({who})")


async def paste(pilot, text: str) -> None:
    """A terminal paste, sent the way the terminal driver sends it (as Pilot does keys)."""
    await pilot.pause()
    event = events.Paste(text)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await pilot.pause()


async def drive(pilot) -> None:
    import os

    if MODE == "login":
        # Pasted, as users do with tokens (and much faster than a key press per character).
        # The URL comes prefilled from WALDUR_API_URL; the focus is on the token field.
        token = os.environ.pop("HARNESS_TYPED_TOKEN")
        await paste(pilot, token[:20])
        await pilot.press(*token[20:], "enter")  # half pasted, half typed
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f12")
    else:
        await pilot.press("x")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)
    await pilot.press("ctrl+q")  # only reached if nothing crashed


if __name__ == "__main__":
    app = LoginThenCrash() if MODE == "login" else Crashing()
    app.run(headless=True, size=(100, 40), auto_pilot=drive)
    print(f"exit code {app.return_code}")
