"""Helpers for the browse tests: an app against a demo server, settling, the screen as text."""

from __future__ import annotations

from typing import Any

from on_screen import screen_text
from textual.pilot import Pilot

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.auth.settings import Settings
from policytui.demo import DEMO_NOW, STAFF_TOKEN
from policytui.tui.app import PolicyApp


def make_app(
    server: Any,
    *,
    token: str = STAFF_TOKEN,
    demo: bool = True,
    page_size: int | None = None,
    watch: float | None = None,
    notify: bool = False,
) -> PolicyApp:
    """The app signed in to ``server`` with a fixed clock (relative times are stable)."""
    session = Session(url=server.url, token=Secret(token), token_source="demo", demo=demo)
    settings = Settings(page_size=page_size, watch=watch, notify=notify)
    return PolicyApp(session, settings, clock=lambda: DEMO_NOW)


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen repaint (no sleeps that guess at timing).

    A worker cancelled meanwhile (an exclusive one replaced by a ``--watch`` tick, a page
    turn) is an outcome, not a failure; a worker that failed still fails the test."""
    from contextlib import suppress

    from textual.worker import WorkerCancelled

    for _ in range(3):
        await pilot.pause()
        for worker in list(pilot.app.workers):
            with suppress(WorkerCancelled):
                await worker.wait()
    await pilot.pause()


async def wait_until(pilot: Pilot, condition: Any, timeout: float = 30.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds: a timer or a real server's answer,
    not a guessed pause. The timeout is generous for a busy machine."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}:\n{screen_text(pilot.app)}")  # type: ignore[arg-type]


def server_policies(server: Any, token: str = STAFF_TOKEN, **params: Any) -> list[dict[str, Any]]:
    """Every policy as the server lists it (read with plain httpx, not the app's client)."""
    import httpx

    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = httpx.get(
            f"{server.url}/api/marketplace-offering-usage-policies/",
            params={"page": page, "page_size": 100, **params},
            headers={"Authorization": f"Token {token}"},
        )
        response.raise_for_status()
        items.extend(response.json())
        if 'rel="next"' not in response.headers.get("link", ""):
            return items
        page += 1


def policy_requests(server: Any) -> list[dict[str, Any]]:
    """The demo server's log of list requests for policies."""
    return [
        r
        for r in server.requests()
        if r["method"] == "GET" and r["path"].endswith("marketplace-offering-usage-policies/")
    ]


async def filter_every_policy(pilot: Pilot, text: str) -> None:
    """``text`` typed into `/`, every page read into the index, then Enter: the list has
    the keys, the filter's matches on view."""
    await pilot.press("slash", *text)
    await wait_until(pilot, lambda: pilot.app.screen.index.complete, what="every policy read")
    await pilot.press("enter")
    await settle(pilot)
