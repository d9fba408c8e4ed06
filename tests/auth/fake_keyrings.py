"""Keyring backends for tests, loadable by ``PYTHON_KEYRING_BACKEND=fake_keyrings.<Name>``
(with this folder on PYTHONPATH) or in-process with ``keyring.set_keyring``."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

#: Set to let every SlowKeyring call return (tests set it when they are done).
RELEASE = threading.Event()


class MemoryKeyring(KeyringBackend):
    """A working keyring in memory: what a desktop's Secret Service does, minus D-Bus."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class LockedKeyring(KeyringBackend):
    """A keyring whose collection is locked and cannot be unlocked (no prompt possible)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the keyring!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the keyring!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the keyring!")


class SlowKeyring(KeyringBackend):
    """A backend that blocks, like one waiting on an unlock prompt nobody can see."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        RELEASE.wait(120)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        RELEASE.wait(120)

    def delete_password(self, service: str, username: str) -> None:
        RELEASE.wait(120)
