"""Profiles: a name, an API URL and TLS settings, kept in ``config.toml``.

The file lives under the platform config directory (``~/.config/policytui/`` on Linux).
It never holds a token: tokens live in the OS keyring or, only when asked for, in a
separate 0600 file (see :mod:`policytui.auth.credentials`). ``WALDUR_API_URL`` overrides the
URL for one run and is never written here.

Layout::

    default_profile = "prod"

    [profiles.prod]
    url = "https://waldur.example.com/api/"
    verify = true
    ca_bundle = "/etc/ssl/private-ca.pem"   # optional
    storage = "keyring"                     # where `login` put the token: keyring | file

    [views.nordics-gpu]                     # a saved view (palette: Save view; --view NAME)
    filter = "group:nordics offering:gpu limit:cpu>10000"
    sort = "-limit:cpu"                     # optional; "" or absent: the server's order
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import platformdirs
import tomli_w

from policytui.api.urls import normalize_base_url

APP_NAME = "policytui"
CONFIG_FILE = "config.toml"
DEFAULT_PROFILE_NAME = "default"
URL_ENV = "WALDUR_API_URL"

Storage = Literal["keyring", "file"]
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


#: A saved view's name: what `--view NAME` is typed as (no spaces, no quotes to get wrong).
_VIEW_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


class ConfigError(Exception):
    """The config file cannot be read or a profile is not valid; ``str()`` says which."""


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def check_profile_name(name: str) -> str:
    """Return the name stripped, or raise ConfigError in plain words."""
    name = name.strip()
    if not _PROFILE_NAME.match(name):
        raise ConfigError(
            f"{name!r} is not a usable profile name: use letters, digits, '.', '_' or '-' "
            "(up to 63, starting with a letter or digit)."
        )
    return name


def env_url() -> str | None:
    """``WALDUR_API_URL`` if set (normalised), for this run only."""
    raw = os.environ.get(URL_ENV, "").strip()
    if not raw:
        return None
    try:
        return normalize_base_url(raw)
    except ValueError as exc:
        raise ConfigError(f"{URL_ENV} is not usable: {exc}") from None


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    url: str
    verify: bool = True
    ca_bundle: str | None = None
    storage: Storage | None = None

    @classmethod
    def create(
        cls,
        name: str,
        url: str,
        *,
        verify: bool = True,
        ca_bundle: str | None = None,
        storage: Storage | None = None,
    ) -> Profile:
        """A checked profile: valid name, URL normalised to ``https://host/api/``."""
        try:
            url = normalize_base_url(url)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        return cls(check_profile_name(name), url, verify, ca_bundle or None, storage)

    def to_toml(self) -> dict[str, Any]:
        # Written field by field on purpose: nothing else (a token above all) can slip in.
        data: dict[str, Any] = {"url": self.url, "verify": self.verify}
        if self.ca_bundle:
            data["ca_bundle"] = self.ca_bundle
        if self.storage:
            data["storage"] = self.storage
        return data

    @classmethod
    def from_toml(cls, name: str, data: Any) -> Profile:
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            raise ConfigError(f"Profile {name!r} in {config_path()} has no url.")
        storage = data.get("storage")
        return cls.create(
            name,
            data["url"],
            verify=data.get("verify", True) is not False,
            ca_bundle=data.get("ca_bundle") if isinstance(data.get("ca_bundle"), str) else None,
            storage=storage if storage in ("keyring", "file") else None,
        )


def check_view_name(name: str) -> str:
    """Return the name stripped, or raise ConfigError in plain words."""
    name = name.strip()
    if not _VIEW_NAME.match(name):
        raise ConfigError(
            f"{name!r} is not a usable view name: use letters, digits, '.', '_' or '-' "
            "(up to 63, starting with a letter or digit)."
        )
    return name


@dataclass(frozen=True, slots=True)
class SavedView:
    """A named filter and sort of the list (issue 13): the text typed after `/` and a
    sort column as :func:`policytui.query.parse_sort` reads it (``-limit:cpu``)."""

    name: str
    filter: str
    sort: str = ""

    def to_toml(self) -> dict[str, Any]:
        # Field by field, as for a profile: nothing else is ever written.
        data: dict[str, Any] = {"filter": self.filter}
        if self.sort:
            data["sort"] = self.sort
        return data

    @classmethod
    def from_toml(cls, name: str, data: Any) -> SavedView:
        if not isinstance(data, dict) or not isinstance(data.get("filter"), str):
            raise ConfigError(f"View {name!r} in {config_path()} has no filter.")
        sort = data.get("sort")
        return cls(check_view_name(name), data["filter"], sort if isinstance(sort, str) else "")


@dataclass
class Config:
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    path: Path | None = None
    #: Saved views by name (kept through every save, a profile's included).
    views: dict[str, SavedView] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        """Read the config; a missing file is an empty config, a broken one a ConfigError."""
        path = path or config_path()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path=path)
        except OSError as exc:
            raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}. Fix or remove it.") from None
        profiles: dict[str, Profile] = {}
        table = data.get("profiles", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [profiles] must be a table.")
        for name, entry in table.items():
            profiles[name] = Profile.from_toml(name, entry)
        default = data.get("default_profile")
        if not isinstance(default, str) or default not in profiles:
            default = next(iter(profiles), None)
        views_table = data.get("views", {})
        if not isinstance(views_table, dict):
            raise ConfigError(f"{path}: [views] must be a table.")
        views = {name: SavedView.from_toml(name, entry) for name, entry in views_table.items()}
        return cls(default_profile=default, profiles=profiles, path=path, views=views)

    def save(self) -> Path:
        """Write atomically (temp file + rename): a crash never leaves half a config."""
        path = self.path or config_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data: dict[str, Any] = {}
        if self.default_profile:
            data["default_profile"] = self.default_profile
        data["profiles"] = {name: p.to_toml() for name, p in sorted(self.profiles.items())}
        if self.views:
            data["views"] = {name: v.to_toml() for name, v in sorted(self.views.items())}
        text = tomli_w.dumps(data)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.path = path
        return path

    def get(self, name: str | None = None) -> Profile | None:
        """The named profile, or the default one when no name is given."""
        return self.profiles.get(name or self.default_profile or "")

    def put(self, profile: Profile, *, make_default: bool = False) -> None:
        self.profiles[profile.name] = profile
        if make_default or self.default_profile not in self.profiles:
            self.default_profile = profile.name

    def remove(self, name: str) -> Profile | None:
        removed = self.profiles.pop(name, None)
        if self.default_profile == name:
            self.default_profile = next(iter(sorted(self.profiles)), None)
        return removed

    def with_storage(self, name: str, storage: Storage | None) -> None:
        if name in self.profiles:
            self.profiles[name] = replace(self.profiles[name], storage=storage)


def view_not_found(name: str, config: Config) -> str:
    """What `--view NAME` says of a name the config does not hold."""
    known = ", ".join(sorted(config.views))
    where = config.path or config_path()
    if not known:
        return (
            f"No saved view named {name!r}: {where} holds none yet. Save one from the list "
            "(Ctrl+P, Save view)."
        )
    return f"No saved view named {name!r} in {where}; the saved views are: {known}."


def load_config() -> Config:
    return Config.load()


def profile_names() -> list[str]:
    """Profile names, the default first, for the command palette's profile switcher.

    A broken config gives no names rather than an exception in the palette.
    """
    try:
        config = Config.load()
    except ConfigError:
        return []
    names = sorted(config.profiles)
    if config.default_profile in names:
        names.remove(config.default_profile)
        names.insert(0, config.default_profile)
    return names
