"""The usage endpoints of captures 50-59: component usages (with the filters that work
and those the server ignores), reporting usage, an offering's customers with their
organization groups, and the two statistics endpoints."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from policytui.demo.auth import AuthFailed, require_user
from policytui.demo.catalog import OFFERINGS, OFFERINGS_BY_UUID, visible_offerings
from policytui.demo.evaluation import evaluate_on_usage_report
from policytui.demo.months import add_months, month_start
from policytui.demo.pagination import InvalidPage, make_page, page_headers
from policytui.demo.responses import (
    LIST_ALLOW,
    READ_ALLOW,
    detail,
    dumps,
    json_response,
    raw_json_response,
)
from policytui.demo.usage_store import UsageRow, UsageStore, amount_text
from policytui.demo.users import DemoUser
from policytui.demo.webutil import BadJSON, base_url, demo_state, json_body

_UUID_RE = re.compile(r"[0-9a-f]{32}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Filters on a uuid column: a malformed value is a 400, as on the server (capture 55).
_UUID_FILTERS = {
    "offering_uuid": "offering_uuid",
    "customer_uuid": "customer_uuid",
    "project_uuid": "project_uuid",
    "resource_uuid": "resource_uuid",
}
_FORBIDDEN = "You do not have permission to perform this action."


def _uuid(value: str) -> str | None:
    wanted = value.replace("-", "").lower()
    return wanted if _UUID_RE.fullmatch(wanted) else None


def _date(value: str) -> date | None:
    if not _DATE_RE.fullmatch(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _filters(request: Request) -> tuple[str, list[object], dict[str, list[str]]]:
    """The WHERE clause of the filters that work; ``billing_period_year``/``_month``,
    ``billing_period__gte``, ``offering=`` and ``customer=`` are ignored, as on the server."""
    params = request.query_params
    clauses: list[str] = []
    args: list[object] = []
    errors: dict[str, list[str]] = {}
    for name, column in _UUID_FILTERS.items():
        if name in params:
            value = _uuid(params[name])
            if value is None:
                errors[name] = ["Enter a valid UUID."]
            else:
                clauses.append(f"{column} = ?")
                args.append(value)
    if "resource" in params:
        # A resource URL: its last path segment is the uuid; anything else matches nothing.
        tail = params["resource"].rstrip("/").rsplit("/", 1)[-1]
        clauses.append("resource_uuid = ?")
        args.append(_uuid(tail) or "")
    if "type" in params:
        clauses.append("type = ?")
        args.append(params["type"])
    if "billing_period" in params:
        day = _date(params["billing_period"])
        if day is None:
            errors["billing_period"] = ["Enter a valid date."]
        else:
            clauses.append("billing_period = ?")
            args.append(day.isoformat())
    for name, op, suffix in (("date_after", ">=", ""), ("date_before", "<=", "T23:59:59.999999Z")):
        if name in params:
            day = _date(params[name])
            if day is None:
                errors[name] = ["Enter a valid date."]
            else:
                clauses.append(f"date {op} ?")
                args.append(day.isoformat() + suffix)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, args, errors


def _select(body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    if not fields:
        return body
    wanted = set(fields)
    return {k: v for k, v in body.items() if k in wanted}


def render_usage(row: UsageRow, usage: UsageStore) -> dict[str, Any]:
    """One usage in the field order of capture 50."""
    offering = OFFERINGS_BY_UUID.get(row.offering_uuid)
    components = offering.components if offering else ()
    component = next((c for c in components if c.type == row.type), None)
    resource = usage.resource(row.resource_uuid)
    customer = usage.consumer(row.customer_uuid)
    return {
        "uuid": row.uuid,
        "created": row.created,
        "description": row.description,
        "type": row.type,
        "name": component.name if component else row.type,
        "measured_unit": component.measured_unit if component else "",
        "usage": row.usage,
        "date": row.date,
        "recurring": row.recurring,
        "resource_name": resource.name if resource else "",
        "resource_uuid": row.resource_uuid,
        "offering_name": offering.name if offering else "",
        "offering_uuid": row.offering_uuid,
        "project_name": customer.project_name if customer else "",
        "project_uuid": row.project_uuid,
        "customer_name": customer.name if customer else "",
        "customer_uuid": row.customer_uuid,
        "billing_period": row.billing_period,
        "modified_by": row.modified_by,
    }


async def component_usages(request: Request) -> Response:
    """``GET``: every usage row to any signed-in user (the 2024 server filters nothing by
    permission, captures 50-52); ``-date, type`` order always."""
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(LIST_ALLOW)
    if request.method == "POST":
        return detail('Method "POST" not allowed.', 405, allow=LIST_ALLOW)
    where, args, errors = _filters(request)
    if errors:
        return json_response(errors, 400, allow=LIST_ALLOW)
    del user
    count = state.usage.count(where, args)
    try:
        page = make_page(request.query_params, count, state.settings.page_size_cap)
    except InvalidPage:
        return detail("Invalid page.", 404, allow=LIST_ALLOW)
    fields = tuple(request.query_params.getlist("field"))
    usage = state.usage
    body = usage_list_json(usage.page_values(where, args, page.offset, page.size), usage, fields)
    return raw_json_response(body, page_headers(str(request.url), page), LIST_ALLOW)


#: Rendered rows a store keeps (a window's pages are read again on every refresh, and
#: rendering was most of the server's time per page); past this it starts again.
_MAX_FRAGMENTS = 200_000


def usage_list_json(
    rows: list[tuple[object, ...]], usage: UsageStore, fields: tuple[str, ...]
) -> bytes:
    """A list page's body, byte for byte ``dumps([_select(render_usage(...)), ...])``."""
    fragments = []
    cache = usage.rendered
    for values in rows:
        key = (values, fields)
        fragment = cache.get(key)
        if fragment is None:
            fragment = dumps(_select(render_usage(UsageRow(*values), usage), list(fields)))
            if len(cache) >= _MAX_FRAGMENTS:
                cache.clear()
            cache[key] = fragment
        fragments.append(fragment)
    return b"[" + b",".join(fragments) + b"]"


def _may_report(user: DemoUser, offering_customer: str) -> bool:
    return user.is_staff or user.owner_of == offering_customer


async def set_usage(request: Request) -> Response:
    """``POST .../set_usage/``: the provider reports this month's usage of a resource.

    Body: ``{"plan_period": uuid, "usages": [{"type", "amount", "description"}]}`` (newer
    servers also take ``"resource": uuid``). The month's figure is replaced; then the
    offering's policies of the customer's group that notify are evaluated (block-only
    policies are not, SEMANTICS.md).
    """
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response("POST, OPTIONS")
    try:
        data = await json_body(request)
    except BadJSON as exc:
        return detail(str(exc), 400)
    if not isinstance(data, dict):
        return json_response({"non_field_errors": ["Invalid data. Expected a dictionary."]}, 400)
    key = "plan_period" if "plan_period" in data or "resource" not in data else "resource"
    raw = str(data.get(key) or "")
    resource = state.usage.resource(_uuid(raw) or "")
    errors: dict[str, Any] = {}
    if not raw:
        errors[key] = ["This field is required."]
    elif resource is None:
        errors[key] = [f"Object with uuid={raw} does not exist."]
    usages = data.get("usages")
    if not isinstance(usages, list) or not usages:
        errors["usages"] = ["This field is required."]
    if errors:
        return json_response(errors, 400)
    assert resource is not None and isinstance(usages, list)
    if not _may_report(user, resource.offering.customer.uuid):
        return detail(_FORBIDDEN, 403)
    parsed: list[tuple[str, Decimal, str]] = []
    item_errors: list[dict[str, list[str]]] = []
    for item in usages:
        problems: dict[str, list[str]] = {}
        item = item if isinstance(item, dict) else {}
        ctype = str(item.get("type") or "")
        if not ctype:
            problems["type"] = ["This field is required."]
        try:
            amount = Decimal(str(item.get("amount")))
            if not amount.is_finite() or amount < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems["amount"] = ["A valid number is required."]
            amount = Decimal(0)
        item_errors.append(problems)
        parsed.append((ctype, amount, str(item.get("description") or "")))
    if any(item_errors):
        return json_response({"usages": item_errors}, 400)
    unknown = sorted({t for t, _, _ in parsed} - set(resource.offering.component_types))
    if unknown:
        return json_response(
            {"non_field_errors": [f"These components are invalid: {', '.join(unknown)}."]}, 400
        )
    now = datetime.now(UTC)
    for ctype, amount, description in parsed:
        state.usage.set_usage(resource, ctype, amount, now, description)
    group = resource.customer.group_uuid
    if group is not None:
        today = state.today()
        for policy in state.store.notifying_policies_of(resource.offering.uuid, group):
            if evaluate_on_usage_report(policy, state.usage, today):
                state.store.replace(policy)
    return Response(status_code=201, headers={"X-Frame-Options": "DENY"})


async def offering_customers(request: Request) -> Response:
    """``GET /api/marketplace-provider-offerings/{uuid}/customers/`` (capture 57): for the
    provider's owner and staff, the customers with resources on it and their group."""
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(READ_ALLOW)
    wanted = str(request.path_params["uuid"]).replace("-", "").lower()
    offering = OFFERINGS_BY_UUID.get(wanted)
    if offering is None or offering not in visible_offerings(user.owner_of, user.is_staff):
        return detail("No Offering matches the given query.", 404, allow=READ_ALLOW)
    customers = sorted(
        {r.customer for r in state.usage.resources_of(offering.uuid)}, key=lambda c: c.name
    )
    base = base_url(request)
    fields = request.query_params.getlist("field")

    def render(c: Any) -> dict[str, Any]:
        return _select(
            {
                "uuid": c.uuid,
                "organization_group_name": c.group_name,
                "organization_group_uuid": c.group_uuid,
                "name": c.name,
                "url": f"{base}/api/customers/{c.uuid}/",
                "abbreviation": c.abbreviation.upper(),
            },
            fields,
        )

    try:
        page = make_page(request.query_params, len(customers), state.settings.page_size_cap)
    except InvalidPage:
        return detail("Invalid page.", 404, allow=READ_ALLOW)
    body = [render(c) for c in customers[page.offset : page.offset + page.size]]
    return json_response(body, headers=page_headers(str(request.url), page), allow=READ_ALLOW)


def _month(value: str | None) -> date | None:
    if value is None or not re.fullmatch(r"\d{4}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value + "-01")
    except ValueError:
        return None


async def component_stats(request: Request) -> Response:
    """``.../component_stats/?start=YYYY-MM&end=YYYY-MM`` (capture 56): per component and
    month, summed over every customer: no substitute for a policy's pooled sum."""
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(READ_ALLOW)
    wanted = str(request.path_params["uuid"]).replace("-", "").lower()
    offering = OFFERINGS_BY_UUID.get(wanted)
    if offering is None or offering not in visible_offerings(user.owner_of, user.is_staff):
        return detail("No Offering matches the given query.", 404, allow=READ_ALLOW)
    start = _month(request.query_params.get("start"))
    end = _month(request.query_params.get("end"))
    items = []
    for ctype, period, total in state.usage.monthly_totals(offering.uuid):
        first = date.fromisoformat(period)
        if start is not None and end is not None and not start <= first <= end:
            continue
        component = next(c for c in offering.components if c.type == ctype)
        last_day = _last_day(first)
        items.append(
            {
                "period": period[:7],
                "date": f"{last_day.isoformat()}T00:00:00+00:00",
                "usage": float(total),
                "description": "",
                "measured_unit": component.measured_unit,
                "type": ctype,
                "name": component.name,
            }
        )
    order = {c.type: i for i, c in enumerate(offering.components)}
    items.sort(key=lambda i: (order[i["type"]], i["period"]))
    try:
        page = make_page(request.query_params, len(items), state.settings.page_size_cap)
    except InvalidPage:
        return detail("Invalid page.", 404, allow=READ_ALLOW)
    body = items[page.offset : page.offset + page.size]
    return json_response(body, headers=page_headers(str(request.url), page), allow=READ_ALLOW)


def _last_day(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


async def stats_component_usages(request: Request) -> Response:
    """``/api/marketplace-stats/component_usages/`` (captures 58, 59): staff only (an owner
    gets 403), the current month's usage per offering and component, not paginated."""
    state = demo_state(request)
    try:
        user = require_user(request)
    except AuthFailed as exc:
        return exc.response(READ_ALLOW)
    if not user.is_staff:
        return detail(_FORBIDDEN, 403, allow=READ_ALLOW)
    this_month = month_start(state.today()).isoformat()
    body = []
    for offering in sorted(OFFERINGS, key=lambda o: o.uuid):
        totals = {t: v for t, p, v in state.usage.monthly_totals(offering.uuid) if p == this_month}
        for ctype in sorted(totals):
            body.append(
                {
                    "usage": amount_text(totals[ctype]),
                    "offering_uuid": offering.uuid,
                    "component_type": ctype,
                    "offering_country": "",
                    "organization_group_name": "",
                    "organization_group_uuid": "",
                }
            )
    return json_response(body, allow=READ_ALLOW)
