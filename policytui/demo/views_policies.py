"""The offering usage policy endpoints: list, create, read, update, delete, actions."""

from __future__ import annotations

import re
import uuid as uuidlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from policytui.demo.auth import AuthFailed, require_user
from policytui.demo.catalog import OFFERINGS_BY_UUID, visible_offerings
from policytui.demo.evaluation import evaluate_on_save
from policytui.demo.pagination import InvalidPage, make_page, page_headers
from policytui.demo.responses import (
    DETAIL_ALLOW,
    LIST_ALLOW,
    READ_ALLOW,
    detail,
    html_error,
    json_response,
    raw_json_response,
)
from policytui.demo.state import DemoState
from policytui.demo.store import Policy
from policytui.demo.timefmt import wall_now
from policytui.demo.users import DemoUser
from policytui.demo.validation import ServerCrash, WriteContext, validate
from policytui.demo.webutil import BadJSON, base_url, demo_state, json_body
from policytui.demo.wire import policy_list_json, policy_url, render_policy

NO_POLICY = "No OfferingUsagePolicy matches the given query."
_UUID_RE = re.compile(r"[0-9a-f]{32}")


def visible_scopes(user: DemoUser) -> list[str] | None:
    """Offering uuids whose policies the user sees; None means all (staff)."""
    if user.is_staff:
        return None
    return [o.uuid for o in visible_offerings(user.owner_of, False)]


def _can_see(user: DemoUser, policy: Policy) -> bool:
    if user.is_staff:
        return True
    offering = OFFERINGS_BY_UUID.get(policy.scope_uuid)
    return offering is not None and offering.customer.uuid == user.owner_of


async def policy_list(request: Request) -> Response:
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(LIST_ALLOW)
    if request.method == "POST":
        return await _create(request, state, user)
    params = request.query_params
    scopes = visible_scopes(user)
    if "scope_uuid" in params:
        wanted = params["scope_uuid"].replace("-", "").lower()
        if not _UUID_RE.fullmatch(wanted):
            return json_response({"scope_uuid": ["Enter a valid UUID."]}, 400, allow=LIST_ALLOW)
        scopes = [wanted] if scopes is None or wanted in scopes else []
    if "scope" in params:
        # The real filter compares against customers, so an offering URL matches nothing.
        scopes = []
    count = state.store.count(scopes)
    try:
        page = make_page(params, count, state.settings.page_size_cap)
    except InvalidPage:
        return detail("Invalid page.", 404, allow=LIST_ALLOW)
    body = policy_list_json(
        state.store.page_rows(scopes, page.offset, page.size),
        base_url(request),
        quirks=state.quirks,
    )
    return raw_json_response(body, page_headers(str(request.url), page), LIST_ALLOW)


async def policy_actions(request: Request) -> Response:
    state = demo_state(request)
    try:
        require_user(request)
    except AuthFailed as exc:
        return exc.response(READ_ALLOW)
    return json_response(list(state.available_actions), allow=READ_ALLOW)


async def policy_detail(request: Request) -> Response:
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(DETAIL_ALLOW)
    policy = state.store.get(str(request.path_params["uuid"]).replace("-", "").lower())
    if policy is None or not _can_see(user, policy):
        return detail(NO_POLICY, 404, allow=DETAIL_ALLOW)
    base = base_url(request)
    if request.method in ("GET", "HEAD"):
        return json_response(render_policy(policy, base, quirks=state.quirks), allow=DETAIL_ALLOW)
    if request.method == "DELETE":
        state.store.delete(policy.uuid)
        return Response(status_code=204, headers={"Allow": DETAIL_ALLOW, "X-Frame-Options": "DENY"})
    return await _update(request, state, user, policy, partial=request.method == "PATCH")


def _write_context(state: DemoState, user: DemoUser, **kw: Any) -> WriteContext:
    return WriteContext(
        user=user, quirks=state.quirks, available_actions=state.available_actions, **kw
    )


def _apply(policy: Policy, cleaned: dict[str, Any], quirks: bool) -> None:
    if "scope" in cleaned:
        policy.scope_uuid = cleaned["scope"].uuid
    if "actions" in cleaned:
        policy.actions = cleaned["actions"]
    if "organization_groups" in cleaned:
        policy.groups = cleaned["organization_groups"]
    if "component_limits_set" in cleaned:
        policy.limits = list(cleaned["component_limits_set"])
    if "period" in cleaned:
        policy.period = cleaned["period"]
    if not quirks:  # the 2024 server has neither field and ignores them
        if "options" in cleaned:
            policy.options = cleaned["options"]
        if "apply_to_all" in cleaned:
            policy.apply_to_all = cleaned["apply_to_all"]


async def _create(request: Request, state: DemoState, user: DemoUser) -> Response:
    try:
        data = await json_body(request)
    except BadJSON as exc:
        return detail(str(exc), 400, allow=LIST_ALLOW)
    try:
        cleaned, errors = validate(data, _write_context(state, user))
    except ServerCrash:
        return html_error(500)  # nothing stored: the transaction rolled back
    if errors:
        return json_response(errors, 400, allow=LIST_ALLOW)
    policy = Policy(
        uuid=uuidlib.uuid4().hex,
        scope_uuid=cleaned["scope"].uuid,
        actions=cleaned["actions"],
        created=wall_now(),
        created_by_username=user.username,
        created_by_full_name=user.full_name,
    )
    _apply(policy, cleaned, state.quirks)
    evaluate_on_save(policy, state.usage, state.today(), quirks=state.quirks)
    state.store.insert(policy)
    base = base_url(request)
    return json_response(
        render_policy(policy, base, quirks=state.quirks),
        201,
        headers={"Location": policy_url(base, policy.uuid)},
        allow=LIST_ALLOW,
    )


async def _update(
    request: Request, state: DemoState, user: DemoUser, policy: Policy, *, partial: bool
) -> Response:
    try:
        data = await json_body(request)
    except BadJSON as exc:
        return detail(str(exc), 400, allow=DETAIL_ALLOW)
    try:
        cleaned, errors = validate(
            data, _write_context(state, user, partial=partial, instance=policy)
        )
    except ServerCrash:
        return html_error(500)
    if errors:
        return json_response(errors, 400, allow=DETAIL_ALLOW)
    _apply(policy, cleaned, state.quirks)
    evaluate_on_save(policy, state.usage, state.today(), quirks=state.quirks)
    state.store.replace(policy)
    return json_response(
        render_policy(policy, base_url(request), quirks=state.quirks), allow=DETAIL_ALLOW
    )
