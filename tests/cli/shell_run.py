"""Running the installed console script as a script would: a subprocess with the server's
URL and a token in the environment (never on the command line), in a session of its own
(no controlling terminal, as under cron), stdin closed unless a test gives one.

Every run is checked for the token: it must never appear in stdout or stderr.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer

POLICYTUI = Path(sys.executable).with_name("policytui")
GOLDEN = Path(__file__).with_name("golden")
ALL_TOKENS = (STAFF_TOKEN, OWNER_TOKEN, PLAIN_TOKEN)


@dataclass
class Done:
    code: int
    out: str
    err: str


def environment(server: DemoServer | None, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALDUR_")}
    env.pop("COLUMNS", None)
    if server is not None:
        env["WALDUR_API_URL"] = server.api_url
    if token is not None:
        env["WALDUR_ACCESS_TOKEN"] = token
    return env


def assert_no_token(*texts: str) -> None:
    for text in texts:
        for token in ALL_TOKENS:
            assert token not in text, "a token reached the output"


def run(
    server: DemoServer | None,
    *args: str,
    token: str | None = STAFF_TOKEN,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> Done:
    done = subprocess.run(
        [str(POLICYTUI), *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment(server, token), **(env or {})},
        start_new_session=True,
    )
    assert_no_token(done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return Done(done.returncode, done.stdout, done.stderr)


def run_in_terminal(
    server: DemoServer,
    *args: str,
    answer: str | None = None,
    wait_for: str = "[y/N]",
    columns: int = 80,
    token: str = STAFF_TOKEN,
    stdin: str | None = None,
) -> Done:
    """Run on a pseudo-terminal (stdin, stdout and stderr all on it, as in an
    interactive shell); when ``wait_for`` shows, type ``answer``. ``out`` is everything
    the terminal showed (stdout and stderr together), ``err`` is empty.

    With ``stdin`` (text; "" is an empty input, as ``< /dev/null``) standard input is a
    pipe holding it instead, as for ``echo y | policytui delete UUID`` typed in a shell.
    Either way the terminal is the process's controlling terminal (its ``/dev/tty``,
    where Ctrl-C is SIGINT)."""
    import pty
    import struct
    import termios
    from fcntl import ioctl

    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))

    def take_terminal() -> None:  # in the child, after setsid: the pty becomes /dev/tty
        ioctl(1, termios.TIOCSCTTY, 0)

    piped = stdin is not None
    process = subprocess.Popen(
        [str(POLICYTUI), *args],
        stdin=subprocess.PIPE if piped else slave, stdout=slave, stderr=slave,
        env=environment(server, token), start_new_session=True,
        preexec_fn=take_terminal,
    )  # fmt: skip
    os.close(slave)
    if piped:
        assert process.stdin is not None
        process.stdin.write(stdin.encode())
        process.stdin.close()
    seen = b""
    answered = answer is None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and wait_for.encode() in seen:
            # Ctrl-C is a key of its own: no Enter after it.
            os.write(master, answer.encode() + (b"" if answer == "\x03" else b"\n"))
            answered = True
        if process.poll() is not None and not ready:
            break
    process.wait(timeout=10)
    os.close(master)
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")
    assert_no_token(text)
    assert "Traceback" not in text, text
    return Done(process.returncode, text, "")


def normalised(text: str, server: DemoServer) -> str:
    """Output with the server's random port replaced, so it compares with a golden file."""
    return text.replace(server.url, "http://demo.invalid")


def check_golden(name: str, text: str) -> None:
    """Compare with tests/cli/golden/NAME; POLICYTUI_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("POLICYTUI_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


def uuids_in(text: str) -> list[str]:
    return re.findall(r"\b[0-9a-f]{32}\b", text)
