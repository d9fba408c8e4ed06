"""Snapshots of the sign-in screen: empty, with an error, signed in, and no keyring.

The signed-in snapshots use a demo server on a fixed loopback address (127.77.0.1 is
loopback on Linux and nobody else's port) so the URL on screen is the same every run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from login_host import LoginHost, fill, settle

from policytui.demo import OWNER_TOKEN, DemoServer, DemoSettings

FIXED_HOST, FIXED_PORT = "127.77.0.1", 18471


@pytest.fixture
def fixed_demo_server() -> Iterator[DemoServer]:
    try:
        server = DemoServer(DemoSettings(), host=FIXED_HOST, port=FIXED_PORT).start()
    except OSError as exc:  # pragma: no cover - depends on the host
        pytest.skip(f"cannot bind {FIXED_HOST}:{FIXED_PORT} for a stable URL: {exc}")
    yield server
    server.stop()


async def _frozen(pilot) -> None:
    pilot.app.freeze_cursors()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_sign_in_empty(snap_compare, size):
    assert snap_compare(LoginHost(), terminal_size=size, run_before=_frozen)


def test_sign_in_with_an_error(snap_compare):
    async def unreachable(pilot) -> None:
        await fill(pilot, url="http://127.0.0.1:9", token=OWNER_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        await _frozen(pilot)

    assert snap_compare(LoginHost(), terminal_size=(80, 24), run_before=unreachable)


def test_sign_in_expired_session_message(snap_compare, monkeypatch):
    monkeypatch.setenv("WALDUR_API_URL", "https://waldur.example.com/api/")
    app = LoginHost(message="Your session expired or the token was revoked. Sign in again.")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_frozen)


def test_signed_in_summary(snap_compare, fixed_demo_server, memory_keyring):
    async def sign_in(pilot) -> None:
        await fill(pilot, url=fixed_demo_server.url, token=OWNER_TOKEN, profile="demo")
        await pilot.press("enter")
        await settle(pilot)
        await _frozen(pilot)

    assert snap_compare(LoginHost(), terminal_size=(80, 24), run_before=sign_in)


def test_signed_in_without_a_keyring(snap_compare, fixed_demo_server):
    async def sign_in(pilot) -> None:
        await fill(pilot, url=fixed_demo_server.url, token=OWNER_TOKEN, profile="demo")
        await pilot.press("enter")
        await settle(pilot)
        await _frozen(pilot)

    assert snap_compare(LoginHost(), terminal_size=(100, 36), run_before=sign_in)
