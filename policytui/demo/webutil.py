"""Small request helpers shared by the views."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from policytui.demo.state import DemoState


class BadJSON(Exception):
    pass


def base_url(request: Request) -> str:
    """scheme://host:port of the request, for absolute URLs in bodies and headers."""
    return f"{request.url.scheme}://{request.url.netloc}"


def demo_state(request: Request) -> DemoState:
    return request.app.state.demo


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}  # DRF: an empty body is empty data, so every required field is reported
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJSON(f"JSON parse error - {exc}") from exc
