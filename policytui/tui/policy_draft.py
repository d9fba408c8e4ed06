"""The editor's form as plain data: check it, turn it into request bodies, compare versions.

No Textual here. A :class:`PolicyDraft` is what the user typed; :func:`check_draft`
turns it into a :class:`PolicyCreate` or field and row errors; :func:`policy_values`
and :func:`body_values` reduce a stored policy and a request body to the same
comparable shape, so a PATCH carries only what changed, a conflict is "the stored
values moved since the form opened", and read-after-write is "stored != sent".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from policytui.api import (
    ComponentLimitIn,
    OfferingUsagePolicy,
    Period,
    PolicyCreate,
    PolicyPatch,
    action_label,
)
from policytui.api.actions import canonical_actions
from policytui.api.models import external_addresses
from policytui.tui.catalog import Catalog
from policytui.tui.format import exact_time
from policytui.tui.validation import (
    FieldError,
    duplicate_indices,
    format_options,
    parse_emails,
    parse_limit,
    parse_options,
    require_actions,
    unknown_types,
)

NOTIFY_EXTERNAL = "notify_external_user"


class EditorMode(StrEnum):
    """What the form is for: a new policy, changing one, or a copy of one."""

    NEW = "new"
    EDIT = "edit"
    DUPLICATE = "duplicate"


#: Field names in the order the form and the diff show them.
FIELD_LABELS: dict[str, str] = {
    "scope": "Offering",
    "actions": "Actions",
    "component_limits_set": "Component limits",
    "period": "Period",
    "organization_groups": "Organization groups",
    "apply_to_all": "Apply to all",
    "options": "Options",
}


@dataclass
class PolicyDraft:
    """Everything the form holds, as typed (limits stay text until checked)."""

    offering_uuid: str | None = None
    actions: list[str] = field(default_factory=list)
    emails_text: str = ""
    limits: list[tuple[str | None, str]] = field(default_factory=lambda: [(None, "")])
    period: Period = Period.MONTH_1
    groups: list[str] = field(default_factory=list)  # organization-group URLs
    apply_to_all: bool = False
    options_text: str = "{}"

    @classmethod
    def from_policy(cls, policy: OfferingUsagePolicy) -> PolicyDraft:
        options = dict(policy.options or {})
        # Either shape the server sent (a string or a list), shown one way.
        emails_text = ", ".join(external_addresses(options))
        options.pop(NOTIFY_EXTERNAL, None)
        return cls(
            offering_uuid=policy.scope_uuid or uuid_of(policy.scope) or None,
            actions=list(policy.actions),
            emails_text=emails_text,
            limits=[(c.type, str(c.limit)) for c in policy.component_limits_set] or [(None, "")],
            period=policy.period,
            groups=list(policy.organization_groups),
            apply_to_all=bool(policy.apply_to_all),
            options_text=format_options(options),
        )


@dataclass
class DraftErrors:
    """Messages to show beside fields (by field name) and beside limit rows (by index)."""

    fields: dict[str, str] = field(default_factory=dict)
    rows: dict[int, str] = field(default_factory=dict)
    banner: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows or self.banner)

    @property
    def count(self) -> int:
        return len(self.fields) + len(self.rows) + len(self.banner)


@dataclass(frozen=True)
class ServerFeatures:
    """What the server in front of us understands (the 2024 server lacks both)."""

    options: bool = True
    apply_to_all: bool = True
    #: The 2024 server rejects a policy without organization groups.
    groups_required: bool = False
    #: The 2024 server keeps one component limit per policy (each limit sent overwrites
    #: the one before, the last survives) and answers 500 to a write of the limits of a
    #: policy that somehow holds several.
    one_limit: bool = False


def detect_features(policy: OfferingUsagePolicy | None, actions: list[str]) -> ServerFeatures:
    """Does this server know `options` and `apply_to_all`, and does it keep more than one
    limit per policy? A policy read tells for sure (the 2024 server, which keeps one,
    sends no `apply_to_all`); without one, offering `notify_external_user` marks a
    current (post-2024) server. A create that came back with one limit of several sent
    confirms a one-limit server later (``policy_save.ReadBack.collapsed``)."""
    if policy is not None:
        newer = "apply_to_all" in policy.model_fields_set
        return ServerFeatures(
            options="options" in policy.model_fields_set,
            apply_to_all=newer,
            groups_required=not newer,
            one_limit=not newer,
        )
    newer = NOTIFY_EXTERNAL in actions
    return ServerFeatures(
        options=newer, apply_to_all=newer, groups_required=not newer, one_limit=not newer
    )


def uuid_of(url: str | None) -> str:
    return (url or "").rstrip("/").rsplit("/", 1)[-1]


def check_draft(
    draft: PolicyDraft,
    catalog: Catalog,
    features: ServerFeatures,
    offering_url: str,
) -> tuple[PolicyCreate | None, DraftErrors]:
    """Check everything the client can check; return the body to send or the errors."""
    errors = DraftErrors()
    offering = catalog.offering(draft.offering_uuid)
    if offering is None:
        errors.fields["scope"] = "Choose the offering this policy belongs to."

    actions: list[str] = []
    try:
        actions = require_actions(draft.actions)
    except FieldError as exc:
        errors.fields["actions"] = str(exc)
    if catalog.actions:
        unavailable = [a for a in actions if a not in catalog.actions]
        if unavailable:
            errors.fields["actions"] = (
                f"This server does not offer {', '.join(unavailable)}: untick it."
            )

    options: dict[str, Any] = {}
    if features.options:
        try:
            options = parse_options(draft.options_text)
        except FieldError as exc:
            errors.fields["options"] = str(exc)
    if NOTIFY_EXTERNAL in actions:
        try:
            options[NOTIFY_EXTERNAL] = parse_emails(draft.emails_text)
        except FieldError as exc:
            errors.fields["emails"] = str(exc)
    else:
        options.pop(NOTIFY_EXTERNAL, None)
    # Options are keyed by action name; the server has no handler for any other key and
    # answers 500 (SEMANTICS.md), so say so here instead of sending it.
    stray = [key for key in options if catalog.actions and key not in catalog.actions]
    if stray and "options" not in errors.fields:
        errors.fields["options"] = (
            f"Options are keyed by action name; {', '.join(repr(k) for k in stray)} "
            f"is not an action this server offers."
        )

    limits: list[ComponentLimitIn] = []
    types = [t for t, _ in draft.limits]
    known = [c.type for c in offering.components] if offering else []
    dupes = duplicate_indices(types)
    missing = set(unknown_types(types, known)) if offering else set()
    filled = [(i, t, v) for i, (t, v) in enumerate(draft.limits) if t or v.strip()]
    if not filled:
        errors.rows[0] = "Add at least one component limit."
    for index, type_, text in filled:
        if not type_:
            errors.rows[index] = "Choose a component for this limit."
            continue
        if index in dupes:
            errors.rows[index] = f"{type_!r} already has a limit above: one row per component."
            continue
        if type_ in missing:
            name = offering.name if offering else "this offering"
            errors.rows[index] = f"{type_!r} is not a component of {name}."
            continue
        try:
            limits.append(ComponentLimitIn(type=type_, limit=parse_limit(text)))
        except FieldError as exc:
            errors.rows[index] = str(exc)

    groups = [] if (features.apply_to_all and draft.apply_to_all) else list(draft.groups)
    if features.groups_required and not groups:
        errors.fields["organization_groups"] = "This server needs at least one organization group."
    elif features.apply_to_all and not draft.apply_to_all and not groups:
        errors.fields["organization_groups"] = (
            "Choose at least one organization group, or turn on 'apply to all'."
        )

    if errors:
        return None, errors
    body = PolicyCreate(
        scope=offering_url,
        actions=actions,
        organization_groups=groups,
        component_limits_set=limits,
        period=draft.period,
        options=options if features.options else None,
        apply_to_all=bool(draft.apply_to_all) if features.apply_to_all else None,
    )
    return body, errors


# -- comparable values -----------------------------------------------------------------


def _limits_key(limits: Any) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((c.type, int(c.limit)) for c in limits))


def policy_values(policy: OfferingUsagePolicy, features: ServerFeatures) -> dict[str, Any]:
    """A stored policy as comparable values (sets sorted, urls reduced to uuids)."""
    values: dict[str, Any] = {
        "scope": policy.scope_uuid or uuid_of(policy.scope),
        "actions": tuple(sorted(policy.actions)),
        "component_limits_set": _limits_key(policy.component_limits_set),
        "period": int(policy.period),
        "organization_groups": tuple(sorted(uuid_of(g) for g in policy.organization_groups)),
    }
    if features.apply_to_all:
        values["apply_to_all"] = bool(policy.apply_to_all)
    if features.options:
        values["options"] = json.dumps(policy.options or {}, sort_keys=True)
    return values


def body_values(body: PolicyCreate, features: ServerFeatures) -> dict[str, Any]:
    """A request body as the same comparable values as :func:`policy_values`."""
    values: dict[str, Any] = {
        "scope": uuid_of(body.scope),
        "actions": tuple(sorted(body.actions)),
        "component_limits_set": _limits_key(body.component_limits_set),
        "period": int(body.period),
        "organization_groups": tuple(sorted(uuid_of(g) for g in body.organization_groups)),
    }
    if features.apply_to_all:
        values["apply_to_all"] = bool(body.apply_to_all)
    if features.options:
        values["options"] = json.dumps(body.options or {}, sort_keys=True)
    return values


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Field names whose values differ, in form order."""
    return [name for name in FIELD_LABELS if name in new and old.get(name) != new.get(name)]


def build_patch(body: PolicyCreate, fields: list[str]) -> PolicyPatch:
    """A PATCH with only ``fields`` set (so nothing the user left alone is sent)."""
    data: dict[str, Any] = {}
    for name in fields:
        data[name] = getattr(body, name)
    return PolicyPatch(**data)


# -- human text --------------------------------------------------------------------------


def describe(name: str, value: Any, catalog: Catalog, offering_uuid: str | None) -> str:
    """One comparable value as a person reads it (component names, group names, labels)."""
    if name == "scope":
        offering = catalog.offering(value)
        return offering.name if offering else str(value)[:8]
    if name == "actions":
        # The one canonical order, as the list and the detail read them.
        return ", ".join(action_label(a) for a in canonical_actions(value)) or "(none)"
    if name == "component_limits_set":
        if not value:
            return "(none)"
        parts = []
        for type_, limit in value:
            component = catalog.component(offering_uuid, type_)
            unit = f" {component.measured_unit}" if component and component.measured_unit else ""
            label = component.label if component else type_
            parts.append(f"{label} {limit:,}{unit}".replace(",", "\u2009"))
        return ", ".join(parts)
    if name == "period":
        return Period(value).label
    if name == "organization_groups":
        if not value:
            return "(none)"
        labels = []
        for uuid in value:
            group = next((g for g in catalog.groups.values() if g.uuid == uuid), None)
            labels.append(catalog.group_label(group.url) if group else uuid[:8])
        return ", ".join(labels)
    if name == "apply_to_all":
        return "yes" if value else "no"
    if name == "options":
        return value if value != "{}" else "{}"
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


def describe_changes(
    old: dict[str, Any],
    new: dict[str, Any],
    fields: list[str],
    catalog: Catalog,
) -> list[Change]:
    """``old → new`` lines for ``fields``, in words."""
    old_offering = old.get("scope")
    new_offering = new.get("scope", old_offering)
    return [
        Change(
            name,
            FIELD_LABELS[name],
            describe(name, old.get(name), catalog, old_offering) if name in old else "(not set)",
            describe(name, new.get(name), catalog, new_offering) if name in new else "(not set)",
        )
        for name in fields
    ]


def stored_differently(sent: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """Fields the server stored differently from what was sent, in form order."""
    return [n for n in FIELD_LABELS if n in sent and n in stored and sent[n] != stored[n]]


def readback_differences(
    sent: dict[str, Any], stored: dict[str, Any], catalog: Catalog
) -> list[Change]:
    """What the server stored differently from what was sent (old=sent, new=stored)."""
    return describe_changes(sent, stored, stored_differently(sent, stored), catalog)


# -- a server that keeps one limit per policy (the 2024 server) ----------------------------


def limits_locked(policy: OfferingUsagePolicy | None, features: ServerFeatures) -> bool:
    """This server cannot change the limits of ``policy``: it holds several, and a PATCH
    or PUT of them answers 500 (MultipleObjectsReturned) however often it is sent."""
    return bool(policy and features.one_limit and len(policy.component_limits_set) > 1)


LOCKED_LIMITS = (
    "This server cannot change the limits of a policy that holds several limits "
    "(it answers a server error, however often it is sent)."
)


def limit_words(type_: str, limit: int, catalog: Catalog, offering_uuid: str | None) -> str:
    """``CPU 100 core-hours`` for one limit."""
    return describe("component_limits_set", ((type_, limit),), catalog, offering_uuid)


def kept_limit_note(
    limits: list[tuple[str, int]], catalog: Catalog, offering_uuid: str | None
) -> str:
    """What a one-limit server does with ``limits`` (in the order sent): keeps the last."""
    kept = limit_words(*limits[-1], catalog, offering_uuid)
    dropped = ", ".join(limit_words(t, v, catalog, offering_uuid) for t, v in limits[:-1])
    return (
        "This server keeps one component limit per policy: each limit sent overwrites the "
        f"one before, so it stores only the last, {kept}; {dropped} will not be stored."
    )


def one_limit_review(
    changes: list[Change],
    body: PolicyCreate,
    features: ServerFeatures,
    catalog: Catalog,
) -> tuple[list[Change], list[str]]:
    """The review's changes and notes as this server will store them: on a one-limit
    server "After save" shows the limit it keeps, and a note names the ones it drops."""
    sent = [(c.type, int(c.limit)) for c in body.component_limits_set]
    if not features.one_limit or len(sent) < 2:
        return changes, []
    offering_uuid = uuid_of(body.scope)
    kept = limit_words(*sent[-1], catalog, offering_uuid)
    shown = [
        Change(c.field, c.label, c.old, f"{kept} (the only one kept)")
        if c.field == "component_limits_set"
        else c
        for c in changes
    ]
    return shown, [kept_limit_note(sent, catalog, offering_uuid)]


def replacement_losses(policy: OfferingUsagePolicy) -> list[str]:
    """What goes with the old policy when it is replaced by a new one, in words."""
    if policy.has_fired:
        fired = f"its fired state: fired, since {exact_time(policy.fired_datetime)}"
    elif policy.fired_datetime is not None:
        fired = f"its fired state: not fired (last change {exact_time(policy.fired_datetime)})"
    else:
        fired = "its fired state: never fired (the new policy is evaluated afresh)"
    creator = policy.created_by_full_name or policy.created_by_username
    if policy.created_by_full_name and policy.created_by_username:
        creator = f"{policy.created_by_full_name} ({policy.created_by_username})"
    return [
        fired,
        f"its created time: {exact_time(policy.created) or 'unknown'} (the new one is created now)",
        f"its creator: {creator or 'unknown'} (the new one is yours)",
        f"its uuid {policy.uuid}: the new policy gets a new uuid, so links and scripts "
        "that use the old uuid or URL break",
    ]


def one_limit_losses(body: PolicyCreate, features: ServerFeatures, catalog: Catalog) -> list[str]:
    """On a one-limit server, the limits of ``body`` the new policy will not hold (the
    server keeps the last one sent), in words for the replacement's list of losses."""
    sent = [(c.type, int(c.limit)) for c in body.component_limits_set]
    if not features.one_limit or len(sent) < 2:
        return []
    offering_uuid = uuid_of(body.scope)
    kept = limit_words(*sent[-1], catalog, offering_uuid)
    dropped = ", ".join(limit_words(t, v, catalog, offering_uuid) for t, v in sent[:-1])
    return [
        f"{dropped} will not be stored: this server keeps one limit per policy; "
        f"the new policy holds {kept} only"
    ]
