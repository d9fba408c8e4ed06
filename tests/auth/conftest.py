"""Sign-in tests: each starts with a fresh memory of the keyring's health."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from policytui.auth import credentials

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fake_keyrings  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keyring_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # No desktop: the keyring gets its short time limit, as on an SSH host.
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "POLICYTUI_KEYRING_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    credentials.reset_keyring_state()
    keyring.set_keyring(fail.Keyring())
    yield
    credentials.reset_keyring_state()
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def memory_keyring() -> fake_keyrings.MemoryKeyring:
    backend = fake_keyrings.MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def use_keyring():
    fake_keyrings.RELEASE.clear()

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    fake_keyrings.RELEASE.set()  # let any blocked SlowKeyring thread finish
