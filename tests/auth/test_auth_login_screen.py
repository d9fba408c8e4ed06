"""The sign-in screen against the demo server over loopback HTTP (pilot tests)."""

from __future__ import annotations

import stat

from login_host import LoginHost, fill, settle
from textual.widgets import Input, Static

from policytui.auth import credentials
from policytui.auth.config import Config, config_path
from policytui.demo import OWNER_TOKEN, STAFF_TOKEN
from policytui.tui.screens.login import LoginScreen, SecretInput

SIZE = (80, 30)


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_empty_form_shows_errors_beside_the_fields():
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#login-url")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The API URL is empty." in text(app, "#login-url-error")
        assert "Paste or type the API token." in text(app, "#login-token-error")
        assert app.focused is app.screen.query_one("#login-url")
        assert not app.screen.query_one("#login-summary").display


async def test_bad_token_gets_its_message_and_the_typing_stays(demo_server):
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url, token="0" * 40)
        await pilot.press("enter")
        await settle(pilot)
        assert "rejected the token (401)" in text(app, "#login-error")
        token_input = app.screen.query_one("#login-token", SecretInput)
        assert token_input.value == "0" * 40  # nothing the user typed is lost
        assert app.focused is token_input
        assert token_input.selection.end - token_input.selection.start == 40  # paste replaces
        assert app.screen.query_one("#login-url", Input).value == demo_server.url
        assert app.screen.query_one("#login-box").has_class("-failed")
        assert app.result is not None  # still on the screen (UNSET), nothing dismissed
    # The server answered as Waldur: the URL is kept for next time, no token anywhere.
    profile = Config.load().get("default")
    assert profile is not None and (profile.url, profile.storage) == (
        f"{demo_server.url}/api/",
        None,
    )
    assert "0" * 40 not in config_path().read_text()
    assert not credentials.token_dir().exists()


async def test_wrong_url_and_unreachable_host_focus_the_url(demo_server):
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url + "/elsewhere", token=OWNER_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a Waldur API" in text(app, "#login-error")
        assert app.focused is app.screen.query_one("#login-url")
        app.screen.query_one("#login-url", Input).value = "http://127.0.0.1:9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Cannot reach 127.0.0.1:9" in text(app, "#login-error")


async def test_signed_in_summary_then_continue_with_a_keyring_session(demo_server, memory_keyring):
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url, token=OWNER_TOKEN, profile="demo", typed=True)
        await pilot.press("enter")
        await settle(pilot)
        assert text(app, "#login-who").startswith(
            "✓ Signed in as Alice Owner (acme-owner), not staff"
        )
        assert "Token saved in the OS keyring (MemoryKeyring) for profile 'demo'." in text(
            app, "#login-stored"
        )
        assert app.focused is app.screen.query_one("#login-continue")
        await pilot.press("enter")
        await pilot.pause()
    session = app.result
    assert session is not None
    assert (session.url, session.profile, session.token_source) == (
        f"{demo_server.url}/api/",
        "demo",
        "keyring",
    )
    assert session.token.get_secret_value() == OWNER_TOKEN
    profile = Config.load().get("demo")
    assert profile is not None and profile.storage == "keyring"
    assert OWNER_TOKEN not in config_path().read_text()


async def test_no_keyring_offers_this_session_only_and_stores_nothing(demo_server):
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url, token=STAFF_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        stored = text(app, "#login-stored")
        assert "The token cannot be kept in the OS keyring: no OS keyring" in stored
        assert "This session only: nothing is stored" in stored
        assert "mode 0600" in stored
        # The keyring commands are complete: this profile and URL, the password asked for.
        url = f"{demo_server.url}/api/"
        assert "Profile 'default' is saved (URL and TLS settings), without the token." in stored
        assert (
            'dbus-run-session -- bash -c \'read -rsp "Keyring password: " pw' in stored
            and f'policytui login --profile default --url "{url}" && policytui --profile default\''
            in stored
        )
        assert "KEYRING_PASSWORD" not in stored and "example.com" not in stored
        assert app.focused is app.screen.query_one("#login-session-only")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is not None and app.result.token_source == "prompt"
    profile = Config.load().get("default")
    assert profile is not None and (profile.url, profile.storage) == (url, None)
    assert STAFF_TOKEN not in config_path().read_text()
    assert not credentials.token_dir().exists()


async def test_no_keyring_then_plain_file_is_flagged(demo_server):
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url, token=STAFF_TOKEN, profile="lab")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#login-plain-file")
        await settle(pilot)
        assert "PLAIN TEXT" in text(app, "#login-stored")
        await pilot.click("#login-continue")
        await pilot.pause()
    assert app.result is not None and app.result.token_source == "file"
    path = credentials.token_file("lab", f"{demo_server.url}/api/")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Config.load().get("lab").storage == "file"  # type: ignore[union-attr]


async def test_insecure_storage_flag_falls_back_to_the_file_by_itself(demo_server):
    app = LoginHost(insecure_storage=True)
    async with app.run_test(size=SIZE) as pilot:
        await fill(pilot, url=demo_server.url, token=STAFF_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert "PLAIN TEXT" in text(app, "#login-stored")
        await pilot.press("escape")  # signed in already: Esc goes on, it does not sign out
        await pilot.pause()
    assert app.result is not None and app.result.token_source == "file"


async def test_url_comes_prefilled_from_the_environment_and_esc_cancels(monkeypatch):
    monkeypatch.setenv("WALDUR_API_URL", "waldur.example.com")
    app = LoginHost(message="Your session expired.")
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#login-url", Input).value == "https://waldur.example.com/api/"
        assert app.focused is app.screen.query_one("#login-token")
        assert text(app, "#login-message") == "Your session expired."
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
    assert app.result is None


async def test_token_never_travels_in_input_messages():
    seen: list[str] = []
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#login-token").focus()
        original = app.screen.post_message

        def spy(message):
            seen.append(repr(message))
            return original(message)

        app.screen.post_message = spy  # type: ignore[method-assign]
        await pilot.press(*"s3cr3t-value", "enter")
        await pilot.pause()
    assert seen, "the screen saw the input's messages"
    assert not any("s3cr3t" in m for m in seen)


async def test_a_token_typed_into_the_url_field_is_hidden_and_never_looked_up():
    app = LoginHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*OWNER_TOKEN)  # focus starts in the clear-text URL field
        await pilot.pause()
        url_input = app.screen.query_one("#login-url", Input)
        token_input = app.screen.query_one("#login-token", SecretInput)
        assert url_input.value == ""
        assert token_input.value == OWNER_TOKEN  # all 40 characters, in the masked field
        assert "moved to the token field" in text(app, "#login-url-error")
        # A shorter token-like word is caught on submit, before any request is made.
        url_input.value = "abcdefghij0123456789xyz"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert url_input.value == ""
        assert app.workers._workers == set()  # no sign-in check was started
