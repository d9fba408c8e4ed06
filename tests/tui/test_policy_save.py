"""Saving without a terminal (policytui.tui.policy_save): each server step of the editor's
ctrl+s against the demo server over real loopback HTTP, in both behaviours, with its
faults; what the server's request log shows is what a user's Waldur would have seen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from policytui.api import (
    ComponentLimitIn,
    OfferingUsagePolicy,
    Period,
    PolicyCreate,
    PolicyPatch,
    WaldurClient,
)
from policytui.api.errors import ConnectionFailed, NotFound, ServerError, Timeout
from policytui.demo import STAFF_TOKEN, DemoServer, Fault
from policytui.tui.policy_draft import ServerFeatures, body_values, detect_features, policy_values
from policytui.tui.policy_save import (
    AlreadyApplied,
    AsOpened,
    ChangedMeanwhile,
    Created,
    DeletedMeanwhile,
    LimitsLocked,
    NewNotReadBack,
    NotCreated,
    NotReplaced,
    Patched,
    PolicySaver,
    Replaced,
    SaveStep,
)

ACME_HPC = "f2f7197ac8c95301bba4cceb22b7d108"
POLICIES = "usage-policies"


def client_of(server: DemoServer, **options: Any) -> WaldurClient:
    options.setdefault("backoff", 0.005)
    options.setdefault("max_backoff", 0.02)
    return WaldurClient(server.url, STAFF_TOKEN, **options)


@pytest.fixture
async def client(fresh_demo_server: DemoServer) -> AsyncIterator[WaldurClient]:
    async with client_of(fresh_demo_server) as c:
        yield c


@pytest.fixture
async def quirks_client(quirks_demo_server: DemoServer) -> AsyncIterator[WaldurClient]:
    async with client_of(quirks_demo_server) as c:
        yield c


async def features_of(client: WaldurClient) -> ServerFeatures:
    """What the editor learns on opening: from a policy read."""
    page = await client.policies.list(page_size=1)
    return detect_features(page.items[0], await client.policies.actions())


async def new_body(client: WaldurClient, limits: list[tuple[str, int]]) -> PolicyCreate:
    groups = await client.organization_groups()
    return PolicyCreate(
        scope=client.offering_url(ACME_HPC),
        actions=["notify_organization_owners"],
        organization_groups=[groups[0].url],
        component_limits_set=[ComponentLimitIn(type=t, limit=n) for t, n in limits],
        period=Period.MONTH_1,
    )


def log(server: DemoServer, *methods: str) -> list[tuple[str, str, int | None]]:
    """The policy requests the server saw: method, path after the collection, status."""
    return [
        (r["method"], r["path"].split(POLICIES, 1)[1].strip("/"), r.get("status"))
        for r in server.requests()
        if POLICIES in r["path"] and (not methods or r["method"] in methods)
    ]


async def count(client: WaldurClient) -> int:
    return await client.policies.count(scope_uuid=ACME_HPC)


async def until(condition: Any, what: str, timeout: float = 10.0) -> None:
    """Wait for a condition of the server (an async callable), never a fixed time."""
    for _ in range(int(timeout / 0.02)):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def as_body(policy: OfferingUsagePolicy, limits: list[tuple[str, int]]) -> PolicyCreate:
    """The form's body for ``policy`` with other limits."""
    return PolicyCreate(
        scope=policy.scope,
        actions=list(policy.actions),
        organization_groups=list(policy.organization_groups),
        component_limits_set=[ComponentLimitIn(type=t, limit=n) for t, n in limits],
        period=policy.period,
    )


# -- create --------------------------------------------------------------------------------


async def test_a_create_posts_once_and_reads_back_what_was_sent(fresh_demo_server, client):
    saver = PolicySaver(client)
    features = await features_of(client)
    body = await new_body(client, [("cpu", 90000), ("ram", 120000)])
    before = await count(client)
    fresh_demo_server.clear_requests()
    steps: list[SaveStep] = []
    outcome = await saver.create(body, steps.append)
    assert isinstance(outcome, Created) and outcome.sent == body
    assert not outcome.earlier_attempt and outcome.lost_answer is None
    assert steps == [SaveStep.CREATING]  # nothing pending: nothing to look for
    # The offering's newest policies are noted before the one POST.
    assert [(m, s) for m, _, s in log(fresh_demo_server)] == [("GET", 200), ("POST", 201)]
    result = await saver.read_back(outcome.policy, body, features)
    assert result.differing == [] and result.unread is None and not result.collapsed
    assert result.stored == body_values(body, features)
    assert await count(client) == before + 1 and saver.pending is None


async def test_a_post_the_server_applied_after_the_client_gave_up_is_found_not_resent(
    fresh_demo_server,
):
    """The answer is lost (the client times out) while the server goes on and stores the
    policy: the next attempt finds it and sends no second POST."""
    server = fresh_demo_server
    async with client_of(server, timeout=0.3) as client:
        saver = PolicySaver(client)
        body = await new_body(client, [("ram", 4242)])
        before = await count(client)
        server.set_faults(
            [
                Fault(
                    "timeout",
                    times=1,
                    method="POST",
                    path=POLICIES,
                    params={"seconds": 2, "complete": True},
                )
            ]
        )
        lost = await saver.create(body)
        assert isinstance(lost, NotCreated) and isinstance(lost.error, Timeout)
        assert "may or may not have been applied" in str(lost.error)
        assert saver.pending is not None and saver.pending.body == body

        async def stored() -> bool:
            return await count(client) == before + 1

        await until(stored, "the slow server to store the policy")
        server.clear_requests()
        steps: list[SaveStep] = []
        found = await saver.create(body, steps.append)
        assert isinstance(found, Created) and found.earlier_attempt
        assert steps == [SaveStep.LOOKING_FOR_EARLIER]
        assert log(server, "POST") == []  # looked, found, sent nothing
        assert await count(client) == before + 1 and saver.pending is None


async def test_a_post_that_failed_is_looked_for_once_then_sent_once(fresh_demo_server, client):
    """A 500 to a POST may or may not have stored it: the retry the user asks for looks
    first, and the saver itself never sends the POST again."""
    server = fresh_demo_server
    saver = PolicySaver(client)
    body = await new_body(client, [("cpu", 5000)])
    before = await count(client)
    server.set_faults([Fault("status", times=1, method="POST", params={"status": 500})])
    failed = await saver.create(body)
    assert isinstance(failed, NotCreated) and isinstance(failed.error, ServerError)
    assert [s for _, _, s in log(server, "POST")] == [500]  # not retried
    server.clear_requests()
    steps: list[SaveStep] = []
    outcome = await saver.create(body, steps.append)
    assert isinstance(outcome, Created) and not outcome.earlier_attempt
    assert steps == [SaveStep.LOOKING_FOR_EARLIER, SaveStep.CREATING]
    # Looked for the first attempt's policy, noted the newest, then one POST.
    assert [m for m, _, _ in log(server)] == ["GET", "GET", "POST"]
    assert await count(client) == before + 1


class AnswerLost(httpx.AsyncBaseTransport):
    """Real loopback HTTP, but the first POST's answer is dropped after the server stored
    it (a proxy's timeout): the demo server cannot lose an answer after committing."""

    def __init__(self) -> None:
        self._real = httpx.AsyncHTTPTransport()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._real.handle_async_request(request)
        if request.method == "POST" and not self.lost:
            self.lost += 1
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self._real.aclose()


async def test_a_post_whose_answer_is_lost_is_found_at_once(fresh_demo_server):
    transport = AnswerLost()
    async with client_of(fresh_demo_server, transport=transport) as client:
        saver = PolicySaver(client)
        body = await new_body(client, [("ram", 77)])
        before = await count(client)
        outcome = await saver.create(body)
        assert isinstance(outcome, Created) and isinstance(outcome.lost_answer, ConnectionFailed)
        assert [(c.type, c.limit) for c in outcome.policy.component_limits_set] == [("ram", 77)]
        assert transport.lost == 1 and len(log(fresh_demo_server, "POST")) == 1
        assert await count(client) == before + 1 and saver.pending is None


# -- checking the server's copy before a PATCH ------------------------------------------------


async def opened(client: WaldurClient) -> OfferingUsagePolicy:
    page = await client.policies.list(page_size=1, scope_uuid=ACME_HPC)
    return page.items[0]


async def test_the_check_before_a_patch_tells_the_four_cases_apart(fresh_demo_server, client):
    saver = PolicySaver(client)
    features = await features_of(client)
    policy = await opened(client)
    was = policy_values(policy, features)
    longer = Period.MONTH_12 if policy.period is not Period.MONTH_12 else Period.TOTAL
    body = as_body(policy, [(c.type, c.limit) for c in policy.component_limits_set])
    body = body.model_copy(update={"period": longer, "options": policy.options})
    new = body_values(body, features)
    check = await saver.check_current(policy.uuid, was, new, ["period"], features)
    assert isinstance(check, AsOpened) and check.values == was

    # Someone else changes its actions: a conflict, naming their field.
    async with client_of(fresh_demo_server) as other:
        await other.policies.patch(
            policy.uuid, PolicyPatch(actions=["block_creation_of_new_resources"])
        )
        check = await saver.check_current(policy.uuid, was, new, ["period"], features)
        assert isinstance(check, ChangedMeanwhile) and check.changed == ["actions"]

        # Someone (an earlier attempt whose answer was lost) made exactly this change.
        await other.policies.patch(policy.uuid, PolicyPatch(period=longer))
        check = await saver.check_current(policy.uuid, was, new, ["period"], features)
        assert isinstance(check, AlreadyApplied) and check.policy.period is longer

        await other.policies.delete(policy.uuid)
    check = await saver.check_current(policy.uuid, was, new, ["period"], features)
    assert isinstance(check, DeletedMeanwhile)
    assert set(client.sent) == {"GET"}  # a check reads, it never writes


async def test_a_patch_carries_only_the_changed_fields_and_reads_back_only_those(
    fresh_demo_server, client
):
    saver = PolicySaver(client)
    features = await features_of(client)
    policy = await opened(client)
    limit = policy.component_limits_set[0]
    body = as_body(policy, [(limit.type, 5555)])
    check = await saver.check_current(
        policy.uuid,
        policy_values(policy, features),
        body_values(body, features),
        ["component_limits_set"],
        features,
    )
    assert isinstance(check, AsOpened)
    fresh_demo_server.clear_requests()
    patched = await saver.patch(check.policy, body, ["component_limits_set"])
    assert isinstance(patched, Patched)
    assert [m for m, _, _ in log(fresh_demo_server)] == ["PATCH"]
    result = await saver.read_back(patched.policy, body, features, fields=["component_limits_set"])
    assert result.sent == {"component_limits_set": ((limit.type, 5555),)}
    assert result.differing == []


# -- the 2024 server: one limit per policy ------------------------------------------------------


async def several_limits(client: WaldurClient) -> OfferingUsagePolicy:
    page = await client.policies.list(page_size=300)
    return next(p for p in page.items if len(p.component_limits_set) > 1 and p.organization_groups)


async def test_changing_several_limits_on_the_2024_server_is_locked_not_retried(
    quirks_demo_server, quirks_client
):
    saver = PolicySaver(quirks_client)
    old = await several_limits(quirks_client)
    first = old.component_limits_set[0]
    body = as_body(old, [(first.type, 7)])
    quirks_demo_server.clear_requests()
    outcome = await saver.patch(old, body, ["component_limits_set"])
    assert isinstance(outcome, LimitsLocked) and outcome.error.status_code == 500
    assert outcome.current == old
    assert [s for _, _, s in log(quirks_demo_server, "PATCH")] == [500]  # once, never again
    assert await quirks_client.policies.get(old.uuid) == old

    # Any other 500 to a PATCH is an error to show, not a lock.
    single = as_body(old, [(c.type, c.limit) for c in old.component_limits_set])
    quirks_demo_server.set_faults([Fault("status", times=1, method="PATCH")])
    with pytest.raises(ServerError):
        await saver.patch(old, single.model_copy(update={"period": Period.TOTAL}), ["period"])


async def test_a_create_on_the_2024_server_reads_back_one_limit_of_several(quirks_client):
    saver = PolicySaver(quirks_client)
    features = await features_of(quirks_client)
    assert features.one_limit and not features.apply_to_all
    body = await new_body(quirks_client, [("cpu", 90000), ("ram", 120000)])
    outcome = await saver.create(body)
    assert isinstance(outcome, Created)
    result = await saver.read_back(outcome.policy, body, features)
    assert result.collapsed and result.differing == ["component_limits_set"]
    assert result.stored["component_limits_set"] == (("ram", 120000),)
    # Told beforehand that only the last limit is kept: that is no difference.
    announced = await saver.read_back(outcome.policy, body, features, announced_keep=True)
    assert announced.collapsed and announced.differing == []


async def test_a_replacement_creates_reads_back_then_deletes(quirks_demo_server, quirks_client):
    server = quirks_demo_server
    saver = PolicySaver(quirks_client)
    old = await several_limits(quirks_client)
    first = old.component_limits_set[0]
    body = as_body(old, [(first.type, 7)])
    server.clear_requests()
    steps: list[SaveStep] = []
    outcome = await saver.replace(body, old, steps.append)
    assert isinstance(outcome, Replaced) and outcome.delete_error is None
    assert [(c.type, c.limit) for c in outcome.new.component_limits_set] == [(first.type, 7)]
    assert steps == [SaveStep.CREATING, SaveStep.READING_BACK_NEW, SaveStep.DELETING_OLD]
    new = outcome.new.uuid
    assert [(m, p) for m, p, _ in log(server)] == [
        ("GET", ""),  # the offering's newest, before the POST
        ("POST", ""),
        ("GET", new),  # read back before anything is deleted
        ("DELETE", old.uuid),
    ]
    with pytest.raises(NotFound):
        await quirks_client.policies.get(old.uuid)


async def test_a_replacement_whose_create_fails_deletes_nothing(quirks_demo_server, quirks_client):
    server = quirks_demo_server
    saver = PolicySaver(quirks_client)
    old = await several_limits(quirks_client)
    body = as_body(old, [(old.component_limits_set[0].type, 7)])
    server.set_faults([Fault("status", method="POST", params={"status": 503})])
    outcome = await saver.replace(body, old)
    assert isinstance(outcome, NotReplaced) and isinstance(outcome.error, ServerError)
    assert [m for m, _, _ in log(server, "POST", "DELETE")] == ["POST"]
    assert saver.pending is not None  # the next attempt looks before sending
    assert (await quirks_client.policies.get(old.uuid)).uuid == old.uuid


async def test_a_new_policy_that_cannot_be_read_back_keeps_the_old_one(
    quirks_demo_server, quirks_client
):
    server = quirks_demo_server
    saver = PolicySaver(quirks_client)
    old = await several_limits(quirks_client)
    body = as_body(old, [(old.component_limits_set[0].type, 7)])

    def fail_reads_from_now(step: SaveStep) -> None:
        # Every read of the new policy fails (each GET retry too), from this step on.
        if step is SaveStep.READING_BACK_NEW:
            server.set_faults([Fault("status", method="GET", params={"status": 503})])

    outcome = await saver.replace(body, old, fail_reads_from_now)
    server.clear_faults()
    assert isinstance(outcome, NewNotReadBack) and isinstance(outcome.error, ServerError)
    assert log(server, "DELETE") == []
    assert (await quirks_client.policies.get(old.uuid)).uuid == old.uuid
    assert (await quirks_client.policies.get(outcome.created.uuid)).uuid == outcome.created.uuid


async def test_an_old_policy_that_cannot_be_deleted_is_reported_and_one_gone_is_fine(
    quirks_demo_server, quirks_client
):
    server = quirks_demo_server
    saver = PolicySaver(quirks_client)
    old = await several_limits(quirks_client)
    body = as_body(old, [(old.component_limits_set[0].type, 7)])

    def refuse_deletes(step: SaveStep) -> None:
        if step is SaveStep.DELETING_OLD:
            server.set_faults([Fault("status", method="DELETE", params={"status": 503})])

    outcome = await saver.replace(body, old, refuse_deletes)
    server.clear_faults()
    assert isinstance(outcome, Replaced) and isinstance(outcome.delete_error, ServerError)
    assert [s for _, _, s in log(server, "DELETE")] == [503]  # a write: sent once
    assert (await quirks_client.policies.get(old.uuid)).uuid == old.uuid

    # Deleted meanwhile (elsewhere): the replacement still counts as done.
    other = await several_limits(quirks_client)
    await quirks_client.policies.delete(other.uuid)
    again = await saver.replace(as_body(other, [(other.component_limits_set[0].type, 8)]), other)
    assert isinstance(again, Replaced) and again.delete_error is None


# -- the read-back ---------------------------------------------------------------------------


async def test_the_read_back_says_when_a_save_fires_or_no_longer_fires(client):
    saver = PolicySaver(client)
    features = await features_of(client)
    body = await new_body(client, [("cpu", 0)])
    # Every customer with resources on the offering: their usage is over a limit of 0.
    body = body.model_copy(update={"organization_groups": [], "apply_to_all": True})
    outcome = await saver.create(body)
    assert isinstance(outcome, Created)
    fired = await saver.read_back(outcome.policy, body, features)
    assert fired.fired_now and not fired.no_longer_fires and fired.differing == []
    higher = [ComponentLimitIn(type="cpu", limit=2_000_000_000)]
    raised = body.model_copy(update={"component_limits_set": higher})
    patched = await saver.patch(fired.policy, raised, ["component_limits_set"])
    assert isinstance(patched, Patched)
    after = await saver.read_back(
        patched.policy, raised, features, fields=["component_limits_set"], was_fired=True
    )
    assert after.no_longer_fires and not after.fired_now


async def test_a_read_back_that_fails_shows_the_writes_answer(fresh_demo_server, client):
    saver = PolicySaver(client)
    features = await features_of(client)
    body = await new_body(client, [("cpu", 12)])
    outcome = await saver.create(body)
    assert isinstance(outcome, Created)
    fresh_demo_server.set_faults([Fault("status", method="GET", params={"status": 503})])
    result = await saver.read_back(outcome.policy, body, features)
    fresh_demo_server.clear_faults()
    assert isinstance(result.unread, ServerError) and result.policy == outcome.policy
    assert result.differing == []
