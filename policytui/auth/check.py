"""The sign-in check: ask the server who a token belongs to, and say in plain words why
it failed (wrong URL, unreachable host, TLS, a bad token).

On the path of `policytui login` and the sign-in screen, not of start-up; even so it
imports neither pydantic, httpx nor asyncio at the top: the client and the User model
load when ``check_sign_in`` is called.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from policytui.api import errors
from policytui.api.urls import normalize_base_url
from policytui.auth.secret import Secret

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


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


async def check_sign_in(
    url: str,
    token: Secret,
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
    host = host_of(base)
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
        f"{host_of(base)} answered, but {base} does not look like a Waldur API. "
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
