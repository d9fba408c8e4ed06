"""Running `policytui export` / `apply` as users do: the installed console script in a
process of its own, against a demo server over loopback, signed in through the
environment (WALDUR_API_URL, WALDUR_ACCESS_TOKEN). Every run is checked for the token
in its output."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer

POLICYTUI = Path(sys.executable).with_name("policytui")
POLICIES = "/api/marketplace-offering-usage-policies/"
HPC = "f2f7197ac8c95301bba4cceb22b7d108"  # Acme HPC Cluster: cpu, ram, storage
NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
BALTICS = "4be3cba97346512ca69880741d4ecfd0"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
TOKENS = (STAFF_TOKEN, OWNER_TOKEN, PLAIN_TOKEN)


@dataclass
class Run:
    code: int
    out: str
    err: str


def policytui(
    server: DemoServer | None,
    *argv: str,
    stdin: str | None = None,
    token: str = STAFF_TOKEN,
    url: str | None = None,
) -> Run:
    api_url = url or (server.api_url if server else "")
    env = {**os.environ, "WALDUR_ACCESS_TOKEN": token, "WALDUR_API_URL": api_url}
    done = subprocess.run(
        [str(POLICYTUI), *argv],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        # No controlling terminal, as under cron: nothing can ask on /dev/tty.
        start_new_session=True,
    )
    for secret in TOKENS:
        assert secret not in done.stdout and secret not in done.stderr, "a token was printed"
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def in_process(server: DemoServer, *argv: str) -> Run:
    """The command run in this process: the same code as the console script, for tests
    whose point is not the process (a process of its own costs most of a second here)."""
    from policytui.cli import main

    saved = {name: os.environ.get(name) for name in ("WALDUR_API_URL", "WALDUR_ACCESS_TOKEN")}
    os.environ.update(WALDUR_API_URL=server.api_url, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    for secret in TOKENS:
        assert secret not in out.getvalue() + err.getvalue(), "a token was printed"
    return Run(code, out.getvalue(), err.getvalue())


def exported(server: DemoServer, *argv: str) -> str:
    """`policytui export` in this process (the setup of most tests)."""
    run = in_process(server, "export", *argv)
    assert run.code == 0, run.err
    return run.out


def writes(server: DemoServer) -> list[tuple[str, str]]:
    """The write requests the server has received, in order."""
    return [(r["method"], r["path"]) for r in server.requests() if r["method"] in WRITES]


def api(server: DemoServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {STAFF_TOKEN}"}, timeout=10
    )


def policy(server: DemoServer, uuid: str) -> dict[str, Any] | None:
    with api(server) as client:
        answer = client.get(f"{POLICIES}{uuid}/")
    return None if answer.status_code == 404 else answer.json()


def policies_of(server: DemoServer, offering: str) -> list[dict[str, Any]]:
    with api(server) as client:
        return client.get(POLICIES, params={"scope_uuid": offering, "page_size": 300}).json()
