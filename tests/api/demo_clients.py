"""Helpers for tests that drive the client against a demo server over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from policytui.api import ComponentLimitIn, Period, PolicyCreate, WaldurClient
from policytui.api._http import httpx
from policytui.demo import STAFF_TOKEN


class Sleeps:
    """Stands in for ``asyncio.sleep`` so backoff can be read, not waited for."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


class Recording(httpx.AsyncBaseTransport):
    """The real loopback transport, noting each request's method, path, headers and body,
    and how many were in flight at once."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()

    def bodies(self, method: str) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.method == method]


def client_for(server: Any, token: str | None = STAFF_TOKEN, **options: Any) -> WaldurClient:
    """A client of ``server``; retries sleep for a few milliseconds unless told otherwise."""
    options.setdefault("backoff", 0.005)
    options.setdefault("max_backoff", 0.02)
    return WaldurClient(server.url, token, **options)


def api_requests(server: Any, method: str | None = None, path: str = "") -> list[dict[str, Any]]:
    """The demo server's request log, narrowed to a method and a path fragment."""
    return [
        r
        for r in server.requests()
        if (method is None or r["method"] == method) and path in r["path"]
    ]


async def first_offering(client: WaldurClient):
    """An offering with components, and a body that creates a valid policy on it."""
    offerings = await client.offerings()
    offering = next(o for o in offerings if o.name == "Acme HPC Cluster")
    groups = await client.organization_groups()
    return offering, groups


def policy_body(offering, groups, *, limits: list[tuple[str, int]] | None = None, **extra):
    rows = limits if limits is not None else [(offering.components[0].type, 100)]
    return PolicyCreate(
        scope=offering.url,
        actions=["notify_organization_owners"],
        organization_groups=[groups[0].url],
        component_limits_set=[ComponentLimitIn(type=t, limit=n) for t, n in rows],
        period=Period.MONTH_1,
        **extra,
    )
