"""The start-up path (arguments -> profile or environment -> Session) imports neither
pydantic nor httpx: they cost ~200 ms before the first page could be painted.

Each path runs in a fresh interpreter, exactly as ``python -m policytui --url ...`` does up
to the point where the app is built, and reports what ``sys.modules`` holds afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from policytui.api.client import WaldurClient
from policytui.auth import credentials
from policytui.auth.check import check_sign_in
from policytui.auth.config import Config, Profile
from policytui.auth.secret import Secret
from policytui.auth.session import Session

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "light-start-" + "7" * 32
URL = "http://127.0.0.1:9/api/"

PROBE = """
import json, os, sys
import policytui.cli as cli
import policytui.tui.run as run

args = cli.build_parser().parse_args(sys.argv[1:])
session, hint = run._resolve(cli.settings_from(args))
light = {name: name in sys.modules for name in ("pydantic", "httpx")}
if session is not None and os.environ.get("PROBE_CLIENT"):
    session.client()
print(json.dumps({
    "before_client": light,
    "after": {name: name in sys.modules for name in ("pydantic", "httpx")},
    "session": None if session is None else repr(session),
    "source": None if session is None else session.token_source,
    "profile": None if session is None else session.profile,
    "token_repr": None if session is None else repr(session.token),
    "token_str": None if session is None else str(session.token),
    "hint": None if hint is None else hint.reason,
}))
"""


def probe(*argv: str, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    return json.loads(done.stdout)


def test_env_token_and_url_start_without_pydantic_or_httpx():
    seen = probe("--url", URL, WALDUR_ACCESS_TOKEN=TOKEN)
    assert seen["before_client"] == {"pydantic": False, "httpx": False}
    assert seen["source"] == "env"
    assert seen["session"].startswith(f"Session(url={URL!r}")
    assert seen["token_repr"] == "Secret('**********')"
    assert seen["token_str"] == "**********"


def test_profile_with_a_plain_file_token_starts_without_pydantic_or_httpx():
    # The XDG dirs are the test's temp dirs (conftest): the child reads the same files.
    config = Config.load()
    config.put(Profile.create("lab", URL, storage="file"), make_default=True)
    config.save()
    path = credentials.file_set("lab", URL, Secret(TOKEN))
    assert path.stat().st_mode & 0o777 == 0o600
    seen = probe()
    assert seen["before_client"] == {"pydantic": False, "httpx": False}
    assert (seen["source"], seen["profile"]) == ("file", "lab")
    assert "**********" in seen["session"]


def test_the_probe_sees_pydantic_and_httpx_once_the_client_is_made():
    # Guards the tests above: the same probe reports both once the session's client exists.
    seen = probe("--url", URL, WALDUR_ACCESS_TOKEN=TOKEN, PROBE_CLIENT="1")
    assert seen["before_client"] == {"pydantic": False, "httpx": False}
    assert seen["after"] == {"pydantic": True, "httpx": True}


def test_secret_never_shows_its_value():
    secret = Secret(TOKEN)
    assert secret.get_secret_value() == TOKEN
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret])):
        assert TOKEN not in shown
    assert repr(secret) == "Secret('**********')"
    assert str(Secret("")) == "" and not Secret("") and len(secret) == len(TOKEN)
    assert secret == Secret(TOKEN) and secret != Secret("other") and secret != TOKEN
    assert hash(secret) == hash(Secret(TOKEN))
    assert pickle.loads(pickle.dumps(secret)) == secret
    session = Session(URL, secret, "env")
    assert TOKEN not in repr(session) and TOKEN not in str(session)
    stored = credentials.StoredToken(secret, "env", "$WALDUR_ACCESS_TOKEN")
    assert TOKEN not in repr(stored)


class ScriptToken:
    """A script's own token object: the client asks only for ``get_secret_value()``."""

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "ScriptToken(...)"


def test_the_client_keeps_any_secret_as_given_and_wraps_a_plain_string():
    given = ScriptToken(TOKEN)
    assert WaldurClient(URL, given)._token is given
    ours = Secret(TOKEN)
    assert WaldurClient(URL, ours)._token is ours
    plain = WaldurClient(URL, TOKEN)
    assert not isinstance(plain._token, str) and plain._token.get_secret_value() == TOKEN
    assert repr(plain._token) == repr(ours) and str(plain._token) == str(ours)
    assert TOKEN not in repr(plain) and TOKEN not in repr(vars(plain))


@pytest.mark.parametrize(
    "token", [Secret(TOKEN), ScriptToken(TOKEN)], ids=["Secret", "ScriptToken"]
)
def test_session_client_sends_the_token(token):
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200, json={"uuid": "u1", "username": "alice"})

    async def call() -> None:
        async with Session(URL, token, "env").client(
            transport=httpx.MockTransport(handler), max_retries=0
        ) as client:
            await client.request("GET", "users/me/")

    asyncio.run(call())
    assert seen == [f"Token {TOKEN}"]


def test_check_sign_in_takes_a_secret(demo_server):
    from policytui.demo import OWNER_TOKEN

    user = asyncio.run(check_sign_in(f"{demo_server.url}/api/", Secret(OWNER_TOKEN)))
    assert user.username == "acme-owner"
