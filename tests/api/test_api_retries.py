"""Retries: GET and HEAD recover from passing failures a bounded number of times; writes
are sent exactly once, whatever happens (proved by the demo server's request log)."""

from __future__ import annotations

import pytest
from demo_clients import Sleeps, api_requests, client_for, first_offering, policy_body

from policytui.api import Period, PolicyPatch, errors
from policytui.demo import Fault

POLICIES = "/api/marketplace-offering-usage-policies/"


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", times=2, params={"status": 502}),
        Fault("status", times=2, params={"status": 503}),
        Fault("status", times=2, params={"status": 504}),
        Fault("rate_limit", times=2, params={"retry_after": 1}),
        Fault("drop", times=2),
    ],
    ids=["502", "503", "504", "429", "dropped"],
)
async def test_a_get_recovers_from_passing_failures(fresh_demo_server, fault: Fault) -> None:
    fresh_demo_server.set_faults([fault])
    sleeps = Sleeps()
    async with client_for(fresh_demo_server, sleep=sleeps) as client:
        page = await client.policies.list(page_size=5)
    assert len(page.items) == 5 and page.total == 60
    assert len(api_requests(fresh_demo_server, "GET", POLICIES)) == 3
    assert len(sleeps.calls) == 2


async def test_a_head_is_retried_too(fresh_demo_server) -> None:
    fresh_demo_server.set_faults([Fault("status", times=1, params={"status": 503})])
    async with client_for(fresh_demo_server) as client:
        assert await client.policies.count() == 60
    assert [r["status"] for r in api_requests(fresh_demo_server, "HEAD")] == [503, 200]


async def test_a_connection_error_is_retried(fresh_demo_server) -> None:
    # A timeout is a connection error a GET may retry: the second try answers at once.
    fresh_demo_server.set_faults([Fault("timeout", times=1, params={"seconds": 2})])
    async with client_for(fresh_demo_server, timeout=0.3) as client:
        assert len((await client.policies.list()).items) == 10
    assert len(api_requests(fresh_demo_server, "GET", POLICIES)) == 2


async def test_retries_are_bounded(fresh_demo_server) -> None:
    fresh_demo_server.set_faults([Fault("status", params={"status": 503})])
    sleeps = Sleeps()
    async with client_for(fresh_demo_server, max_retries=3, sleep=sleeps) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.list()
    assert caught.value.status_code == 503
    assert len(api_requests(fresh_demo_server, "GET", POLICIES)) == 4
    assert len(sleeps.calls) == 3


async def test_backoff_grows_and_retry_after_is_honoured(fresh_demo_server) -> None:
    fresh_demo_server.set_faults(
        [
            Fault("status", times=3, params={"status": 502}),
            Fault("rate_limit", times=1, params={"retry_after": 2}),
        ]
    )
    sleeps = Sleeps()
    async with client_for(
        fresh_demo_server, backoff=0.5, max_backoff=8.0, max_retries=4, sleep=sleeps
    ) as client:
        await client.policies.list()
    backoff, retry_after = sleeps.calls[:3], sleeps.calls[3]
    # Exponential with jitter: each wait is in [half, full] of 0.5 * 2**attempt.
    for attempt, wait in enumerate(backoff):
        assert 0.25 * 2**attempt <= wait <= 0.5 * 2**attempt
    assert retry_after == 2


async def test_a_500_is_not_retried(fresh_demo_server) -> None:
    # 500 is a bug on the server, not a passing state: asking again only repeats it.
    fresh_demo_server.set_faults([Fault("status", times=1, params={"status": 500})])
    async with client_for(fresh_demo_server) as client:
        with pytest.raises(errors.ServerError):
            await client.policies.list()
    assert len(api_requests(fresh_demo_server, "GET", POLICIES)) == 1


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_a_create_is_sent_once_whatever_the_answer(fresh_demo_server, status: int) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        if status == 429:
            fault = Fault("rate_limit", method="POST", params={"retry_after": 1})
        else:
            fault = Fault("status", method="POST", params={"status": status})
        fresh_demo_server.set_faults([fault])
        with pytest.raises(errors.WaldurError) as caught:
            await client.policies.create(policy_body(offering, groups))
    assert caught.value.status_code == status
    assert len(api_requests(fresh_demo_server, "POST")) == 1


async def test_a_create_that_timed_out_is_not_sent_again(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server, timeout=0.3) as client:
        offering, groups = await first_offering(client)
        fresh_demo_server.set_faults([Fault("timeout", method="POST", params={"seconds": 2})])
        with pytest.raises(errors.Timeout) as caught:
            await client.policies.create(policy_body(offering, groups))
    assert "may or may not have been applied" in str(caught.value)
    assert len(api_requests(fresh_demo_server, "POST")) == 1


async def test_a_dropped_write_is_not_sent_again(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        policy = (await client.policies.list()).items[0]
        fresh_demo_server.set_faults([Fault("drop", method="PATCH")])
        with pytest.raises(errors.ConnectionFailed):
            await client.policies.patch(policy.uuid, PolicyPatch(period=Period.TOTAL))
    assert len(api_requests(fresh_demo_server, "PATCH")) == 1


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_updates_and_deletes_are_sent_once_on_503(fresh_demo_server, method: str) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        policy = (await client.policies.list()).items[0]
        fresh_demo_server.set_faults([Fault("status", method=method, params={"status": 503})])
        with pytest.raises(errors.ServerError):
            if method == "PUT":
                await client.policies.replace(policy.uuid, policy_body(offering, groups))
            elif method == "PATCH":
                await client.policies.patch(policy.uuid, PolicyPatch(period=Period.TOTAL))
            else:
                await client.policies.delete(policy.uuid)
    assert len(api_requests(fresh_demo_server, method)) == 1
