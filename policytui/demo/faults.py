"""ASGI middleware that injects latency, random 503s and named faults into /api/ requests,
and records every API request for tests to inspect."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policytui.demo import fault_bodies
from policytui.demo.pagination import Page, page_headers
from policytui.demo.responses import detail, dumps, html_error, json_response
from policytui.demo.settings import Fault
from policytui.demo.state import DemoState
from policytui.demo.wire import POLICIES_PATH

# Faults that change the request or the real answer, and then let it through.
_PASS_THROUGH = {"timeout", "no_link", "bad_count", "revoke_token", "delete_policy"}


def _is_detail(path: str) -> bool:
    rest = path[len(POLICIES_PATH) :] if path.startswith(POLICIES_PATH) else ""
    return bool(rest.strip("/")) and rest != "actions/"


def _list_response(items: list[Any], url: str) -> Response:
    page = Page(1, max(len(items), 1), len(items), 1)
    return json_response(items, headers=page_headers(url, page))


def canned_response(fault: Fault, request: Request) -> Response:
    base = f"{request.url.scheme}://{request.url.netloc}"
    name, params = fault.name, fault.params
    if name == "status":
        status = int(params.get("status", 500))
        if status >= 500:
            return html_error(status)
        return detail(HTTPStatus(status).phrase, status)
    if name == "rate_limit":
        wait = int(params.get("retry_after", 1))
        unit = "second" if wait == 1 else "seconds"
        return detail(
            f"Request was throttled. Expected available in {wait} {unit}.",
            429,
            **{"Retry-After": str(wait)},
        )
    if name == "malformed_json":
        return Response(fault_bodies.truncated_json(base), media_type="application/json")
    if name == "html":
        return Response(fault_bodies.LOGIN_HTML, media_type="text/html; charset=utf-8")
    if name in ("wrong_types", "missing_fields"):
        make = getattr(fault_bodies, name)
        if _is_detail(request.url.path):
            return json_response(make(base, 0))
        return _list_response(
            [make(base, i) for i in range(int(params.get("count", 3)))], str(request.url)
        )
    if name == "huge":
        count = int(params.get("count", 50000))
        page = Page(1, max(count, 1), count, 1)
        return Response(
            fault_bodies.huge(base, count),
            media_type="application/json",
            headers=page_headers(str(request.url), page),
        )
    raise ValueError(f"fault {name!r} has no canned response")


async def _drop(send: Send) -> None:
    """Promise a body, send part of it, and return: the server closes the connection."""
    body = dumps([{"uuid": "d" * 32, "actions": "notify_organization_owners"}] * 20)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body[: len(body) // 3], "more_body": True})


async def _buffered(receive: Receive) -> Receive:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return receive  # disconnected already: let the app see it
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    pending: list[Message] = [
        {"type": "http.request", "body": b"".join(chunks), "more_body": False}
    ]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


class FaultMiddleware:
    def __init__(self, app: ASGIApp, state: DemoState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        state = self.state
        method, path = scope["method"], scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        entry = state.log_request(method, path, query)
        edits: set[str] = set()

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                if edits:
                    message = dict(message)
                    headers = [
                        (k, v)
                        for k, v in message.get("headers", [])
                        if not ("no_link" in edits and k.lower() == b"link")
                    ]
                    if "bad_count" in edits:
                        headers = [
                            (k, b"lots") if k.lower() == b"x-result-count" else (k, v)
                            for k, v in headers
                        ]
                    message["headers"] = headers
            await send(message)

        if state.settings.latency_ms > 0:
            await asyncio.sleep(state.settings.latency_ms / 1000.0)
        if state.roll_error():
            await html_error(503)(scope, receive, send_logged)
            return
        request = Request(scope, receive)
        has_token = "authorization" in request.headers
        for fault in state.faults():
            if not fault.matches(method, path, query):
                continue
            if fault.name == "revoke_token" and not has_token:
                continue
            if not state.take_fault(fault):
                continue
            if fault.name not in _PASS_THROUGH:
                if fault.name == "drop":
                    entry["status"] = 200
                    await _drop(send)
                    return
                await canned_response(fault, request)(scope, receive, send_logged)
                return
            if fault.name == "timeout" and fault.params.get("complete"):
                # Read the body before stalling, so the write is applied even though
                # the client has given up by then. Without "complete", a client that
                # hangs up makes the body read fail and nothing is written.
                receive = await _buffered(receive)
            await self._pass_through(fault, scope, edits)
        await self.app(scope, receive, send_logged)

    async def _pass_through(self, fault: Fault, scope: Scope, edits: set[str]) -> None:
        if fault.name == "timeout":
            await _held(self.state, float(fault.params.get("seconds", 30)))
        elif fault.name == "revoke_token":
            scope["demo_revoked"] = True
        elif fault.name == "delete_policy":
            self.state.store.delete(str(fault.params["uuid"]))
        else:
            edits.add(fault.name)


async def _held(state: DemoState, seconds: float) -> None:
    """Sleep ``seconds``, or until :meth:`DemoState.release_held` is called."""
    releases = state.releases
    deadline = asyncio.get_running_loop().time() + seconds
    while state.releases == releases:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return
        await asyncio.sleep(min(left, 0.02))
