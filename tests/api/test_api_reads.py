"""Reading through the client from a demo server over real loopback HTTP, in both the
current and the 2024 behaviour: URLs, pages, counts, walks, offerings, groups, me."""

from __future__ import annotations

import pytest
from demo_clients import Recording, api_requests, client_for

from policytui.api import WaldurClient, errors
from policytui.api._http import httpx
from policytui.api.pagination import page_number, parse_link_header
from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer, DemoSettings

POLICIES = "/api/marketplace-offering-usage-policies/"


@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
async def test_every_form_of_the_base_url_reaches_the_api(demo_server, suffix: str) -> None:
    async with WaldurClient(demo_server.url + suffix, STAFF_TOKEN) as client:
        assert client.base_url == demo_server.url + "/api/"
        assert await client.policies.count() == 60


async def test_a_page_matches_the_servers_link_and_count_headers(any_demo_server) -> None:
    raw = httpx.get(
        f"{any_demo_server.url}{POLICIES}?page=3&page_size=7",
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    )
    links = parse_link_header(raw.headers["link"])
    async with client_for(any_demo_server) as client:
        page = await client.policies.list(page=3, page_size=7)
    assert [p.uuid for p in page.items] == [p["uuid"] for p in raw.json()]
    assert page.total == int(raw.headers["x-result-count"]) == 60
    assert (page.page, page.page_size) == (3, 7)
    assert page.has_next and page.has_prev
    assert page.page_count == page_number(links["last"]) == 9
    assert page.links == links


async def test_first_and_last_pages_have_one_neighbour(demo_server) -> None:
    async with client_for(demo_server) as client:
        first = await client.policies.list(page_size=25)
        last = await client.policies.list(page=3, page_size=25)
    assert first.has_next and not first.has_prev
    assert last.has_prev and not last.has_next
    assert len(last.items) == 10 and first.page_count == last.page_count == 3


async def test_a_page_past_the_last_is_not_found(demo_server) -> None:
    async with client_for(demo_server) as client:
        with pytest.raises(errors.NotFound) as caught:
            await client.policies.list(page=99, page_size=10)
    assert str(caught.value) == "Not found: Invalid page."


async def test_count_is_a_head_request(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        assert await client.policies.count() == 60
    assert [r["method"] for r in api_requests(fresh_demo_server, path=POLICIES)] == ["HEAD"]


async def test_filter_by_offering(demo_server) -> None:
    async with client_for(demo_server) as client:
        offering = (await client.offerings())[0]
        page = await client.policies.list(scope_uuid=offering.uuid, page_size=300)
        count = await client.policies.count(scope_uuid=offering.uuid)
    assert page.items and all(p.scope_uuid == offering.uuid for p in page.items)
    assert page.total == count == len(page.items)


async def test_who_sees_what(demo_server) -> None:
    async with client_for(demo_server, OWNER_TOKEN) as owner:
        owned = await owner.offerings()
        owner_count = await owner.policies.count()
        owner_policies = [p async for page in owner.policies.walk() for p in page.items]
    async with client_for(demo_server, PLAIN_TOKEN) as plain:
        assert await plain.policies.count() == 0
        assert (await plain.policies.list()).items == []
        assert await plain.offerings() == []
    assert 0 < owner_count < 60 and len(owner_policies) == owner_count
    assert {p.scope_uuid for p in owner_policies} <= {o.uuid for o in owned}


# -- the walk ---------------------------------------------------------------------------


async def test_walk_yields_every_policy_in_server_order(demo_server) -> None:
    async with client_for(demo_server) as client:
        sequential = []
        for number in range(1, 8):
            sequential += (await client.policies.list(page=number, page_size=9)).items
        pages = [page async for page in client.policies.walk(page_size=9, concurrency=4)]
    assert [p.page for p in pages] == list(range(1, 8))
    assert [p.uuid for page in pages for p in page.items] == [p.uuid for p in sequential]
    assert len({p.uuid for p in sequential}) == 60


async def test_walk_keeps_to_its_concurrency_bound() -> None:
    # Latency keeps requests in flight long enough for overlap to show.
    with DemoServer(DemoSettings(policies=200, latency_ms=40)) as server:
        transport = Recording()
        async with client_for(server, transport=transport) as client:
            pages = [p async for p in client.policies.walk(page_size=10, concurrency=3)]
    assert len(pages) == 20 and sum(len(p.items) for p in pages) == 200
    assert transport.max_in_flight == 3


async def test_walk_adapts_to_a_server_that_caps_page_size(capped_demo_server) -> None:
    async with client_for(capped_demo_server) as client:
        pages = [p async for p in client.policies.walk(page_size=300)]
    assert [len(p.items) for p in pages] == [50, 50, 20]
    assert all(p.page_size == 50 for p in pages)
    assert len({item.uuid for p in pages for item in p.items}) == 120
    queries = [r["query"] for r in api_requests(capped_demo_server, "GET", POLICIES)]
    assert queries[0] == "page_size=300"
    assert sorted(queries[1:]) == ["page=2&page_size=50", "page=3&page_size=50"]


async def test_walk_of_an_empty_list_is_one_empty_page(demo_server) -> None:
    async with client_for(demo_server, PLAIN_TOKEN) as client:
        pages = [p async for p in client.policies.walk()]
    assert len(pages) == 1 and pages[0].items == [] and not pages[0].has_next


# -- one policy, actions ----------------------------------------------------------------


async def test_get_and_get_raw_agree_with_the_list(any_demo_server) -> None:
    async with client_for(any_demo_server) as client:
        listed = (await client.policies.list(page_size=5)).items[2]
        policy = await client.policies.get(listed.uuid)
        raw = await client.policies.get_raw(listed.uuid)
    assert policy == listed
    assert raw["uuid"] == policy.uuid and isinstance(raw["actions"], str)
    assert raw["actions"].split(",") == policy.actions
    assert ("options" in raw) is (policy.options is not None)


async def test_fired_and_unfired_policies(demo_server) -> None:
    async with client_for(demo_server) as client:
        policies = [p async for page in client.policies.walk() for p in page.items]
    fired = [p for p in policies if p.has_fired]
    unfired = [p for p in policies if not p.has_fired]
    assert fired and unfired
    assert all(p.fired_datetime is not None for p in fired)
    assert any(p.fired_datetime is None for p in unfired)


async def test_actions_differ_by_behaviour(any_demo_server) -> None:
    quirks = any_demo_server.settings.quirks
    async with client_for(any_demo_server) as client:
        actions = await client.policies.actions()
    expected = {"notify_organization_owners", "block_creation_of_new_resources"}
    if not quirks:
        expected.add("notify_external_user")
    assert set(actions) == expected


async def test_the_newer_fields_exist_only_on_the_current_server(any_demo_server) -> None:
    quirks = any_demo_server.settings.quirks
    async with client_for(any_demo_server) as client:
        policy = (await client.policies.list()).items[0]
    assert (policy.options is None) is quirks
    assert (policy.apply_to_all is None) is quirks
    assert (policy.affected_resources_count is None) is quirks


# -- offerings, groups, me --------------------------------------------------------------


async def test_offerings_ask_only_for_the_fields_needed(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offerings = await client.offerings()
    query = api_requests(fresh_demo_server, "GET", "marketplace-provider-offerings")[0]["query"]
    params = httpx.QueryParams(query)
    assert "components" in params.get_list("field") and "uuid" in params.get_list("field")
    hpc = next(o for o in offerings if o.name == "Acme HPC Cluster")
    assert [(c.type, c.measured_unit != "") for c in hpc.components] == [
        ("cpu", True),
        ("ram", True),
        ("storage", True),
    ]
    assert all(c.name for o in offerings for c in o.components)


async def test_one_offering(demo_server) -> None:
    async with client_for(demo_server) as client:
        listed = (await client.offerings())[1]
        offering = await client.offering(listed.uuid)
        assert client.offering_url(listed.uuid) == offering.url
        with pytest.raises(errors.NotFound):
            await client.offering("0" * 32)
    assert offering.uuid == listed.uuid and offering.components == listed.components


async def test_organization_groups_come_from_every_page() -> None:
    with DemoServer(DemoSettings(page_size_cap=3)) as server:
        async with client_for(server) as client:
            groups = await client.organization_groups()
        gets = api_requests(server, "GET", "organization-groups")
    assert len(groups) == 7 and len({g.uuid for g in groups}) == 7
    assert len(gets) == 3
    assert any(g.parent for g in groups), "the sample has groups with parents"
    parents = {g.url for g in groups}
    assert all(g.parent in parents for g in groups if g.parent)


async def test_me_drops_the_token(any_demo_server) -> None:
    async with client_for(any_demo_server, OWNER_TOKEN) as client:
        user = await client.me()
    assert user.username == "acme-owner" and not user.is_staff
    assert "CUSTOMER.OWNER" in {p.role_name for p in user.permissions}
    assert OWNER_TOKEN not in repr(user) and OWNER_TOKEN not in user.model_dump_json()


async def test_headers_on_the_wire_to_the_demo_server(demo_server) -> None:
    from policytui import __version__

    transport = Recording()
    async with client_for(demo_server, transport=transport) as client:
        await client.policies.count()
        await client.policies.list()
    for request in transport.requests:
        assert request.headers["authorization"] == f"Token {STAFF_TOKEN}"
        assert request.headers["user-agent"] == f"policytui/{__version__}"
        assert request.headers["accept"] == "application/json"
    assert [r.method for r in transport.requests] == ["HEAD", "GET"]


async def test_a_walk_reads_each_body_with_the_reader_given(demo_server) -> None:
    """The index fill's way (``read_body``): each page made of its body by msgspec, the
    same policies in the same order as the client's own decoding gives."""
    from policytui.helper.page_structs import WirePage, read_page

    async with client_for(demo_server) as client:
        plain = [
            p["uuid"] async for page in client.policies.walk_raw(page_size=7) for p in page.items
        ]
        pages = [page async for page in client.policies.walk_raw(page_size=7, read_body=read_page)]
    assert all(type(page.items) is WirePage for page in pages)
    assert [p.uuid for page in pages for p in page.items] == plain
    assert len(plain) == 60 and pages[-1].page_count == 9
