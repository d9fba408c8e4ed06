"""How the app, the sign-in screen and the profile switch meet."""

from __future__ import annotations

from browse_support import make_app, screen_text, settle
from textual.widgets import Input

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import DEMO_NOW, OWNER_TOKEN
from policytui.tui.app import PolicyApp, SignInHint


async def test_first_run_hint_fills_the_sign_in_form_and_says_why() -> None:
    hint = SignInHint(
        url="https://waldur.example.com/api/",
        profile="prod",
        reason="The keyring is locked.",
    )
    app = PolicyApp(None, clock=lambda: DEMO_NOW, sign_in_hint=hint)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#login-url", Input).value == hint.url
        assert app.screen.query_one("#login-profile", Input).value == "prod"
        assert "The keyring is locked." in screen_text(app)


async def test_switching_profile_starts_over_as_the_new_user(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        staff_text = screen_text(app)
        # Staff sees the other provider's offerings too.
        assert "Nordic Cloud" in staff_text or "Nordic Kubernetes" in staff_text
        old_client = app.client
        owner = Session(
            url=demo_server.url,
            token=Secret(OWNER_TOKEN),
            token_source="keyring",
            profile="acme",
        )
        app.switch_session(owner)
        await settle(pilot)
        assert app.session is owner and app.client is not old_client
        assert len(app.screen_stack) == 2  # the default screen and one fresh list
        text = screen_text(app)
        assert "acme-owner" in text
        assert "Acme" in text
        assert "Nordic Cloud" not in text and "Nordic Kubernetes" not in text
