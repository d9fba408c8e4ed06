"""Signing in without the UI: `policytui login | logout | status | profiles`.

Every command returns an exit code: 0 done, 1 the server or the keyring said no,
2 bad input (a URL, a profile name, an empty token). No option takes a token: it is
typed without echo or read from standard input with ``--with-token``.
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import urlsplit

from policytui.api.urls import normalize_base_url
from policytui.auth import credentials
from policytui.auth.check import (
    SignInError,
    check_sign_in,
    describe_user,
    host_of,
    looks_like_token,
)
from policytui.auth.config import (
    DEFAULT_PROFILE_NAME,
    Config,
    ConfigError,
    Profile,
    check_profile_name,
    env_url,
)
from policytui.auth.secret import Secret, pasted_token
from policytui.auth.settings import Settings


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _read_token(with_token: bool, stdin: TextIO) -> Secret:
    # Wrapped at once: the plain text never sits in a named local a traceback could print.
    if with_token:
        return pasted_token(stdin.readline())
    return pasted_token(getpass.getpass("API token (typing is hidden): "))


def cmd_login(settings: Settings) -> int:
    """Check the token with users/me/ first; only then store it and save the profile."""
    try:
        config = Config.load()
        name = check_profile_name(
            settings.profile or config.default_profile or DEFAULT_PROFILE_NAME
        )
    except ConfigError as exc:
        _err(str(exc))
        return 2
    existing = config.get(name)
    raw_url = settings.url or (existing.url if existing else None)
    with_token = settings.with_token
    if not raw_url:
        if with_token or not sys.stdin.isatty():
            _err("No API URL: give one with --url https://waldur.example.com/api/")
            return 2
        raw_url = input("Waldur API URL (e.g. https://waldur.example.com/api/): ")
        if looks_like_token(raw_url):
            _err("That looks like a token, not a URL. Nothing was sent anywhere.")
            return 2
    try:
        url = normalize_base_url(raw_url)
    except ValueError as exc:
        _err(f"{exc}")
        return 2
    insecure = settings.insecure
    ca_bundle = settings.ca_bundle or (existing.ca_bundle if existing else None)
    verify = not insecure and (existing.verify if existing and existing.url == url else True)
    if insecure:
        _err(f"WARNING: TLS certificates of {host_of(url)} will NOT be checked (--insecure).")
    try:
        token = _read_token(with_token, sys.stdin)
    except (EOFError, KeyboardInterrupt):
        _err("\nCancelled: nothing was saved.")
        return 2
    if not token.get_secret_value():
        _err("The token is empty: nothing was saved.")
        return 2
    import asyncio

    # Kept whatever happens to the token: the next `policytui login --profile NAME`
    # (or a command the advice below prints) finds the URL and TLS settings here.
    keep = existing.storage if existing and existing.url == url else None
    profile = Profile(name, url, verify, ca_bundle, keep)
    try:
        user = asyncio.run(check_sign_in(url, token, verify=verify, ca_bundle=ca_bundle))
    except SignInError as exc:
        _err(f"Sign-in failed: {exc}")
        if exc.field == "token" and (existing is None or existing.url == url):
            # The server answered as a Waldur API: the URL is right, only the token is not.
            path = _save_profile(config, profile)
            _err(f"Profile {name!r} saved in {path} (URL and TLS settings); no token stored.")
        else:
            _err("Nothing was saved.")
        return 1
    print(f"Signed in to {url} as {describe_user(user)}.")
    try:
        stored = credentials.store_token(name, url, token, allow_file=settings.insecure_storage)
    except credentials.KeyringUnavailable as exc:
        path = _save_profile(config, profile)
        _err(exc.advice(profile=name, url=url))
        _err(f"Profile {name!r} saved in {path} (URL and TLS settings); the token was not stored.")
        return 1
    where = stored.where if stored.where != "env" else None
    path = _save_profile(config, Profile(name, url, verify, ca_bundle, where))
    if stored.plaintext:
        _err(
            f"WARNING: the token is stored in PLAIN TEXT in {stored.detail.split(' ', 2)[-1]} "
            "(mode 0600). Anyone with your account or a backup of it can read it."
        )
    else:
        print(f"Token stored in the {stored.detail}.")
    default = " (the default)" if config.default_profile == name else ""
    print(f"Profile {name!r}{default} saved in {path}.")
    return 0


def _save_profile(config: Config, profile: Profile) -> str:
    config.put(profile, make_default=config.default_profile is None)
    return str(config.save())


def cmd_logout(settings: Settings) -> int:
    try:
        config = Config.load()
    except ConfigError as exc:
        _err(str(exc))
        return 2
    profile = config.get(settings.profile)
    if profile is None:
        wanted = settings.profile
        _err(f"No profile named {wanted!r}." if wanted else "No profile: nothing to log out of.")
        return 2
    try:
        removed = credentials.delete_token(profile.name, profile.url)
    except credentials.KeyringUnavailable as exc:
        _err(f"Could not check the OS keyring: {exc}")
        return 1
    if removed:
        places = " and the ".join(removed)
        print(f"Logged out of {profile.name!r}: removed the token from the {places}.")
    else:
        print(f"No token was stored for {profile.name!r}.")
    config.with_storage(profile.name, None)
    config.save()
    env = credentials.env_token()
    if env is not None:
        _err(f"Note: {env.detail} is still set in this shell and overrides the profiles.")
    return 0


def cmd_profiles(settings: Settings) -> int:
    try:
        config = Config.load()
    except ConfigError as exc:
        _err(str(exc))
        return 2
    if not config.profiles:
        print("No profiles yet. Sign in with: policytui login --profile NAME --url URL")
        return 0
    width = max(len(n) for n in config.profiles)
    for name in sorted(config.profiles):
        profile = config.profiles[name]
        mark = "*" if name == config.default_profile else " "
        if urlsplit(profile.url).scheme == "http":
            flags = "  [plain HTTP: not encrypted]"
        else:
            flags = "" if profile.verify else "  [TLS not verified]"
        print(f"{mark} {name:<{width}}  {profile.url}{flags}")
    return 0


@dataclass
class _Line:
    profile: Profile
    stored: credentials.StoredToken | None
    problem: str | None


async def _whoami(session_url: str, token: Secret, verify: bool, ca: str | None) -> str:
    try:
        user = await check_sign_in(session_url, token, verify=verify, ca_bundle=ca, timeout=5)
    except SignInError as exc:
        return f"not signed in: {exc}"
    return describe_user(user)


async def _who_all(entries: list[tuple[str, Secret, bool, str | None]]) -> list[str]:
    import asyncio

    return list(await asyncio.gather(*(_whoami(*e) for e in entries)))


def cmd_status(settings: Settings) -> int:
    """Profiles, who each token belongs to, where it is stored, and what to worry about."""
    try:
        config = Config.load()
        url_from_env = env_url()
    except ConfigError as exc:
        _err(str(exc))
        return 2
    print(f"Config: {config.path}")
    keyring_problem = credentials.check_keyring()
    if keyring_problem is None:
        print(f"OS keyring: {credentials.backend_label()} (usable)")
    else:
        print(f"OS keyring: not usable: {keyring_problem}")
    lines: list[_Line] = []
    for name in sorted(config.profiles):
        profile = config.profiles[name]
        try:
            if profile.storage is None:
                # Logged out (or never stored): only a stray plain file could hold a token.
                found = credentials.file_get(profile.name, profile.url)
                path = credentials.token_file(profile.name, profile.url)
                stored = (
                    credentials.StoredToken(found, "file", f"plain file {path}") if found else None
                )
            else:
                stored = credentials.load_token(profile.name, profile.url, prefer=profile.storage)
            lines.append(_Line(profile, stored, None))
        except credentials.KeyringUnavailable:
            lines.append(_Line(profile, None, "cannot check: the keyring is not usable"))
    checks = [
        (line.profile.url, line.stored.token, line.profile.verify, line.profile.ca_bundle)
        for line in lines
        if line.stored is not None
    ]
    env = credentials.env_token()
    env_session_url = url_from_env or (config.get(None).url if config.get(None) else None)
    if env is not None and env_session_url:
        checks.append((env_session_url, env.token, True, None))
    import asyncio

    who = iter(asyncio.run(_who_all(checks)) if checks else [])
    warnings: list[str] = []
    if env is not None:
        plain = bool(env_session_url) and urlsplit(env_session_url or "").scheme == "http"
        print(
            f"Environment: {env.detail} overrides the stored tokens"
            + (f"; {env_session_url}" if env_session_url else "; no WALDUR_API_URL set")
            # As for a profile: the token crosses the network readable by anyone on it.
            + ("  [plain HTTP: not encrypted]" if plain else "")
        )
    if not lines:
        print("No profiles yet. Sign in with: policytui login --profile NAME --url URL")
    for line in lines:
        profile = line.profile
        mark = " (default)" if profile.name == config.default_profile else ""
        print(f"\nProfile {profile.name}{mark}")
        print(f"  URL:   {profile.url}")
        if urlsplit(profile.url).scheme == "http":
            # No TLS at all: "verified" would say the opposite of the truth.
            from policytui.api.tls import PLAIN_HTTP

            tls = f"{PLAIN_HTTP} (the token and all data cross the network in the clear)"
        else:
            tls = "verified" if profile.verify else "NOT VERIFIED (--insecure)"
            if profile.ca_bundle:
                tls += f", CA bundle {profile.ca_bundle}"
        print(f"  TLS:   {tls}")
        if not profile.verify:
            warnings.append(f"{profile.name}: TLS certificates are not checked.")
        if line.stored is None:
            print(f"  Token: {line.problem or 'none stored (policytui login)'}")
            continue
        print(f"  Token: {line.stored.detail}")
        print(f"  User:  {next(who)}")
        if line.stored.plaintext:
            warnings.append(f"{profile.name}: the token is stored in plain text.")
            path = credentials.token_file(profile.name, profile.url)
            mode = credentials.file_mode_warning(path)
            if mode:
                warnings.append(f"{profile.name}: {mode}")
    if env is not None and env_session_url:
        print(f"\nEnvironment session: {next(who)}")
    for warning in warnings:
        print(f"WARNING: {warning}")
    return 0
