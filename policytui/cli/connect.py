"""From the command line's Settings to a signed-in client, for the shell commands.

The same session the app starts with (`auth.resolve`: ``WALDUR_ACCESS_TOKEN`` with
``WALDUR_API_URL``, else the profile's stored token in the OS keyring or its 0600 file),
so a script and the app never disagree about who is signed in. When there is no session
the reason goes to stderr and the command exits with ``ExitCode.NOT_SIGNED_IN``; the
token itself is never printed (it stays an ``auth.secret.Secret`` until the client
builds its header).

Imports no httpx or pydantic at import time (tests/test_layering.py): the client loads
in ``client_for``, inside a command that needs it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from policytui.auth.resolve import resolve
from policytui.auth.session import Session
from policytui.auth.settings import Settings
from policytui.cli.exit_codes import ExitCode

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient
    from policytui.api.errors import WaldurError

#: What to do when no profile and no environment give a session.
SIGN_IN_ADVICE = (
    "Sign in with `policytui login --url https://waldur.example.com/api/`, "
    "or set WALDUR_API_URL and WALDUR_ACCESS_TOKEN."
)


class CommandExit(Exception):
    """A command ends here with ``code``; ``message`` (if any) goes to stderr.

    Raised below a command's top and caught once by :func:`run_command`, so a helper deep
    in a walk can stop the run without threading exit codes through every return.
    """

    def __init__(self, code: ExitCode, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check_env_url() -> None:
    """``WALDUR_API_URL`` is a script's own setting: taken whole, never guessed at (the
    app's sign-in form would read ``not-a-url`` as ``https://not-a-url/api/``, and the
    run would end in "Cannot reach" instead of naming the variable). A usage error."""
    import os

    raw = os.environ.get("WALDUR_API_URL", "").strip()
    if raw and not raw.lower().startswith(("http://", "https://")):
        raise CommandExit(
            ExitCode.USAGE,
            f"WALDUR_API_URL is not a URL: {raw!r}. Give the whole API URL, "
            "e.g. https://waldur.example.com/api/.",
        )


def session_for(settings: Settings) -> Session:
    """The session of this run, or :class:`CommandExit` (exit 3) saying why there is none."""
    _check_env_url()
    found = resolve(settings)
    if found.session is not None:
        global _token_source
        _token_source = found.session.token_source
        if not found.session.verify and found.session.url.startswith("https://"):
            # The app shows this all session; a script's log gets it once per run.
            print("WARNING: TLS certificates are NOT checked (--insecure).", file=sys.stderr)
        return found.session
    reason = found.reason or "Not signed in."
    advice = SIGN_IN_ADVICE
    if settings.profile:
        # The profile asked for is the one to sign in to (or to create).
        import shlex

        named = shlex.quote(settings.profile)
        advice = advice.replace("login --url", f"login --profile {named} --url")
    raise CommandExit(ExitCode.NOT_SIGNED_IN, f"{reason} {advice}")


def client_for(settings: Settings, **options: Any) -> WaldurClient:
    """A client for the session of this run (the caller closes it: ``async with``)."""
    return session_for(settings).client(**options)


#: Where this run's token came from (:func:`session_for` notes it): a token the server
#: rejects is named by where the user set it.
_token_source: str | None = None


def _rejected_token() -> str:
    """Where the rejected token came from, when the user may not know: a variable set in
    the environment wins over the signed-in profile, and may be left from another day."""
    if _token_source != "env":
        return ""
    from policytui.auth.credentials import env_token

    found = env_token()
    name = found.detail.lstrip("$") if found is not None else "WALDUR_ACCESS_TOKEN"
    return (
        f" The token came from the environment ({name}): set it to a valid token, or unset "
        "it to use the profile you signed in with."
    )


def exit_for(error: WaldurError) -> CommandExit:
    """A client error met on a read, as the command's end: a rejected token is exit 3
    (sign in again), anything else exit 4. The message is the client's own line, which
    never holds the token."""
    from policytui.api import errors

    if isinstance(error, errors.AuthenticationError):
        # The client's words already say to sign in again.
        return CommandExit(
            ExitCode.NOT_SIGNED_IN,
            f"The server rejected the token (401): {error}{_rejected_token()}",
        )
    return CommandExit(ExitCode.SERVER, str(error))


def run_command(body: Any, *args: Any, stderr: TextIO | None = None) -> int:
    """Call ``body(*args)``; a :class:`CommandExit` becomes its message on stderr and its
    code, a client error on a read becomes exit 3 or 4, stdout refusing a write exit 5,
    Ctrl-C exit 130 (as shells do)."""
    from policytui.api import errors
    from policytui.cli.output import OutputFailed, check_stdout, drop_stdout

    out = stderr or sys.stderr
    try:
        check_stdout()
        return int(body(*args))
    except OutputFailed as failed:
        drop_stdout()
        print(failed, file=out)
        return int(ExitCode.OUTPUT)
    except CommandExit as stop:
        if stop.code is ExitCode.OUTPUT:
            drop_stdout()
        if stop.message:
            print(stop.message, file=out)
        return int(stop.code)
    except errors.WaldurError as exc:
        stop = exit_for(exc)
        print(stop.message, file=out)
        return int(stop.code)
    except KeyboardInterrupt:
        print("Interrupted.", file=out)
        return 130
