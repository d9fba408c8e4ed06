"""Shared fixtures: a clean environment and demo servers over real loopback HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
import user_environment  # noqa: F401  (saves the environment before it is cleaned)

# Snapshots and pilot tests must not depend on the developer's terminal settings.
for _name in list(os.environ):
    if _name.startswith(("TEXTUAL_", "WALDUR_")) or _name in ("NO_COLOR", "FORCE_COLOR"):
        del os.environ[_name]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Config and data dirs in a temp dir; the keyring is the fail backend unless a test
    sets up a real Secret Service (tests/e2e/test_keyring_*)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


#: The demo servers' "today" (their usage windows end with its month): the date of the
#: fixed clock the tests' apps run on (DEMO_NOW), so usage figures are the same every day.
DEMO_TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def demo_server() -> Iterator[object]:
    """A read-mostly demo server (default behaviour, 60 policies). Do not write to it:
    use `fresh_demo_server` for tests that create, edit or delete."""
    from policytui.demo import DemoServer, DemoSettings

    with DemoServer(DemoSettings(today=DEMO_TODAY)) as server:
        yield server


@pytest.fixture
def fresh_demo_server() -> Iterator[object]:
    """A demo server of its own for a test that writes or switches on faults."""
    from policytui.demo import DemoServer, DemoSettings

    with DemoServer(DemoSettings(today=DEMO_TODAY)) as server:
        yield server


@pytest.fixture
def quirks_demo_server() -> Iterator[object]:
    """A demo server behaving like the 2024 Waldur server of the captures."""
    from policytui.demo import DemoServer, DemoSettings

    with DemoServer(DemoSettings(quirks=True, today=DEMO_TODAY)) as server:
        yield server
