"""Response helpers: compact JSON like DRF, and the HTML pages servers send on 5xx."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
READ_ALLOW = "GET, HEAD, OPTIONS"

# Byte for byte the body of capture 12 (Django's production 500 page).
SERVER_ERROR_HTML = (
    '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n'
    "</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"
)

_PROXY_TITLES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None, allow: str | None = None
) -> Response:
    hdrs = dict(headers or {})
    if allow:
        hdrs["Allow"] = allow
    hdrs.setdefault("X-Frame-Options", "DENY")
    return Response(dumps(data), status_code=status, headers=hdrs, media_type="application/json")


def raw_json_response(body: bytes, headers: dict[str, str], allow: str) -> Response:
    """:func:`json_response` for a body already serialized (a cached list page)."""
    hdrs = {**headers, "Allow": allow}
    hdrs.setdefault("X-Frame-Options", "DENY")
    return Response(body, status_code=200, headers=hdrs, media_type="application/json")


def detail(message: str, status: int, allow: str | None = None, **headers: str) -> Response:
    return json_response({"detail": message}, status, headers=headers or None, allow=allow)


def html_error_body(status: int) -> str:
    """The HTML a client meets on a 5xx: Django's page for 500, a proxy's page otherwise."""
    if status == 500:
        return SERVER_ERROR_HTML
    title = _PROXY_TITLES.get(status, f"{status} Error")
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


def html_error(status: int = 500) -> Response:
    return Response(
        html_error_body(status).encode(),
        status_code=status,
        headers={"X-Frame-Options": "DENY"},
        media_type="text/html; charset=utf-8",
    )
