"""Read endpoints the editor needs: provider offerings, organization groups, users/me."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from policytui.demo.auth import AuthFailed, require_user, token_user
from policytui.demo.catalog import (
    GROUPS,
    GROUPS_BY_UUID,
    OFFERINGS_BY_UUID,
    Offering,
    group_payload,
    offering_payload,
    visible_offerings,
)
from policytui.demo.pagination import InvalidPage, make_page, page_headers
from policytui.demo.responses import DETAIL_ALLOW, LIST_ALLOW, READ_ALLOW, detail, json_response
from policytui.demo.users import me_payload
from policytui.demo.webutil import base_url, demo_state


def _select_fields(body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    # Waldur's field= keeps the serializer's own order and ignores unknown names.
    if not fields:
        return body
    wanted = set(fields)
    return {k: v for k, v in body.items() if k in wanted}


def _paginated(request: Request, items: list[Any], render: Any) -> Response:
    state = demo_state(request)
    try:
        page = make_page(request.query_params, len(items), state.settings.page_size_cap)
    except InvalidPage:
        return detail("Invalid page.", 404, allow=LIST_ALLOW)
    body = [render(x) for x in items[page.offset : page.offset + page.size]]
    return json_response(body, headers=page_headers(str(request.url), page), allow=LIST_ALLOW)


def _offering_filter(request: Request, offerings: list[Offering]) -> list[Offering]:
    params = request.query_params
    name = params.get("name")
    if name:
        offerings = [o for o in offerings if name.lower() in o.name.lower()]
    customer = params.get("customer_uuid")
    if customer:
        customer = customer.replace("-", "").lower()
        offerings = [o for o in offerings if o.customer.uuid == customer]
    states = [s.lower() for v in params.getlist("state") for s in v.split(",") if s]
    if states:
        offerings = [o for o in offerings if o.state.lower() in states]
    return offerings


async def offering_list(request: Request) -> Response:
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(LIST_ALLOW)
    offerings = _offering_filter(request, visible_offerings(user.owner_of, user.is_staff))
    offerings.sort(key=lambda o: o.name)
    base = base_url(request)
    fields = request.query_params.getlist("field")
    return _paginated(
        request, offerings, lambda o: _select_fields(offering_payload(o, base), fields)
    )


async def offering_detail(request: Request) -> Response:
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(DETAIL_ALLOW)
    wanted = str(request.path_params["uuid"]).replace("-", "").lower()
    offering = OFFERINGS_BY_UUID.get(wanted)
    if offering is None or offering not in visible_offerings(user.owner_of, user.is_staff):
        return detail("No Offering matches the given query.", 404, allow=DETAIL_ALLOW)
    body = _select_fields(
        offering_payload(offering, base_url(request)), request.query_params.getlist("field")
    )
    return json_response(body, allow=DETAIL_ALLOW)


async def group_list(request: Request) -> Response:
    try:
        token_user(request)  # anonymous is fine, but a bad token is still refused
    except AuthFailed as exc:
        return exc.response(LIST_ALLOW)
    base = base_url(request)
    quirks = demo_state(request).quirks
    return _paginated(request, list(GROUPS), lambda g: group_payload(g, base, quirks=quirks))


async def group_detail(request: Request) -> Response:
    try:
        token_user(request)
    except AuthFailed as exc:
        return exc.response(DETAIL_ALLOW)
    group = GROUPS_BY_UUID.get(str(request.path_params["uuid"]).replace("-", "").lower())
    if group is None:
        return detail("No OrganizationGroup matches the given query.", 404, allow=DETAIL_ALLOW)
    quirks = demo_state(request).quirks
    return json_response(group_payload(group, base_url(request), quirks=quirks), allow=DETAIL_ALLOW)


async def users_me(request: Request) -> Response:
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(READ_ALLOW)
    quirks = demo_state(request).quirks
    return json_response(me_payload(user, base_url(request), quirks=quirks), allow=READ_ALLOW)
