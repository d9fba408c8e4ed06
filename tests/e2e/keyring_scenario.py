"""Steps run inside a D-Bus session with a real gnome-keyring Secret Service.

``python keyring_scenario.py STEP URL`` prints one JSON line with what the step saw.
Every step is a fresh process, so "restart the app, find the token" is real. The token
is never printed: steps report whether what they found equals it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

STEP, URL = sys.argv[1], sys.argv[2]
API = URL.rstrip("/") + "/api/"


def cli(*argv: str, stdin: str = "") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "policytui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}


def in_keyring(token: str | None) -> object:
    """Ask the Secret Service directly (not through policytui)."""
    import keyring

    try:
        found = keyring.get_password("policytui", f"demo@{API}")
    except Exception as exc:  # a locked keyring: report, do not crash the scenario
        return f"error: {type(exc).__name__}"
    return found == token if token is not None else found is not None


def main() -> dict[str, object]:
    import keyring

    from policytui.account import resolve

    token = os.environ.pop("SCENARIO_TOKEN", "")
    seen: dict[str, object] = {"backend": type(keyring.get_keyring()).__module__}
    if STEP == "login":
        seen["login"] = cli(
            "login", "--url", URL, "--profile", "demo", "--with-token", stdin=token + "\n"
        )
    elif STEP == "find":
        found = resolve(argparse.Namespace(profile=None, url=None))
        seen["source"] = found.session.token_source if found.session else None
        seen["same_token"] = bool(found.session) and (
            found.session.token.get_secret_value() == token  # type: ignore[union-attr]
        )
        seen["reason"] = found.reason
        seen["in_keyring"] = in_keyring(token)
        seen["status"] = cli("status")
    elif STEP == "logout":
        seen["logout"] = cli("logout")
        seen["in_keyring"] = in_keyring(None)
        seen["status"] = cli("status")
    return seen


if __name__ == "__main__":
    print(json.dumps(main()))
