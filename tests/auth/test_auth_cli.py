"""`policytui login | status | logout | profiles` against the demo server over loopback HTTP."""

from __future__ import annotations

import argparse
import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policytui import account, credentials
from policytui.config import Config, config_path
from policytui.demo import OWNER_TOKEN, STAFF_TOKEN


def run_cli(*argv: str, stdin: str = "", env: dict[str, str] | None = None):
    """A fresh process each time: what a user's shell does, and a restart between steps."""
    return subprocess.run(
        [sys.executable, "-m", "policytui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def login_args(url: str | None, **kw) -> argparse.Namespace:
    base = {
        "profile": "demo",
        "url": url,
        "with_token": True,
        "insecure": False,
        "ca_bundle": None,
        "insecure_storage": False,
    }
    base.update(kw)
    return argparse.Namespace(**base)


def test_login_status_logout_round_trip_with_the_plain_file(demo_server):
    login = run_cli(
        "login", "--url", demo_server.url, "--profile", "demo", "--with-token",
        "--insecure-storage", stdin=OWNER_TOKEN + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert f"Signed in to {demo_server.url}/api/ as Alice Owner (acme-owner), not staff." in (
        login.stdout
    )
    assert "WARNING: the token is stored in PLAIN TEXT" in login.stderr
    assert "Profile 'demo' (the default) saved" in login.stdout
    token_file = credentials.token_file("demo", f"{demo_server.url}/api/")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert OWNER_TOKEN not in config_path().read_text()

    status = run_cli("status")
    assert status.returncode == 0, status.stderr
    assert "Profile demo (default)" in status.stdout
    assert "User:  Alice Owner (acme-owner), not staff" in status.stdout
    assert f"Token: plain file {token_file}" in status.stdout
    assert "WARNING: demo: the token is stored in plain text." in status.stdout
    assert "OS keyring: not usable: no OS keyring is available" in status.stdout

    profiles = run_cli("profiles")
    assert profiles.stdout.strip() == f"* demo  {demo_server.url}/api/"

    logout = run_cli("logout")
    assert logout.returncode == 0, logout.stderr
    assert "Logged out of 'demo': removed the token from the plain file" in logout.stdout
    assert not token_file.exists()
    status = run_cli("status")
    assert "Token: none stored (policytui login)" in status.stdout

    for result in (login, status, profiles, logout):
        assert OWNER_TOKEN not in result.stdout + result.stderr


def test_login_without_a_keyring_explains_the_choices_and_saves_nothing(demo_server):
    result = run_cli("login", "--url", demo_server.url, "--with-token", stdin=STAFF_TOKEN)
    assert result.returncode == 1
    assert "Signed in to" in result.stdout  # the token was fine...
    assert "The token cannot be kept in the OS keyring" in result.stderr  # ...the keyring not
    assert "WALDUR_ACCESS_TOKEN=" not in result.stderr  # never suggests a token on a command line
    assert "read -rs WALDUR_ACCESS_TOKEN" in result.stderr
    assert "--insecure-storage" in result.stderr and "dbus-run-session" in result.stderr
    assert "Nothing was saved." in result.stderr
    assert not config_path().exists()
    assert not credentials.token_dir().exists()


def test_login_into_the_keyring(demo_server, memory_keyring, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(STAFF_TOKEN + "\n"))
    assert account.cmd_login(login_args(demo_server.url)) == 0
    out = capsys.readouterr().out
    assert "as Sam Staff (staff), staff." in out
    assert "Token stored in the OS keyring (MemoryKeyring)." in out
    url = f"{demo_server.url}/api/"
    assert memory_keyring.entries == {("policytui", f"demo@{url}"): STAFF_TOKEN}
    profile = Config.load().get("demo")
    assert profile is not None and profile.storage == "keyring"
    session = account.resolve_session(argparse.Namespace(profile=None, url=None))
    assert session is not None and session.token_source == "keyring"


@pytest.mark.parametrize(
    ("url", "token", "expected"),
    [
        ("{demo}", "0" * 40, "rejected the token (401)"),
        ("{demo}/not-waldur", OWNER_TOKEN, "is not a Waldur API"),
        ("http://127.0.0.1:9", OWNER_TOKEN, "Cannot reach 127.0.0.1:9: nothing answered"),
        ("https://{host}", OWNER_TOKEN, "does not speak TLS on that port"),
        ("ftp://files.example.com", OWNER_TOKEN, "Not an http(s) URL"),
    ],
    ids=["bad-token", "wrong-url", "unreachable", "tls", "not-http"],
)
def test_each_failure_has_its_own_message_and_nothing_is_saved(
    demo_server, memory_keyring, capsys, monkeypatch, url, token, expected
):
    url = url.format(demo=demo_server.url, host=demo_server.url.split("//")[1])
    monkeypatch.setattr(sys, "stdin", io.StringIO(token))
    code = account.cmd_login(login_args(url))
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert expected in err
    assert token not in err
    assert memory_keyring.entries == {}
    assert not config_path().exists()


def test_empty_token_is_refused(demo_server, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert account.cmd_login(login_args(demo_server.url)) == 2
    assert "The token is empty: nothing was saved." in capsys.readouterr().err


def test_no_option_takes_a_token():
    result = run_cli("login", "--token", OWNER_TOKEN)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_logout_and_status_without_profiles(capsys):
    assert account.cmd_logout(argparse.Namespace(profile=None)) == 2
    assert "No profile: nothing to log out of." in capsys.readouterr().err
    assert account.cmd_status(argparse.Namespace()) == 0
    assert "No profiles yet" in capsys.readouterr().out


def test_no_dbus_at_all_is_explained(demo_server):
    # Keyring chooses its own backend, as on a bare SSH host with no D-Bus session.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND",)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import keyring; print(type(keyring.get_keyring()).__module__)"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if probe.stdout.strip() != "keyring.backends.fail":
        pytest.skip(f"this host has a keyring backend without D-Bus: {probe.stdout.strip()}")
    result = subprocess.run(
        [sys.executable, "-m", "policytui", "login", "--url", demo_server.url, "--with-token"],
        input=OWNER_TOKEN, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no OS keyring is available here" in result.stderr


def test_a_hung_keyring_cannot_keep_the_process_from_exiting(demo_server):
    # The backend blocks for two minutes; the command must explain and exit long before.
    started = time.monotonic()
    result = run_cli(
        "login", "--url", demo_server.url, "--with-token",
        stdin=OWNER_TOKEN,
        env={
            "PYTHON_KEYRING_BACKEND": "fake_keyrings.SlowKeyring",
            "PYTHONPATH": str(Path(__file__).parent),
        },
    )  # fmt: skip
    assert time.monotonic() - started < 15
    assert result.returncode == 1
    assert "did not answer within 2 s" in result.stderr
    assert "Nothing was saved." in result.stderr


def test_status_names_the_environment_override(demo_server, monkeypatch, capsys):
    monkeypatch.setenv("WALDUR_API_URL", demo_server.url)
    monkeypatch.setenv("WALDUR_ACCESS_TOKEN", OWNER_TOKEN)
    assert account.cmd_status(argparse.Namespace()) == 0
    out = capsys.readouterr().out
    assert (
        f"Environment: $WALDUR_ACCESS_TOKEN overrides the stored tokens; {demo_server.url}/api/"
        in out
    )
    assert "Environment session: Alice Owner (acme-owner), not staff" in out
    assert OWNER_TOKEN not in out
