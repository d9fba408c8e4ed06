"""Sign-in end to end in tmux against the demo server: what a user at a terminal sees.

The token is typed with `tmux send-keys` (that is the user typing). Every capture of the
pane is checked: the token is never echoed, by the login prompt or by the app.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, Fault

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


class Pane:
    """One tmux session on a private server socket; every capture is checked for tokens."""

    def __init__(self, name: str, command: str, env: dict[str, str], size=(100, 30)) -> None:
        self.socket = f"policytui-signin-{os.getpid()}-{name}"
        self.target = f"{name}:0"
        self.captures: list[str] = []
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The pane stays open after the command so its last screen can still be read.
        shell = (
            f'cd {shlex.quote(str(ROOT))} && env {exports} {command}; echo "[exited $?]"; sleep 600'
        )
        self._tmux("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), shell)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", self.target, *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        self.send(text, literal=True)

    def capture(self, *, history: bool = False) -> str:
        """The visible screen (or, with ``history``, everything the pane ever showed)."""
        extra = ["-S", "-", "-E", "-"] if history else []
        screen = self._tmux("capture-pane", "-p", "-J", *extra, "-t", self.target)
        self.captures.append(screen)
        return screen

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if text in screen:
                return screen
            time.sleep(0.15)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def pane(_isolated_home):
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    opened: list[Pane] = []
    env = {
        name: os.environ[name]
        for name in (
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
            "PYTHON_KEYRING_BACKEND", "PATH", "HOME",
        )
        if name in os.environ
    }  # fmt: skip
    env["TERM"] = "xterm-256color"

    def open_pane(name: str, command: str, size=(100, 30)) -> Pane:
        opened.append(Pane(name, command, env, size))
        return opened[-1]

    yield open_pane
    for p in opened:
        p.capture(history=True)
        p.close()
        for screen in p.captures:
            assert OWNER_TOKEN not in screen and STAFF_TOKEN not in screen, screen


def test_login_command_prompts_without_echo(pane, demo_server):
    cli = f"{shlex.quote(sys.executable)} -m policytui"
    p = pane("login", f"{cli} login --url {demo_server.url} --profile demo --insecure-storage")
    p.wait_for("API token (typing is hidden):")
    p.type(OWNER_TOKEN)
    time.sleep(0.3)
    screen = p.capture()
    assert OWNER_TOKEN[:8] not in screen  # not even partly echoed while typing
    p.send("Enter")
    screen = p.wait_for("saved in")
    assert "as Alice Owner (acme-owner), not staff." in screen
    assert "WARNING: the token is stored in PLAIN TEXT" in screen
    # No --url: the command asks for it, then for the token.
    second = pane("login2", f"{cli} login --profile second --insecure-storage")
    second.wait_for("Waldur API URL")
    second.type(demo_server.url)
    second.send("Enter")
    second.wait_for("API token (typing is hidden):")
    second.type(OWNER_TOKEN)
    second.send("Enter")
    assert "Profile 'second' saved" in second.wait_for("saved in")
    status = pane("status", f"{cli} status")
    screen = status.wait_for("User:")
    assert "User:  Alice Owner (acme-owner), not staff" in screen


def test_first_run_signs_in_on_the_screen_and_again_after_a_401(pane, fresh_demo_server):
    app = pane("app", f"{shlex.quote(sys.executable)} -m policytui", size=(110, 32))
    app.wait_for("Sign in to Waldur")
    app.type(fresh_demo_server.url)
    app.send("Enter")
    time.sleep(0.3)
    app.type(OWNER_TOKEN)
    time.sleep(0.3)
    assert "•" * 40 in app.capture()  # masked as typed
    app.send("Enter")
    screen = app.wait_for("Signed in as Alice Owner (acme-owner), not staff")
    assert "The token cannot be kept in the OS keyring" in screen
    app.send("Enter")  # "This session only" has the focus
    app.wait_for("Acme HPC Cluster")  # the policy list of Alice's organization
    # The token is revoked mid-work: the next request leads back to the sign-in screen.
    fresh_demo_server.set_faults([Fault("revoke_token")])
    app.send("r")
    screen = app.wait_for("Sign in to Waldur")
    assert f"{fresh_demo_server.url}/api/" in screen  # the URL is filled in
    fresh_demo_server.set_faults([])
    time.sleep(0.3)
    app.type(STAFF_TOKEN)
    time.sleep(0.3)
    assert "•" * 40 in app.capture(), app.captures[-1]
    app.send("Enter")
    app.wait_for("Signed in as Sam Staff (staff), staff")
    time.sleep(0.3)
    app.send("Enter")
    screen = app.wait_for("staff · Policies")  # back in the list, as the new user
    assert "Sign in to Waldur" not in screen


def test_the_app_never_shows_an_env_token_while_the_server_fails(
    pane, fresh_demo_server, tmp_path, _isolated_home
):
    # The token reaches the app through the environment, read from a 0600 file by the
    # shell, so it is not on any command line here either.
    token_file = tmp_path / "token"
    token_file.write_text(OWNER_TOKEN)
    token_file.chmod(0o600)
    textual_log = tmp_path / "textual.log"
    fresh_demo_server.set_faults(
        [
            Fault("status", path="/marketplace-offering-usage-policies/", params={"status": 500}),
            Fault("malformed_json", path="/marketplace-provider-offerings/"),
        ]
    )
    app = pane(
        "failing",
        f'WALDUR_ACCESS_TOKEN="$(cat {token_file})" TEXTUAL_LOG={textual_log} '
        f"{shlex.quote(sys.executable)} -m policytui --url {fresh_demo_server.url}",
    )
    app.wait_for("500")
    for key in ("r", "?", "Escape"):
        app.send(key)
        time.sleep(0.4)
        app.capture()
    fresh_demo_server.set_faults([Fault("revoke_token")])
    app.send("r")
    app.wait_for("Sign in to Waldur")  # the 401 leads to sign-in, URL filled in
    app.send("Escape")
    app.wait_for("Still signed out")
    app.send("q")
    app.wait_for("[exited 0]", timeout=30)
    assert textual_log.exists(), "Textual wrote its log"
    for path in [textual_log, *_isolated_home.rglob("*")]:
        if path.is_file():
            assert OWNER_TOKEN not in path.read_text(errors="replace"), path
