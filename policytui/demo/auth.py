"""Token authentication with DRF's messages: `Authorization: Token <key>`, nothing else."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from policytui.demo.responses import detail
from policytui.demo.users import USERS_BY_TOKEN, DemoUser

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID = "Invalid token."


class AuthFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def response(self, allow: str | None = None) -> Response:
        return detail(self.message, 401, allow=allow, **{"WWW-Authenticate": "Token"})


def token_user(request: Request) -> DemoUser | None:
    """The user of the request's token; None when no token was sent. Raises AuthFailed."""
    header = request.headers.get("authorization", "")
    parts = header.split()
    # Another scheme (Bearer, Basic) is not ours: as if no credentials were sent.
    if not parts or parts[0].lower() != "token":
        return None
    if len(parts) == 1:
        raise AuthFailed("Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise AuthFailed("Invalid token header. Token string should not contain spaces.")
    if request.scope.get("demo_revoked"):
        raise AuthFailed(INVALID)
    user = USERS_BY_TOKEN.get(parts[1])
    if user is None:
        raise AuthFailed(INVALID)
    return user


def require_user(request: Request) -> DemoUser:
    user = token_user(request)
    if user is None:
        raise AuthFailed(NOT_PROVIDED)
    return user
