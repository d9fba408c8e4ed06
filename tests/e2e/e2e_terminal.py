"""The one end-to-end terminal harness: the installed console script in tmux, as users run it.

- :class:`DemoServerProcess` starts ``policytui demo-server`` as its own process (HTTP on
  loopback, the way a user tries policytui against a server) and reads its request log
  and sets faults over its ``/__demo__/`` control endpoints.
- :func:`user_env` is the environment a user brings: what this test run started with
  (the suite's conftest clears ``NO_COLOR`` and ``TEXTUAL_*`` for snapshots; this does
  not inherit that), a home of its own, and whatever the test adds (``NO_COLOR=1``,
  another ``TERM``, a locale).
- :class:`Terminal` runs a command in a private tmux server, keeps the pane open after
  the command ends so its last words (a traceback, an exit status) can be read, and
  fails a wait at once when a traceback appears instead of timing out.

Every capture is kept; :meth:`Terminal.assert_no_secret` checks all of them.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from user_environment import ORIGINAL_ENVIRON

#: The console script of the environment running the tests: what `pip install .` makes.
POLICYTUI = str(Path(sys.executable).with_name("policytui"))
ROOT = Path(__file__).resolve().parents[2]


def require_tmux() -> None:
    if shutil.which("tmux") is None:  # pragma: no cover - scripts/test installs tmux
        pytest.skip("tmux is not installed: end-to-end tests need it (scripts/test installs it)")


def user_env(home: Path | None = None, **overrides: str) -> dict[str, str]:
    """The environment a user's terminal gives the app, plus ``overrides``.

    Starts from the environment this test run began with, not the one conftest cleaned
    for snapshots. Tokens and server settings of the developer's own are dropped (a test
    says which server it talks to), and the config and keyring paths point at ``home``.
    """
    env = {
        k: v
        for k, v in ORIGINAL_ENVIRON.items()
        if not k.startswith(("WALDUR_", "TMUX", "PYTEST_", "POLICYTUI_"))
    }
    env.setdefault("TERM", "xterm-256color")
    env.setdefault("LANG", "C.UTF-8")
    if home is not None:
        env["HOME"] = str(home)
        for name in ("CONFIG", "DATA", "STATE", "CACHE"):
            env[f"XDG_{name}_HOME"] = str(home / name.lower())
    # The fail backend: a bare host without a Secret Service, unless a test says otherwise.
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DemoServerProcess:
    """``policytui demo-server`` in a process of its own, on a free loopback port."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.url}/api/"
        self.process = subprocess.Popen(
            [POLICYTUI, "demo-server", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.control("GET", "/__demo__/faults")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.process.stdout.read() if self.process.stdout else ""
                    self.stop()
                    raise RuntimeError(f"demo-server did not start:\n{output}") from None
                time.sleep(0.1)

    def control(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """One HTTP request to the server; the decoded JSON answer (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        with urllib.request.urlopen(request, timeout=10) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None

    def requests(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "/__demo__/requests"))

    def set_faults(self, faults: list[dict[str, Any]]) -> None:
        self.control("POST", "/__demo__/faults", {"faults": faults})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()


@contextmanager
def demo_server_process(*args: str) -> Iterator[DemoServerProcess]:
    server = DemoServerProcess(*args)
    try:
        yield server
    finally:
        server.stop()


class Terminal:
    """One command in a private tmux server, read back with capture-pane."""

    def __init__(
        self,
        command: list[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (80, 24),
        name: str = "app",
        cwd: Path = ROOT,
    ) -> None:
        require_tmux()
        self.socket = f"policytui-e2e-{uuid.uuid4().hex[:10]}"
        self.target = f"{name}:0"
        self.captures: list[str] = []
        # The environment goes through a 0600 file the pane's shell reads, never through a
        # command line: a token in it would show in `ps` (and in tmux's own argv).
        folder = Path(tempfile.mkdtemp(prefix="policytui-e2e-"))
        self.env_file = folder / "env"
        self.env_file.touch(mode=0o600)
        self.env_file.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
        # `env -i`: the pane gets exactly the user's environment, not tmux's or pytest's.
        # The pane stays open after the command, so its last screen can still be read.
        inner = 'set -a; . "$0"; set +a; exec "$@"'
        shell = (
            f"cd {shlex.quote(str(cwd))} && env -i /bin/sh -c {shlex.quote(inner)} "
            f"{shlex.quote(str(self.env_file))} {shlex.join(command)}; "
            'echo "[exited $?]"; sleep 600'
        )
        self.tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", name,
            "-x", str(size[0]), "-y", str(size[1]), shell,
        )  # fmt: skip

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def screen(self, *, history: bool = False) -> str:
        """The visible screen (with ``history``, all the pane ever showed), thin spaces
        read as spaces."""
        extra = ["-S", "-", "-E", "-"] if history else []
        raw = self.tmux("capture-pane", "-p", "-J", *extra, "-t", self.target)
        self.captures.append(raw)
        return raw.replace("\u2009", " ").replace("\u202f", " ")

    def styled_screen(self) -> str:
        """The visible screen with its colours and attributes (SGR escapes), for what
        only style shows: a selection, a highlighted row."""
        raw = self.tmux("capture-pane", "-p", "-e", "-t", self.target)
        self.captures.append(raw)
        return raw

    def highlighted(self, text: str) -> bool:
        """``text`` is drawn highlighted: the styles set just before it give it a
        background of its own (not the screen's 40/49), as a picker's highlighted option
        and a focused field's selected value are drawn, with colours and with NO_COLOR."""
        pattern = r"((?:\x1b\[[0-9;]*m)+)" + re.escape(text)
        for escapes in re.findall(pattern, self.styled_screen()):
            codes = re.findall(r"\x1b\[([0-9;]*)m", escapes)
            background = [c for c in codes if re.fullmatch(r"4[0-7]|10[0-7]|48;[0-9;]+", c)]
            if background and background[-1] not in ("40", "49"):
                return True
        return False

    def cursor_line(self) -> str:
        """The screen line the terminal's cursor is on. Textual hides the cursor but
        keeps it at the focused field's caret (for input methods), so this is the line
        of the field that takes the next typed key."""
        row = self.tmux("display-message", "-p", "-t", self.target, "#{cursor_y}").strip()
        lines = self.screen().splitlines()
        return lines[int(row)] if row.isdigit() and int(row) < len(lines) else ""

    def keys(self, *keys: str) -> None:
        """Keys by tmux name (``Enter``, ``Escape``, ``C-s``) or single characters."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    def wait_for(self, *texts: str, timeout: float = 30.0, history: bool = False) -> str:
        """Wait until every one of ``texts`` is on screen (with ``history``, anywhere in
        what the pane showed, e.g. output scrolled away); fail at once on a traceback."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(history=history)
            if all(t in screen for t in texts):
                return screen
            self._fail_on_crash(screen)
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never appeared; the screen was:\n{screen}")

    def wait_focus(self, label: str, timeout: float = 30.0) -> str:
        """Wait until the field on the line showing ``label`` has the focus (the cursor
        is there): keys typed before the focus moves would land in the field before."""
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.cursor_line()
            if label in line:
                return line
            self._fail_on_crash(self.screen())
            time.sleep(0.05)
        screen = self.screen()
        raise AssertionError(
            f"the field {label!r} never took the focus; the cursor's line was {line!r} "
            f"on:\n{screen}"
        )

    def wait_highlighted(self, text: str, timeout: float = 30.0) -> str:
        """Wait until ``text`` is drawn highlighted (see :meth:`highlighted`): e.g. a
        picker's search has found its option, so Enter chooses it."""
        return self.wait_until(
            lambda _screen: self.highlighted(text), timeout, what=f"{text!r} highlighted"
        )

    def wait_exit(self, status: int = 0, timeout: float = 30.0) -> str:
        """Wait until the command has ended with ``status`` (the pane then says so)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if f"[exited {status}]" in screen:
                return screen
            if "Traceback" in screen or "[exited " in screen:
                break
            time.sleep(0.1)
        history = self.screen(history=True)
        raise AssertionError(f"the command did not end with status {status}:\n{history}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            self._fail_on_crash(screen)
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on screen:\n{screen}")

    def wait_until(  # type: ignore[no-untyped-def]
        self, predicate, timeout: float = 30.0, what: str = "", *, every: float = 0.1
    ) -> str:
        """Capture the screen every ``every`` seconds (on a fixed beat: the time a capture
        takes is not added to the gap) until ``predicate(screen)`` holds."""
        beat = time.monotonic()
        deadline = beat + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            self._fail_on_crash(screen)
            # A capture that overran its beat is followed by the next one at once, not by
            # a burst of the missed ones.
            beat = max(beat + every, time.monotonic())
            time.sleep(max(0.0, beat - time.monotonic()))
        raise AssertionError(f"{what or 'the condition'} never held; the screen was:\n{screen}")

    def _fail_on_crash(self, screen: str) -> None:
        if "Traceback" in screen or "[exited " in screen:
            history = self.screen(history=True)
            raise AssertionError(f"the app ended or crashed:\n{history}")

    def assert_no_secret(self, *secrets: str) -> None:
        """No token on any screen captured so far, nor on any command line now."""
        self.screen(history=True)
        for capture in self.captures:
            for secret in secrets:
                assert secret not in capture, "a token reached the screen"
        commands = "\n".join(self.command_lines())
        for secret in secrets:
            assert secret not in commands, "a token is on a command line"

    def command_lines(self) -> list[str]:
        """The command lines of this terminal's processes: its tmux server (which keeps
        the argv it was started with) and everything running under it. Only these: other
        programs on a busy machine are not this test's business."""
        server = self.tmux("display-message", "-p", "-t", self.target, "#{pid}").strip()
        listing = subprocess.run(
            ["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, timeout=20
        ).stdout
        table = [line.split(None, 2) for line in listing.splitlines() if line.strip()]
        parents = {pid: ppid for pid, ppid, *_ in table}
        args = {pid: rest[0] if rest else "" for pid, _, *rest in table}
        mine = []
        for pid in parents:
            walk = pid
            while walk and walk != "0" and walk != server:
                walk = parents.get(walk, "")
            if walk == server:
                mine.append(args[pid])
        return mine

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        shutil.rmtree(self.env_file.parent, ignore_errors=True)


@contextmanager
def terminal(
    command: list[str],
    env: Mapping[str, str],
    size: tuple[int, int] = (80, 24),
    *,
    name: str = "app",
    cwd: Path = ROOT,
) -> Iterator[Terminal]:
    term = Terminal(command, env, size, name=name, cwd=cwd)
    try:
        yield term
    finally:
        term.close()


def policytui_against(server: DemoServerProcess, *args: str) -> list[str]:
    """The command line a user types to use ``server`` (the token comes from the env)."""
    return [POLICYTUI, f"--url={server.api_url}", *args]
