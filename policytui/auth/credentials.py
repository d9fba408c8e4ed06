"""Where a token lives: an environment variable, the OS keyring, or an explicit plain file.

The token is a :class:`~policytui.auth.secret.Secret` on every path in and out of this
module. The keyring is
called in a daemon thread with a time limit: a bare SSH host (keyring's fail backend),
a missing D-Bus, a locked keyring or a backend that hangs on a prompt nobody can see
all end in :class:`KeyringUnavailable` within about two seconds, never in a hang, and
a hung thread cannot keep the process from exiting.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import platformdirs

from policytui.auth.config import APP_NAME
from policytui.auth.secret import MASK, Secret, pasted_token

SERVICE = "policytui"
TOKEN_ENV_VARS = ("WALDUR_ACCESS_TOKEN", "WALDUR_TOKEN")
#: Without a display nobody can answer an unlock prompt: give up quickly.
KEYRING_TIMEOUT = 2.0
#: With a display the keyring may be showing its unlock prompt: give the user time to type.
KEYRING_PROMPT_TIMEOUT = 60.0

Where = Literal["env", "keyring", "file"]
T = TypeVar("T")


class KeyringUnavailable(Exception):
    """No usable OS keyring; ``str()`` says why in plain words, ``advice()`` what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def advice(self, *, profile: str, url: str) -> str:
        """The ways on, as commands to paste for this profile and URL."""
        from policytui.auth.no_keyring import advice

        return advice(self.reason, profile=profile, url=url)


@dataclass(frozen=True, slots=True)
class StoredToken:
    token: Secret
    where: Where
    #: Plain words for `status` and the sign-in screen, e.g. "OS keyring (SecretService)".
    detail: str

    def __repr__(self) -> str:
        # The mask written out, not the token's own repr: whatever was passed in, no value.
        return f"StoredToken(where={self.where!r}, detail={self.detail!r}, token=Secret('{MASK}'))"

    @property
    def plaintext(self) -> bool:
        return self.where == "file"


def account_name(profile: str, url: str) -> str:
    """The keyring entry's user name: one entry per profile and API URL."""
    return f"{profile}@{url}"


# -- environment -------------------------------------------------------------------------


def env_token() -> StoredToken | None:
    """``WALDUR_ACCESS_TOKEN`` (or ``WALDUR_TOKEN``): used for this run, never written."""
    for name in TOKEN_ENV_VARS:
        if os.environ.get(name, "").strip():
            return StoredToken(pasted_token(os.environ[name]), "env", f"${name}")
    return None


# -- the OS keyring, bounded in time -----------------------------------------------------

_broken: KeyringUnavailable | None = None
_lock = threading.Lock()


def reset_keyring_state() -> None:
    """Forget an earlier failure (tests, or after the user fixed their keyring)."""
    global _broken
    with _lock:
        _broken = None


def _remember(error: KeyringUnavailable) -> KeyringUnavailable:
    # A keyring that hung once will hang again: later calls fail at once instead of
    # costing the user another two seconds each.
    global _broken
    with _lock:
        _broken = error
    return error


def backend_name() -> str:
    """A short name of the keyring backend in use (no call into the backend)."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken PYTHON_KEYRING_BACKEND and the like
        return f"unusable ({type(exc).__name__})"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def backend_label() -> str:
    """The backend's short name for people, e.g. "SecretService" or "fail"."""
    parts = backend_name().split(".")
    if len(parts) >= 2 and parts[-1] == "Keyring":
        return parts[-2]  # keyring.backends.SecretService.Keyring -> SecretService
    return parts[-1]


def _explain(exc: BaseException) -> str:
    """Plain words for a keyring exception (its text never holds the token: we never
    pass the token to anything whose message is shown, see `_safe`)."""
    from keyring import errors as kerr

    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, kerr.NoKeyringError) or "No recommended backend" in text:
        return (
            "no OS keyring is available here (normal on an SSH host without a desktop "
            "session: no Secret Service on D-Bus)."
        )
    if isinstance(exc, kerr.KeyringLocked) or "locked" in text.lower():
        return "the OS keyring is locked (unlock it, or start an unlocked one)."
    if "prompt" in text.lower():
        # gnome-keyring asks for its password in a desktop prompt; over SSH there is none.
        return (
            "the OS keyring is locked and wants its password in a desktop prompt, "
            "which cannot open here (no display)."
        )
    if "dbus" in text.lower() or "DBUS_SESSION_BUS_ADDRESS" in text:
        return f"the Secret Service cannot be reached over D-Bus ({text[:120]})."
    if isinstance(exc, kerr.InitError):
        return f"the OS keyring could not be opened ({text[:120] or name})."
    return f"the OS keyring failed ({name}{': ' + text[:120] if text else ''})."


def _safe(text: str, secret: Secret | None) -> str:
    if secret is not None and secret.get_secret_value():
        return text.replace(secret.get_secret_value(), "**********")
    return text


def _call(fn: Callable[[], T], *, timeout: float | None = None, secret: Secret | None = None) -> T:
    """Run one keyring call in a daemon thread; raise KeyringUnavailable on failure or
    when it does not return within ``timeout`` seconds."""
    if _broken is not None:
        raise _broken
    limit = keyring_timeout() if timeout is None else timeout
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc
        finally:
            done.set()

    # Daemon: if the backend hangs for ever, the process can still exit.
    threading.Thread(target=run, name="policytui-keyring", daemon=True).start()
    if not done.wait(limit):
        raise _remember(
            KeyringUnavailable(
                f"the OS keyring did not answer within {limit:g} s (it may be waiting for "
                "a password prompt on a desktop you cannot see)."
            )
        )
    error = outcome.get("error")
    if error is not None:
        from keyring import errors as kerr

        if isinstance(error, kerr.PasswordDeleteError):
            raise error  # "no such entry": an answer, not a broken keyring
        raise _remember(KeyringUnavailable(_safe(_explain(error), secret))) from None  # type: ignore[arg-type]
    return outcome.get("value")  # type: ignore[return-value]


def keyring_timeout() -> float:
    """How long one keyring call may take: ``POLICYTUI_KEYRING_TIMEOUT`` if set, longer
    when a desktop could be showing an unlock prompt, else about two seconds."""
    raw = os.environ.get("POLICYTUI_KEYRING_TIMEOUT", "")
    try:
        if raw.strip():
            return max(0.1, float(raw))
    except ValueError:
        pass
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return KEYRING_PROMPT_TIMEOUT
    return KEYRING_TIMEOUT


def check_keyring(timeout: float | None = None) -> KeyringUnavailable | None:
    """None when the keyring answers a read; else why it is unusable."""
    import keyring

    try:
        _call(lambda: keyring.get_password(SERVICE, "__probe__"), timeout=timeout)
    except KeyringUnavailable as exc:
        return exc
    return None


def keyring_get(profile: str, url: str, *, timeout: float | None = None) -> Secret | None:
    import keyring

    user = account_name(profile, url)

    def read() -> Secret | None:
        # Wrapped at once, inside the thread: no plain local outlives this frame.
        raw = keyring.get_password(SERVICE, user)
        return Secret(raw) if raw else None

    return _call(read, timeout=timeout)


def keyring_set(profile: str, url: str, token: Secret, *, timeout: float | None = None) -> None:
    import keyring

    user = account_name(profile, url)
    _call(
        lambda: keyring.set_password(SERVICE, user, token.get_secret_value()),
        timeout=timeout,
        secret=token,
    )


def keyring_delete(profile: str, url: str, *, timeout: float | None = None) -> bool:
    """True when an entry was removed, False when there was none."""
    import keyring
    from keyring import errors as kerr

    user = account_name(profile, url)
    try:
        _call(lambda: keyring.delete_password(SERVICE, user), timeout=timeout)
    except kerr.PasswordDeleteError:
        return False
    return True


# -- the explicit plain file (--insecure-storage) ------------------------------------------


def token_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "tokens"


def token_file(profile: str, url: str) -> Path:
    # Hash the URL so the file name is safe and one file belongs to one profile and URL.
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", profile)
    return token_dir() / f"{safe}-{digest}.token"


def file_get(profile: str, url: str) -> Secret | None:
    path = token_file(profile, url)
    try:
        return Secret(path.read_text(encoding="utf-8").strip()) or None
    except FileNotFoundError:
        return None


def file_set(profile: str, url: str, token: Secret) -> Path:
    """Write the token to a 0600 file in a 0700 directory, atomically."""
    directory = token_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)  # mkdir's mode is masked by umask, and it may have existed
    path = token_file(profile, url)
    fd, tmp = tempfile.mkstemp(prefix=".token-", dir=directory)  # created 0600
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token.get_secret_value() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def file_delete(profile: str, url: str) -> bool:
    path = token_file(profile, url)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def file_mode_warning(path: Path) -> str | None:
    """A warning when the token file or its directory can be read by others."""
    try:
        mode = path.stat().st_mode & 0o777
        dir_mode = path.parent.stat().st_mode & 0o777
    except FileNotFoundError:
        return None
    if mode & 0o077:
        return f"{path} has mode {mode:04o}: others can read the token (chmod 600 it)."
    if dir_mode & 0o077:
        return f"{path.parent} has mode {dir_mode:04o}: chmod 700 it."
    return None


# -- the profile's token, wherever it is -------------------------------------------------


def load_token(
    profile: str, url: str, *, prefer: Where | None = None, timeout: float | None = None
) -> StoredToken | None:
    """The stored token of a profile: the plain file if `login` put it there, else the
    keyring. Raises KeyringUnavailable only when the keyring was needed and unusable."""
    if prefer == "file" or (prefer is None and token_file(profile, url).exists()):
        from_file = file_get(profile, url)
        if from_file is not None:
            return StoredToken(from_file, "file", f"plain file {token_file(profile, url)}")
    token = keyring_get(profile, url, timeout=timeout)
    if token is None:
        return None
    return StoredToken(token, "keyring", f"OS keyring ({backend_label()})")


def store_token(
    profile: str,
    url: str,
    token: Secret,
    *,
    allow_file: bool = False,
    timeout: float | None = None,
) -> StoredToken:
    """Keep the token in the keyring; with ``allow_file`` fall back to the plain file.

    Raises KeyringUnavailable when the keyring is unusable and the file is not allowed.
    A token kept in one place is removed from the other, so status never shows two.
    """
    try:
        keyring_set(profile, url, token, timeout=timeout)
    except KeyringUnavailable:
        if not allow_file:
            raise
        path = file_set(profile, url, token)
        return StoredToken(token, "file", f"plain file {path}")
    file_delete(profile, url)
    return StoredToken(token, "keyring", f"OS keyring ({backend_label()})")


def delete_token(profile: str, url: str, *, timeout: float | None = None) -> list[str]:
    """Remove the token from the keyring and the file; say where it was removed from.

    Raises KeyringUnavailable only when no file was removed and the keyring is unusable,
    so the caller cannot claim a token is gone when it may not be.
    """
    removed: list[str] = []
    if file_delete(profile, url):
        removed.append(f"plain file {token_file(profile, url)}")
    try:
        if keyring_delete(profile, url, timeout=timeout):
            removed.append("OS keyring")
    except KeyringUnavailable:
        if not removed:
            raise
    return removed
