"""Signing in without the UI: `policytui login | logout | status | profiles`, and how a
run finds its session (env > profile).

Every command returns an exit code: 0 done, 1 the server or the keyring said no,
2 bad input (a URL, a profile name, an empty token). No option takes a token: it is
typed without echo or read from standard input with ``--with-token``.

`resolve` is on the start-up path, before the first page is painted: this module imports
neither pydantic, httpx nor asyncio at the top. The client and the User model are imported
by the functions that talk to the server (`check_sign_in`, the commands), when called.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TextIO
from urllib.parse import urlsplit

from policytui import credentials
from policytui.api import errors
from policytui.api.urls import normalize_base_url
from policytui.config import (
    DEFAULT_PROFILE_NAME,
    Config,
    ConfigError,
    Profile,
    check_profile_name,
    env_url,
)
from policytui.secret import Secret, SecretLike, pasted_token
from policytui.session import Session

if TYPE_CHECKING:
    from policytui.api.models import User

SignInProblem = Literal[
    "url", "unreachable", "timeout", "tls", "token", "permission", "server", "ca_bundle"
]
CHECK_TIMEOUT = 10.0


class SignInError(Exception):
    """Why a sign-in check failed, in plain words; ``field`` is the input to fix."""

    def __init__(self, message: str, *, problem: SignInProblem) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem

    @property
    def field(self) -> Literal["url", "token"]:
        return "token" if self.problem in ("token", "permission") else "url"

    def __str__(self) -> str:
        return self.message


_TOKEN_LIKE = re.compile(r"[0-9A-Za-z_-]{20,}")


def looks_like_token(text: str) -> bool:
    """True for a URL field holding what looks like a token (no dot, colon or slash).

    Checked before any request: "https://<token>/api/" would hand the token to a DNS
    resolver.
    """
    text = text.strip()
    return bool(_TOKEN_LIKE.fullmatch(text)) and text.lower() != "localhost"


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


async def check_sign_in(
    url: str,
    token: SecretLike,
    *,
    verify: bool = True,
    ca_bundle: str | None = None,
    timeout: float = CHECK_TIMEOUT,
) -> User:
    """Ask ``GET /api/users/me/`` who the token belongs to; raise SignInError otherwise.

    Wrong URL, unreachable host, TLS failure and a bad token each get their own message.
    The answer's body carries the token: only the parsed User (which drops it) is kept.
    """
    if looks_like_token(url):
        raise SignInError(
            "That looks like a token, not a URL: the URL is something like "
            "https://waldur.example.com/api/.",
            problem="url",
        )
    try:
        base = normalize_base_url(url)
        urlsplit(base).port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise SignInError(f"Not a usable URL: {exc}", problem="url") from None
    host = _host(base)
    if not token.get_secret_value().strip():
        raise SignInError("The API token is empty.", problem="token")
    from policytui.api._http import httpx
    from policytui.api.client import WaldurClient

    try:
        client = WaldurClient(
            base,
            token,
            verify=verify,
            ca_bundle=ca_bundle,
            timeout=timeout,
            connect_timeout=min(5.0, timeout),
            max_retries=0,
        )
    except httpx.InvalidURL as exc:
        raise SignInError(f"Not a usable URL: {exc}", problem="url") from None
    except (OSError, ValueError) as exc:
        raise SignInError(
            f"The CA bundle {ca_bundle} cannot be used: {getattr(exc, 'strerror', None) or exc}.",
            problem="ca_bundle",
        ) from None
    async with client:
        try:
            response = await client.request("GET", "users/me/")
        except errors.TLSError as exc:
            if exc.problem != "untrusted":  # expired, another host, not TLS...: says its fix
                raise SignInError(str(exc), problem="tls") from None
            raise SignInError(
                f"The TLS certificate of {host} is not trusted. If the server uses a private "
                "CA, give its certificate with --ca-bundle PEM; --insecure turns the check "
                "off (not recommended).",
                problem="tls",
            ) from None
        except errors.Timeout:
            raise SignInError(
                f"{host} did not answer within {timeout:g} s. Check the URL, VPN or proxy.",
                problem="timeout",
            ) from None
        except errors.ConnectionFailed:
            raise SignInError(
                f"{errors.cannot_reach(host)} Check the URL and your network or VPN.",
                problem="unreachable",
            ) from None
        except errors.AuthenticationError:
            raise SignInError(
                f"{host} rejected the token (401). Copy it again from your Waldur user "
                "profile (Credentials → API token); it may have expired.",
                problem="token",
            ) from None
        except errors.PermissionDenied:
            raise SignInError(
                f"{host} refused to say who the token belongs to (403).", problem="permission"
            ) from None
        except errors.NotFound:
            raise SignInError(
                f"{host} answered, but {base} is not a Waldur API (no users/me/ there). "
                "The URL usually ends in /api/.",
                problem="url",
            ) from None
        except errors.ServerError as exc:
            raise SignInError(
                f"{host} failed (HTTP {exc.status_code}); try again later.", problem="server"
            ) from None
        except errors.WaldurError as exc:
            raise SignInError(f"{host} gave an unexpected answer: {exc}", problem="url") from None
        if 300 <= response.status_code < 400:
            target = response.headers.get("location", "another address")
            raise SignInError(
                f"{host} redirects to {target}: sign in with that URL instead.", problem="url"
            )
        return _user_from(response, base)


def _user_from(response: object, base: str) -> User:
    from pydantic import ValidationError as PydanticValidationError

    from policytui.api.models import User

    not_waldur = SignInError(
        f"{_host(base)} answered, but {base} does not look like a Waldur API. "
        "The URL usually ends in /api/.",
        problem="url",
    )
    try:
        data = response.json()  # type: ignore[attr-defined]
    except (ValueError, UnicodeDecodeError):
        raise not_waldur from None
    try:
        user = User.model_validate(data)
    except PydanticValidationError:
        raise not_waldur from None
    finally:
        del data  # the body holds the token: keep no reference to it
    if not (user.username or user.uuid):
        raise not_waldur
    return user


def describe_user(user: User) -> str:
    """'Alice Owner (acme-owner), not staff' — who a token belongs to."""
    name = user.full_name or user.username or user.uuid
    who = f"{name} ({user.username})" if user.username and user.username != name else name
    role = "staff" if user.is_staff else ("support" if user.is_support else "not staff")
    return f"{who}, {role}"


# -- which session a run uses ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolution:
    """What `resolve` found: a session, or why there is none (for the sign-in screen)."""

    session: Session | None
    reason: str | None = None
    profile: str | None = None
    url: str | None = None


def resolve(args: argparse.Namespace) -> Resolution:
    """Env > profile: ``WALDUR_ACCESS_TOKEN``/``WALDUR_TOKEN`` with ``--url``,
    ``WALDUR_API_URL`` or the profile's URL; else the profile's stored token.

    Never raises for a missing or unusable token: the reason goes to the sign-in screen.
    """
    try:
        config = Config.load()
        url_from_env = env_url()
    except ConfigError as exc:
        return Resolution(None, str(exc))
    wanted = getattr(args, "profile", None)
    profile = config.get(wanted)
    name = wanted or (profile.name if profile else None)
    if wanted and profile is None:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        reason = f"There is no profile named {wanted!r} (profiles: {known})."
        return Resolution(None, reason, profile=wanted, url=url_from_env)
    try:
        arg_url = normalize_base_url(args.url) if getattr(args, "url", None) else None
    except ValueError as exc:
        return Resolution(None, f"--url: {exc}", profile=name)
    url = arg_url or url_from_env or (profile.url if profile else None)
    insecure = bool(getattr(args, "insecure", False))
    verify = not insecure and (profile.verify if profile else True)
    ca_bundle = getattr(args, "ca_bundle", None) or (profile.ca_bundle if profile else None)

    from_env = credentials.env_token()
    if from_env is not None:
        if url is None:
            return Resolution(
                None,
                f"{from_env.detail} is set but no API URL is: set WALDUR_API_URL too.",
                profile=name,
            )
        return Resolution(
            Session(url, from_env.token, "env", name, verify, ca_bundle), profile=name, url=url
        )
    if profile is None or url is None:
        return Resolution(None, None, profile=name, url=url)
    prefer = profile.storage if url == profile.url else None
    try:
        stored = credentials.load_token(profile.name, url, prefer=prefer)
    except credentials.KeyringUnavailable as exc:
        if profile.storage is None:
            # Saved by a sign-in whose token had nowhere to go: nothing to read, say so.
            reason = f"No token is stored for profile {profile.name!r}: {exc}"
        else:
            reason = f"The stored token cannot be read: {exc}"
        return Resolution(None, reason, profile=profile.name, url=url)
    if stored is None:
        return Resolution(
            None, f"No token is stored for profile {profile.name!r}.", profile=profile.name, url=url
        )
    session = Session(url, stored.token, stored.where, profile.name, verify, ca_bundle)
    return Resolution(session, profile=profile.name, url=url)


def resolve_session(args: argparse.Namespace) -> Session | None:
    """The session a run starts with, or None so the app opens the sign-in screen."""
    return resolve(args).session


def session_for_profile(name: str) -> Resolution:
    """Switch to a profile (the command palette): its session, or why it needs a sign-in.

    May call the keyring (up to ~2 s): call it from a thread worker.
    """
    return resolve(argparse.Namespace(profile=name, url=None, insecure=False, ca_bundle=None))


# -- commands ----------------------------------------------------------------------------


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _read_token(with_token: bool, stdin: TextIO) -> Secret:
    # Wrapped at once: the plain text never sits in a named local a traceback could print.
    if with_token:
        return pasted_token(stdin.readline())
    return pasted_token(getpass.getpass("API token (typing is hidden): "))


def cmd_login(args: argparse.Namespace) -> int:
    """Check the token with users/me/ first; only then store it and save the profile."""
    try:
        config = Config.load()
        name = check_profile_name(
            getattr(args, "profile", None) or config.default_profile or DEFAULT_PROFILE_NAME
        )
    except ConfigError as exc:
        _err(str(exc))
        return 2
    existing = config.get(name)
    raw_url = getattr(args, "url", None) or (existing.url if existing else None)
    with_token = bool(getattr(args, "with_token", False))
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
    insecure = bool(getattr(args, "insecure", False))
    ca_bundle = getattr(args, "ca_bundle", None) or (existing.ca_bundle if existing else None)
    verify = not insecure and (existing.verify if existing and existing.url == url else True)
    if insecure:
        _err(f"WARNING: TLS certificates of {_host(url)} will NOT be checked (--insecure).")
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
        stored = credentials.store_token(
            name, url, token, allow_file=bool(getattr(args, "insecure_storage", False))
        )
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


def cmd_logout(args: argparse.Namespace) -> int:
    try:
        config = Config.load()
    except ConfigError as exc:
        _err(str(exc))
        return 2
    profile = config.get(getattr(args, "profile", None))
    if profile is None:
        wanted = getattr(args, "profile", None)
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


def cmd_profiles(args: argparse.Namespace) -> int:
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


async def _whoami(session_url: str, token: SecretLike, verify: bool, ca: str | None) -> str:
    try:
        user = await check_sign_in(session_url, token, verify=verify, ca_bundle=ca, timeout=5)
    except SignInError as exc:
        return f"not signed in: {exc}"
    return describe_user(user)


async def _who_all(entries: list[tuple[str, SecretLike, bool, str | None]]) -> list[str]:
    import asyncio

    return list(await asyncio.gather(*(_whoami(*e) for e in entries)))


def cmd_status(args: argparse.Namespace) -> int:
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
        print(
            f"Environment: {env.detail} overrides the stored tokens"
            + (f"; {env_session_url}" if env_session_url else "; no WALDUR_API_URL set")
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
