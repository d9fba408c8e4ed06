"""`policytui export`: the server's policies as a readable, stable, diff-friendly document.

Stable means the same policies give the same bytes: offerings in name order (then uuid),
each offering's policies in the order they were created (then uuid), so a policy made
later lands at the end and a diff shows it as added lines; every key in one fixed order;
groups by name; actions in the canonical order. Read-only fields (created, has_fired,
fired_datetime, url, created_by…) are left out: the file holds what a person may change.
Names sit beside uuids for people; the uuids are what ``apply`` matches on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from policytui.cli.policy_file.model import (
    PERIOD_WORDS,
    Catalog,
    StoredPolicy,
)

HEADER = (
    "# Offering usage policies, exported by policytui.\n"
    "# Edit, then check with `policytui apply -f FILE --dry-run`.\n"
    "# A policy without a uuid is created; names are checked against the server.\n"
)


def build(
    catalog: Catalog, policies: Iterable[StoredPolicy], *, offerings: Iterable[str] = ()
) -> dict[str, Any]:
    """The document as plain data: ``offerings`` are listed even with no policy (an
    ``--offering`` export of an empty offering still says which one it was)."""
    by_offering: dict[str, list[StoredPolicy]] = {uuid: [] for uuid in offerings}
    for policy in policies:
        by_offering.setdefault(policy.offering_uuid, []).append(policy)
    entries = []
    for uuid in sorted(by_offering, key=lambda u: (catalog.offering_name(u), u)):
        ordered = sorted(by_offering[uuid], key=lambda p: (p.created, p.uuid))
        entries.append(
            {
                "name": catalog.offering_name(uuid),
                "uuid": uuid,
                "policies": [policy_entry(p, catalog) for p in ordered],
            }
        )
    return {"offerings": entries}


def policy_entry(policy: StoredPolicy, catalog: Catalog) -> dict[str, Any]:
    values = policy.values
    features = catalog.features
    entry: dict[str, Any] = {"uuid": policy.uuid, "actions": list(values.actions)}
    entry["period"] = PERIOD_WORDS.get(values.period, str(values.period))
    if features.apply_to_all and values.apply_to_all:
        entry["apply_to_all"] = True
    else:
        groups = sorted(values.organization_groups, key=lambda g: (catalog.group_name(g), g))
        entry["organization_groups"] = [_group(g, catalog) for g in groups]
    offering = catalog.offerings.get(policy.offering_uuid)
    entry["component_limits"] = [
        _limit(type_, limit, offering.component(type_) if offering else None)
        for type_, limit in values.component_limits
    ]
    if features.options and values.options:
        entry["options"] = {key: values.options[key] for key in sorted(values.options)}
    return entry


def _group(uuid: str, catalog: Catalog) -> dict[str, str]:
    group = catalog.groups.get(uuid)
    return {"name": group.label, "uuid": uuid} if group else {"uuid": uuid}


def _limit(type_: str, limit: int, component: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": type_}
    if component is not None and component.name:
        entry["name"] = component.name
    entry["limit"] = limit
    if component is not None and component.unit:
        entry["unit"] = component.unit
    return entry


def render(document: dict[str, Any], output: str) -> str:
    """The document as YAML (with a header comment) or JSON, ending with a newline."""
    if output == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    import yaml

    from policytui.cli.policy_file.located import gc_paused

    # libyaml's emitter where PyYAML has it (the same bytes, three times faster).
    with gc_paused():
        body = yaml.dump(
            document,
            Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
            indent=2,
        )
    return HEADER + body
