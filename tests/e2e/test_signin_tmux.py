"""Sign-in end to end in tmux against the demo server: what a user at a terminal sees.

The token is typed with `tmux send-keys` (that is the user typing). Every capture of the
pane is checked: the token is never echoed, by the login prompt or by the app.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_terminal import POLICYTUI, Terminal, demo_server_process, terminal, user_env

from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, Fault

pytestmark = pytest.mark.e2e

OpenPane = Callable[..., Terminal]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The user's home: config, data and state of every pane of one test live here."""
    return tmp_path / "home"


@pytest.fixture
def pane(home: Path) -> Iterator[OpenPane]:
    """Opens terminals running the console script in ``home``; at the end, no token is
    on any screen any of them showed, nor on a command line."""
    opened: list[Terminal] = []

    def open_pane(name: str, *args: str, size=(100, 30), **env: str) -> Terminal:  # type: ignore[no-untyped-def]
        opened.append(Terminal([POLICYTUI, *args], user_env(home, **env), size, name=name))
        return opened[-1]

    yield open_pane
    try:
        for term in opened:
            term.assert_no_secret(OWNER_TOKEN, STAFF_TOKEN)
    finally:
        for term in opened:
            term.close()


def test_login_command_prompts_without_echo(pane, demo_server):  # type: ignore[no-untyped-def]
    p = pane("login", "login", "--url", demo_server.url, "--profile", "demo", "--insecure-storage")
    p.wait_for("API token (typing is hidden):")
    p.type(OWNER_TOKEN)
    p.keys("Enter")
    screen = p.wait_for("saved in")
    # Not even partly echoed while typing: an echo would have stayed in the pane's history.
    assert OWNER_TOKEN[:8] not in p.screen(history=True)
    assert "as Alice Owner (acme-owner), not staff." in screen
    assert "WARNING: the token is stored in PLAIN TEXT" in screen
    # No --url: the command asks for it, then for the token.
    second = pane("login2", "login", "--profile", "second", "--insecure-storage")
    second.wait_for("Waldur API URL")
    second.type(demo_server.url)
    second.keys("Enter")
    second.wait_for("API token (typing is hidden):")
    second.type(OWNER_TOKEN)
    second.keys("Enter")
    assert "Profile 'second' saved" in second.wait_for("saved in")
    status = pane("status", "status")
    screen = status.wait_for("User:")
    assert "User:  Alice Owner (acme-owner), not staff" in screen


def test_first_run_signs_in_on_the_screen_and_again_after_a_401(pane, fresh_demo_server):  # type: ignore[no-untyped-def]
    app = pane("app", size=(110, 32))
    app.wait_for("Sign in to Waldur")
    app.type(fresh_demo_server.url)
    app.keys("Enter")
    app.wait_focus("API token")  # typed before the focus moves, it would join the URL
    app.type(OWNER_TOKEN)
    app.wait_for("•" * 40)  # masked as typed
    app.keys("Enter")
    screen = app.wait_for("Signed in as Alice Owner (acme-owner), not staff")
    assert "The token cannot be kept in the OS keyring" in screen
    app.keys("Enter")  # "This session only" has the focus
    app.wait_for("Acme HPC Cluster")  # the policy list of Alice's organization
    # The token is revoked mid-work: the next request leads back to the sign-in screen.
    fresh_demo_server.set_faults([Fault("revoke_token")])
    app.keys("r")
    screen = app.wait_for("Sign in to Waldur")
    assert f"{fresh_demo_server.url}/api/" in screen  # the URL is filled in
    fresh_demo_server.set_faults([])
    app.wait_focus("API token")  # the URL is known: the token field has the focus
    app.type(STAFF_TOKEN)
    app.wait_for("•" * 40)
    app.keys("Enter")
    app.wait_for("Signed in as Sam Staff (staff), staff")
    # At once: an Enter before the focus reaches the summary's button still continues.
    app.keys("Enter")
    screen = app.wait_for("staff · Policies")  # back in the list, as the new user
    assert "Sign in to Waldur" not in screen


def test_sign_in_screen_without_a_keyring_keeps_the_url_for_the_next_start(pane, demo_server):  # type: ignore[no-untyped-def]
    # The URL from the environment: the form opens with the token field focused.
    app = pane("first", size=(110, 40), WALDUR_API_URL=demo_server.url)
    app.wait_for("Sign in to Waldur")
    app.type(OWNER_TOKEN)
    app.wait_for("•" * 40)
    app.keys("Enter")
    screen = app.wait_for("Signed in as Alice Owner (acme-owner), not staff")
    url = f"{demo_server.url}/api/"
    assert "Profile 'default' is saved (URL and TLS settings), without the token." in screen
    # The keyring command names this profile and URL (wrapped in the box: no join here;
    # the exact text is checked by the pilot test, the commands run by the ones below).
    # The program is named by its path when this policytui is not the one on the PATH, and
    # the box wraps at any space: read the words, the pilot test checks the exact text.
    words = screen.split()
    assert "dbus-run-session" in words and "--profile" in words and "default" in words, screen
    assert f'"{url}"' in screen, screen
    app.keys("Enter")  # "This session only"
    app.wait_for("Acme HPC Cluster")
    app.keys("q")
    app.wait_exit(0)
    # The next start (no WALDUR_API_URL now) knows the URL from the saved profile.
    again = pane("again", size=(110, 40))
    screen = again.wait_for("Sign in to Waldur")
    assert url in screen
    assert "No token is stored for profile 'default'" in screen


def _policy_requests(server) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in server.requests() if "usage-policies" in r["path"])


def test_the_app_never_shows_an_env_token_while_the_server_fails(  # type: ignore[no-untyped-def]
    pane, fresh_demo_server, tmp_path, home
):
    # The token reaches the app through the environment, which the harness hands the
    # pane's shell in a 0600 file: it is on no command line here either.
    textual_log = tmp_path / "textual.log"
    fresh_demo_server.set_faults(
        [
            Fault("status", path="/marketplace-offering-usage-policies/", params={"status": 500}),
            Fault("malformed_json", path="/marketplace-provider-offerings/"),
        ]
    )
    app = pane(
        "failing",
        "--url",
        fresh_demo_server.url,
        WALDUR_ACCESS_TOKEN=OWNER_TOKEN,
        TEXTUAL_LOG=str(textual_log),
    )
    app.wait_for("500")
    asked = _policy_requests(fresh_demo_server)
    app.keys("r")  # the refresh reaches the server and fails the same way
    deadline = time.monotonic() + 30
    while _policy_requests(fresh_demo_server) == asked and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _policy_requests(fresh_demo_server) > asked, "the refresh never reached the server"
    app.wait_for("500")
    app.keys("?")
    app.wait_for("Keys of")
    app.keys("Escape")
    app.wait_gone("Keys of")
    fresh_demo_server.set_faults([Fault("revoke_token")])
    app.keys("r")
    app.wait_for("Sign in to Waldur")  # the 401 leads to sign-in, URL filled in
    app.keys("Escape")
    app.wait_for("Still signed out")
    app.keys("q")
    app.wait_exit(0)
    assert textual_log.exists(), "Textual wrote its log"
    for path in [textual_log, *home.rglob("*")]:
        if path.is_file():
            assert OWNER_TOKEN not in path.read_text(errors="replace"), path


# -- no keyring: the commands `policytui login` prints, pasted into a shell ----------------

KEYRING_PASSWORD = "pasted-keyring-password"


def _printed_commands(advice: str) -> list[str]:
    """The advice's commands in order (lines indented by 7 spaces): choice 1's three,
    the keyring's first and next-time ones, the plain file's."""
    return [line[7:] for line in advice.splitlines() if line.startswith(" " * 7)]


def _login_without_keyring(server, env: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [POLICYTUI, "login", "--profile", "lab", "--url", server.api_url, "--with-token"],
        input=OWNER_TOKEN + "\n", env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Profile 'lab' saved in" in done.stderr
    return _printed_commands(done.stderr)


def _shell_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    # A user's shell with policytui on PATH (as after `pip install`), no token in it.
    path = f"{Path(POLICYTUI).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return user_env(tmp_path / "home", PATH=path, PS1="$ ", **overrides)  # type: ignore[arg-type]


def test_no_keyring_this_shell_only_commands_work_when_pasted(tmp_path):
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
            term.wait_exit(0)
            term.assert_no_secret(OWNER_TOKEN, KEYRING_PASSWORD)
