"""`policytui login | status | logout | profiles` against the demo server over loopback HTTP."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policytui.auth import credentials
from policytui.auth.config import Config, config_path
from policytui.auth.resolve import resolve_session
from policytui.auth.settings import Settings
from policytui.cli import account
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


def login_args(url: str | None, **kw) -> Settings:
    base = {
        "profile": "demo",
        "url": url,
        "with_token": True,
        "insecure": False,
        "ca_bundle": None,
        "insecure_storage": False,
    }
    base.update(kw)
    return Settings(**base)


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
    assert profiles.stdout.strip() == f"* demo  {demo_server.url}/api/  [plain HTTP: not encrypted]"

    logout = run_cli("logout")
    assert logout.returncode == 0, logout.stderr
    assert "Logged out of 'demo': removed the token from the plain file" in logout.stdout
    assert not token_file.exists()
    status = run_cli("status")
    assert "Token: none stored (policytui login)" in status.stdout

    for result in (login, status, profiles, logout):
        assert OWNER_TOKEN not in result.stdout + result.stderr


def printed_commands(advice: str) -> list[str]:
    """The commands of the no-keyring advice, in order: the lines indented by 7 spaces
    (choice 1's three, choice 2's first and next-time ones, choice 3's)."""
    return [line[7:] for line in advice.splitlines() if line.startswith(" " * 7)]


def run_pasted(command: str, *, stdin: str = ""):
    """``command`` run by bash as a user pasting it would, with policytui on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command], input=stdin, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PATH": path},
    )  # fmt: skip


def test_login_without_a_keyring_saves_the_profile_and_prints_complete_commands(demo_server):
    url = f"{demo_server.url}/api/"
    result = run_cli(
        "login", "--profile", "lab", "--url", demo_server.url, "--with-token", stdin=STAFF_TOKEN
    )
    assert result.returncode == 1
    assert "Signed in to" in result.stdout  # the token was fine...
    assert "The token cannot be kept in the OS keyring" in result.stderr  # ...the keyring not
    assert "WALDUR_ACCESS_TOKEN=" not in result.stderr  # never suggests a token on a command line
    assert "Profile 'lab' saved in" in result.stderr and "the token was not stored" in result.stderr
    # The profile is kept (URL and TLS settings), the token nowhere.
    profile = Config.load().get("lab")
    assert profile is not None and (profile.url, profile.verify, profile.storage) == (
        url,
        True,
        None,
    )
    assert not credentials.token_dir().exists()

    commands = printed_commands(result.stderr)
    assert commands[:3] == [
        f"export WALDUR_API_URL={url}",
        "read -rs WALDUR_ACCESS_TOKEN && export WALDUR_ACCESS_TOKEN",
        "policytui --profile lab",
    ]
    keyring_first, keyring_next, plain_file = commands[3:]
    # The keyring password is asked for, never taken from a variable nobody set.
    assert 'read -rsp "Keyring password: " pw' in keyring_first
    assert f'policytui login --profile lab --url "{url}" && policytui --profile lab' in (
        keyring_first
    )
    assert keyring_next.endswith("&& policytui --profile lab'")
    assert plain_file == f"policytui login --profile lab --url {url} --insecure-storage"
    assert "example.com" not in result.stderr and "KEYRING_PASSWORD" not in result.stderr

    # Choice 3, pasted as printed: the token is asked for, the URL is not.
    pasted = run_pasted(plain_file, stdin=STAFF_TOKEN + "\n")
    assert pasted.returncode == 0, pasted.stderr
    assert "Waldur API URL" not in pasted.stdout + pasted.stderr
    assert f"Signed in to {url} as Sam Staff (staff), staff." in pasted.stdout
    assert "WARNING: the token is stored in PLAIN TEXT" in pasted.stderr
    # Choice 1's first two lines, pasted, then the token: the environment session works.
    session = run_pasted("\n".join([*commands[:2], "policytui status"]), stdin=STAFF_TOKEN + "\n")
    assert session.returncode == 0, session.stderr
    assert f"Environment: $WALDUR_ACCESS_TOKEN overrides the stored tokens; {url}" in (
        session.stdout
    )
    assert "Environment session: Sam Staff (staff), staff" in session.stdout
    for done in (result, pasted, session):
        assert STAFF_TOKEN not in done.stdout + done.stderr


def test_a_rejected_token_keeps_the_url_for_next_time(demo_server):
    first = run_cli("login", "--profile", "lab", "--url", demo_server.url, "--with-token",
                    stdin="0" * 40 + "\n")  # fmt: skip
    assert first.returncode == 1
    assert "rejected the token (401)" in first.stderr
    assert "Profile 'lab' saved in" in first.stderr
    # The next attempt asks for the token only (stdin is not a terminal: no URL prompt).
    again = run_cli("login", "--profile", "lab", "--with-token", "--insecure-storage",
                    stdin=OWNER_TOKEN + "\n")  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"Signed in to {demo_server.url}/api/ as Alice Owner" in again.stdout


def test_pasted_token_with_its_scheme_is_taken(demo_server, memory_keyring):
    for pasted in (f"Token {OWNER_TOKEN}", f"  Bearer {OWNER_TOKEN}  "):
        done = run_cli(
            "login", "--url", demo_server.url, "--with-token", "--insecure-storage",
            stdin=pasted + "\n",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "as Alice Owner (acme-owner), not staff." in done.stdout
    status = run_cli("status", env={"WALDUR_ACCESS_TOKEN": f"Token {STAFF_TOKEN}",
                                    "WALDUR_API_URL": demo_server.url})  # fmt: skip
    assert "Environment session: Sam Staff (staff), staff" in status.stdout


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
    session = resolve_session(Settings())
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
    # A rejected token keeps the URL (the server answered as Waldur); a bad URL nothing.
    assert config_path().exists() == (expected == "rejected the token (401)")


def test_empty_token_is_refused(demo_server, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert account.cmd_login(login_args(demo_server.url)) == 2
    assert "The token is empty: nothing was saved." in capsys.readouterr().err


def test_no_option_takes_a_token():
    result = run_cli("login", "--token", OWNER_TOKEN)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_logout_and_status_without_profiles(capsys):
    assert account.cmd_logout(Settings()) == 2
    assert "No profile: nothing to log out of." in capsys.readouterr().err
    assert account.cmd_status(Settings()) == 0
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
    assert "the token was not stored" in result.stderr


def test_status_names_the_environment_override(demo_server, monkeypatch, capsys):
    monkeypatch.setenv("WALDUR_API_URL", demo_server.url)
    monkeypatch.setenv("WALDUR_ACCESS_TOKEN", OWNER_TOKEN)
    assert account.cmd_status(Settings()) == 0
    out = capsys.readouterr().out
    assert (
        f"Environment: $WALDUR_ACCESS_TOKEN overrides the stored tokens; {demo_server.url}/api/"
        in out
    )
    assert "Environment session: Alice Owner (acme-owner), not staff" in out
    # The demo server answers over http: said as for a profile.
    assert f"{demo_server.url}/api/  [plain HTTP: not encrypted]" in out
    assert OWNER_TOKEN not in out


def test_commands_printed_by_a_program_off_the_path_name_its_path(demo_server):
    """The README installs into .venv/bin, which is often not on the PATH: the printed
    commands then start with the program's own path, and work pasted as they are."""
    script = str(Path(sys.executable).with_name("policytui"))
    bare_path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and Path(p).resolve() != Path(script).parent.resolve()
    )  # fmt: skip
    env = {**os.environ, "PATH": bare_path}
    result = subprocess.run(
        [script, "login", "--profile", "lab", "--url", demo_server.url, "--with-token"],
        input=STAFF_TOKEN, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    commands = printed_commands(result.stderr)
    assert commands[2] == f"{script} --profile lab"
    plain_file = commands[-1]
    assert plain_file.startswith(f"{script} login --profile lab ")
    pasted = subprocess.run(
        ["bash", "-c", plain_file], input=STAFF_TOKEN + "\n", capture_output=True, text=True,
        timeout=60, env=env,
    )  # fmt: skip
    assert pasted.returncode == 0, pasted.stderr
    assert "Signed in to" in pasted.stdout
