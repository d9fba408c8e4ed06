"""The read models never crash on schema-shaped JSON: they parse, or raise the client's
own ``InvalidResponse`` (never pydantic's error, a ``TypeError`` or worse).

Bodies are built from the schema's field names with values that are sometimes right,
sometimes null, sometimes the wrong JSON type, plus unknown extra fields, because that is
what servers of different versions (and broken proxies) send.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytui.api import (
    Offering,
    OfferingUsagePolicy,
    OrganizationGroup,
    Period,
    User,
    WaldurClient,
    errors,
    parse_list,
    parse_model,
    parse_policy,
)
from policytui.api._http import httpx

BASE = "http://waldur.test"

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
any_json = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
hex32 = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
urls = hex32.map(lambda u: f"{BASE}/api/marketplace-provider-offerings/{u}/")
group_urls = hex32.map(lambda u: f"{BASE}/api/organization-groups/{u}/")
iso_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.isoformat().replace("+00:00", "Z"))
action_names = st.sampled_from(
    ["notify_organization_owners", "block_creation_of_new_resources", "notify_external_user"]
)
limit_rows = st.fixed_dictionaries(
    {"type": st.sampled_from(["cpu", "ram", "storage", "gpu"]), "limit": st.integers(0, 2**31 - 1)}
)

#: A value the real server would send for each field.
GOOD: dict[str, st.SearchStrategy[Any]] = {
    "uuid": hex32,
    "url": hex32.map(lambda u: f"{BASE}/api/marketplace-offering-usage-policies/{u}/"),
    "scope": urls,
    "scope_name": st.text(max_size=30),
    "scope_uuid": hex32,
    "actions": st.lists(action_names, min_size=1, max_size=3).map(",".join),
    "options": st.dictionaries(st.text(max_size=10), any_json, max_size=3),
    "organization_groups": st.lists(group_urls, max_size=3),
    "apply_to_all": st.booleans(),
    "component_limits_set": st.lists(limit_rows, max_size=4),
    "period": st.sampled_from([1, 2, 3, 4]),
    "period_name": st.sampled_from(["Total", "1 month", "3 month", "12 month"]),
    "has_fired": st.booleans(),
    "fired_datetime": iso_times | st.none(),
    "created": iso_times,
    "created_by_full_name": st.text(max_size=20) | st.none(),
    "created_by_username": st.text(max_size=20) | st.none(),
    "affected_resources_count": st.integers(0, 10_000),
}
#: Fields the server may leave out or send as null (SEMANTICS.md).
OPTIONAL = {
    "options",
    "apply_to_all",
    "affected_resources_count",
    "fired_datetime",
    "created_by_full_name",
    "created_by_username",
}


@st.composite
def real_shaped_policy(draw: st.DrawFn) -> dict[str, Any]:
    """What some real server could send: every required field right, optional ones
    present, null or missing, plus unknown extras."""
    body: dict[str, Any] = {}
    for name, strategy in GOOD.items():
        if name in OPTIONAL:
            choice = draw(st.sampled_from(["value", "null", "missing"]))
            if choice == "missing":
                continue
            body[name] = None if choice == "null" else draw(strategy)
        else:
            body[name] = draw(strategy)
    extras = draw(st.dictionaries(st.text(min_size=1, max_size=10), any_json, max_size=3))
    return {**{k: v for k, v in extras.items() if k not in GOOD}, **body}


@st.composite
def schema_shaped_junk(draw: st.DrawFn) -> Any:
    """A body with the schema's names but any value in any field, some fields missing."""
    body: dict[str, Any] = {}
    for name, strategy in GOOD.items():
        kind = draw(st.sampled_from(["good", "junk", "null", "missing"]))
        if kind == "good":
            body[name] = draw(strategy)
        elif kind == "junk":
            body[name] = draw(any_json)
        elif kind == "null":
            body[name] = None
    return body


@settings(max_examples=150, deadline=None)
@given(real_shaped_policy())
def test_every_real_shaped_policy_parses(body: dict[str, Any]) -> None:
    policy = parse_policy(body)
    assert policy.uuid == body["uuid"]
    assert policy.actions == body["actions"].split(",")
    assert policy.period is Period(body["period"])
    assert [(c.type, c.limit) for c in policy.component_limits_set] == [
        (r["type"], r["limit"]) for r in body["component_limits_set"]
    ]
    assert (policy.fired_datetime is None) == (body.get("fired_datetime") is None)


@settings(max_examples=300, deadline=None)
@given(schema_shaped_junk() | any_json)
def test_a_policy_body_parses_or_is_an_invalid_response(body: Any) -> None:
    try:
        policy = parse_policy(body)
    except errors.InvalidResponse as err:
        message = str(err)
        assert message.startswith("The server sent a policy the client cannot read")
        assert "\n" not in message
    else:
        assert isinstance(policy, OfferingUsagePolicy)
        assert all(isinstance(a, str) and a for a in policy.actions)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([Offering, OrganizationGroup, User]),
    st.dictionaries(
        st.sampled_from(
            [
                "uuid",
                "url",
                "name",
                "components",
                "customer_name",
                "parent",
                "customers_count",
                "username",
                "is_staff",
                "permissions",
                "token",
            ]
        ),
        any_json,
    )
    | any_json,
)
def test_the_other_read_models_parse_or_raise_invalid_response(model: type, body: Any) -> None:
    try:
        parse_model(model, body)
    except errors.InvalidResponse as err:
        assert "\n" not in str(err)


@settings(max_examples=100, deadline=None)
@given(st.lists(schema_shaped_junk(), max_size=4) | any_json)
def test_a_list_body_parses_or_is_an_invalid_response(body: Any) -> None:
    try:
        items = parse_list(OfferingUsagePolicy, body)
    except errors.InvalidResponse:
        return
    assert len(items) == len(body)


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=40)
    | st.lists(schema_shaped_junk(), max_size=3).map(lambda b: json.dumps(b).encode())
    | any_json.map(lambda b: json.dumps(b).encode()),
    st.sampled_from([None, "junk", "-3", "12"]),
    st.sampled_from([None, "junk", '<http://x/?page=2>; rel="next"', "<>; rel=next"]),
)
def test_the_client_turns_any_200_body_into_a_page_or_a_waldur_error(
    content: bytes, count: str | None, link: str | None
) -> None:
    """End to end through the client: whatever a server sends, the caller meets a Page or
    a WaldurError, nothing else."""
    headers = {"Content-Type": "application/json"}
    if count is not None:
        headers["X-Result-Count"] = count
    if link is not None:
        headers["Link"] = link

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=content)

    async def go() -> None:
        async with WaldurClient(BASE, "t" * 40, transport=httpx.MockTransport(handler)) as c:
            try:
                page = await c.policies.list()
            except errors.WaldurError as err:
                assert "\n" not in str(err)
            else:
                assert page.page_count >= 1
                assert page.total is None or page.total >= 0

    asyncio.run(go())


def test_property_strategies_do_produce_both_outcomes() -> None:
    # Guards the tests above against vacuity: the junk strategy must reach both branches.
    assert isinstance(parse_policy({"uuid": "a" * 32}), OfferingUsagePolicy)
    for bad in ({"uuid": 5}, {"uuid": "x", "component_limits_set": [{"type": 1}]}, [1], None):
        try:
            parse_policy(bad)
        except errors.InvalidResponse:
            continue
        raise AssertionError(f"{bad!r} was accepted")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789abcdef", min_size=40, max_size=40), any_json)
def test_the_token_in_a_me_body_never_survives_parsing(token: str, other: Any) -> None:
    body = {"uuid": "u", "username": "alice", "token": token, "extra": other}
    user = parse_model(User, body)
    assert token not in repr(user) and token not in user.model_dump_json()


@given(st.integers() | st.dictionaries(st.text(max_size=3), st.integers(), min_size=1))
def test_actions_of_the_wrong_type_are_an_invalid_response(actions: Any) -> None:
    try:
        parse_policy({"uuid": "a" * 32, "actions": actions})
    except errors.InvalidResponse as err:
        assert "actions" in str(err)
    else:
        raise AssertionError(f"actions={actions!r} was read as action names")


def test_a_pathologically_deep_body_is_an_invalid_response_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=deep)

    async def go() -> None:
        async with WaldurClient(BASE, None, transport=httpx.MockTransport(handler)) as c:
            try:
                await c.policies.list()
            except errors.InvalidResponse as err:
                assert "not valid JSON" in str(err)
            else:
                raise AssertionError("a 100 000-deep body was read as a page")

    asyncio.run(go())


def _outcome(parse: Any) -> Any:
    try:
        return [p.model_dump() for p in parse()]
    except errors.InvalidResponse as exc:
        return ("InvalidResponse", str(exc))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.lists(real_shaped_policy() | schema_shaped_junk(), max_size=5) | any_json)
def test_the_fast_path_for_big_pages_reads_exactly_as_item_by_item(body: Any) -> None:
    """Big pages are validated in one call into pydantic-core (policytui.api.offload); the
    result, or the error a user reads, is the same as the item-by-item path's."""
    from policytui.api.offload import _parse_big

    response = httpx.Response(200, content=json.dumps(body).encode())
    fast = _outcome(lambda: _parse_big(OfferingUsagePolicy, response, lambda r: r.json()))
    slow = _outcome(lambda: parse_list(OfferingUsagePolicy, body))
    # Compared as text: an extra field may hold NaN (JSON allows it as Python writes it),
    # and NaN is unequal to every NaN, so == would fail on two identical readings.
    assert repr(fast) == repr(slow)
