"""What to do when no OS keyring can keep the token: commands to paste, complete.

A bare SSH host has no Secret Service (keyring's fail backend), so ``policytui login``
cannot keep the token there. The profile (URL and TLS settings) is saved anyway, and
these are the ways on, each a command the user can paste as it is: the real profile
name and URL, no placeholders, and no token on any command line (it is typed where
nothing echoes it). ``policytui login`` prints them and the sign-in screen shows them;
tests run them as printed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

#: Reads the keyring password without echo (bash's ``read -s``), hands it to
#: gnome-keyring-daemon on standard input (never on a command line: printf is a bash
#: builtin), which unlocks the login keyring, or creates it with that password the
#: first time. The password lives only in that one shell.
UNLOCK = (
    'read -rsp "Keyring password: " pw && echo && '
    '{ printf %s "$pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; }'
)

#: Characters that need no quoting inside the double quotes inside ``bash -c '...'``.
_PLAIN_IN_QUOTES = re.compile(r"[^'\"$`\\!]*")
#: A program path that can be pasted as it is, bare or inside ``bash -c '...'``.
_PLAIN_PATH = re.compile(r"[\w./+-]+")


@dataclass(frozen=True, slots=True)
class NoKeyringChoices:
    """The commands of each way on, for one profile and URL."""

    #: This shell only: nothing stored; the token is typed after the `read`.
    session_only: tuple[str, ...]
    #: A Secret Service of its own (dbus + gnome-keyring): sign in, then start the app.
    keyring_first: str
    #: The same Secret Service next time: start the app, the token is found in it.
    keyring_next: str
    #: The token in a 0600 plain file.
    plain_file: str


def _in_session(*commands: str) -> str:
    # bash, not sh: `read -s` (no echo) is not POSIX.
    return "dbus-run-session -- bash -c '" + " && ".join((UNLOCK, *commands)) + "'"


def program() -> str:
    """How to start policytui from the user's shell: ``policytui`` when that name finds
    this very program on the PATH, else the path it was started by (``.venv/bin/policytui``
    as the README installs it is often not on the PATH), so a pasted command works."""
    import os
    import shutil
    import sys

    started = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(started) != "policytui" or not os.path.isfile(started):
        return "policytui"  # `python -m policytui`, or a test: the plain name
    found = shutil.which("policytui")
    if found and os.path.realpath(found) == os.path.realpath(started):
        return "policytui"
    # Only a path that needs no quoting: it also goes inside `bash -c '...'`.
    return started if _PLAIN_PATH.fullmatch(started) else "policytui"


def choices(profile: str, url: str) -> NoKeyringChoices:
    """The commands for ``profile`` at ``url`` (the profile is saved before they are shown,
    so ``--profile`` alone would find the URL; it is given too, so a command says all)."""
    name = program()
    run = f"{name} --profile {shlex.quote(profile)}"
    login = f"{name} login --profile {shlex.quote(profile)}"
    # Inside `bash -c '...'` a URL goes in double quotes; one that cannot (a rare quote
    # or dollar in it) is left to the saved profile rather than mangled.
    inner_login = f'{login} --url "{url}"' if _PLAIN_IN_QUOTES.fullmatch(url) else login
    return NoKeyringChoices(
        session_only=(
            f"export WALDUR_API_URL={shlex.quote(url)}",
            "read -rs WALDUR_ACCESS_TOKEN && export WALDUR_ACCESS_TOKEN",
            run,
        ),
        keyring_first=_in_session(inner_login, run),
        keyring_next=_in_session(run),
        plain_file=f"{login} --url {shlex.quote(url)} --insecure-storage",
    )


def advice(reason: str, *, profile: str, url: str) -> str:
    """The three ways on, for the terminal: why, then each way with its commands."""
    way = choices(profile, url)
    session_only = "\n".join(f"       {command}" for command in way.session_only)
    return (
        f"The token cannot be kept in the OS keyring: {reason}\n"
        "Choose one:\n"
        "  1. For this shell only (nothing is stored). After the second command, paste\n"
        "     the token and press Enter (nothing is shown as you type):\n"
        f"{session_only}\n"
        "  2. A keyring of your own, locked by a password you choose (packages dbus and\n"
        "     gnome-keyring). The command asks for the keyring password (the first time\n"
        "     it creates the keyring with it), then for the token, then starts policytui:\n"
        f"       {way.keyring_first}\n"
        "     Next time, start policytui the same way (same keyring password):\n"
        f"       {way.keyring_next}\n"
        "  3. Store the token in a plain file readable only by you (mode 0600):\n"
        f"       {way.plain_file}"
    )
