"""Every fault of issue 7, switched on in a real demo server, met by the real client.

For each: reads recover where they can, otherwise the caller gets one plain, typed error;
a write is never repeated; nothing crashes. Each test records its row of docs/faults.md
with what it actually observed.
"""

from __future__ import annotations

import time

import pytest

from policytui.api import (
    ComponentLimitIn,
    Period,
    PolicyCreate,
    PolicyPatch,
    WaldurClient,
    errors,
)
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings, Fault

POLICIES = "/api/marketplace-offering-usage-policies/"


def client_for(server: DemoServer, **options) -> WaldurClient:
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    return WaldurClient(server.url, STAFF_TOKEN, **options)


def sent(server: DemoServer, method: str, path: str = POLICIES) -> int:
    return sum(1 for r in server.requests() if r["method"] == method and path in r["path"])


def outcome(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


async def new_policy_body(client: WaldurClient) -> PolicyCreate:
    offering = next(o for o in await client.offerings() if o.name == "Acme HPC Cluster")
    group = (await client.organization_groups())[0]
    return PolicyCreate(
        scope=offering.url,
        actions=["notify_organization_owners"],
        organization_groups=[group.url],
        component_limits_set=[ComponentLimitIn(type="cpu", limit=424242)],
        period=Period.MONTH_3,
    )


# -- latency and timeouts ---------------------------------------------------------------


async def test_latency_spike(fault_row) -> None:
    fault_row.describe(
        "client", "latency 400 ms", "GET a page", expected="answer arrives, slower, no error"
    )
    with DemoServer(DemoSettings(latency_ms=400)) as server:
        async with client_for(server) as client:
            start = time.monotonic()
            page = await client.policies.list()
            took = time.monotonic() - start
    fault_row.observed = f"{len(page.items)} policies after {took:.1f} s, one GET"
    assert len(page.items) == 10 and took >= 0.4


async def test_latency_beyond_the_timeout(fault_row) -> None:
    fault_row.describe(
        "client",
        "latency 700 ms, client timeout 0.2 s",
        "GET a page",
        expected="bounded retries, then Timeout",
    )
    with DemoServer(DemoSettings(latency_ms=700)) as server:
        async with client_for(server, timeout=0.2, max_retries=2) as client:
            with pytest.raises(errors.Timeout) as caught:
                await client.policies.list()
        tries = client.sent["GET"]
    fault_row.observed = f"{outcome(caught.value)} after {tries} tries"
    assert tries == 3


async def test_timeout_once_on_a_read(fault_row, fresh_demo_server) -> None:
    fault_row.describe("client", "timeout (once)", "GET a page", expected="retried, recovers")
    fresh_demo_server.set_faults([Fault("timeout", times=1, params={"seconds": 2})])
    async with client_for(fresh_demo_server, timeout=0.3) as client:
        page = await client.policies.list()
    gets = sent(fresh_demo_server, "GET")
    fault_row.observed = f"{len(page.items)} policies after {gets} GETs"
    assert gets == 2 and len(page.items) == 10


async def test_timeout_on_a_create(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client",
        "timeout",
        "POST a new policy",
        expected="Timeout saying the outcome is unknown; one POST; find_created tells",
    )
    async with client_for(fresh_demo_server, timeout=0.3) as client:
        body = await new_policy_body(client)
        known = {p.uuid async for page in client.policies.walk() for p in page.items}
        fresh_demo_server.set_faults([Fault("timeout", method="POST", params={"seconds": 1})])
        with pytest.raises(errors.Timeout) as caught:
            await client.policies.create(body)
        fresh_demo_server.clear_faults()
        posts = sent(fresh_demo_server, "POST")
        # The server finishes the POST after the client gave up, or drops it; either way
        # the client can find out without sending it again.
        deadline = time.monotonic() + 3
        found = await client.policies.find_created(body, known_uuids=known)
        while found is None and time.monotonic() < deadline:
            found = await client.policies.find_created(body, known_uuids=known)
    applied = "the server applied it" if found else "the server did not apply it"
    fault_row.observed = f"{outcome(caught.value)} ({posts} POST; {applied}, found by a read)"
    assert "may or may not have been applied" in str(caught.value)
    assert posts == 1 and sent(fresh_demo_server, "POST") == 1


# -- 429 and 5xx ------------------------------------------------------------------------


async def test_rate_limited_read(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "429 Retry-After: 1 (twice)", "GET a page", expected="waits as told, recovers"
    )
    fresh_demo_server.set_faults([Fault("rate_limit", times=2, params={"retry_after": 1})])
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with client_for(fresh_demo_server, sleep=sleep, max_backoff=8) as client:
        page = await client.policies.list()
    fault_row.observed = f"{len(page.items)} policies; waited {waits} s between 3 GETs"
    assert waits == [1, 1] and sent(fresh_demo_server, "GET") == 3


async def test_rate_limited_write(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "429 Retry-After: 5", "PATCH a policy", expected="RateLimited(5 s), one PATCH"
    )
    async with client_for(fresh_demo_server) as client:
        policy = (await client.policies.list()).items[0]
        fresh_demo_server.set_faults([Fault("rate_limit", params={"retry_after": 5})])
        with pytest.raises(errors.RateLimited) as caught:
            await client.policies.patch(policy.uuid, PolicyPatch(period=Period.TOTAL))
    fault_row.observed = f"{outcome(caught.value)}; {sent(fresh_demo_server, 'PATCH')} PATCH"
    assert caught.value.retry_after == 5 and sent(fresh_demo_server, "PATCH") == 1


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_passing_gateway_errors_on_a_read(fault_row, fresh_demo_server, status) -> None:
    fault_row.describe(
        "client", f"status {status} (twice)", "GET a page", expected="retried, recovers"
    )
    fresh_demo_server.set_faults([Fault("status", times=2, params={"status": status})])
    async with client_for(fresh_demo_server) as client:
        page = await client.policies.list()
    gets = sent(fresh_demo_server, "GET")
    fault_row.observed = f"{len(page.items)} policies after {gets} GETs"
    assert gets == 3 and len(page.items) == 10


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_on_a_write(fault_row, fresh_demo_server, status) -> None:
    fault_row.describe(
        "client", f"status {status}", "POST a new policy", expected="ServerError, one POST"
    )
    async with client_for(fresh_demo_server) as client:
        body = await new_policy_body(client)
        fresh_demo_server.set_faults([Fault("status", params={"status": status})])
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.create(body)
    posts = sent(fresh_demo_server, "POST")
    fault_row.observed = f"{outcome(caught.value)}; {posts} POST"
    assert posts == 1 and "<" not in str(caught.value)


async def test_a_500_on_a_read_is_not_retried(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "status 500", "GET a page", expected="ServerError with a short excerpt, 1 GET"
    )
    fresh_demo_server.set_faults([Fault("status", params={"status": 500})])
    async with client_for(fresh_demo_server) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.list()
    fault_row.observed = f"{outcome(caught.value)}; {sent(fresh_demo_server, 'GET')} GET"
    assert str(caught.value) == "Server error 500: Server Error (500)"


async def test_a_server_that_keeps_failing(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "status 503 (always)", "GET a page", expected="bounded retries, ServerError"
    )
    fresh_demo_server.set_faults([Fault("status", params={"status": 503})])
    async with client_for(fresh_demo_server, max_retries=3) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.list()
    gets = sent(fresh_demo_server, "GET")
    fault_row.observed = f"{outcome(caught.value)} after {gets} GETs"
    assert gets == 4


async def test_random_errors_during_a_walk(fault_row) -> None:
    fault_row.describe(
        "client",
        "error_rate 0.25 (random 503s)",
        "walk 600 policies, 12 pages",
        expected="every policy, in order",
    )
    with DemoServer(DemoSettings(policies=600, page_size_cap=50)) as clean:
        async with client_for(clean) as client:
            expected = [p.uuid async for page in client.policies.walk() for p in page.items]
    with DemoServer(DemoSettings(policies=600, page_size_cap=50, error_rate=0.25)) as server:
        async with client_for(server, max_retries=8) as client:
            got = [p.uuid async for page in client.policies.walk() for p in page.items]
        failed = sum(1 for r in server.requests() if r["status"] == 503)
    fault_row.observed = f"{len(got)} policies in server order; {failed} 503s absorbed"
    assert got == expected and len(got) == 600


# -- broken answers ---------------------------------------------------------------------


async def test_connection_dropped_mid_body(fault_row, fresh_demo_server) -> None:
    fault_row.describe("client", "drop (once)", "GET a page", expected="retried, recovers")
    fresh_demo_server.set_faults([Fault("drop", times=1)])
    async with client_for(fresh_demo_server) as client:
        page = await client.policies.list()
    fault_row.observed = f"{len(page.items)} policies after {sent(fresh_demo_server, 'GET')} GETs"
    assert len(page.items) == 10


async def test_connection_dropped_during_a_delete(fault_row, fresh_demo_server) -> None:
    fault_row.describe("client", "drop", "DELETE a policy", expected="ConnectionFailed, one DELETE")
    async with client_for(fresh_demo_server) as client:
        policy = (await client.policies.list()).items[0]
        fresh_demo_server.set_faults([Fault("drop", method="DELETE")])
        with pytest.raises(errors.ConnectionFailed) as caught:
            await client.policies.delete(policy.uuid)
    deletes = sent(fresh_demo_server, "DELETE")
    fault_row.observed = f"{outcome(caught.value)}; {deletes} DELETE"
    assert deletes == 1


@pytest.mark.parametrize(
    ("fault", "mentions"),
    [("malformed_json", "not valid JSON"), ("html", "text/html")],
)
async def test_an_answer_that_is_not_json(fault_row, fresh_demo_server, fault, mentions) -> None:
    fault_row.describe("client", fault, "GET a page", expected="InvalidResponse, one line")
    fresh_demo_server.set_faults([Fault(fault)])
    async with client_for(fresh_demo_server) as client:
        with pytest.raises(errors.InvalidResponse) as caught:
            await client.policies.list()
    fault_row.observed = outcome(caught.value)
    assert mentions in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("fault", ["wrong_types", "missing_fields"])
@pytest.mark.parametrize("where", ["list", "detail"])
async def test_a_200_of_the_wrong_shape(fault_row, fresh_demo_server, fault, where) -> None:
    fault_row.describe(
        "client",
        fault,
        "GET a page" if where == "list" else "GET one policy",
        expected="InvalidResponse naming the field",
    )
    async with client_for(fresh_demo_server) as client:
        uuid = (await client.policies.list()).items[0].uuid
        fresh_demo_server.set_faults([Fault(fault)])
        with pytest.raises(errors.InvalidResponse) as caught:
            if where == "list":
                await client.policies.list()
            else:
                await client.policies.get(uuid)
    fault_row.observed = outcome(caught.value)
    assert "The server sent a policy the client cannot read (" in str(caught.value)


async def test_an_enormous_answer(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "huge (20 000 policies in one page)", "GET a page", expected="read, no crash"
    )
    fresh_demo_server.set_faults([Fault("huge", times=1, params={"count": 20_000})])
    async with client_for(fresh_demo_server, timeout=60) as client:
        start = time.monotonic()
        page = await client.policies.list()
        took = time.monotonic() - start
    fault_row.observed = f"{len(page.items)} policies read in {took:.1f} s"
    assert len(page.items) == 20_000 and page.total == 20_000


# -- pagination headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "faults", [["no_link"], ["bad_count"], ["no_link", "bad_count"]], ids="+".join
)
async def test_missing_or_malformed_pagination_headers(fault_row, faults) -> None:
    fault_row.describe(
        "client",
        " + ".join(faults),
        "walk 120 policies (cap 50)",
        expected="every policy, none twice",
    )
    with DemoServer(DemoSettings(policies=120, page_size_cap=50)) as server:
        server.set_faults([Fault(name) for name in faults])
        async with client_for(server) as client:
            first = await client.policies.list(page_size=50)
            got = [p.uuid async for page in client.policies.walk() for p in page.items]
        gets = sent(server, "GET") - 1
    fault_row.observed = (
        f"{len(set(got))} distinct policies in {gets} GETs; first page: total={first.total}, "
        f"has_next={first.has_next}"
    )
    assert len(got) == len(set(got)) == 120


async def test_count_with_a_malformed_header(fault_row, fresh_demo_server) -> None:
    fault_row.describe("client", "bad_count", "HEAD count", expected="InvalidResponse")
    fresh_demo_server.set_faults([Fault("bad_count")])
    async with client_for(fresh_demo_server) as client:
        with pytest.raises(errors.InvalidResponse) as caught:
            await client.policies.count()
    fault_row.observed = outcome(caught.value)


# -- things that change under the client's feet -----------------------------------------


async def test_token_revoked_mid_session(fault_row, fresh_demo_server) -> None:
    fault_row.describe(
        "client", "revoke_token", "GET after a good GET", expected="AuthenticationError, no retry"
    )
    async with client_for(fresh_demo_server) as client:
        await client.policies.list()
        fresh_demo_server.set_faults([Fault("revoke_token")])
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.policies.list()
    gets = sent(fresh_demo_server, "GET")
    fault_row.observed = f"{outcome(caught.value)}; {gets - 1} GET after the revocation"
    assert gets == 2 and STAFF_TOKEN not in str(caught.value)


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_policy_deleted_by_someone_else(fault_row, fresh_demo_server, method) -> None:
    fault_row.describe(
        "client",
        "delete_policy",
        f"{method} the open policy",
        expected="NotFound, one request",
    )
    async with client_for(fresh_demo_server) as client:
        policy = (await client.policies.list()).items[0]
        fresh_demo_server.set_faults(
            [Fault("delete_policy", times=1, method=method, params={"uuid": policy.uuid})]
        )
        with pytest.raises(errors.NotFound) as caught:
            if method == "GET":
                await client.policies.get(policy.uuid)
            elif method == "PATCH":
                await client.policies.patch(policy.uuid, PolicyPatch(period=Period.TOTAL))
            else:
                await client.policies.delete(policy.uuid)
    count = sent(fresh_demo_server, method, f"{POLICIES}{policy.uuid}/")
    fault_row.observed = f"{outcome(caught.value)}; {count} {method}"
    assert count == 1


async def test_the_server_goes_away(fault_row) -> None:
    fault_row.describe(
        "client", "server gone", "GET after the server stopped", expected="ConnectionFailed"
    )
    server = DemoServer(DemoSettings()).start()
    async with client_for(server, max_retries=2) as client:
        await client.policies.list()
        server.stop()
        with pytest.raises(errors.ConnectionFailed) as caught:
            await client.policies.list()
        tries = client.sent["GET"] - 1
    fault_row.observed = f"{outcome(caught.value)} after {tries} tries"
    assert tries == 3 and "Cannot reach" in str(caught.value)
