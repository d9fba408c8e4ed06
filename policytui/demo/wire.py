"""The policy as it goes over the wire, field order as in the captures."""

from __future__ import annotations

from typing import Any

from policytui.demo.catalog import GROUPS_BY_UUID, OFFERINGS_BY_UUID, PERIOD_NAMES
from policytui.demo.responses import dumps
from policytui.demo.sample import COLUMNS
from policytui.demo.store import Policy

#: Each policy's JSON as last rendered, keyed by its stored row (so any write, which
#: changes the row, misses), the base URL and the server flavour. Rendering a policy in
#: Python was most of a list page's time (20 ms per 300, a floor under every client's walk).
_FRAGMENTS: dict[tuple[object, ...], bytes] = {}
#: Enough for the 100 000-policy benchmarks in both page sizes' worth of base URLs.
_MAX_FRAGMENTS = 250_000

POLICIES_PATH = "/api/marketplace-offering-usage-policies/"
OFFERINGS_PATH = "/api/marketplace-provider-offerings/"
GROUPS_PATH = "/api/organization-groups/"


def policy_url(base: str, uuid: str) -> str:
    return f"{base}{POLICIES_PATH}{uuid}/"


def affected_resources_count(policy: Policy) -> int:
    """What a real server reports for an offering usage policy: 0.

    The server counts resources paused, downscaled or member-restricted by the actions
    ``request_pausing``, ``request_downscaling`` and ``restrict_members``, which an
    offering usage policy cannot hold (SEMANTICS.md), so the count never moves from 0.
    """
    return 0


def render_policy(policy: Policy, base: str, *, quirks: bool) -> dict[str, Any]:
    offering = OFFERINGS_BY_UUID.get(policy.scope_uuid)
    groups = sorted(
        (GROUPS_BY_UUID[g] for g in policy.groups if g in GROUPS_BY_UUID), key=lambda g: g.name
    )
    body: dict[str, Any] = {
        "uuid": policy.uuid,
        "url": policy_url(base, policy.uuid),
        "scope": f"{base}{OFFERINGS_PATH}{policy.scope_uuid}/",
        "scope_name": offering.name if offering else "",
        "scope_uuid": policy.scope_uuid,
        "actions": policy.actions,
        "created": policy.created,
        "created_by_full_name": policy.created_by_full_name,
        "created_by_username": policy.created_by_username,
        "has_fired": policy.has_fired,
        "fired_datetime": policy.fired_datetime,
    }
    if not quirks:
        body["options"] = policy.options
    body["organization_groups"] = [f"{base}{GROUPS_PATH}{g.uuid}/" for g in groups]
    if not quirks:
        body["apply_to_all"] = policy.apply_to_all
    body["component_limits_set"] = [{"type": t, "limit": v} for t, v in policy.limits]
    body["period"] = policy.period
    body["period_name"] = PERIOD_NAMES.get(policy.period, "")
    if not quirks:
        body["affected_resources_count"] = affected_resources_count(policy)
    return body


def policy_list_json(rows: list[tuple[object, ...]], base: str, *, quirks: bool) -> bytes:
    """A list page's body, byte for byte ``dumps([render_policy(...), ...])``."""
    fragments = []
    cache = _FRAGMENTS
    for row in rows:
        key = (row, base, quirks)
        fragment = cache.get(key)
        if fragment is None:
            policy = Policy.from_row(dict(zip(COLUMNS, row, strict=True)))  # type: ignore[arg-type]
            fragment = dumps(render_policy(policy, base, quirks=quirks))
            if len(cache) >= _MAX_FRAGMENTS:
                cache.clear()
            cache[key] = fragment
        fragments.append(fragment)
    return b"[" + b",".join(fragments) + b"]"
