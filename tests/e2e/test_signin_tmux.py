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
    app.wait_for("•" * 40)  # masked as typed
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
    app.wait_for("•" * 40)
    app.send("Enter")
    app.wait_for("Signed in as Sam Staff (staff), staff")
    time.sleep(0.3)
    app.send("Enter")
    screen = app.wait_for("staff · Policies")  # back in the list, as the new user
    assert "Sign in to Waldur" not in screen


def test_sign_in_screen_without_a_keyring_keeps_the_url_for_the_next_start(
    pane, demo_server
):
    cli = f"{shlex.quote(sys.executable)} -m policytui"
    # The URL from the environment: the form opens with the token field focused.
    first = f"env WALDUR_API_URL={shlex.quote(demo_server.url)} {cli}"
    app = pane("first", first, size=(110, 40))
    app.wait_for("Sign in to Waldur")
    app.type(OWNER_TOKEN)
    app.wait_for("•" * 40)
    app.send("Enter")
    screen = app.wait_for("Signed in as Alice Owner (acme-owner), not staff")
    url = f"{demo_server.url}/api/"
    assert "Profile 'default' is saved (URL and TLS settings), without the token." in screen
    # The keyring command names this profile and URL (wrapped in the box: no join here;
    # the exact text is checked by the pilot test, the commands run by the ones below).
    assert "policytui login --profile default --url" in screen and f'"{url}"' in screen
    app.send("Enter")  # "This session only"
    app.wait_for("Acme HPC Cluster")
    app.send("q")
    app.wait_for("[exited 0]")
    # The next start (no WALDUR_API_URL now) knows the URL from the saved profile.
    again = pane("again", cli, size=(110, 40))
    screen = again.wait_for("Sign in to Waldur")
    assert url in screen
    assert "No token is stored for profile 'default'" in screen


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


# -- no keyring: the commands `policytui login` prints, pasted into a shell ----------------

KEYRING_PASSWORD = "pasted-keyring-password"


def _printed_commands(advice: str) -> list[str]:
    """The advice's commands in order (lines indented by 7 spaces): choice 1's three,
    the keyring's first and next-time ones, the plain file's."""
    return [line[7:] for line in advice.splitlines() if line.startswith(" " * 7)]


def _login_without_keyring(server, env: dict[str, str]) -> list[str]:
    from e2e_terminal import POLICYTUI

    done = subprocess.run(
        [POLICYTUI, "login", "--profile", "lab", "--url", server.api_url, "--with-token"],
        input=OWNER_TOKEN + "\n", env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Profile 'lab' saved in" in done.stderr
    return _printed_commands(done.stderr)


def _shell_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    from e2e_terminal import POLICYTUI, user_env

    # A user's shell with policytui on PATH (as after `pip install`), no token in it.
    path = f"{Path(POLICYTUI).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return user_env(tmp_path / "home", PATH=path, PS1="$ ", **overrides)  # type: ignore[arg-type]


def test_no_keyring_this_shell_only_commands_work_when_pasted(tmp_path):
    from e2e_terminal import demo_server_process, terminal

    with demo_server_process("--policies", "30") as server:
        env = _shell_env(tmp_path)
        commands = _login_without_keyring(server, env)
        export_url, read_token, start = commands[:3]
        with terminal(["bash", "--norc", "--noprofile", "-i"], env, size=(100, 30)) as term:
            term.wait_for("$ ")
            for command in (export_url, read_token):
                term.type(command)
                term.keys("Enter")
            term.type(OWNER_TOKEN)  # the `read -rs`: nothing is echoed
            term.keys("Enter")
            term.type(start)
            term.keys("Enter")
            term.wait_for("page 1 of", "acme-owner", timeout=60)
            term.keys("q")
            term.wait_for("$ ")
            term.assert_no_secret(OWNER_TOKEN)


def _wait_for_prompt(term, prompt: str) -> None:
    # The prompt itself, not the command line typed above it (which quotes it); the
    # D-Bus daemon may write a warning on the same line.
    term.wait_until(
        lambda screen: any(
            prompt in line and f'"{prompt}' not in line for line in screen.splitlines()
        ),
        what=f"the prompt {prompt!r}",
    )


def test_no_keyring_secret_service_commands_work_when_pasted(tmp_path):
    import shutil as _shutil

    from e2e_terminal import demo_server_process, terminal

    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not _shutil.which(t)]
    if missing:
        pytest.skip(f"no real Secret Service here: {', '.join(missing)} not installed")
    with demo_server_process("--policies", "30") as server:
        commands = _login_without_keyring(server, _shell_env(tmp_path))
        first, then = commands[3:5]
        # The same user, now with keyring choosing its own backend (no fail backend
        # forced, no display for a prompt): the Secret Service started by the command.
        env = _shell_env(tmp_path)
        env.pop("PYTHON_KEYRING_BACKEND", None)
        env.pop("DISPLAY", None)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        with terminal(["bash", "--norc", "--noprofile", "-i"], env, size=(100, 30)) as term:
            term.wait_for("$ ")
            term.type(first)
            term.keys("Enter")
            _wait_for_prompt(term, "Keyring password:")
            term.type(KEYRING_PASSWORD)
            term.keys("Enter")
            term.wait_for("API token (typing is hidden):", timeout=60)
            term.type(OWNER_TOKEN)
            term.keys("Enter")
            # Stored in the keyring, then the app starts with it, in the same command.
            term.wait_for("page 1 of", "acme-owner", timeout=60)
            term.keys("q")
            term.wait_for("Token stored in the OS keyring (SecretService).", "$ ")
            term.keys("C-l")
            term.wait_gone("Token stored")
            # Next time: a new D-Bus session, the same password, no token asked for.
            term.type(then)
            term.keys("Enter")
            _wait_for_prompt(term, "Keyring password:")
            term.type(KEYRING_PASSWORD)
            term.keys("Enter")
            term.wait_for("page 1 of", "acme-owner", timeout=60)
            assert "Sign in to Waldur" not in term.screen()
            term.keys("q")
            # Back at the prompt (the app's screen gone, a fresh "$ " last), then the
            # shell ends: only after the D-Bus session did, so nothing of it lingers.
            term.wait_until(
                lambda screen: screen.rstrip().endswith("$") and "page 1 of" not in screen,
                what="the shell prompt after the app",
            )
            term.type("exit")
            term.keys("Enter")
            deadline = time.monotonic() + 30  # the harness's waits stop at "[exited"
            while "[exited 0]" not in term.screen() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "[exited 0]" in term.screen()
            term.assert_no_secret(OWNER_TOKEN, KEYRING_PASSWORD)
