"""What the app says about the connection and the token, in words a user can act on:
plain HTTP said as such, a token the server never accepted not called "expired", a
host that cannot be reached without exception class names, and a pasted
``Token …``/``Bearer …`` taken for the token."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from login_host import LoginHost, fill, settle
from on_screen import screen_text
from textual.widgets import Static

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import DEMO_NOW, OWNER_TOKEN, STAFF_TOKEN
from policytui.tui.app import PolicyApp
from policytui.tui.widgets.state_message import describe_error

SIZE = (100, 30)


def run_cli(*argv: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "policytui", *argv], input=stdin, capture_output=True,
        text=True, timeout=60, env={**os.environ, **(env or {})},
    )  # fmt: skip


async def wait_for_text(pilot, *texts: str, timeout: float = 30.0) -> str:
    """Poll the screen until every text is on it (a busy machine may take a while)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        text = screen_text(pilot.app)
        if all(t in text for t in texts):
            return text
    raise AssertionError(f"{texts!r} never appeared; the screen was:\n{text}")


def app_for(url: str, token: str, *, source: str = "env", demo: bool = False) -> PolicyApp:
    session = Session(url=url, token=Secret(token), token_source=source, demo=demo)  # type: ignore[arg-type]
    return PolicyApp(session, clock=lambda: DEMO_NOW)


def test_status_and_profiles_say_plain_http_for_an_http_url(demo_server):
    login = run_cli(
        "login", "--url", demo_server.url, "--with-token", "--insecure-storage",
        stdin=OWNER_TOKEN + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    status = run_cli("status")
    assert "TLS:   plain HTTP: not encrypted" in status.stdout
    assert "verified" not in status.stdout
    profiles = run_cli("profiles")
    assert "[plain HTTP: not encrypted]" in profiles.stdout


async def test_the_top_bar_says_plain_http_for_an_http_url(demo_server):
    app = app_for(demo_server.url, STAFF_TOKEN)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await wait_for_text(pilot, "plain HTTP: not encrypted", "staff · Policies")
        assert text.splitlines()[0].startswith(
            " policytui  plain HTTP: not encrypted  127.0.0.1 · staff · Policies"
        )
        # Too narrow for all of it: the host goes first, the view and its figures stay.
        await pilot.press("f")
        text = await wait_for_text(pilot, "fired of 60")
        top = text.splitlines()[0]
        assert "plain HTTP: not encrypted" in top and "fired of 60" in top, top


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("env", "The server rejected the token from the environment (WALDUR_ACCESS_TOKEN)"),
        ("keyring", "The server rejected the token stored in the OS keyring for profile 'lab'"),
    ],
)
async def test_a_token_not_accepted_at_the_first_request_is_said_to_be_rejected(
    demo_server, source, said
):
    session = Session(url=demo_server.url, token=Secret("0" * 40), token_source=source,
                      profile="lab")  # fmt: skip
    app = PolicyApp(session, clock=lambda: DEMO_NOW)
    async with app.run_test(size=SIZE) as pilot:
        text = await wait_for_text(pilot, "Sign in to Waldur")
        message = " ".join(str(app.screen.query_one("#login-message", Static).render()).split())
        assert said in message and "(401 at the first request)" in message
        assert "Your session expired" not in message
        assert "0" * 40 not in text


async def test_a_revoked_token_is_still_said_to_be_revoked(fresh_demo_server):
    app = app_for(fresh_demo_server.url, STAFF_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_text(pilot, "staff · Policies", "page 1 of")
        fresh_demo_server.set_faults([{"name": "revoke_token"}])
        await pilot.press("r")
        await wait_for_text(pilot, "Sign in to Waldur")
        message = str(app.screen.query_one("#login-message", Static).render())
        assert "expired or the token was revoked" in message


async def test_an_unreachable_host_is_said_in_plain_words():
    app = app_for("http://127.0.0.1:9", STAFF_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        text = await wait_for_text(pilot, "Cannot reach 127.0.0.1:9: nothing answered")
        assert "ConnectError" not in text and "Error." not in text
        assert "Check the URL and your network or VPN. Press r to retry." in " ".join(text.split())


def test_an_unforeseen_error_shows_no_class_name():
    title, hint = describe_error(KeyError("boom"))
    assert "KeyError" not in title + hint
    assert hint == "Something unexpected went wrong. Press r to retry."


async def test_names_that_did_not_load_are_said_in_plain_words(fresh_demo_server):
    fresh_demo_server.set_faults(
        [{"name": "status", "path": "organization-groups", "params": {"status": 400}}]
    )
    app = app_for(fresh_demo_server.url, STAFF_TOKEN, demo=True)
    async with app.run_test(size=(120, 30)) as pilot:
        text = await wait_for_text(pilot, "names not loaded: r retries")
        assert "unavailable" not in text


async def test_the_sign_in_screen_takes_a_token_pasted_with_its_scheme(demo_server):
    for pasted in (f"Token {OWNER_TOKEN}", f" Bearer {OWNER_TOKEN} "):
        app = LoginHost()
        async with app.run_test(size=SIZE) as pilot:
            await fill(pilot, url=demo_server.url, token=pasted, profile="demo")
            await pilot.press("enter")
            await settle(pilot)
            who = str(app.screen.query_one("#login-who", Static).render())
            assert "Signed in as Alice Owner (acme-owner), not staff" in who
            await pilot.press("enter")  # this session only (no keyring here)
            await pilot.pause()
        assert app.result is not None
        assert app.result.token.get_secret_value() == OWNER_TOKEN


def test_an_environment_token_with_its_scheme_is_taken(demo_server):
    status = run_cli(
        "status", env={"WALDUR_ACCESS_TOKEN": f"Bearer {OWNER_TOKEN}\n",
                       "WALDUR_API_URL": demo_server.url},
    )  # fmt: skip
    assert "Environment session: Alice Owner (acme-owner), not staff" in status.stdout


async def test_a_crowded_top_bar_keeps_the_views_figures_whole() -> None:
    """A stopped scan at 100 columns over plain HTTP: the host, the name of the program
    and the user give way (in that order) before a word of the figures does."""
    from textual.app import App, ComposeResult

    from policytui.tui.widgets.bars import TopBar

    class Bar(App[None]):
        def compose(self) -> ComposeResult:
            yield TopBar(id="top")

    app = Bar()
    async with app.run_test(size=(100, 3)) as pilot:
        bar = app.query_one(TopBar)
        figures = "43 fired in 1 of 100 pages read (incomplete)"
        bar.update_bar(
            where="waldur.example.org", warning="plain HTTP: not encrypted", user="staff",
            view="Fired policies", detail=figures,
        )  # fmt: skip
        await pilot.pause()
        line = bar.render_line(0).text  # as painted: cut to the bar's 100 cells
        assert figures in line and "plain HTTP" in line, line
        bar.update_bar(detail="43 fired")
        await pilot.pause()
        line = bar.render_line(0).text  # room again: everything is back
        assert "policytui" in line and "waldur.example.org" in line and "staff" in line, line


async def test_a_token_in_a_plain_file_is_flagged_in_the_header_over_http_too(demo_server):
    # Each risk is said: plain HTTP does not hide that the token sits in a plain file.
    app = app_for(demo_server.url, STAFF_TOKEN, source="file")
    async with app.run_test(size=(120, 24)) as pilot:
        text = await wait_for_text(pilot, "staff · Policies")
        top = text.splitlines()[0]
        assert "plain HTTP: not encrypted" in top and "token in plain file" in top, top
