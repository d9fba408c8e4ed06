"""Start the app: against the built-in demo server, or the session the profile resolves to.

With a real server, everything here up to ``PolicyApp`` runs before the first page is
painted: resolving the session imports neither pydantic nor httpx (its token is a light
``Secret``; tests/test_light_startup.py). Here, and only here, it is chosen whether the
app's background work runs in a forked helper process or in this one
(:mod:`policytui.helper`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from policytui.auth.secret import Secret
from policytui.auth.settings import Settings

if TYPE_CHECKING:
    from policytui.auth.config import SavedView
    from policytui.auth.session import Session
    from policytui.helper.work import Work
    from policytui.tui.app import SignInHint


def _resolve(settings: Settings) -> tuple[Session | None, SignInHint | None]:
    """The session to start with, or what the sign-in screen should show instead."""
    from policytui.auth.resolve import resolve

    found = resolve(settings)
    if found.session is not None:
        return found.session, None
    from policytui.tui.app import SignInHint

    return None, SignInHint(
        url=found.url,
        profile=found.profile,
        reason=found.reason,
        verify=False if settings.insecure else None,
        ca_bundle=settings.ca_bundle,
    )


def _startup_page_size(asked: int | None) -> int | None:
    """The first page's size: ``--page-size`` when given, else what fits the terminal
    (``None`` without one: then nothing is fetched ahead)."""
    if asked is not None and asked > 0:  # the app ignores one that is not: fit the screen
        return asked
    from policytui.tui.page_fit import fitted_page_size, terminal_lines

    lines = terminal_lines()
    return None if lines is None else fitted_page_size(lines)


def _background_work(session: Session | None, demo: bool, page_size: int | None) -> Work:
    """A helper process forked now, before Textual is imported (its requests overlap that
    import), when there is a real server to ask and forking is safe; else this process."""
    from policytui.helper.work import InProcess

    if session is None or demo:
        return InProcess()  # the demo server runs in a thread of this process: no fork
    size = _startup_page_size(page_size)
    if size is None:
        return InProcess()
    from policytui.helper.fork import fork_helper

    return fork_helper(session, size) or InProcess()


def _saved_view(name: str) -> SavedView | str:
    """The saved view ``--view`` names, or what to say instead (before any screen)."""
    from policytui.auth.config import Config, ConfigError, view_not_found

    try:
        config = Config.load()
    except ConfigError as exc:
        return str(exc)
    return config.views.get(name.strip()) or view_not_found(name, config)


def run_app(settings: Settings) -> int:
    """Run the TUI until the user quits; the exit code for the shell."""
    server = None
    hint: SignInHint | None = None
    view: SavedView | None = None
    if settings.view is not None:
        found = _saved_view(settings.view)
        if isinstance(found, str):
            print(f"policytui: {found}", file=sys.stderr)
            return 2
        view = found
    if not sys.stdin.isatty():
        # Textual would paint and then read keys from a file or pipe that has none: at
        # its end its input thread loops, a core busy for good, and nothing can quit it.
        print(
            "policytui: the interface reads keys from a terminal, and standard input is "
            "not one. From a script: policytui list, show, export or apply "
            "(policytui --help).",
            file=sys.stderr,
        )
        return 2
    if settings.demo:
        from policytui.auth.session import Session
        from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings

        # A real loopback HTTP server in a thread: the UI loop stays free and the client
        # is exercised exactly as against a real Waldur. Signed in as staff so every
        # sample offering shows.
        if settings.demo_policies > 5000:
            # Generating a large sample takes seconds: say so before the screen goes blank.
            print(
                f"policytui: preparing the demo server with {settings.demo_policies:,} policies…",
                file=sys.stderr,
                flush=True,
            )
        server = DemoServer(
            DemoSettings(policies=settings.demo_policies, quirks=settings.demo_quirks)
        ).start()
        session: Session | None = Session(
            url=server.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True
        )
    else:
        try:
            session, hint = _resolve(settings)
        except Exception as exc:  # config errors must read as a message, not a traceback
            print(f"policytui: {exc}", file=sys.stderr)
            return 2
    work = _background_work(session, server is not None, settings.page_size)
    from policytui.tui.app import PolicyApp

    app = PolicyApp(
        session,
        work=work,
        settings=settings,
        sign_in_hint=hint,
        start_view=view,
    )
    try:
        app.run()
    finally:
        work.close()
        if server is not None:
            server.stop()
    return app.return_code or 0
