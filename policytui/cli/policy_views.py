"""One policy as each output of the shell shows it: a JSON/YAML object (the server's own,
plus its headroom), a CSV row, a table row, and `show`'s document with names and units.

Kept stable on purpose, for scripts (README "Scripting"):

- ``usage`` is a decimal **string** ("412.50"), exact whatever the server sent (the 2024
  server sends usage as strings); ``limit`` an integer; ``ratio`` a number, usage / limit
  rounded to 4 places, or null for a limit of 0 or less (any usage at all is over it).
- ``headroom`` is null, with ``headroom_unavailable`` saying why, when no figure can be
  computed (the customer → group map is readable only by staff and the provider).
- CSV columns are :data:`CSV_COLUMNS`, in that order; lists inside a cell are joined
  with ";" (limits ``cpu=10000;ram=2048``, groups by name).

No pydantic at import time: a policy here is the model the command already made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policytui.api.actions import action_label, canonical_actions
from policytui.cli.table import Column

if TYPE_CHECKING:
    from policytui.cli.reading import Listed
    from policytui.headroom import LimitHeadroom
    from policytui.tui.catalog import Catalog

ALL_ORGANIZATIONS = "All organizations"

CSV_COLUMNS = (
    "uuid",
    "offering_uuid",
    "offering",
    "actions",
    "period",
    "groups",
    "apply_to_all",
    "limits",
    "has_fired",
    "fired_datetime",
    "created",
    "created_by",
    "highest_ratio",
    "highest_component",
    "headroom_unavailable",
)

#: On a narrow terminal whole columns go, in this order, before any cell is cut to
#: where it no longer reads: actions, period, limits, groups (uuid, fired and usage stay
#: whole always).
TABLE_COLUMNS = (
    Column("UUID"),
    Column("OFFERING", min_width=12),
    Column("ACTIONS", min_width=13, drop=1),
    Column("LIMITS", min_width=12, drop=3),
    Column("PERIOD", drop=2),
    Column("GROUPS", min_width=12, drop=4),
    Column("FIRED"),
    Column("USAGE"),
)


def ratio_number(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 4)


def usage_text(value: Any) -> str:
    """A Decimal as a plain decimal string, never in exponent form ("1E+3")."""
    return format(value, "f")


def limit_headroom(limit: LimitHeadroom) -> dict[str, Any]:
    return {
        "type": limit.type,
        "limit": limit.limit,
        "usage": usage_text(limit.usage),
        "ratio": ratio_number(limit.ratio),
        "over": limit.over,
        # The server checks only the first limit (SEMANTICS.md): said on each limit.
        "checked": limit.checked,
    }


def listed_object(item: Listed) -> dict[str, Any]:
    """The server's object as sent, with ``headroom`` (and why not) added at the end."""
    out = dict(item.raw)
    if item.headroom is not None:
        out["headroom"] = [limit_headroom(x) for x in item.headroom.limits]
    else:
        out["headroom"] = None
        out["headroom_unavailable"] = item.unavailable or "usage not computed"
    return out


def offering_name(item: Listed, catalog: Catalog) -> str:
    offering = catalog.offering(item.policy.scope_uuid)
    return (offering.name if offering else "") or item.policy.scope_name or ""


def group_labels(item: Listed, catalog: Catalog) -> list[str]:
    if item.policy.apply_to_all:
        return [ALL_ORGANIZATIONS]
    return [catalog.group_label(url) for url in item.policy.organization_groups]


def action_labels(item: Listed) -> list[str]:
    return [action_label(a) for a in canonical_actions(item.policy.actions)]


def limits_text(item: Listed, sep: str = ";") -> str:
    return sep.join(f"{c.type}={c.limit}" for c in item.policy.component_limits_set)


def highest(item: Listed) -> tuple[float | None, str, bool]:
    """(highest ratio, that limit's component type, some limit is over)."""
    from policytui.headroom import summarize

    if item.headroom is None:
        return None, "", False
    top = summarize(item.headroom)
    if top is None:
        return None, "", False
    limit = next(x for x in item.headroom.limits if x.label == top.label)
    return top.ratio, limit.type, top.over


def usage_cell(item: Listed) -> str:
    """``CPU 96 %``; ``n/a`` when no figure could be computed; ``-`` with no limits."""
    from policytui.headroom import summarize

    if item.headroom is None:
        return "n/a"
    top = summarize(item.headroom)
    return top.text if top is not None and top.text else "-"


def csv_row(item: Listed, catalog: Catalog) -> list[str]:
    ratio, component, _ = highest(item)
    raw = item.raw
    policy = item.policy
    return [
        policy.uuid,
        policy.scope_uuid or "",
        offering_name(item, catalog),
        ";".join(canonical_actions(policy.actions)),
        policy.period_label,
        ";".join(group_labels(item, catalog)),
        "" if policy.apply_to_all is None else str(policy.apply_to_all).lower(),
        limits_text(item),
        str(policy.has_fired).lower(),
        str(raw.get("fired_datetime") or ""),
        str(raw.get("created") or ""),
        policy.creator,
        "" if ratio is None else str(ratio_number(ratio)),
        component,
        item.unavailable or "",
    ]


def table_row(item: Listed, catalog: Catalog) -> list[str]:
    policy = item.policy
    return [
        policy.uuid,
        offering_name(item, catalog),
        ", ".join(action_labels(item)),
        limits_text(item, " "),
        policy.period_label,
        ", ".join(group_labels(item, catalog)),
        "yes" if policy.has_fired else "no",
        usage_cell(item),
    ]


def show_document(item: Listed, catalog: Catalog) -> dict[str, Any]:
    """`show`: the policy with its offering, groups and components named, units and
    headroom per limit, what the server checks, then the object exactly as sent."""
    policy = item.policy
    offering = catalog.offering(policy.scope_uuid)
    by_type = {x.type: x for x in item.headroom.limits} if item.headroom else {}
    limits = []
    for index, c in enumerate(policy.component_limits_set):
        component = catalog.component(policy.scope_uuid, c.type)
        entry: dict[str, Any] = {
            "type": c.type,
            "name": (component.name if component else "") or c.type,
            "unit": component.measured_unit if component else "",
            "limit": c.limit,
        }
        found = by_type.get(c.type)
        if found is not None:
            entry["usage"] = usage_text(found.usage)
            entry["ratio"] = ratio_number(found.ratio)
            entry["over"] = found.over
        entry["checked"] = index == 0
        limits.append(entry)
    doc: dict[str, Any] = {
        "uuid": policy.uuid,
        "offering": {
            "uuid": policy.scope_uuid,
            "name": offering_name(item, catalog),
            "provider": (offering.customer_name if offering else None) or "",
        },
        "actions": canonical_actions(policy.actions),
        "period": policy.period_label,
        "organization_groups": [
            {"uuid": url.rstrip("/").rsplit("/", 1)[-1], "name": catalog.group_label(url)}
            for url in policy.organization_groups
        ],
        **({} if policy.apply_to_all is None else {"apply_to_all": policy.apply_to_all}),
        "component_limits": limits,
        "has_fired": policy.has_fired,
        "fired_datetime": item.raw.get("fired_datetime"),
        "created": item.raw.get("created"),
        "created_by": policy.creator,
    }
    if item.headroom is not None:
        doc["usage_window"] = item.headroom.window.words
        if len(policy.component_limits_set) > 1:
            doc["note"] = "The server checks only the first limit; the others never fire it."
        if item.headroom.reason_text:
            doc["why"] = item.headroom.reason_text
    else:
        doc["headroom_unavailable"] = item.unavailable or "usage not computed"
    doc["as_sent"] = item.raw
    return doc
