"""Switching profiles: the palette offers each profile; its stored token is tried first."""

from __future__ import annotations

from login_host import LoginHost, settle
from textual.app import App
from textual.widgets import Input, Static

from policytui.auth import credentials
from policytui.auth.config import Config, Profile
from policytui.auth.secret import Secret
from policytui.demo import OWNER_TOKEN, STAFF_TOKEN
from policytui.tui.messages import ProfileChosen
from policytui.tui.screens.login import LoginScreen, ProfileCommands

SIZE = (90, 30)


def save_profiles(url: str) -> None:
    config = Config()
    config.put(Profile.create("prod", url, storage="keyring"))
    config.put(Profile.create("lab", url, storage="keyring"))
    config.save()


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_stored_token_is_checked_and_shown_then_used(demo_server, memory_keyring):
    save_profiles(demo_server.url)
    credentials.store_token("lab", f"{demo_server.url}/api/", Secret(STAFF_TOKEN))
    app = LoginHost(profile="lab", use_stored=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Signed in as Sam Staff (staff), staff" in text(app, "#login-who")
        assert text(app, "#login-stored") == "Using the token stored in the OS keyring."
        await pilot.press("enter")
        await pilot.pause()
    assert app.result.profile == "lab" and app.result.token_source == "keyring"
    assert app.result.token.get_secret_value() == STAFF_TOKEN


async def test_profile_without_a_token_falls_back_to_the_form(demo_server, memory_keyring):
    save_profiles(demo_server.url)
    app = LoginHost(profile="prod", use_stored=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text(app, "#login-error") == "No token is stored for profile 'prod'."
        assert app.screen.query_one("#login-url", Input).value == f"{demo_server.url}/api/"
        assert app.focused is app.screen.query_one("#login-token")
        assert not app.screen.query_one("#login-summary").display


async def test_revoked_stored_token_says_so(demo_server, memory_keyring):
    save_profiles(demo_server.url)
    credentials.store_token("prod", f"{demo_server.url}/api/", Secret("0" * 40))
    app = LoginHost(profile="prod", use_stored=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "rejected the token (401)" in text(app, "#login-error")


class SwitchingApp(App):
    """Stands in for PolicyApp: a palette with the profile switcher, and the hook."""

    COMMANDS = App.COMMANDS | {ProfileCommands}

    def __init__(self) -> None:
        super().__init__()
        self.session = None
        self.switched = []

    def on_profile_chosen(self, message: ProfileChosen) -> None:
        self.switched.append(message.session)


async def test_palette_switches_profile(demo_server, memory_keyring):
    save_profiles(demo_server.url)
    credentials.store_token("prod", f"{demo_server.url}/api/", Secret(OWNER_TOKEN))
    app = SwitchingApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"switch profile prod")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "Alice Owner" in text(app, "#login-who")
        await pilot.press("enter")
        await pilot.pause()
    assert [s.profile for s in app.switched] == ["prod"]
