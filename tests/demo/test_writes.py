"""Create, update and delete round trips, evaluation on save, and every validation message."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from demo_http import BALTICS, GROUPS, HPC, NORDIC_VMS, NORDICS, OFFERINGS, POLICIES, client
from demo_http import valid_body as body

from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, DemoServer

READ_ONLY = (
    "uuid",
    "url",
    "scope_name",
    "scope_uuid",
    "created",
    "created_by_full_name",
    "created_by_username",
    "has_fired",
    "fired_datetime",
    "period_name",
)


@pytest.fixture
def writer(fresh: DemoServer) -> Iterator[httpx.Client]:
    with client(fresh, OWNER_TOKEN) as c:
        yield c


def test_create_read_back(fresh: DemoServer, writer: httpx.Client) -> None:
    sent = body(
        fresh,
        organization_groups=[f"{fresh.url}{GROUPS}{NORDICS}/", f"{fresh.url}{GROUPS}{BALTICS}/"],
        options={"notify_external_user": "a@b.org,c@d.org"},
    )
    r = writer.post(POLICIES, json=sent)
    assert r.status_code == 201, r.text
    p = r.json()
    assert r.headers["Location"] == p["url"] == f"{fresh.url}{POLICIES}{p['uuid']}/"
    assert len(p["uuid"]) == 32
    assert list(p) == [
        "uuid",
        "url",
        "scope",
        "scope_name",
        "scope_uuid",
        "actions",
        "created",
        "created_by_full_name",
        "created_by_username",
        "has_fired",
        "fired_datetime",
        "options",
        "organization_groups",
        "apply_to_all",
        "component_limits_set",
        "period",
        "period_name",
        "affected_resources_count",
    ]
    assert p["scope_name"] == "Acme HPC Cluster" and p["scope_uuid"] == HPC
    assert p["created_by_username"] == "acme-owner"
    assert p["created_by_full_name"] == "Alice Owner"
    assert p["organization_groups"] == [
        f"{fresh.url}{GROUPS}{BALTICS}/",
        f"{fresh.url}{GROUPS}{NORDICS}/",
    ]
    assert p["options"] == {"notify_external_user": "a@b.org,c@d.org"}
    # An offering usage policy cannot hold the actions that count resources: always 0.
    assert p["apply_to_all"] is False and p["affected_resources_count"] == 0
    assert p["period_name"] == "1 month"
    assert p["has_fired"] is False and p["fired_datetime"] is None
    assert writer.get(p["url"]).json() == p
    listed = writer.get(POLICIES).json()
    assert listed[0]["uuid"] == p["uuid"]  # newest first


def test_read_only_fields_are_ignored(fresh: DemoServer, writer: httpx.Client) -> None:
    sent = body(
        fresh,
        uuid="f" * 32,
        has_fired=True,
        created="2000-01-01T00:00:00Z",
        created_by_username="mallory",
        period_name="never",
    )
    p = writer.post(POLICIES, json=sent).json()
    assert p["uuid"] != "f" * 32 and p["has_fired"] is False
    assert p["created_by_username"] == "acme-owner" and p["period_name"] == "1 month"


def test_saving_evaluates_the_policy(fresh: DemoServer, writer: httpx.Client) -> None:
    p = writer.post(
        POLICIES, json=body(fresh, component_limits_set=[{"type": "cpu", "limit": -5}])
    ).json()
    assert p["has_fired"] is True and p["fired_datetime"] is not None
    assert p["component_limits_set"] == [{"type": "cpu", "limit": -5}]
    reset = writer.patch(
        p["url"], json={"component_limits_set": [{"type": "cpu", "limit": 2_000_000_000}]}
    ).json()
    assert reset["has_fired"] is False
    assert reset["fired_datetime"] is not None and reset["fired_datetime"] >= p["fired_datetime"]


def test_limit_as_string_is_accepted(fresh: DemoServer, writer: httpx.Client) -> None:
    p = writer.post(
        POLICIES, json=body(fresh, component_limits_set=[{"type": "cpu", "limit": "250"}])
    ).json()
    assert p["component_limits_set"] == [{"type": "cpu", "limit": 250}]


def test_multiple_limits_are_stored(fresh: DemoServer) -> None:
    limits = [
        {"type": "cpu", "limit": 10_000_000},
        {"type": "ram", "limit": 20_000_000},
        {"type": "storage", "limit": 30_000_000},
    ]
    with client(fresh, STAFF_TOKEN) as c:
        p = c.post(
            POLICIES,
            json=body(
                fresh,
                component_limits_set=limits,
                period=1,
                actions="notify_organization_owners,block_creation_of_new_resources",
            ),
        ).json()
        assert c.get(p["url"]).json()["component_limits_set"] == limits
        assert p["period_name"] == "Total"


def test_put_and_patch(fresh: DemoServer, writer: httpx.Client) -> None:
    p = writer.post(POLICIES, json=body(fresh)).json()
    put = writer.put(
        p["url"],
        json=body(
            fresh,
            actions="block_creation_of_new_resources",
            organization_groups=[f"{fresh.url}{GROUPS}{BALTICS}/"],
            component_limits_set=[{"type": "storage", "limit": 4_242_000}],
            period=4,
        ),
    )
    assert put.status_code == 200, put.text
    q = put.json()
    assert q["actions"] == "block_creation_of_new_resources"
    assert q["component_limits_set"] == [{"type": "storage", "limit": 4_242_000}]
    assert q["period"] == 4 and q["created"] == p["created"] and q["uuid"] == p["uuid"]
    # PATCH of one field leaves the others alone.
    r = writer.patch(p["url"], json={"period": 3}).json()
    assert r["period"] == 3 and r["component_limits_set"] == q["component_limits_set"]
    # An empty list deletes every limit.
    r = writer.patch(p["url"], json={"component_limits_set": []}).json()
    assert r["component_limits_set"] == [] and r["period"] == 3
    # PUT still needs the required fields.
    bad = writer.put(p["url"], json={"period": 2})
    assert bad.status_code == 400
    assert set(bad.json()) == {"scope", "actions", "component_limits_set"}


def test_apply_to_all(fresh: DemoServer, writer: httpx.Client) -> None:
    p = writer.post(POLICIES, json=body(fresh, organization_groups=[], apply_to_all=True)).json()
    assert p["apply_to_all"] is True and p["organization_groups"] == []
    both = writer.post(POLICIES, json=body(fresh, apply_to_all=True))
    assert both.status_code == 400 and list(both.json()) == ["non_field_errors"]
    neither = writer.post(POLICIES, json=body(fresh, organization_groups=[]))
    assert neither.status_code == 400 and list(neither.json()) == ["non_field_errors"]
    assert writer.patch(p["url"], json={"apply_to_all": False}).status_code == 400


def test_delete_twice(fresh: DemoServer, writer: httpx.Client) -> None:
    p = writer.post(POLICIES, json=body(fresh)).json()
    r = writer.delete(p["url"])
    assert r.status_code == 204 and r.content == b""
    assert writer.delete(p["url"]).status_code == 404
    assert writer.get(p["url"]).status_code == 404


def test_staff_may_move_a_policy(fresh: DemoServer) -> None:
    with client(fresh, STAFF_TOKEN) as c:
        p = c.post(POLICIES, json=body(fresh)).json()
        moved = c.put(
            p["url"],
            json=body(
                fresh,
                scope=f"{fresh.url}{OFFERINGS}{NORDIC_VMS}/",
                component_limits_set=[{"type": "ram", "limit": 1}],
            ),
        )
        assert moved.status_code == 200 and moved.json()["scope_name"] == "Nordic Cloud VMs"


def _url(server: DemoServer, path: str) -> str:
    return f"{server.url}{path}"


CASES = [
    # (changes to the valid body, drop these keys, expected errors)
    ({"scope": HPC}, (), {"scope": ["Invalid hyperlink - No URL match."]}),
    ({"scope": "http://x/api/nope/"}, (), {"scope": ["Invalid hyperlink - No URL match."]}),
    (
        {"scope": f"/api/marketplace-provider-offerings/{'0' * 32}/"},
        (),
        {"scope": ["Invalid hyperlink - Object does not exist."]},
    ),
    (
        {"scope": f"/api/organization-groups/{NORDICS}/"},
        (),
        {"scope": ["Invalid hyperlink - Incorrect URL match."]},
    ),
    ({"scope": None}, (), {"scope": ["This field may not be null."]}),
    ({"scope": 5}, (), {"scope": ["Incorrect type. Expected URL string, received int."]}),
    (
        {},
        ("scope", "actions", "component_limits_set"),
        {
            "scope": ["This field is required."],
            "actions": ["This field is required."],
            "component_limits_set": ["This field is required."],
        },
    ),
    (
        {"actions": "notify_everybody"},
        (),
        {"actions": ["notify_everybody includes unavailable actions."]},
    ),
    (
        {"actions": "notify_organization_owners, block_creation_of_new_resources"},
        (),
        {
            "actions": [
                "notify_organization_owners, block_creation_of_new_resources includes "
                "unavailable actions."
            ]
        },
    ),
    ({"actions": ""}, (), {"actions": ["This field may not be blank."]}),
    (
        {"actions": "x" * 256},
        (),
        {"actions": ["Ensure this field has no more than 255 characters."]},
    ),
    (
        {"component_limits_set": [{"type": "cpu", "limit": "lots"}]},
        (),
        {"component_limits_set": [{"limit": ["A valid integer is required."]}]},
    ),
    (
        {"component_limits_set": [{"type": "cpu", "limit": 1}, {"type": "ram", "limit": 1.5}]},
        (),
        {"component_limits_set": [{}, {"limit": ["A valid integer is required."]}]},
    ),
    (
        {"component_limits_set": [{"type": "cpu", "limit": 2**31}]},
        (),
        {
            "component_limits_set": [
                {"limit": ["Ensure this value is less than or equal to 2147483647."]}
            ]
        },
    ),
    (
        {"component_limits_set": [{"limit": 1}]},
        (),
        {"component_limits_set": [{"type": ["This field is required."]}]},
    ),
    (
        {"component_limits_set": "cpu"},
        (),
        {
            "component_limits_set": {
                "non_field_errors": ['Expected a list of items but got type "str".']
            }
        },
    ),
    (
        {"component_limits_set": [{"type": "gpu", "limit": 5}]},
        (),
        {
            "component_limits_set": [
                {"type": ['Offering "Acme HPC Cluster" has no component of type "gpu".']}
            ]
        },
    ),
    (
        {"component_limits_set": [{"type": "cpu", "limit": 5}, {"type": "cpu", "limit": 6}]},
        (),
        ["Duplicate component limits for the same component."],
    ),
    (
        {"actions": "notify_external_user", "options": {"notify_external_user": ["a@b.org"]}},
        (),
        {"options": ["Options for notify_external_user are invalid."]},
    ),
    (
        {"actions": "notify_external_user", "options": {"notify_external_user": 5}},
        (),
        {"options": ["Options for notify_external_user are invalid."]},
    ),
    (
        {"options": ["a@b.org"]},
        (),
        {"options": ['Expected a dictionary of items but got type "list".']},
    ),
    ({"period": 9}, (), {"period": ['"9" is not a valid choice.']}),
    ({"period": 0}, (), {"period": ['"0" is not a valid choice.']}),
    (
        {"organization_groups": [f"/api/organization-groups/{'0' * 32}/"]},
        (),
        {"organization_groups": ["Invalid hyperlink - Object does not exist."]},
    ),
    (
        {"organization_groups": "Nordics"},
        (),
        {"organization_groups": ['Expected a list of items but got type "str".']},
    ),
    ({"apply_to_all": "maybe"}, (), {"apply_to_all": ["Must be a valid boolean."]}),
    (
        {"actions": "nope", "period": 7, "scope": "x"},
        (),
        {
            "scope": ["Invalid hyperlink - No URL match."],
            "actions": ["nope includes unavailable actions."],
            "period": ['"7" is not a valid choice.'],
        },
    ),
]


@pytest.mark.parametrize(("changes", "drop", "expected"), CASES)
def test_validation_messages(
    fresh: DemoServer, writer: httpx.Client, changes: dict, drop: tuple[str, ...], expected: dict
) -> None:
    sent = body(fresh, **changes)
    for key in drop:
        sent.pop(key)
    before = writer.head(POLICIES).headers["X-Result-Count"]
    r = writer.post(POLICIES, json=sent)
    assert r.status_code == 400
    assert r.json() == expected
    assert list(r.json()) == list(expected)  # serializer field order
    assert writer.head(POLICIES).headers["X-Result-Count"] == before


def test_malformed_json(writer: httpx.Client) -> None:
    r = writer.post(POLICIES, content=b'{"scope": \n', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"detail": "JSON parse error - Expecting value: line 2 column 1 (char 11)"}
    r = writer.post(POLICIES, content=b'{"scope": ', headers={"Content-Type": "application/json"})
    assert r.json() == {"detail": "JSON parse error - Expecting value: line 1 column 11 (char 10)"}


def test_body_must_be_an_object(writer: httpx.Client) -> None:
    r = writer.post(POLICIES, json=[1])
    assert r.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
