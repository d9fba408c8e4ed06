"""Creating, replacing, patching and deleting through the client, against fresh demo
servers in both behaviours; bodies are read off the wire (a recording loopback transport)."""

from __future__ import annotations

import pytest
from demo_clients import Recording, client_for, first_offering, policy_body

from policytui.api import ComponentLimitIn, Period, PolicyPatch, errors
from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN

WRITABLE = {
    "scope",
    "actions",
    "organization_groups",
    "component_limits_set",
    "period",
    "options",
    "apply_to_all",
}


async def test_create_then_read_back(any_demo_server) -> None:
    transport = Recording()
    async with client_for(any_demo_server, transport=transport) as client:
        offering, groups = await first_offering(client)
        before = await client.policies.count()
        created = await client.policies.create(policy_body(offering, groups))
        again = await client.policies.get(created.uuid)
        assert await client.policies.count() == before + 1
    sent = transport.bodies("POST")[0]
    assert set(sent) <= WRITABLE
    assert sent["actions"] == "notify_organization_owners"
    assert again == created
    assert created.scope == offering.url and created.period is Period.MONTH_1
    assert [(c.type, c.limit) for c in created.component_limits_set] == [("cpu", 100)]
    assert created.created_by_username == "staff"


async def test_several_limits_survive_only_on_the_current_server(any_demo_server) -> None:
    quirks = any_demo_server.settings.quirks
    async with client_for(any_demo_server) as client:
        offering, groups = await first_offering(client)
        rows = [("cpu", 10), ("ram", 20), ("storage", 30)]
        created = await client.policies.create(policy_body(offering, groups, limits=rows))
    stored = [(c.type, c.limit) for c in created.component_limits_set]
    # The 2024 server kept only the last row; the client reports what was stored.
    assert stored == ([("storage", 30)] if quirks else rows)


async def test_unknown_component_type(any_demo_server) -> None:
    quirks = any_demo_server.settings.quirks
    async with client_for(any_demo_server) as client:
        offering, groups = await first_offering(client)
        before = await client.policies.count()
        with pytest.raises(errors.WaldurError) as caught:
            await client.policies.create(policy_body(offering, groups, limits=[("gpu", 5)]))
        after = await client.policies.count()
    err = caught.value
    if quirks:
        assert isinstance(err, errors.ServerError) and err.status_code == 500
        assert str(err) == "Server error 500: Server Error (500)"
    else:
        assert isinstance(err, errors.ValidationError)
        assert err.row_errors == {
            0: {"type": ['Offering "Acme HPC Cluster" has no component of type "gpu".']}
        }
    assert after == before


async def test_organization_groups_or_apply_to_all(any_demo_server) -> None:
    quirks = any_demo_server.settings.quirks
    async with client_for(any_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups).model_copy(update={"organization_groups": []})
        with pytest.raises(errors.ValidationError) as caught:
            await client.policies.create(body)
        if not quirks:
            everyone = body.model_copy(update={"apply_to_all": True})
            created = await client.policies.create(everyone)
            assert created.apply_to_all is True and created.organization_groups == []
    if quirks:
        assert caught.value.field_errors == {"organization_groups": ["This list may not be empty."]}
    else:
        assert caught.value.non_field_errors == [
            "Must either set apply_to_all=True or specify organization_groups."
        ]


async def test_options_for_external_notification(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups).model_copy(
            update={
                "actions": ["notify_external_user"],
                # A list, as older docs said: the client writes the one string servers take.
                "options": {"notify_external_user": ["ops@example.org", "noc@example.org"]},
            }
        )
        created = await client.policies.create(body)
        stored = await client.policies.get(created.uuid)
    assert created.actions == ["notify_external_user"]
    assert stored.options == {"notify_external_user": "ops@example.org,noc@example.org"}


async def test_the_client_writes_actions_in_one_order(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups).model_copy(
            update={"actions": ["block_creation_of_new_resources", "notify_organization_owners"]}
        )
        created = await client.policies.create(body)
    # The server stores the string as it was sent: this is the order the client wrote.
    assert created.actions == ["notify_organization_owners", "block_creation_of_new_resources"]


async def test_replace_sends_every_writable_field(any_demo_server) -> None:
    transport = Recording()
    async with client_for(any_demo_server, transport=transport) as client:
        offering, groups = await first_offering(client)
        created = await client.policies.create(policy_body(offering, groups))
        body = policy_body(offering, groups, limits=[("ram", 4242)]).model_copy(
            update={"period": Period.MONTH_12, "actions": ["block_creation_of_new_resources"]}
        )
        replaced = await client.policies.replace(created.uuid, body)
    put = transport.bodies("PUT")[0]
    assert set(put) <= WRITABLE and {"scope", "actions", "component_limits_set"} <= set(put)
    assert replaced.uuid == created.uuid and replaced.period is Period.MONTH_12
    assert replaced.actions == ["block_creation_of_new_resources"]
    assert [(c.type, c.limit) for c in replaced.component_limits_set] == [("ram", 4242)]


async def test_patch_sends_only_the_fields_given(any_demo_server) -> None:
    transport = Recording()
    async with client_for(any_demo_server, transport=transport) as client:
        offering, groups = await first_offering(client)
        rows = [("cpu", 7)]
        created = await client.policies.create(policy_body(offering, groups, limits=rows))
        patched = await client.policies.patch(created.uuid, PolicyPatch(period=Period.TOTAL))
    assert transport.bodies("PATCH") == [{"period": 1}]
    assert patched.period is Period.TOTAL
    # What the PATCH left out is unchanged.
    assert patched.component_limits_set == created.component_limits_set
    assert patched.organization_groups == created.organization_groups
    assert patched.actions == created.actions


async def test_patch_never_sends_empty_limits_unless_asked(fresh_demo_server) -> None:
    transport = Recording()
    async with client_for(fresh_demo_server, transport=transport) as client:
        offering, groups = await first_offering(client)
        created = await client.policies.create(policy_body(offering, groups))
        with pytest.raises(ValueError, match="delete every limit"):
            await client.policies.patch(created.uuid, PolicyPatch(component_limits_set=[]))
        assert transport.bodies("PATCH") == []
        assert (await client.policies.get(created.uuid)).component_limits_set
        cleared = await client.policies.patch(
            created.uuid, PolicyPatch(component_limits_set=[]), allow_empty_limits=True
        )
    assert transport.bodies("PATCH") == [{"component_limits_set": []}]
    assert cleared.component_limits_set == []


async def test_patch_of_limits_replaces_the_set(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        created = await client.policies.create(
            policy_body(offering, groups, limits=[("cpu", 1), ("ram", 2)])
        )
        patched = await client.policies.patch(
            created.uuid,
            PolicyPatch(component_limits_set=[ComponentLimitIn(type="storage", limit=9)]),
        )
    assert [(c.type, c.limit) for c in patched.component_limits_set] == [("storage", 9)]


async def test_patch_of_limits_on_a_2024_policy_holding_several_is_a_server_error(
    quirks_demo_server,
) -> None:
    async with client_for(quirks_demo_server) as client:
        policies = [p async for page in client.policies.walk() for p in page.items]
        several = next(p for p in policies if len(p.component_limits_set) > 1)
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.patch(
                several.uuid,
                PolicyPatch(component_limits_set=[ComponentLimitIn(type="cpu", limit=1)]),
            )
    assert caught.value.status_code == 500 and "<" not in str(caught.value)


async def test_delete_then_it_is_gone(any_demo_server) -> None:
    async with client_for(any_demo_server) as client:
        victim = (await client.policies.list()).items[0]
        assert await client.policies.delete(victim.uuid) is None
        with pytest.raises(errors.NotFound):
            await client.policies.get(victim.uuid)
        with pytest.raises(errors.NotFound) as caught:
            await client.policies.delete(victim.uuid)
        assert await client.policies.count() == 59
    assert str(caught.value) == "Not found: No OfferingUsagePolicy matches the given query."


async def test_owner_cannot_touch_what_it_does_not_provide(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as staff:
        offerings = await staff.offerings()
        groups = await staff.organization_groups()
        policies = [p async for page in staff.policies.walk() for p in page.items]
    async with client_for(fresh_demo_server, OWNER_TOKEN) as owner:
        mine = {o.uuid for o in await owner.offerings()}
        foreign_offering = next(o for o in offerings if o.uuid not in mine)
        foreign_policy = next(p for p in policies if p.scope_uuid not in mine)
        with pytest.raises(errors.ValidationError) as caught:
            await owner.policies.create(policy_body(foreign_offering, groups))
        with pytest.raises(errors.NotFound):
            await owner.policies.get(foreign_policy.uuid)
        with pytest.raises(errors.NotFound):
            await owner.policies.delete(foreign_policy.uuid)
    assert caught.value.field_errors == {"scope": ["User is not allowed to configure policies."]}
    async with client_for(fresh_demo_server, PLAIN_TOKEN) as plain:
        with pytest.raises(errors.ValidationError):
            await plain.policies.create(policy_body(foreign_offering, groups))


async def test_find_created_after_an_uncertain_post(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups, limits=[("ram", 31337)])
        known = {p.uuid for p in (await client.policies.list(page_size=300)).items}
        assert await client.policies.find_created(body, known_uuids=known) is None
        created = await client.policies.create(body)
        found = await client.policies.find_created(body, known_uuids=known)
    assert found is not None and found.uuid == created.uuid
