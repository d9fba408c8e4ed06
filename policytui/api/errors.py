"""Errors of the Waldur client: one type per thing a caller handles differently.

Every error carries a one-line human message (``str(err)``) that is safe to show
on a screen: it never contains the token, and a server's HTML error page is cut
down to a short excerpt.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "AuthenticationError",
    "ConnectionFailed",
    "InvalidResponse",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "TLSError",
    "Timeout",
    "ValidationError",
    "WaldurError",
]

_EXCERPT = 160


def body_excerpt(text: str, limit: int = _EXCERPT) -> str:
    """A short, single-line excerpt of a response body (HTML reduced to its title/text)."""
    if not text:
        return ""
    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if title:
        text = title.group(1)
    elif "<" in text and ">" in text:
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WaldurError(Exception):
    """Base of every error the client raises."""

    status_code: int | None = None

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    def __str__(self) -> str:
        return self.message


class ConnectionFailed(WaldurError):
    """The server could not be reached (DNS, refused, reset, dropped mid-body)."""


def cannot_reach(host: str, *, proxy: bool = False) -> str:
    """What a failed connection means, in plain words (no exception class names)."""
    if proxy:
        return f"Cannot reach {host}: the proxy refused or failed the connection."
    name, port = _name_and_port(host)
    if _is_address(name):
        # An address needs no name lookup: only the second reason can apply.
        where = f"port {port}" if port else "its port"
        return f"Cannot reach {host}: nothing answered (nothing listens on {where} there)."
    return (
        f"Cannot reach {host}: nothing answered (the host name does not resolve, "
        "or nothing listens on that port)."
    )


def _name_and_port(host: str) -> tuple[str, str]:
    """``"[::1]:8080"`` -> ``("::1", "8080")``; ``"10.0.0.1:9"`` -> ``("10.0.0.1", "9")``."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest.lstrip(":")
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port
    return host, ""


def _is_address(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Timeout(ConnectionFailed):
    """The server did not answer in time. For a write, the outcome is unknown."""


class TLSError(ConnectionFailed):
    """The TLS handshake failed (certificate not trusted, wrong host name...)."""

    def __init__(self, message: str, *, problem: str = "untrusted") -> None:
        super().__init__(message)
        #: Which failure (policytui.api.tls.TLSProblem): each calls for another fix.
        self.problem = problem


class InvalidResponse(WaldurError):
    """The server answered something the client cannot read (bad JSON, wrong shape)."""


class AuthenticationError(WaldurError):
    """401: no token, a wrong token, or a token revoked mid-session."""

    status_code = 401


class PermissionDenied(WaldurError):
    """403: the token's user may not do this."""

    status_code = 403


class NotFound(WaldurError):
    """404: the object does not exist, or the user may not see it."""

    status_code = 404


class RateLimited(WaldurError):
    """429: too many requests; ``retry_after`` is in seconds when the server said."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status_code=429)
        self.retry_after = retry_after


class ServerError(WaldurError):
    """5xx: the server failed. ``excerpt`` is a short line of the body, never a page of HTML."""

    def __init__(self, message: str, *, status_code: int, excerpt: str = "") -> None:
        super().__init__(message, status_code=status_code)
        self.excerpt = excerpt


class ValidationError(WaldurError):
    """400: the server rejected the data.

    ``field_errors`` maps a field name to its messages, ``non_field_errors`` holds
    the rest, and ``row_errors`` holds the errors of each ``component_limits_set``
    row (index -> field -> messages), aligned with the rows that were sent.
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field_errors: dict[str, list[str]] | None = None,
        non_field_errors: list[str] | None = None,
        row_errors: dict[int, dict[str, list[str]]] | None = None,
    ) -> None:
        super().__init__(message, status_code=400)
        self.field_errors = field_errors or {}
        self.non_field_errors = non_field_errors or []
        self.row_errors = row_errors or {}

    @classmethod
    def from_body(cls, body: Any) -> ValidationError:
        """Build from a DRF-style 400 body (dict of lists, ``detail``, or a bare list)."""
        field_errors: dict[str, list[str]] = {}
        non_field: list[str] = []
        rows: dict[int, dict[str, list[str]]] = {}
        if isinstance(body, dict):
            for key, value in body.items():
                if key in ("non_field_errors", "detail"):
                    non_field.extend(_as_messages(value))
                elif (
                    key == "component_limits_set"
                    and isinstance(value, list)
                    and any(isinstance(v, dict) for v in value)
                ):
                    for index, row in enumerate(value):
                        if isinstance(row, dict) and row:
                            rows[index] = {str(k): _as_messages(v) for k, v in row.items()}
                else:
                    field_errors[str(key)] = _as_messages(value)
        elif isinstance(body, list):
            non_field.extend(_as_messages(body))
        elif body is not None:
            non_field.append(str(body))
        parts: list[str] = []
        parts.extend(non_field)
        parts.extend(f"{k}: {' '.join(v)}" for k, v in field_errors.items())
        for index, errs in sorted(rows.items()):
            text = " ".join(f"{k}: {' '.join(v)}" for k, v in errs.items())
            parts.append(f"limit row {index + 1}: {text}")
        message = "; ".join(parts) or "The server rejected the request."
        return cls(
            body_excerpt(message, 300),
            field_errors=field_errors,
            non_field_errors=non_field,
            row_errors=rows,
        )


def _as_messages(value: Any) -> list[str]:
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_as_messages(item) if isinstance(item, list | dict) else [str(item)])
        return out
    if isinstance(value, dict):
        return [f"{k}: {' '.join(_as_messages(v))}" for k, v in value.items()]
    return [str(value)]
