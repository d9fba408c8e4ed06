"""What `apply` would do: the file's policies matched to the server's, as a plan.

Matching: a policy with a uuid is that policy (it must be on the server, in that
offering: moving a policy between offerings is not offered, since its limits would still
name the old offering's components). A policy without a uuid is a create, unless an
identical policy of the same offering that no other entry claims is on the server: then
it is that one, unchanged. So after an `apply` created it, the same file applies again
as "No changes." without editing uuids in (the oldest identical policy is matched first,
so two identical entries match two identical policies).

With ``prune``, the policies of the file's offerings that no entry matched are deleted.
Checks that depend on the server's copy (may this policy be written so?) are here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from policytui.cli.policy_file.model import (
    NOTIFY_EXTERNAL_USER,
    Catalog,
    PolicyValues,
    Problem,
    StoredPolicy,
    WantedOffering,
    WantedPolicy,
    compared_fields,
)


@dataclass(frozen=True)
class Create:
    wanted: WantedPolicy


@dataclass(frozen=True)
class Update:
    wanted: WantedPolicy
    stored: StoredPolicy
    #: The fields that change, in the plan's order; only these are sent.
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Delete:
    stored: StoredPolicy


Step = Create | Update | Delete


@dataclass(frozen=True)
class Unchanged:
    wanted: WantedPolicy
    stored: StoredPolicy
    #: Matched by content (the entry has no uuid): the file could name it.
    by_content: bool = False


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    unchanged: list[Unchanged] = field(default_factory=list)
    #: Policies of the file's offerings that no entry names, kept (no ``--prune``).
    kept: list[StoredPolicy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, kind: type) -> int:
        return sum(isinstance(step, kind) for step in self.steps)


def differences(old: PolicyValues, new: PolicyValues, fields: list[str]) -> tuple[str, ...]:
    return tuple(name for name in fields if getattr(old, name) != getattr(new, name))


def _key(values: PolicyValues, fields: list[str]) -> tuple[object, ...]:
    """Equal for values without differences in ``fields``: policies are matched by it
    through a dict, not by comparing each with every other (10 000 policies in a file)."""
    return tuple(
        json.dumps(values.options, sort_keys=True) if name == "options" else getattr(values, name)
        for name in fields
    )


def make_plan(
    wanted: list[WantedOffering],
    stored: dict[str, list[StoredPolicy]],
    elsewhere: dict[str, StoredPolicy | None],
    catalog: Catalog,
    *,
    prune: bool = False,
) -> Plan:
    """``stored``: the policies of each of the file's offerings; ``elsewhere``: what the
    server holds under a file's uuid that is not among its offering's (None: nothing)."""
    plan = Plan()
    fields = compared_fields(catalog.features)
    for offering in wanted:
        own = sorted(stored.get(offering.uuid, []), key=lambda p: (p.created, p.uuid))
        by_uuid = {p.uuid: p for p in own}
        # Oldest first, so two identical entries match two identical policies in order.
        by_values: dict[tuple[object, ...], list[StoredPolicy]] = {}
        for stored_policy in own:
            by_values.setdefault(_key(stored_policy.values, fields), []).append(stored_policy)
        claimed: set[str] = set()
        _same_in_file(offering, fields, plan)
        # Entries with a uuid claim their policy first, so content never takes one of them.
        for policy in offering.policies:
            if policy.uuid is None:
                continue
            match = by_uuid.get(policy.uuid)
            if match is None:
                plan.problems.append(_not_here(policy, elsewhere, catalog))
                continue
            claimed.add(match.uuid)
        for policy in offering.policies:
            if policy.uuid is not None:
                match = by_uuid.get(policy.uuid)
                if match is None:
                    continue
                changed = differences(match.values, policy.values, fields)
                if changed:
                    plan.steps.append(Update(policy, match, changed))
                    plan.problems.extend(_may_update(policy, match, changed, catalog))
                else:
                    plan.unchanged.append(Unchanged(policy, match))
                continue
            candidates = by_values.get(_key(policy.values, fields), [])
            same = next((p for p in candidates if p.uuid not in claimed), None)
            if same is not None:
                claimed.add(same.uuid)
                plan.unchanged.append(Unchanged(policy, same, by_content=True))
                continue
            plan.steps.append(Create(policy))
            plan.problems.extend(_may_create(policy, catalog))
        rest = [p for p in own if p.uuid not in claimed]
        if prune:
            plan.steps.extend(Delete(p) for p in rest)
        else:
            plan.kept.extend(rest)
    # Deletes go last: whatever fails, the new and changed policies are written first.
    plan.steps.sort(key=lambda step: isinstance(step, Delete))
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _same_in_file(offering: WantedOffering, fields: list[str], plan: Plan) -> None:
    """Two identical entries of one offering, one without a uuid: a copy whose edit was
    forgotten (identical policies fire together)."""
    seen: dict[tuple[object, ...], list[WantedPolicy]] = {}
    for policy in offering.policies:
        earlier = seen.setdefault(_key(policy.values, fields), [])
        twin = next((e for e in earlier if e.uuid is None or policy.uuid is None), None)
        if twin is not None:
            plan.problems.append(
                Problem(
                    policy.line,
                    f"this policy is the same as the one on line {twin.line}: "
                    "identical policies fire together; change or remove one",
                )
            )
        earlier.append(policy)


def _not_here(
    policy: WantedPolicy, elsewhere: dict[str, StoredPolicy | None], catalog: Catalog
) -> Problem:
    assert policy.uuid is not None
    line = policy.line_of("uuid")
    found = elsewhere.get(policy.uuid)
    if found is None:
        return Problem(
            line,
            f"no policy {policy.uuid} on the server (deleted?): "
            "remove the uuid line to create it anew",
        )
    return Problem(
        line,
        f"policy {policy.uuid} belongs to {catalog.offering_name(found.offering_uuid)} on the "
        f"server, not {catalog.offering_name(policy.offering_uuid)}: policies are not moved "
        "between offerings; remove the uuid line to create a copy here",
    )


def _limits_problems(
    policy: WantedPolicy, stored: StoredPolicy | None, catalog: Catalog
) -> list[Problem]:
    """Limits that are about to be sent."""
    line = policy.line_of("component_limits")
    limits = policy.values.component_limits
    problems = list(policy.stray_limits)
    if not limits:
        problems.append(
            Problem(line, "give at least one component limit (sending none deletes every limit)")
        )
    features = catalog.features
    if features.one_limit and stored is not None and len(stored.values.component_limits) > 1:
        problems.append(
            Problem(
                line,
                "this server (a 2024 Waldur) cannot change the limits of a policy that holds "
                f"several ({len(stored.values.component_limits)}): it answers a server error "
                "every time; remove the uuid line to create the policy anew, and --prune the "
                "old one",
            )
        )
    elif features.one_limit and len(limits) > 1:
        problems.append(one_limit_problem(line, limits))
    return problems


def one_limit_problem(line: int, limits: tuple[tuple[str, int], ...]) -> Problem:
    """Several limits sent to a 2024 server, which would keep only the last."""
    kept = limits[-1]
    return Problem(
        line,
        "this server (a 2024 Waldur) keeps one component limit per policy: each limit "
        f"sent overwrites the one before, so it would store only {kept[0]} {kept[1]}; "
        "list one limit",
    )


def _addresses_problem(policy: WantedPolicy, catalog: Catalog) -> list[Problem]:
    values = policy.values
    if (
        catalog.features.options
        and NOTIFY_EXTERNAL_USER in values.actions
        and not values.options.get(NOTIFY_EXTERNAL_USER)
    ):
        return [
            Problem(
                policy.line_of("actions"),
                "notify_external_user needs the addresses to notify: "
                "options: {notify_external_user: a@example.org,b@example.org}",
            )
        ]
    return []


def _may_create(policy: WantedPolicy, catalog: Catalog) -> list[Problem]:
    return _limits_problems(policy, None, catalog) + _addresses_problem(policy, catalog)


def _may_update(
    policy: WantedPolicy, stored: StoredPolicy, changed: tuple[str, ...], catalog: Catalog
) -> list[Problem]:
    problems = []
    if "component_limits" in changed:
        problems += _limits_problems(policy, stored, catalog)
    if "actions" in changed or "options" in changed:
        problems += _addresses_problem(policy, catalog)
    return problems
