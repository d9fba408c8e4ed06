"""Bulk changes against the demo server over loopback, in both behaviours: each write
sent once, applied to the policy as the server holds it, read back, and reported."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from policytui.api import Period, WaldurClient
from policytui.api.models import OfferingUsagePolicy
from policytui.bulk import (
    AddAction,
    AddGroup,
    Delete,
    OutcomeKind,
    RemoveAction,
    RemoveGroup,
    SetPeriod,
    plan,
    run,
)
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.demo.settings import Fault

POLICIES = "/api/marketplace-offering-usage-policies/"


@pytest.fixture(params=["default", "quirks"])
def server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=12, quirks=request.param == "quirks")) as demo:
        yield demo


@pytest.fixture
async def client(server: DemoServer) -> AsyncIterator[WaldurClient]:
    async with WaldurClient(server.url, STAFF_TOKEN) as made:
        yield made


async def _policies(client: WaldurClient, count: int) -> list[OfferingUsagePolicy]:
    page = await client.policies.list(page=1, page_size=count)
    return page.items


def _writes(server: DemoServer) -> list[dict]:
    return [r for r in server.requests() if r["method"] in ("PATCH", "DELETE", "POST", "PUT")]


async def test_setting_the_period_writes_each_marked_policy_once_and_reads_it_back(
    server: DemoServer, client: WaldurClient
) -> None:
    marked = await _policies(client, 6)
    target = Period.MONTH_12
    already = [p for p in marked if p.period == target]
    server.clear_requests()
    summary = await run(plan(SetPeriod(target), marked), client)
    log = server.requests()
    writes = _writes(server)
    assert len(writes) == len(marked) - len(already)  # once each, none for the ones already so
    assert all(w["method"] == "PATCH" for w in writes)
    assert summary.count(OutcomeKind.DONE) == len(marked) - len(already)
    assert summary.count(OutcomeKind.UNCHANGED) == len(already)
    for policy in marked:
        assert (await client.policies.get(policy.uuid)).period == target
    # Every write was read back: read before (applied to the current copy), PATCH, read.
    for policy in marked:
        if policy in already:
            continue
        path = f"{POLICIES}{policy.uuid}/"
        methods = [r["method"] for r in log if r["path"] == path]
        assert methods == ["GET", "PATCH", "GET"], methods


async def test_adding_a_group_keeps_one_someone_added_meanwhile(
    server: DemoServer, client: WaldurClient
) -> None:
    groups = (await client.organization_groups())[:3]
    urls = [g.url for g in groups]
    marked = [p for p in await _policies(client, 12) if not p.apply_to_all][:2]
    assert marked, "the sample has policies with organization groups"
    for policy in marked:
        await _patch(server, policy.uuid, {"organization_groups": [urls[0]]})
    listed = [await client.policies.get(p.uuid) for p in marked]  # as the list shows them
    # Someone else adds a second group to the first policy after the list was read.
    await _patch(server, marked[0].uuid, {"organization_groups": [urls[0], urls[1]]})
    summary = await run(plan(AddGroup(urls[2], groups[2].name), listed), client)
    assert summary.count(OutcomeKind.DONE) == 2, summary.outcomes
    first = await client.policies.get(marked[0].uuid)
    assert sorted(first.organization_groups) == sorted(urls)


async def test_a_failed_write_is_reported_with_its_reason_not_retried_and_the_rest_go_on(
    server: DemoServer, client: WaldurClient
) -> None:
    marked = [p for p in await _policies(client, 6) if p.period != Period.TOTAL][:3]
    bad = marked[1]
    server.add_fault(
        Fault("status", times=1, method="PATCH", path=bad.uuid, params={"status": 500})
    )
    server.clear_requests()
    summary = await run(plan(SetPeriod(Period.TOTAL), marked), client)
    by_uuid = {o.policy.uuid: o for o in summary.outcomes}
    assert by_uuid[bad.uuid].kind is OutcomeKind.FAILED
    assert "500" in by_uuid[bad.uuid].words or "server" in by_uuid[bad.uuid].words.lower()
    patches = [w for w in _writes(server) if bad.uuid in w["path"]]
    assert len(patches) == 1  # never sent again
    assert summary.to_retry == [bad.uuid]  # left marked for the user
    assert [by_uuid[p.uuid].kind for p in marked if p is not bad] == [OutcomeKind.DONE] * 2
    assert (await client.policies.get(bad.uuid)).period == bad.period  # untouched
    assert summary.headline() == "2 changed, 1 failed"


async def test_deleting_reads_back_that_each_is_gone(server: DemoServer, client: WaldurClient):
    marked = await _policies(client, 3)
    summary = await run(plan(Delete(), marked), client)
    assert summary.count(OutcomeKind.DONE) == 3
    for policy in marked:
        response = httpx.get(
            f"{server.url}{POLICIES}{policy.uuid}/",
            headers={"Authorization": f"Token {STAFF_TOKEN}"},
        )
        assert response.status_code == 404
    assert summary.headline() == "3 deleted"


async def test_the_plan_says_what_is_skipped_and_why_and_nothing_is_sent_for_it(
    server: DemoServer, client: WaldurClient
) -> None:
    marked = await _policies(client, 12)
    singles = [p for p in marked if len(p.actions) == 1]
    assert singles, "the sample has single-action policies"
    action = singles[0].actions[0]
    only_one = [p for p in singles if p.actions == [action]]
    change = RemoveAction(action)
    planned = plan(change, marked)
    skipped = {item.policy.uuid: item.effect.reason for item in planned.skipped}
    for policy in only_one:
        assert skipped[policy.uuid] == "its only action: a policy needs at least one"
    server.clear_requests()
    summary = await run(planned, client)
    written = {w["path"] for w in _writes(server)}
    assert not any(p.uuid in path for p in only_one for path in written)
    assert summary.count(OutcomeKind.SKIPPED) == len(only_one)


async def test_a_stop_leaves_the_rest_unsent_and_says_so(server: DemoServer, client: WaldurClient):
    block = "block_creation_of_new_resources"
    marked = [p for p in await _policies(client, 12) if block not in p.actions]
    assert len(marked) >= 2, "the sample has policies that do not block"
    asked: list[int] = []
    summary = await run(
        plan(AddAction(block), marked),
        client,
        progress=lambda done, total: asked.append(done),
        stop=lambda: len(asked) >= 1,  # the user stops after the first write
    )
    assert summary.count(OutcomeKind.DONE) == 1
    assert summary.count(OutcomeKind.NOT_SENT) == len(marked) - 1
    assert "not sent" in summary.headline()


def test_removing_the_last_group_or_adding_one_to_apply_to_all_is_skipped() -> None:
    base = {"uuid": "u1", "actions": ["notify_organization_owners"]}
    alone = OfferingUsagePolicy.model_validate({**base, "organization_groups": ["g1"]})
    everyone = OfferingUsagePolicy.model_validate({**base, "apply_to_all": True})
    assert "apply to no one" in RemoveGroup("g1", "G1").effect(alone).reason  # type: ignore[union-attr]
    assert "every customer" in AddGroup("g2", "G2").effect(everyone).reason  # type: ignore[union-attr]


async def _patch(server: DemoServer, uuid: str, body: dict) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.patch(
            f"{server.url}{POLICIES}{uuid}/",
            json=body,
            headers={"Authorization": f"Token {STAFF_TOKEN}"},
        )
    assert response.status_code == 200, response.text


async def test_a_token_rejected_mid_run_stops_it_and_says_what_was_not_sent(
    server: DemoServer, client: WaldurClient
) -> None:
    marked = [p for p in await _policies(client, 12) if p.period != Period.TOTAL][:4]
    assert len(marked) == 4
    second = marked[1].uuid
    server.add_fault(Fault("revoke_token", times=1, method="GET", path=second))
    server.clear_requests()
    summary = await run(plan(SetPeriod(Period.TOTAL), marked), client)
    kinds = [o.kind for o in summary.outcomes]
    assert kinds == [
        OutcomeKind.DONE,
        OutcomeKind.FAILED,
        OutcomeKind.NOT_SENT,
        OutcomeKind.NOT_SENT,
    ]
    assert summary.signed_out
    assert summary.outcomes[2].words == "not sent: sign in again"
    # Nothing was sent after the 401: one PATCH, the first policy's.
    patches = [w["path"] for w in _writes(server)]
    assert patches == [f"{POLICIES}{marked[0].uuid}/"]
