"""Assembling the ASGI app: routes, the fault layer, JSON 404/405."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from policytui.demo import views_catalog as catalog
from policytui.demo import views_control as control
from policytui.demo import views_policies as policies
from policytui.demo import views_usage as usage
from policytui.demo.faults import FaultMiddleware
from policytui.demo.responses import detail
from policytui.demo.settings import DemoSettings
from policytui.demo.state import DemoState

_ALL = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def _append_slash(request: Request) -> Response:
    # Django's APPEND_SLASH: a permanent redirect to the slashed path, query kept.
    path = request.url.path
    if path.endswith("/"):
        # A known route that lacks this method only matched partially before this one.
        for route in request.app.router.routes[:-1]:
            if route.matches(request.scope)[0] == Match.PARTIAL:
                return detail(f'Method "{request.method}" not allowed.', 405)
        return detail("Not found.", 404)
    query = request.url.query
    target = path + "/" + (f"?{query}" if query else "")
    return Response(
        status_code=301, headers={"Location": target}, media_type="text/html; charset=utf-8"
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return detail(f'Method "{request.method}" not allowed.', 405)
    return detail("Not found.", exc.status_code)


def _routes() -> list[Route]:
    p = "/api/marketplace-offering-usage-policies"
    o = "/api/marketplace-provider-offerings"
    g = "/api/organization-groups"
    u = "/api/marketplace-component-usages"
    return [
        Route(f"{p}/", policies.policy_list, methods=["GET", "POST"]),
        Route(f"{p}/actions/", policies.policy_actions, methods=["GET"]),
        Route(f"{p}/{{uuid}}/", policies.policy_detail, methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route(f"{o}/", catalog.offering_list, methods=["GET"]),
        Route(f"{o}/{{uuid}}/", catalog.offering_detail, methods=["GET"]),
        Route(f"{o}/{{uuid}}/customers/", usage.offering_customers, methods=["GET"]),
        Route(f"{o}/{{uuid}}/component_stats/", usage.component_stats, methods=["GET"]),
        Route(f"{u}/", usage.component_usages, methods=["GET"]),
        Route(f"{u}/set_usage/", usage.set_usage, methods=["POST"]),
        Route(
            "/api/marketplace-stats/component_usages/",
            usage.stats_component_usages,
            methods=["GET"],
        ),
        Route(f"{g}/", catalog.group_list, methods=["GET"]),
        Route(f"{g}/{{uuid}}/", catalog.group_detail, methods=["GET"]),
        Route("/api/users/me/", catalog.users_me, methods=["GET"]),
        Route("/__demo__/faults", control.faults, methods=["GET", "POST", "DELETE"]),
        Route("/__demo__/requests", control.requests_log, methods=["GET", "DELETE"]),
        Route("/api/{rest:path}", _append_slash, methods=_ALL),
    ]


def create_app(settings: DemoSettings | None = None) -> Starlette:
    """A fresh demo server app; its live state is `app.state.demo` (a DemoState)."""
    state = DemoState(settings or DemoSettings())
    app = Starlette(
        routes=_routes(),
        middleware=[Middleware(FaultMiddleware, state=state)],
        exception_handlers={404: _http_error, 405: _http_error},
    )
    # Starlette would 307 a missing slash itself; the server answers 301 (see _append_slash).
    app.router.redirect_slashes = False
    app.state.demo = state
    return app
