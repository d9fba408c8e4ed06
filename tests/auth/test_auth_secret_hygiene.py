"""The token never reaches what a process prints or logs, even when the app crashes.

Each case runs `leak_harness.py` in a fresh process holding a known token (from the
environment, or typed into the sign-in screen), makes it fail in one place, and then
searches everything the process printed - Textual's crash report with its local
variables included - plus the DEBUG log of every logger, Textual's own log file, and
every file under the config/data dirs. The `leaky` case holds the plain token in a local
on purpose and must be caught: it proves the search would see a leak.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policytui.demo import OWNER_TOKEN, Fault

HARNESS = Path(__file__).with_name("leak_harness.py")


def run_harness(mode: str, url: str, tmp_path: Path, home: Path, **env: str) -> str:
    log, textual_log = tmp_path / "debug.log", tmp_path / "textual.log"
    result = subprocess.run(
        [sys.executable, str(HARNESS), mode, str(log)],
        env={
            **os.environ,
            "WALDUR_API_URL": url,
            "TEXTUAL_LOG": str(textual_log),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=90,
    )
    everything = [result.stdout, result.stderr]
    for path in [log, textual_log, *home.rglob("*")]:
        if path.is_file():
            everything.append(path.read_text(errors="replace"))
    return "\n".join(everything)


@pytest.mark.parametrize(
    ("mode", "fault", "crash_text"),
    [
        ("handler", None, "RuntimeError: a handler failed while holding the session"),
        ("worker", None, "ValueError: a worker failed while holding the token"),
        ("client", Fault("status", path="/users/me/", params={"status": 500}), "ServerError"),
        ("client", Fault("malformed_json", path="/users/me/"), "InvalidResponse"),
    ],
    ids=["screen-handler", "worker", "client-500", "client-bad-json"],
)
def test_crash_reports_and_logs_never_hold_the_token(
    fresh_demo_server, tmp_path, _isolated_home, mode, fault, crash_text
):
    if fault is not None:
        fresh_demo_server.set_faults([fault])
    output = run_harness(
        mode, fresh_demo_server.url, tmp_path, _isolated_home, WALDUR_ACCESS_TOKEN=OWNER_TOKEN
    )
    assert crash_text in output, output[-2000:]
    assert "locals" in output, "Textual's crash report (with locals) was printed"
    assert "Secret('**********')" in output  # the token was in scope, masked
    assert OWNER_TOKEN not in output


def test_a_typed_token_does_not_leak_from_the_sign_in_screen(
    fresh_demo_server, tmp_path, _isolated_home
):
    output = run_harness(
        "login", fresh_demo_server.url, tmp_path, _isolated_home, HARNESS_TYPED_TOKEN=OWNER_TOKEN
    )
    # The typed token went through the screen and its worker: the server said who it is.
    assert "RuntimeError: failed while the sign-in screen holds a typed token" in output
    assert "Alice Owner (acme-owner), not staff" in output
    assert "locals" in output
    assert OWNER_TOKEN not in output


def test_control_a_plain_local_is_caught(fresh_demo_server, tmp_path, _isolated_home):
    output = run_harness(
        "leaky", fresh_demo_server.url, tmp_path, _isolated_home, WALDUR_ACCESS_TOKEN=OWNER_TOKEN
    )
    assert OWNER_TOKEN in output, "the search must find a token that was printed"


def test_snapshots_never_hold_a_token():
    from policytui.demo import PLAIN_TOKEN, STAFF_TOKEN

    snapshots = list(Path(__file__).parents[1].rglob("__snapshots__/**/*.svg"))
    assert snapshots, "there are snapshots to check"
    for svg in snapshots:
        text = svg.read_text()
        for token in (OWNER_TOKEN, STAFF_TOKEN, PLAIN_TOKEN):
            assert token not in text, f"{svg} shows a token"
