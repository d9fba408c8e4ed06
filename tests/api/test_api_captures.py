"""The client reads the real 2024 server's answers (captures) and sends what it sent.

Each test replays one capture through the client's whole path (request building,
status mapping, headers, parsing), so the bytes are the real server's, not ours.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from waldur_captures import Capture, all_captures, load

from policytui.api import (
    ComponentLimitIn,
    ComponentUsage,
    Offering,
    OfferingCustomer,
    OfferingUsagePolicy,
    OrganizationGroup,
    Period,
    PolicyCreate,
    PolicyPatch,
    User,
    WaldurClient,
    errors,
)
from policytui.api._http import httpx

BASE = "http://127.0.0.1:8000"
POLICY_UUID_05 = "a377ea15a6f0557a9e052bd29e4412b7"


def replay(name: str, sent: list[httpx.Request] | None = None) -> tuple[WaldurClient, Capture]:
    capture = load(name)
    client = WaldurClient(BASE, "0" * 40, transport=capture.transport(sent), max_retries=0)
    return client, capture


def same_request(request: httpx.Request, capture: Capture) -> None:
    """The client asked for exactly what the capture's client asked for."""
    assert request.method == capture.method
    got, want = httpx.URL(str(request.url)), httpx.URL(capture.url)
    assert got.path == want.path
    assert sorted(got.params.multi_items()) == sorted(want.params.multi_items())
    if capture.request_body:
        assert json.loads(request.content) == capture.request_json()


def create_from(capture: Capture) -> PolicyCreate:
    body = capture.request_json()
    return PolicyCreate(
        scope=body["scope"],
        actions=body["actions"].split(","),
        organization_groups=body.get("organization_groups", []),
        component_limits_set=[ComponentLimitIn(**row) for row in body["component_limits_set"]],
        period=Period(body["period"]),
    )


# -- every successful JSON body parses with its read model ------------------------------

_MODEL_BY_PATH = {
    "marketplace-component-usages": ComponentUsage,
    "marketplace-offering-usage-policies": OfferingUsagePolicy,
    "marketplace-provider-offerings": Offering,
    "organization-groups": OrganizationGroup,
    "users/me": User,
}


def _model_for(capture: Capture):
    path = httpx.URL(capture.url).path
    # Lists of names or of statistics: no read model (the client reads no statistics).
    if path.endswith(("/actions/", "/component_stats/")) or "/marketplace-stats/" in path:
        return None
    if path.endswith("/customers/"):
        return OfferingCustomer
    return next(m for key, m in _MODEL_BY_PATH.items() if f"/api/{key}/" in path)


@pytest.mark.parametrize(
    "capture",
    [c for c in all_captures() if 200 <= c.status < 300 and c.body and c.method != "HEAD"],
    ids=lambda c: c.name,
)
def test_every_successful_capture_parses_with_its_read_model(capture: Capture) -> None:
    model = _model_for(capture)
    data = capture.json()
    if model is None:
        assert isinstance(data, list)
        return
    items = data if isinstance(data, list) else [data]
    for item in items:
        parsed = model.model_validate(item)
        assert parsed.uuid == item["uuid"]


# -- listing ----------------------------------------------------------------------------


async def test_list_page_two_of_the_real_server() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("01-list-page2-size5-staff", sent)
    async with client:
        page = await client.policies.list(page=2, page_size=5)
    same_request(sent[0], capture)
    assert len(page.items) == 5
    assert (page.page, page.page_size, page.total) == (2, 5, 33)
    assert page.has_next and page.has_prev
    assert page.page_count == 7
    unfired = page.items[0]
    assert unfired.has_fired is False and unfired.fired_datetime is None
    fired = page.items[2]
    assert fired.has_fired is True
    assert fired.fired_datetime == datetime(2026, 11, 2, 20, 6, 50, 754030, tzinfo=UTC)
    assert page.items[1].actions == [
        "notify_organization_owners",
        "block_creation_of_new_resources",
    ]
    assert [p.period for p in page.items[:4]] == [
        Period.MONTH_12,
        Period.MONTH_3,
        Period.MONTH_1,
        Period.TOTAL,
    ]
    assert page.items[3].period_label == "Total"


async def test_list_filtered_by_offering_sends_scope_uuid() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("03-list-scope_uuid-off1-owner", sent)
    params = httpx.URL(capture.url).params
    scope_uuid = params["scope_uuid"]
    async with client:
        page = await client.policies.list(scope_uuid=scope_uuid, page_size=int(params["page_size"]))
    same_request(sent[0], capture)
    assert page.items and all(p.scope_uuid == scope_uuid for p in page.items)


@pytest.mark.parametrize("name", ["03c-list-scope-url-filter-off2-staff", "08-list-plain-user"])
async def test_an_empty_list_has_one_page_and_no_neighbours(name: str) -> None:
    client, _ = replay(name)
    async with client:
        page = await client.policies.list()
    assert page.items == [] and page.total == 0
    assert not page.has_next and not page.has_prev
    assert page.page_count == 1


async def test_a_page_past_the_last_is_not_found() -> None:
    client, _ = replay("04-list-page-beyond-last")
    async with client:
        with pytest.raises(errors.NotFound) as caught:
            await client.policies.list(page=99, page_size=5)
    assert str(caught.value) == "Not found: Invalid page."


async def test_count_by_head() -> None:
    sent: list[httpx.Request] = []
    client, _ = replay("04h-list-HEAD", sent)
    async with client:
        assert await client.policies.count() == 33
    assert sent[0].method == "HEAD"


# -- one policy, actions ----------------------------------------------------------------


async def test_get_one_policy_with_three_limits() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("05-get-one-owner", sent)
    async with client:
        policy = await client.policies.get(POLICY_UUID_05)
    same_request(sent[0], capture)
    assert [(c.type, c.limit) for c in policy.component_limits_set] == [
        ("cpu", 3030),
        ("ram", 3030),
        ("storage", 3070),
    ]
    assert len(policy.organization_groups) == 3
    assert policy.creator == "Alice Owner"
    # The 2024 server has none of the newer fields: they read as "not known".
    assert policy.options is None and policy.apply_to_all is None
    assert policy.affected_resources_count is None


async def test_get_raw_keeps_the_body_as_sent() -> None:
    client, capture = replay("05-get-one-owner")
    async with client:
        raw = await client.policies.get_raw(POLICY_UUID_05)
    assert raw == capture.json()
    assert raw["actions"] == "notify_organization_owners,block_creation_of_new_resources"


async def test_get_a_policy_that_does_not_exist() -> None:
    client, _ = replay("05b-get-nonexistent-uuid")
    async with client:
        with pytest.raises(errors.NotFound) as caught:
            await client.policies.get("0" * 32)
    assert "No OfferingUsagePolicy matches the given query." in str(caught.value)


async def test_actions_are_a_list_of_strings() -> None:
    client, _ = replay("06-actions-owner")
    async with client:
        actions = await client.policies.actions()
    assert sorted(actions) == ["block_creation_of_new_resources", "notify_organization_owners"]


# -- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("07-list-no-token", "Authentication credentials were not provided."),
        ("07b-list-bad-token", "Invalid token."),
    ],
)
async def test_401_is_an_authentication_error_without_the_token(name: str, detail: str) -> None:
    token = "feedc0de" * 5
    capture = load(name)
    async with WaldurClient(BASE, token, transport=capture.transport(), max_retries=0) as client:
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.policies.list()
    message = str(caught.value)
    assert detail in message and "\n" not in message
    assert token not in message and token not in repr(caught.value)


# -- writes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["10-post-valid-owner", "10b-post-valid-two-actions-three-limits-staff"]
)
async def test_create_sends_what_the_real_client_sent(name: str) -> None:
    sent: list[httpx.Request] = []
    client, capture = replay(name, sent)
    async with client:
        created = await client.policies.create(create_from(capture))
    same_request(sent[0], capture)
    assert created.uuid == capture.json()["uuid"]
    # The 2024 server kept one limit of three: the client reports what the server stored.
    stored = [(c.type, c.limit) for c in created.component_limits_set]
    assert stored == [(r["type"], r["limit"]) for r in capture.json()["component_limits_set"]]


async def test_replace_sends_every_writable_field_and_nothing_read_only() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("20b-put-full-owner", sent)
    uuid = capture.json()["uuid"]
    async with client:
        policy = await client.policies.replace(uuid, create_from(capture))
    same_request(sent[0], capture)
    assert set(json.loads(sent[0].content)) <= {
        "scope",
        "actions",
        "organization_groups",
        "component_limits_set",
        "period",
        "options",
        "apply_to_all",
    }
    assert policy.period is Period.MONTH_12


async def test_patch_of_period_sends_only_the_period() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("21-patch-period-only", sent)
    uuid = capture.json()["uuid"]
    async with client:
        policy = await client.policies.patch(uuid, PolicyPatch(period=Period.MONTH_3))
    same_request(sent[0], capture)
    assert json.loads(sent[0].content) == {"period": 3}
    assert policy.period_label == "3 months"  # our words; the server says "3 month"


async def test_patch_of_limits_only() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("22-patch-component_limits_set-only-single", sent)
    rows = capture.request_json()["component_limits_set"]
    async with client:
        await client.policies.patch(
            capture.json()["uuid"],
            PolicyPatch(component_limits_set=[ComponentLimitIn(**r) for r in rows]),
        )
    same_request(sent[0], capture)


async def test_patch_with_no_limits_is_refused_unless_asked_for() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("22e-patch-component_limits_set-empty", sent)
    uuid = capture.json()["uuid"]
    async with client:
        with pytest.raises(ValueError, match="delete every limit"):
            await client.policies.patch(uuid, PolicyPatch(component_limits_set=[]))
        assert sent == []
        policy = await client.policies.patch(
            uuid, PolicyPatch(component_limits_set=[]), allow_empty_limits=True
        )
    same_request(sent[0], capture)
    assert policy.component_limits_set == []


async def test_delete_answers_nothing() -> None:
    sent: list[httpx.Request] = []
    client, capture = replay("30b-delete-owner", sent)
    async with client:
        assert await client.policies.delete("7acd87bbe2c840b58ec6619290077fe5") is None
    same_request(sent[0], capture)


# -- validation errors, worded as the server words them ---------------------------------


async def _create_error(name: str) -> errors.WaldurError:
    capture = load(name)
    async with WaldurClient(BASE, "0" * 40, transport=capture.transport(), max_retries=0) as c:
        try:
            body = capture.request_json()
        except json.JSONDecodeError:  # 14g sent broken JSON on purpose
            body = {}
        policy = PolicyCreate.model_construct(
            scope=body.get("scope", ""),
            actions=str(body.get("actions", "x")).split(","),
            organization_groups=body.get("organization_groups", []),
            component_limits_set=[],
            period=Period.MONTH_1,
        )
        with pytest.raises(errors.WaldurError) as caught:
            await c.policies.create(policy)
    return caught.value


@pytest.mark.parametrize(
    "name", ["08c-post-plain-user", "15-post-scope-not-owned-acme-owner-on-off2"]
)
async def test_not_allowed_scope_is_a_field_error(name: str) -> None:
    err = await _create_error(name)
    assert isinstance(err, errors.ValidationError)
    assert err.field_errors == {"scope": ["User is not allowed to configure policies."]}
    assert str(err) == "scope: User is not allowed to configure policies."


@pytest.mark.parametrize("name", ["11-post-bad-action", "11c-post-actions-with-space"])
async def test_unavailable_action_is_a_field_error(name: str) -> None:
    err = await _create_error(name)
    assert isinstance(err, errors.ValidationError)
    assert err.field_errors["actions"][0].endswith("includes unavailable actions.")


async def test_limit_row_error_is_aligned_with_its_row() -> None:
    err = await _create_error("13-post-limit-as-string")
    assert isinstance(err, errors.ValidationError)
    assert err.row_errors == {0: {"limit": ["A valid integer is required."]}}
    assert str(err) == "limit row 1: limit: A valid integer is required."


async def test_every_missing_field_is_reported_at_once() -> None:
    err = await _create_error("14f-post-missing-groups-and-limits")
    assert isinstance(err, errors.ValidationError)
    assert err.field_errors == {
        "organization_groups": ["This field is required."],
        "component_limits_set": ["This field is required."],
    }


async def test_json_parse_error_is_a_non_field_error() -> None:
    err = await _create_error("14g-post-malformed-json")
    assert isinstance(err, errors.ValidationError)
    assert err.non_field_errors[0].startswith("JSON parse error")


async def test_unknown_component_type_500_html_is_a_short_server_error() -> None:
    err = await _create_error("12-post-component-type-not-in-offering")
    assert isinstance(err, errors.ServerError)
    assert err.status_code == 500
    assert str(err) == "Server error 500: Server Error (500)"
    assert "<" not in str(err) and "\n" not in str(err)


# -- the read endpoints beside policies -------------------------------------------------


async def test_one_offering_with_named_components() -> None:
    sent: list[httpx.Request] = []
    client, _ = replay("40b-provider-offering-detail-owner", sent)
    async with client:
        offering = await client.offering("f2f7197ac8c95301bba4cceb22b7d108")
    assert offering.name == "Acme HPC Cluster" and offering.customer_name == "Acme HPC"
    assert [(c.type, c.name, c.measured_unit) for c in offering.components] == [
        ("cpu", "CPU", "core-hours"),
        ("ram", "RAM", "GB-hours"),
        ("storage", "Storage", "GB-months"),
    ]
    fields = httpx.URL(str(sent[0].url)).params.get_list("field")
    assert "components" in fields and "uuid" in fields


async def test_organization_groups() -> None:
    client, _ = replay("41-organization-groups-owner")
    async with client:
        groups = await client.organization_groups()
    assert [g.name for g in groups] == ["Baltics", "Central Europe", "Nordics"]
    assert all(g.parent is None and g.type_name == "Region" for g in groups)


async def test_me_drops_the_token_from_the_body() -> None:
    client, capture = replay("42-users-me-owner")
    async with client:
        user = await client.me()
    assert capture.json()["token"] == "<owner-token>"
    assert user.username == "acme-owner" and user.full_name == "Alice Owner"
    assert [p.role_name for p in user.permissions] == ["CUSTOMER.OWNER"]
    assert "token" not in user.model_dump()
    assert "<owner-token>" not in repr(user) and "<owner-token>" not in user.model_dump_json()
