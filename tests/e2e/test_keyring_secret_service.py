"""Round trips against a real Secret Service: gnome-keyring in its own D-Bus session.

The packages `dbus` and `gnome-keyring` are installed by the project's test set-up; when
they are missing the tests are skipped with that reason printed (pytest -ra).
Every D-Bus session here is private to the test and its keyrings live in the test's
temporary XDG_DATA_HOME, so a developer's own keyring is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policytui.demo import OWNER_TOKEN

pytestmark = pytest.mark.keyring

# This file is also the script each step runs inside the D-Bus session (see the end).
SCENARIO = Path(__file__)
UNLOCKED = 'printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets'
LOCKED = "gnome-keyring-daemon --start --components=secrets"


@pytest.fixture
def secret_service():
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(t)]
    if missing:
        pytest.skip(f"no real Secret Service here: {', '.join(missing)} not installed")

    def run(step: str, url: str, *, unlock: bool = True, token: str = "") -> dict:
        # No display either: an unlock prompt must not pop up on a developer's desktop.
        dropped = ("PYTHON_KEYRING_BACKEND", "DISPLAY", "WAYLAND_DISPLAY")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(KEYRING_PW="test-keyring-password", SCENARIO_TOKEN=token)
        script = (
            f"{UNLOCKED if unlock else LOCKED} >/dev/null 2>&1; "
            f'exec "{sys.executable}" "{SCENARIO}" {step} "{url}"'
        )
        started = time.monotonic()
        done = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        seen["seconds"] = time.monotonic() - started
        assert OWNER_TOKEN not in done.stdout + done.stderr
        return seen

    return run


# -- the steps, run as `python THIS_FILE STEP URL` inside the D-Bus session -------------
# Every step is a fresh process, so "restart the app, find the token" is real. The token
# is never printed: steps report whether what they found equals it.


def _cli(*argv: str, stdin: str = "") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "policytui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}


def _in_keyring(api: str, token: str | None) -> object:
    """Ask the Secret Service directly (not through policytui)."""
    import keyring

    try:
        found = keyring.get_password("policytui", f"demo@{api}")
    except Exception as exc:  # a locked keyring: report, do not crash the scenario
        return f"error: {type(exc).__name__}"
    return found == token if token is not None else found is not None


def scenario_step(step: str, url: str) -> dict[str, object]:
    """One step, run by this file as a script inside the D-Bus session."""
    api = url.rstrip("/") + "/api/"
    import keyring

    from policytui.auth.resolve import resolve
    from policytui.auth.settings import Settings

    token = os.environ.pop("SCENARIO_TOKEN", "")
    seen: dict[str, object] = {"backend": type(keyring.get_keyring()).__module__}
    if step == "login":
        seen["login"] = _cli(
            "login", "--url", url, "--profile", "demo", "--with-token", stdin=token + "\n"
        )
    elif step == "find":
        found = resolve(Settings())
        seen["source"] = found.session.token_source if found.session else None
        seen["same_token"] = bool(found.session) and (
            found.session.token.get_secret_value() == token  # type: ignore[union-attr]
        )
        seen["reason"] = found.reason
        seen["in_keyring"] = _in_keyring(api, token)
        seen["status"] = _cli("status")
    elif step == "logout":
        seen["logout"] = _cli("logout")
        seen["in_keyring"] = _in_keyring(api, None)
        seen["status"] = _cli("status")
    return seen


def test_login_restart_find_logout_gone(secret_service, demo_server):
    url = demo_server.url
    seen = secret_service("login", url, token=OWNER_TOKEN)
    assert seen["backend"] == "keyring.backends.SecretService"
    login = seen["login"]
    assert login["code"] == 0, login["err"]
    assert "as Alice Owner (acme-owner), not staff." in login["out"]
    assert "Token stored in the OS keyring (SecretService)." in login["out"]

    # A new D-Bus session on the same keyring files: a restart of the whole desktop.
    seen = secret_service("find", url, token=OWNER_TOKEN)
    assert seen["source"] == "keyring" and seen["same_token"] and seen["in_keyring"]
    status = seen["status"]["out"]
    assert "Token: OS keyring (SecretService)" in status
    assert "User:  Alice Owner (acme-owner), not staff" in status
    assert "WARNING" not in status

    seen = secret_service("logout", url)
    assert seen["logout"]["code"] == 0
    assert "removed the token from the OS keyring" in seen["logout"]["out"]
    assert seen["in_keyring"] is False
    assert "Token: none stored" in seen["status"]["out"]


def test_locked_keyring_is_explained_quickly(secret_service, demo_server):
    url = demo_server.url
    assert secret_service("login", url, token=OWNER_TOKEN)["login"]["code"] == 0
    # The daemon starts without the password: the login keyring stays locked and its
    # unlock prompt cannot open without a display.
    seen = secret_service("find", url, unlock=False, token=OWNER_TOKEN)
    assert seen["source"] is None
    assert seen["in_keyring"] == "error: KeyringLocked"
    assert "The stored token cannot be read: the OS keyring is locked" in seen["reason"]
    assert "OS keyring: not usable: the OS keyring is locked" in seen["status"]["out"]
    assert seen["seconds"] < 20


def test_no_keyring_at_all_login_explains_and_stores_nothing(secret_service, demo_server):
    # A fresh keyring directory and no unlock: creating a collection needs a prompt.
    seen = secret_service("login", demo_server.url, unlock=False, token=OWNER_TOKEN)
    login = seen["login"]
    assert login["code"] == 1
    assert "The token cannot be kept in the OS keyring" in login["err"]
    assert "the token was not stored" in login["err"]


if __name__ == "__main__":
    print(json.dumps(scenario_step(sys.argv[1], sys.argv[2])))
