"""Start the app: against the built-in demo server, or the session the profile resolves to.

With a real server, everything here up to ``PolicyApp`` runs before the first page is
painted: resolving the session imports neither pydantic nor httpx (its token is a light
``Secret``; tests/test_light_startup.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from policytui.secret import Secret

if TYPE_CHECKING:
    from policytui.session import Session
    from policytui.tui.app import SignInHint


def _env_session(args: argparse.Namespace) -> Session | None:
    """``--url`` plus ``WALDUR_ACCESS_TOKEN``: used when the sign-in module is absent."""
    from policytui.session import Session

    url = getattr(args, "url", None) or os.environ.get("WALDUR_API_URL")
    raw = os.environ.get("WALDUR_ACCESS_TOKEN")
    if not url or not raw:
        return None
    return Session(
        url=url,
        token=Secret(raw.strip()),
        token_source="env",
        verify=not getattr(args, "insecure", False),
        ca_bundle=getattr(args, "ca_bundle", None),
    )


def _resolve(args: argparse.Namespace) -> tuple[Session | None, SignInHint | None]:
    """The session to start with, or what the sign-in screen should show instead."""
    try:
        from policytui.account import resolve
    except ImportError:
        return _env_session(args), None
    found = resolve(args)
    if found.session is not None:
        return found.session, None
    from policytui.tui.app import SignInHint

    return None, SignInHint(
        url=found.url,
        profile=found.profile,
        reason=found.reason,
        verify=False if getattr(args, "insecure", False) else None,
        ca_bundle=getattr(args, "ca_bundle", None),
    )


def run_app(args: argparse.Namespace) -> int:
    """Run the TUI until the user quits; the exit code for the shell."""
    server = None
    hint: SignInHint | None = None
    if getattr(args, "demo", False):
        from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
        from policytui.session import Session

        # A real loopback HTTP server in a thread: the UI loop stays free and the client
        # is exercised exactly as against a real Waldur. Signed in as staff so every
        # sample offering shows.
        if args.demo_policies > 5000:
            # Generating a large sample takes seconds: say so before the screen goes blank.
            print(
                f"policytui: preparing the demo server with {args.demo_policies:,} policies…",
                file=sys.stderr,
                flush=True,
            )
        server = DemoServer(
            DemoSettings(policies=args.demo_policies, quirks=args.demo_quirks)
        ).start()
        session: Session | None = Session(
            url=server.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True
        )
    else:
        try:
            session, hint = _resolve(args)
        except Exception as exc:  # config errors must read as a message, not a traceback
            print(f"policytui: {exc}", file=sys.stderr)
            return 2
    helper = None
    if session is not None and server is None:
        # Before Textual is imported: the helper's requests overlap that import.
        from policytui import prefetch

        helper = prefetch.start(session, args.page_size)
    from policytui.tui.app import PolicyApp

    app = PolicyApp(
        session,
        startup=helper.recording if helper else None,
        scan_service=helper.scans if helper else None,
        watch=args.watch,
        page_size=args.page_size,
        insecure_storage=getattr(args, "insecure_storage", False),
        sign_in_hint=hint,
    )
    try:
        app.run()
    finally:
        if helper is not None:
            helper.scans.close()
        if server is not None:
            server.stop()
    return app.return_code or 0
