"""The plan and the problems as people read them, terraform-style: ``+ create``,
``~ update`` field by field (``old → new``), ``- delete``, and a count of the unchanged.

Values are said in the file's own words (action names, period words, group and
component names) so a line of the plan can be found in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from policytui.cli.policy_file.model import (
    FIELD_WORDS,
    PERIOD_WORDS,
    Catalog,
    PolicyValues,
    Problem,
    compared_fields,
)
from policytui.cli.policy_file.plan import Create, Delete, Plan, Step, Update


def arrow(encoding: str | None) -> str:
    """``→``, or ``->`` where the output cannot carry it (a Latin-1 terminal). A stream
    that names no encoding holds text, not bytes: it carries anything."""
    try:
        "→".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "->"
    return "→"


def value_words(name: str, values: PolicyValues, catalog: Catalog, offering_uuid: str) -> str:
    if name == "actions":
        return ", ".join(values.actions) or "(none)"
    if name == "period":
        return PERIOD_WORDS.get(values.period, str(values.period))
    if name == "organization_groups":
        names = sorted(catalog.group_name(g) for g in values.organization_groups)
        return ", ".join(names) or "(none)"
    if name == "apply_to_all":
        return "yes" if values.apply_to_all else "no"
    if name == "component_limits":
        return limits_words(values.component_limits, catalog, offering_uuid)
    if name == "options":
        return json.dumps(values.options, sort_keys=True) if values.options else "(none)"
    raise ValueError(name)


def limits_words(limits: Iterable[tuple[str, int]], catalog: Catalog, offering_uuid: str) -> str:
    offering = catalog.offerings.get(offering_uuid)
    parts = []
    for type_, limit in limits:
        component = offering.component(type_) if offering else None
        name = component.name if component and component.name else type_
        unit = f" {component.unit}" if component and component.unit else ""
        parts.append(f"{name} {limit}{unit}")
    return ", ".join(parts) or "(none)"


def step_title(step: Step) -> str:
    if isinstance(step, Create):
        return f"+ create (line {step.wanted.line})"
    if isinstance(step, Update):
        return f"~ update {step.stored.uuid} (line {step.wanted.line})"
    return f"- delete {step.stored.uuid} (not in the file; --prune)"


def step_offering(step: Step) -> str:
    return (
        step.stored.offering_uuid
        if isinstance(step, Update | Delete)
        else step.wanted.offering_uuid
    )


def render_plan(plan: Plan, catalog: Catalog, *, to: str = "→") -> list[str]:
    lines: list[str] = []
    fields = compared_fields(catalog.features)
    offering = None
    for step in plan.steps:
        uuid = step_offering(step)
        if uuid != offering:
            offering = uuid
            lines.append(f"{catalog.offering_name(uuid)} ({uuid})")
        lines.append(f"  {step_title(step)}")
        if isinstance(step, Update):
            for name in step.fields:
                old = value_words(name, step.stored.values, catalog, uuid)
                new = value_words(name, step.wanted.values, catalog, uuid)
                lines.append(f"      {FIELD_WORDS[name]}: {old} {to} {new}")
            values = step.wanted.values if "component_limits" in step.fields else None
        else:
            values = step.wanted.values if isinstance(step, Create) else step.stored.values
            for name in fields:
                if name == "apply_to_all" and not values.apply_to_all:
                    continue
                if name == "organization_groups" and values.apply_to_all:
                    continue  # every customer: the groups are none by definition
                if name == "options" and not values.options:
                    continue
                words = value_words(name, values, catalog, uuid)
                lines.append(f"      {FIELD_WORDS[name]}: {words}")
            if isinstance(step, Delete):
                values = None
        if values is not None and len(values.component_limits) > 1:
            first = limits_words(values.component_limits[:1], catalog, uuid)
            lines.append(
                f"      note: the server checks only the first limit ({first}) "
                "to decide whether the policy fires"
            )
    lines.extend(summary(plan))
    return lines


def summary(plan: Plan) -> list[str]:
    unchanged = len(plan.unchanged)
    lines = []
    if not plan.steps:
        lines.append(f"No changes. {_policies(unchanged)} as the file says.")
    else:
        creates, updates, deletes = (plan.count(k) for k in (Create, Update, Delete))
        lines.append(
            f"Plan: {creates} to create, {updates} to update, {deletes} to delete, "
            f"{unchanged} unchanged."
        )
    matched = [u for u in plan.unchanged if u.by_content]
    if matched:
        lines.append(
            f"{_policies(len(matched))} without a uuid in the file "
            f"{'is' if len(matched) == 1 else 'are'} on the server already (same offering and "
            "values): " + ", ".join(f"line {u.wanted.line} is {u.stored.uuid}" for u in matched)
        )
    if plan.kept:
        shown = ", ".join(p.uuid for p in plan.kept[:10]) + (", …" if len(plan.kept) > 10 else "")
        lines.append(
            f"{_policies(len(plan.kept))} of these offerings "
            f"{'is' if len(plan.kept) == 1 else 'are'} not in the file and kept "
            f"(--prune deletes them): {shown}"
        )
    return lines


def _policies(count: int) -> str:
    return f"{count} {'policy' if count == 1 else 'policies'}"


def render_problems(problems: list[Problem], file_name: str) -> list[str]:
    """``FILE:LINE: message``, as compilers write it (editors jump to it)."""
    count = len(problems)
    lines = [
        f"{file_name}:{p.line}: {p.message}" if p.line else f"{file_name}: {p.message}"
        for p in problems
    ]
    lines.append(
        f"{count} {'problem' if count == 1 else 'problems'} in {file_name}: nothing was written."
    )
    return lines
