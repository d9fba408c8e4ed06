"""What the language reads of a policy: names from the catalog when it is there, the
policy's own fields until it is; and the same answers over the demo server's real data."""

from __future__ import annotations

from query_samples import BALTICS, NOW, group_url, make_catalog, make_policy

from policytui.query import facts_from, parse


def test_without_the_catalog_a_policy_is_named_by_what_it_carries() -> None:
    policy = make_policy(
        "p",
        component_limits_set=[{"type": "cpu", "limit": 5}],
        organization_groups=[group_url(BALTICS)],
    )
    bare = facts_from(policy)
    assert bare.offering == "acme hpc cluster"  # the policy's scope_name
    assert bare.provider == ""
    assert bare.groups_text == BALTICS[:8]  # as the list shows it before the catalog
    assert [(c.type, c.name) for c in bare.components] == [("cpu", "cpu")]
    named = facts_from(policy, make_catalog())
    assert named.provider == "acme hpc" and named.groups_text == "baltics"
    # A filter by group name finds it only once the names are known.
    assert not parse("group:baltics").matches(bare, NOW)
    assert parse("group:baltics").matches(named, NOW)


def test_a_child_group_is_named_with_its_parent_from_the_parent_url() -> None:
    from query_samples import NORDIC_UNI

    policy = make_policy("p", organization_groups=[group_url(NORDIC_UNI)])
    assert facts_from(policy, make_catalog()).groups_text == "nordics \u203a nordic uni"


def test_an_unknown_action_is_searched_by_its_name_and_humanised_label() -> None:
    facts = facts_from(make_policy("p", actions="restrict_members"), make_catalog())
    assert facts.actions_text == "restrict members\x1erestrict_members"
    assert parse("action:restrict").matches(facts, NOW)
    assert parse('"restrict members"').matches(facts, NOW)


def test_a_policy_missing_what_servers_may_omit_still_has_facts() -> None:
    from policytui.api.models import OfferingUsagePolicy

    policy = OfferingUsagePolicy.model_validate({"uuid": "bare"})
    facts = facts_from(policy, make_catalog())
    assert facts.created_at is None and facts.fired_at is None and facts.creator_text == ""
    assert parse("-created:<7d -fired:yes limits:0").matches(facts, NOW)


async def test_over_the_demo_servers_policies_each_field_agrees_with_the_models(
    demo_server,
) -> None:
    """Every policy the client reads, named by the app's own catalog loaded from the
    server: each term finds exactly the policies the models say it should."""
    from policytui.api import WaldurClient
    from policytui.demo import DEMO_NOW, STAFF_TOKEN
    from policytui.tui.catalog import Catalog

    async with WaldurClient(demo_server.url, STAFF_TOKEN) as client:
        policies = [p async for page in client.policies.walk() for p in page.items]
        catalog = await Catalog().load(client)
    facts = [facts_from(p, catalog) for p in policies]
    assert len(facts) > 20

    def chosen(text: str) -> list[str]:
        query = parse(text)
        assert not query.problems
        return [f.uuid for f in query.select(facts, DEMO_NOW)]

    def where(keep) -> list[str]:
        return [p.uuid for p in policies if keep(p)]

    fired = where(lambda p: p.has_fired)
    assert fired and chosen("fired:yes") == fired
    assert chosen("-fired:yes") == where(lambda p: not p.has_fired)
    cpu = sorted(c.limit for p in policies for c in p.component_limits_set if c.type == "cpu")
    middle = cpu[len(cpu) // 2]
    assert chosen(f"limit:cpu>{middle}") == where(
        lambda p: any(c.type == "cpu" and c.limit > middle for c in p.component_limits_set)
    )
    assert chosen("limits:>1") == where(lambda p: len(p.component_limits_set) > 1)
    nordics = next(g for g in catalog.groups.values() if g.name == "Nordics")
    in_nordics = where(
        lambda p: any(
            (g := catalog.group(url)) is not None and nordics.name in (g.name, g.parent_name or "")
            for url in p.organization_groups
        )
    )
    assert in_nordics and chosen("group:nordics") == in_nordics
    gpu = next(o for o in catalog.offerings.values() if "GPU" in o.name)
    assert chosen(f'offering:"{gpu.name}"') == where(lambda p: p.scope_uuid == gpu.uuid)
    provider = gpu.customer_name or ""
    assert chosen(f'provider:"{provider}"') == where(
        lambda p: (catalog.offering(p.scope_uuid).customer_name or "") == provider
    )
