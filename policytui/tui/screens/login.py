"""The sign-in screen: API URL, token (masked) and profile name.

The token is checked with ``GET /api/users/me/`` in a worker before anything is saved;
the screen then shows who it belongs to and keeps it in the OS keyring. When the keyring
is unusable it says why and offers the choices (this session only, a plain 0600 file).
Dismisses with a :class:`~policytui.auth.session.Session`, or ``None`` on Esc.

The token stays a ``Secret``; the input that holds what the user types masks its
value in every message it posts, so no message repr (Textual's crash report prints
locals) carries it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static
from textual.widgets.input import Selection

from policytui.api import User, normalize_base_url
from policytui.auth import credentials, no_keyring
from policytui.auth.check import SignInError, check_sign_in, describe_user, looks_like_token
from policytui.auth.config import (
    DEFAULT_PROFILE_NAME,
    Config,
    ConfigError,
    Profile,
    check_profile_name,
    env_url,
    profile_names,
)
from policytui.auth.resolve import session_for_profile
from policytui.auth.secret import Secret, pasted_token
from policytui.auth.session import Session
from policytui.tui.actions import LOGIN, bindings_for
from policytui.tui.messages import ProfileChosen
from policytui.tui.styles import style_path
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.text_input import TextInput

MASK = "********"
_UNEXPECTED = (
    "Something unexpected went wrong while checking the token; nothing was saved. "
    "Check the URL and try again."
)
_HEX_TOKEN = re.compile(r"[0-9a-fA-F]{32,}")


def _masked_paste_repr() -> Iterator[tuple[str, str]]:
    yield "text", MASK


def _masked_key_repr() -> Iterator[tuple[str, str]]:
    yield "key", "•"


class SecretInput(TextInput):
    """A password Input whose Changed/Submitted/Blurred messages never carry the value."""

    def __init__(self, **kwargs: object) -> None:
        # No select-all on focus: text moved here from the URL field, or typed after a
        # failed check, is added to rather than silently replaced by the next key.
        super().__init__(password=True, select_on_focus=False, **kwargs)  # type: ignore[arg-type]

    def post_message(self, message: Message) -> bool:
        if isinstance(message, Input.Changed | Input.Submitted | Input.Blurred):
            message.value = MASK if message.value else ""
        elif isinstance(message, events.Paste):
            # The event keeps its text for the input; only its repr (which Textual's log
            # and crash report print) is masked, here and as it bubbles up.
            message.__rich_repr__ = _masked_paste_repr  # type: ignore[method-assign]
        elif isinstance(message, events.Key) and message.is_printable:
            message.__rich_repr__ = _masked_key_repr  # type: ignore[method-assign]
        return super().post_message(message)

    @property
    def secret(self) -> Secret:
        # "Token abc…" / "Bearer abc…" as copied from a header: the token is what follows.
        return pasted_token(self.value)


@dataclass
class _Outcome:
    user: User
    stored: credentials.StoredToken | None = None
    keyring_problem: str | None = None
    #: The token was already stored (a profile switch), not typed just now.
    reused: bool = False


class SignInChecked(Message):
    """The worker's answer: who the token belongs to, and where it went (or why not)."""

    def __init__(self, outcome: _Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class SignInFailed(Message):
    def __init__(self, error: SignInError) -> None:
        super().__init__()
        self.error = error


def _keyring_choices(reason: str, profile: str, url: str) -> str:
    """What the buttons below mean, and the commands (complete, to paste in a shell) for
    a keyring on this host."""
    way = no_keyring.choices(profile, url)
    return (
        f"The token cannot be kept in the OS keyring: {reason}\n"
        f"Profile {profile!r} is saved (URL and TLS settings), without the token.\n\n"
        "• This session only: nothing is stored; sign in again next time.\n"
        "• Plain file: readable only by you (mode 0600), flagged as plain text.\n"
        "• A keyring of your own (packages dbus and gnome-keyring): quit, then run this "
        "in your shell. It asks for a keyring password (the first time, it creates the "
        "keyring with it), then for the token:\n"
        f"  {way.keyring_first}\n"
        "  Next time, start policytui with:\n"
        f"  {way.keyring_next}"
    )


class LoginScreen(Screen[Session | None]):
    """``LoginScreen(url=None, profile=None, message=None)``: sign in, get a Session."""

    CSS_PATH = style_path("login.tcss")
    AUTO_FOCUS = None
    BINDINGS = bindings_for(LOGIN)

    def __init__(
        self,
        url: str | None = None,
        profile: str | None = None,
        message: str | None = None,
        *,
        verify: bool | None = None,
        ca_bundle: str | None = None,
        insecure_storage: bool = False,
        use_stored: bool = False,
    ) -> None:
        super().__init__(classes="login")
        #: Switching profiles: try the profile's stored token first, the form if it fails.
        self._use_stored = use_stored
        try:
            config = Config.load()
            url_from_env = env_url()
        except ConfigError as exc:
            config, url_from_env = Config(), None
            message = f"{message}\n{exc}" if message else str(exc)
        known = config.get(profile)
        self._url = url or url_from_env or (known.url if known else "")
        self._profile = profile or (known.name if known else DEFAULT_PROFILE_NAME)
        self._message = message
        self._verify = verify if verify is not None else (known.verify if known else True)
        self._ca_bundle = ca_bundle or (known.ca_bundle if known else None)
        self._insecure_storage = insecure_storage
        self._token: Secret | None = None
        self._session: Session | None = None
        self._user: User | None = None
        self._pending: tuple[str, str] = ("", "")

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The scroll container never takes focus: keys and pastes go straight to a field.
        with VerticalScroll(id="login-scroll", can_focus=False), Vertical(id="login-box"):
            if self._message:
                yield Static(self._message, id="login-message", markup=False)
            with Vertical(id="login-form"):
                with Horizontal(classes="login-row"):
                    yield Label("API URL", classes="login-label")
                    yield TextInput(
                        self._url, placeholder="https://waldur.example.com/api/", id="login-url"
                    )
                yield Static("", id="login-url-error", classes="login-field-error")
                with Horizontal(classes="login-row"):
                    yield Label("API token", classes="login-label")
                    yield SecretInput(placeholder="hidden as you type", id="login-token")
                yield Static(
                    "From your Waldur user profile: Credentials → API token.",
                    id="login-token-hint",
                    classes="login-hint",
                )
                yield Static("", id="login-token-error", classes="login-field-error")
                with Horizontal(classes="login-row"):
                    yield Label("Profile", classes="login-label")
                    yield TextInput(self._profile, id="login-profile")
                yield Static("", id="login-profile-error", classes="login-field-error")
                if not self._verify:
                    yield Static(
                        "TLS certificates will NOT be checked (--insecure).", id="login-insecure"
                    )
                yield LoadingIndicator(id="login-checking")
                yield Static("", id="login-error", markup=False)
                with Horizontal(id="login-buttons"):
                    yield Button("Sign in", id="login-submit", variant="primary")
                    yield Button("Cancel", id="login-cancel")
            with Vertical(id="login-summary"):
                yield Static("", id="login-who", markup=False)
                yield Static("", id="login-stored", markup=False)
                with Horizontal(id="login-summary-buttons"):
                    yield Button("Continue", id="login-continue", variant="success")
                with Horizontal(id="login-fallback-buttons"):
                    yield Button("This session only", id="login-session-only", variant="primary")
                    yield Button("Save in a plain file", id="login-plain-file", variant="warning")
                    yield Button("Back", id="login-back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-box").border_title = "Sign in to Waldur"
        for error in self.query(".login-field-error, #login-error"):
            error.display = False
        self.query_one("#login-checking").display = False
        self.query_one("#login-summary").display = False
        (self.query_one("#login-token") if self._url else self.query_one("#login-url")).focus()
        if self._use_stored:
            self._set_busy(True)
            self._show_error(f"Looking up the stored token of profile {self._profile!r} …")
            self._sign_in_stored(self._profile)

    # -- input ----------------------------------------------------------------------------

    @on(Input.Changed, "#login-url")
    def _url_changed(self, event: Input.Changed) -> None:
        # A pasted 40-hex token in the clear-text URL field is hidden at once.
        if _HEX_TOKEN.fullmatch(event.input.value.strip()):
            self._move_token_out_of_url()

    def _move_token_out_of_url(self) -> None:
        url_input = self.query_one("#login-url", Input)
        token_input = self.query_one("#login-token", SecretInput)
        if not token_input.value:
            token_input.value = url_input.value.strip()
        url_input.value = ""
        self._field_error("url", "That looked like the token: it was moved to the token field.")
        # The rest of a token being typed lands where it is hidden, after what is there
        # (set_focus at once: Widget.focus() is deferred, and keys would go on arriving here).
        self.set_focus(token_input)
        token_input.cursor_position = len(token_input.value)

    def action_url_entered(self) -> None:
        # set_focus, not Widget.focus(): that one is deferred, and the keys after Enter
        # would be routed to the URL field meanwhile.
        self.set_focus(self.query_one("#login-token"))

    @on(Input.Submitted, "#login-token")
    @on(Input.Submitted, "#login-profile")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        self.action_sign_in()

    @on(Button.Pressed, "#login-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.query_one("#login-summary").display:
            # Signed in already: Esc goes on with the stored token, or back to the form
            # when the keyring could not keep it.
            if self._session is not None:
                self.dismiss(self._session)
            else:
                self._back()
            return
        self.workers.cancel_group(self, "sign-in")
        self.dismiss(None)

    def action_default(self) -> None:
        if not self.query_one("#login-summary").display:
            self.action_sign_in()
        elif self._session is not None:
            self._continue()
        elif self.query_one("#login-fallback-buttons").display:
            self._session_only()  # the choice that stores nothing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_in" and self.is_mounted:
            return not self.query_one("#login-summary").display
        if action == "url_entered":
            return self.is_mounted and self.focused is self.query_one("#login-url")
        return True

    def _field_error(self, name: str, text: str) -> None:
        error = self.query_one(f"#login-{name}-error", Static)
        error.update(text)
        error.display = bool(text)
        self.query_one(f"#login-{name}").set_class(bool(text), "-invalid")

    def _clear_errors(self) -> None:
        for name in ("url", "token", "profile"):
            self._field_error(name, "")
        self._show_error("")
        self.query_one("#login-box").remove_class("-failed")

    def action_sign_in(self) -> None:
        if self.query_one("#login-summary").display:
            return
        self._clear_errors()
        url_input = self.query_one("#login-url", Input)
        token_input = self.query_one("#login-token", SecretInput)
        if looks_like_token(url_input.value):
            # Never use it as a host name: a DNS lookup would hand the token out.
            self._move_token_out_of_url()
            return
        raw_url = url_input.value
        token = token_input.secret
        first_bad: str | None = None
        try:
            url = normalize_base_url(raw_url)
        except ValueError as exc:
            url = ""
            self._field_error("url", str(exc))
            first_bad = "url"
        if not token.get_secret_value():
            self._field_error("token", "Paste or type the API token.")
            first_bad = first_bad or "token"
        try:
            profile = check_profile_name(self.query_one("#login-profile", Input).value)
        except ConfigError as exc:
            profile = ""
            self._field_error("profile", str(exc))
            first_bad = first_bad or "profile"
        if first_bad:
            self.query_one(f"#login-{first_bad}").focus()
            return
        self._token = token
        self._set_busy(True, url)
        self._check(url, token, profile)

    def _show_error(self, text: str) -> None:
        line = self.query_one("#login-error", Static)
        line.update(text)
        line.display = bool(text)

    def _set_busy(self, busy: bool, url: str = "") -> None:
        self.query_one("#login-checking").display = busy
        for widget in self.query("#login-form Input, #login-form Button"):
            widget.disabled = busy
        if busy:
            self.query_one("#login-error", Static).update(
                f"Checking the token with {url}users/me/ …"
            )
            self.query_one("#login-error").add_class("-progress")
        else:
            self.query_one("#login-error").remove_class("-progress")

    # -- the check, off the event loop ----------------------------------------------------

    @work(exclusive=True, group="sign-in")
    async def _check(self, url: str, token: Secret, profile: str) -> None:
        try:
            user = await check_sign_in(url, token, verify=self._verify, ca_bundle=self._ca_bundle)
        except SignInError as exc:
            if exc.field == "token":
                # The server answered as a Waldur API: keep the URL and TLS settings for
                # next time, as `policytui login` does (never over another URL's profile).
                await asyncio.to_thread(self._save_profile, profile, url, None, only_new=True)
            self.post_message(SignInFailed(exc))
            return
        except Exception:
            # Anything unforeseen is a message on the form, not a crash that loses the typing.
            self.post_message(SignInFailed(SignInError(_UNEXPECTED, problem="url")))
            return
        outcome = _Outcome(user)
        try:
            # The keyring call is bounded (~2 s) and runs in its own daemon thread.
            outcome.stored = await asyncio.to_thread(
                credentials.store_token,
                profile,
                url,
                token,
                allow_file=self._insecure_storage,
            )
        except credentials.KeyringUnavailable as exc:
            outcome.keyring_problem = exc.reason
            # The token has nowhere to go, but the profile does: URL and TLS settings.
            await asyncio.to_thread(self._save_profile, profile, url, None)
        else:
            await asyncio.to_thread(self._save_profile, profile, url, outcome.stored.where)
        self._pending = (url, profile)
        self.post_message(SignInChecked(outcome))

    @work(exclusive=True, group="sign-in")
    async def _sign_in_stored(self, profile: str) -> None:
        # The keyring call is bounded (~2 s) and runs in its own daemon thread.
        found = await asyncio.to_thread(session_for_profile, profile)
        session = found.session
        if session is None:
            reason = found.reason or f"Profile {profile!r} has no stored token."
            self.post_message(SignInFailed(SignInError(reason, problem="token")))
            return
        try:
            user = await check_sign_in(
                session.url, session.token, verify=session.verify, ca_bundle=session.ca_bundle
            )
        except SignInError as exc:
            self.post_message(SignInFailed(exc))
            return
        except Exception:
            self.post_message(SignInFailed(SignInError(_UNEXPECTED, problem="url")))
            return
        self._token = session.token
        self._verify, self._ca_bundle = session.verify, session.ca_bundle
        self._pending = (session.url, profile)
        detail = {"keyring": "OS keyring", "file": "plain file", "env": "environment"}
        stored = credentials.StoredToken(
            session.token, session.token_source, detail.get(session.token_source, "store")
        )  # type: ignore[arg-type]
        self.post_message(SignInChecked(_Outcome(user, stored, reused=True)))

    def _save_profile(
        self, profile: str, url: str, storage: str | None, *, only_new: bool = False
    ) -> None:
        """Save the profile; ``storage=None`` keeps where an earlier sign-in to the same
        URL put its token. ``only_new``: leave a profile of another URL alone."""
        try:
            config = Config.load()
        except ConfigError:
            config = Config()  # a broken file is replaced by one that works
        existing = config.get(profile)
        if only_new and existing is not None and existing.url != url:
            return
        if storage is None and existing is not None and existing.url == url:
            storage = existing.storage
        config.put(
            Profile(
                profile,
                url,
                self._verify,
                self._ca_bundle,
                storage if storage in ("keyring", "file") else None,  # type: ignore[arg-type]
            ),
            make_default=config.default_profile is None,
        )
        config.save()

    @on(SignInFailed)
    def _failed(self, event: SignInFailed) -> None:
        self._set_busy(False)
        self._use_stored = False  # from here on it is the ordinary form
        self._show_error(event.error.message)
        self.query_one("#login-box").add_class("-failed")
        field = self.query_one(f"#login-{event.error.field}", Input)
        field.focus()
        if event.error.field == "token":
            # A rejected token is selected, so pasting the right one replaces it.
            field.selection = Selection(0, len(field.value))

    @on(SignInChecked)
    def _checked(self, event: SignInChecked) -> None:
        self._set_busy(False)
        outcome = event.outcome
        self._user = outcome.user
        url, profile = self._pending
        self.query_one("#login-form").display = False
        self.query_one("#login-summary").display = True
        self.refresh_bindings()
        self.query_one("#login-who", Static).update(
            f"✓ Signed in as {describe_user(outcome.user)}\n  at {url}"
        )
        stored_text = self.query_one("#login-stored", Static)
        fallback = self.query_one("#login-fallback-buttons")
        summary_buttons = self.query_one("#login-summary-buttons")
        if outcome.stored is not None:
            where = outcome.stored
            self._session = Session(
                url,
                self._token_or_fail(),
                where.where,
                profile,
                self._verify,
                self._ca_bundle,
                checked=True,
            )
            if outcome.reused:
                stored_text.update(f"Using the token stored in the {where.detail}.")
                if where.plaintext:
                    stored_text.add_class("-plaintext")
            elif where.plaintext:
                stored_text.update(
                    f"⚠ The token is stored in PLAIN TEXT: {where.detail} (mode 0600).\n"
                    "Anyone with access to your account or its backups can read it."
                )
                stored_text.add_class("-plaintext")
            else:
                stored_text.update(f"Token saved in the {where.detail} for profile {profile!r}.")
            fallback.display = False
            summary_buttons.display = True
            self.query_one("#login-continue").focus()
        else:
            stored_text.update(_keyring_choices(outcome.keyring_problem or "", profile, url))
            stored_text.add_class("-warning")
            summary_buttons.display = False
            fallback.display = True
            self.query_one("#login-session-only").focus()

    def _token_or_fail(self) -> Secret:
        if self._token is None:  # pragma: no cover - the form always sets it first
            raise RuntimeError("no token")
        return self._token

    # -- after the check -----------------------------------------------------------------

    @on(Button.Pressed, "#login-continue")
    def _continue(self) -> None:
        self.dismiss(self._session)

    @on(Button.Pressed, "#login-session-only")
    def _session_only(self) -> None:
        url, profile = self._pending
        token = self._token_or_fail()
        self.dismiss(
            Session(url, token, "prompt", profile, self._verify, self._ca_bundle, checked=True)
        )

    @on(Button.Pressed, "#login-plain-file")
    def _plain_file(self) -> None:
        self._insecure_storage = True
        self._store_in_file()

    @work(exclusive=True, group="sign-in")
    async def _store_in_file(self) -> None:
        url, profile = self._pending
        token = self._token_or_fail()
        await asyncio.to_thread(credentials.file_set, profile, url, token)
        await asyncio.to_thread(self._save_profile, profile, url, "file")
        stored = credentials.StoredToken(
            token, "file", f"plain file {credentials.token_file(profile, url)}"
        )
        self.notify("The token is stored in plain text (mode 0600).", severity="warning", timeout=6)
        # The summary keeps showing the user that was checked a moment ago.
        if self._user is not None:
            self.post_message(SignInChecked(_Outcome(self._user, stored)))

    @on(Button.Pressed, "#login-back")
    def _back(self) -> None:
        self.query_one("#login-summary").display = False
        self.query_one("#login-form").display = True
        self.refresh_bindings()
        self.query_one("#login-stored").remove_class("-warning", "-plaintext")
        self.query_one("#login-token").focus()


# -- switching profiles from the command palette -----------------------------------------


def _switch_to(app: App[Any], session: Session | None) -> None:
    """Hand a profile's session to the app (as after a sign-in), unless cancelled."""
    if session is not None:
        app.post_message(ProfileChosen(session))


def open_profile(app: App[Any], name: str) -> None:
    """Sign in with profile ``name``: its stored token if it works, else the form."""
    app.push_screen(LoginScreen(profile=name, use_stored=True), callback=partial(_switch_to, app))


class SessionHost(Protocol):
    """What the profile switcher reads of the app that hosts it."""

    session: Session | None


class ProfileCommands(Provider):
    """Command palette: "Switch profile: NAME" for every profile in config.toml."""

    async def _names(self) -> list[str]:
        return await asyncio.to_thread(profile_names)

    def _current(self) -> str | None:
        """The profile in use, not offered as a switch (the host app says which)."""
        host: SessionHost = self.app  # type: ignore[assignment]
        return host.session.profile if host.session else None

    async def discover(self) -> Hits:
        current = self._current()
        for name in await self._names():
            if name != current:
                yield DiscoveryHit(
                    f"Switch profile: {name}",
                    partial(open_profile, self.app, name),
                    help="Sign in with this profile's stored token",
                )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        current = self._current()
        for name in await self._names():
            text = f"Switch profile: {name}"
            score = matcher.match(text)
            if score > 0 and name != current:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(open_profile, self.app, name),
                    help="Sign in with this profile's stored token",
                )
