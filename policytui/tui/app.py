"""The Textual app: holds the session, the client and the catalog; hosts the screens.

Screens reach the server only through workers; the app owns the one client they
share and swaps it when the user signs in again after a 401.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import events
from textual.app import App
from textual.command import Provider

from policytui.auth.settings import Settings
from policytui.helper.work import InProcess, Work
from policytui.tui.actions import APP, bindings_for
from policytui.tui.catalog import Catalog
from policytui.tui.commands import PolicyCommands, SavedViewCommands
from policytui.tui.messages import (
    PoliciesFired,
    PolicyDeleted,
    PolicySaved,
    ProfileChosen,
    SessionChanged,
    SignInRequired,
)
from policytui.tui.styles import style_path

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy, User, WaldurClient
    from policytui.auth.config import SavedView
    from policytui.auth.session import Session
    from policytui.tui.screens.login import LoginScreen
    from policytui.tui.widgets.fired_scanner import FiredScanner


def _import_client() -> None:
    """What making the client imports (httpx, pydantic, the models): run in a thread."""
    import policytui.api.client  # noqa: F401


def _profile_commands() -> type[Provider]:
    # Imported when the palette opens: the sign-in module pulls in keyring, which the
    # first page must not wait for.
    from policytui.tui.screens.login import ProfileCommands

    return ProfileCommands


@dataclass(frozen=True, slots=True)
class SignInHint:
    """What is known before a first sign-in: the URL, profile and TLS settings to
    fill in, and why no session could be made (shown above the form)."""

    url: str | None = None
    profile: str | None = None
    reason: str | None = None
    verify: bool | None = None
    ca_bundle: str | None = None


SESSION_EXPIRED = "Your session expired or the token was revoked. Sign in again to go on."
_STORED_IN = {"keyring": "the OS keyring", "file": "the plain file"}


def token_rejected(session: Session | None) -> str:
    """A 401 for a token the server has not accepted in this run (the first request):
    the server rejected it, which is not the same as a session that expired."""
    source = session.token_source if session else ""
    if session is not None and source in _STORED_IN:
        profile = f" for profile {session.profile!r}" if session.profile else ""
        return (
            f"The server rejected the token stored in {_STORED_IN[source]}{profile} (401 at "
            "the first request): it may have been revoked or have expired since you signed "
            "in. Sign in again with a new token."
        )
    whose = "the token from the environment (WALDUR_ACCESS_TOKEN)"
    if source != "env":
        whose = "the token"
    return (
        f"The server rejected {whose} (401 at the first request): check that it is for "
        "this server, or copy it again from your Waldur user profile (Credentials → API "
        "token) and sign in."
    )


@runtime_checkable
class ShowsPolicies(Protocol):
    """A screen that shows policies and keeps them current after a write elsewhere."""

    def policy_saved(self, policy: OfferingUsagePolicy, *, created: bool) -> None: ...

    def policy_deleted(self, uuid: str) -> None: ...


#: Events that mean the user is at the keyboard or the mouse (not mere mouse movement).
_USER_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class PolicyApp(App[int]):
    """policytui: browse, inspect and edit Waldur offering usage policies."""

    TITLE = "policytui"
    CSS_PATH = [style_path("base.tcss")]
    COMMANDS = App.COMMANDS | {PolicyCommands, SavedViewCommands, _profile_commands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings_for(APP)

    def __init__(
        self,
        session: Session | None,
        settings: Settings | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        sign_in_hint: SignInHint | None = None,
        work: Work | None = None,
        start_view: SavedView | None = None,
    ) -> None:
        super().__init__()
        #: ``--view NAME``: the saved filter and sort the list opens with.
        self.start_view = start_view
        self.session = session
        self.clock = clock or (lambda: datetime.now(UTC))
        #: What the run was asked for (`--watch`, `--page-size`, `--insecure-storage`...).
        self.settings = settings or Settings()
        watch, page_size = self.settings.watch, self.settings.page_size
        self.watch_seconds = watch if watch and watch > 0 else None
        self.page_size = page_size if page_size and page_size > 0 else None
        #: Why there is no session yet (first run, locked keyring...), for the sign-in screen.
        self.sign_in_hint = sign_in_hint
        #: The background work (policytui.helper): the first page at start-up, fired
        #: scans. In a helper process or in this one, chosen by policytui.tui.run.
        self.work: Work = work if work is not None else InProcess()
        self._client: WaldurClient | None = None
        #: Set by :meth:`_start`: the client (and with it pydantic and httpx) is made once
        #: the list screen has painted the first page, if the work had one ready.
        self._deferred = False
        self.catalog = Catalog()
        self.user: User | None = None
        self._signing_in = False
        #: When the user last pressed a key or used the mouse (``time.monotonic``): the
        #: fired scan's thread reads it to give way while the user is moving around.
        self.last_input = 0.0

    # -- lifecycle ----------------------------------------------------------------------

    def on_mount(self) -> None:
        from policytui.tui.idle_collect import IdleCollector

        self.collector = IdleCollector()
        self.set_interval(0.5, lambda: self.collector.tick(self.seconds_since_input()))
        if self.session is None:
            self._push_login(message=None)
        else:
            self._start()

    def _start(self) -> None:
        from policytui.tui.screens.policy_list import PolicyListScreen

        assert self.session is not None
        # The list screen paints the first page if the work has one, then calls connect().
        self._deferred = True
        self.push_screen(PolicyListScreen())

    @property
    def client(self) -> WaldurClient | None:
        """The API client; made here on first use if :meth:`connect` has not run yet."""
        if self._client is None and self._deferred:
            self._connect()
        return self._client

    @client.setter
    def client(self, client: WaldurClient | None) -> None:
        self._deferred = False
        self._client = client

    @property
    def connected(self) -> bool:
        """The client exists (a deferred start has made it, or there was none to defer)."""
        return not self._deferred

    async def connect(self) -> None:
        """Make the deferred client, importing httpx, pydantic and the models in a thread
        first, so the keys pressed meanwhile are not held by a quarter-second import."""
        if not self._deferred:
            return
        await asyncio.to_thread(_import_client)
        if self._deferred:
            self._connect()

    def _connect(self) -> None:
        self._deferred = False
        assert self.session is not None
        self._client = self.work.client(self.session)

    async def on_unmount(self) -> None:
        collector = getattr(self, "collector", None)
        if collector is not None:
            collector.close()
        if self._client is not None:
            await self._client.aclose()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _USER_INPUT):
            self.last_input = time.monotonic()
            self.work.note_input(self.last_input)
        await super().on_event(event)

    @property
    def api_url(self) -> str | None:
        """The signed-in server's API URL (links in the detail are made on it)."""
        return self.session.url if self.session else None

    @property
    def username(self) -> str:
        """Who is signed in, once the server has said (the top bar's nicety)."""
        return self.user.username if self.user else ""

    def seconds_since_input(self) -> float:
        """How long the user has left the keyboard and mouse alone (thread-safe read)."""
        return time.monotonic() - self.last_input

    def now(self) -> datetime:
        """The clock relative times are measured against (fixed in snapshots)."""
        return self.clock()

    # -- sign-in ------------------------------------------------------------------------

    def _login_screen(self, message: str | None) -> LoginScreen:
        from policytui.tui.screens.login import LoginScreen

        session = self.session
        hint = self.sign_in_hint
        return LoginScreen(
            url=session.url if session else (hint.url if hint else None),
            profile=session.profile if session else (hint.profile if hint else None),
            message=message if message is not None else (hint.reason if hint else None),
            verify=session.verify if session else (hint.verify if hint else None),
            ca_bundle=session.ca_bundle if session else (hint.ca_bundle if hint else None),
            insecure_storage=self.settings.insecure_storage,
        )

    def _push_login(self, *, message: str | None) -> None:
        self._signing_in = True
        self.push_screen(self._login_screen(message), callback=self._signed_in)

    def require_sign_in(self, message: str | None = None) -> None:
        """A 401 happened: ask for a token again, keeping every screen beneath as it is."""
        if self._signing_in:
            return
        if message is None:
            # Accepted once (the user was read, or a sign-in checked it): expired or
            # revoked since. Never accepted: the server rejected it, say that instead.
            accepted = self.user is not None or bool(self.session and self.session.checked)
            message = SESSION_EXPIRED if accepted else token_rejected(self.session)
        self._push_login(message=message)

    def on_fired_scanner_batch(self, message: FiredScanner.Batch) -> None:
        """A batch of the index of every policy, kept by the list on its way up: what it
        holds stays, out of the way of collections under keys (tui/idle_collect.py)."""
        if message.index:
            self.collector.hold()

    def on_sign_in_required(self, message: SignInRequired) -> None:
        self.require_sign_in(message.message)

    # -- --notify -----------------------------------------------------------------------

    def on_policies_fired(self, message: PoliciesFired) -> None:
        """A refresh saw policies fire: with ``--notify``, the bell and a desktop
        notification naming them (the list has shown its toast already)."""
        if not self.settings.notify:
            return
        from policytui.tui.notify import alert_body, alert_sequence, kinds_for

        body = alert_body(message.fired, message.over)
        in_tmux = bool(os.environ.get("TMUX"))
        self.write_to_terminal(alert_sequence(body, in_tmux=in_tmux, kinds=kinds_for(os.environ)))

    def write_to_terminal(self, sequence: str) -> None:
        """The one place policytui writes to the terminal past Textual's frames.

        The pinned Textual has no public call for raw output; its own copy_to_clipboard
        writes OSC 52 through the driver the same way. The driver's writer queues it
        between frames (``sys.stdout`` would interleave with them). No driver (before
        the app runs, after it ends): nothing to write to.
        """
        driver = self._driver
        if driver is not None and not self.is_headless:
            driver.write(sequence)

    def on_profile_chosen(self, message: ProfileChosen) -> None:
        self.switch_session(message.session)

    def switch_session(self, session: Session) -> None:
        """Another profile was chosen in the palette: start over with its session."""
        from policytui.tui.screens.policy_list import PolicyListScreen

        old = self._client
        self.session = session
        self.catalog = Catalog()
        self.user = None
        self.client = session.client()
        if old is not None:
            self.run_worker(old.aclose(), group="close-client", exit_on_error=False)
        # The old profile's screens show another account's data: drop them all.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(PolicyListScreen())
        self.notify(f"Switched to profile {session.profile or session.url}.")

    def _signed_in(self, session: Session | None) -> None:
        self._signing_in = False
        if session is None:
            if self._client is None:
                self.exit(1)
            else:
                self.notify("Still signed out: requests will fail until you sign in.")
            return
        first = self._client is None
        old = self._client
        self.session = session
        self.catalog = Catalog()
        self.user = None
        if first:
            self._start()
            return
        self.client = session.client()
        if old is not None:
            self.run_worker(old.aclose(), group="close-client", exit_on_error=False)
        for screen in self.screen_stack:
            screen.post_message(SessionChanged())

    # -- results of edits, forwarded to the screens that show policies --------------------

    def on_policy_saved(self, message: PolicySaved) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ShowsPolicies):
                screen.policy_saved(message.policy, created=message.created)

    def on_policy_deleted(self, message: PolicyDeleted) -> None:
        for screen in list(self.screen_stack):
            if isinstance(screen, ShowsPolicies):
                screen.policy_deleted(message.uuid)

    # -- actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        from policytui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """``q``, Ctrl+Q and the palette's Quit: ask first if a policy form has unsaved
        changes (Ctrl+Q is an app-level priority key no screen can intercept)."""
        from policytui.tui.editing import quit_or_ask

        quit_or_ask(self)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
