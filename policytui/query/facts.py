"""What a filter term or a sort key reads of a policy: :class:`PolicyFacts`.

Built once per policy (the screen's rows and the shell's listing each keep theirs), so
matching a keystroke's filter against 100 000 policies is string and number compares
only: every text is already case-folded, every time already a POSIX timestamp.

:func:`facts_from` builds them from a read model and whatever names it: the TUI's
catalog, or anything else with the two look-ups of :class:`Names`. Only attributes are
read, so this module imports no pydantic and the CLI pays for none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from policytui.api.actions import action_label, canonical_actions

if TYPE_CHECKING:
    from policytui.api.models import (
        Offering,
        OfferingUsagePolicy,
        OrganizationGroup,
    )

#: Between the texts of :attr:`PolicyFacts.text`: no word typed into a filter holds it
#: by accident, so a free word never matches across two fields.
SEPARATOR = "\x1f"
#: What the list shows for a policy with ``apply_to_all`` (and what `group:` finds).
ALL_ORGANIZATIONS = "All organizations"


class Names(Protocol):
    """What names a policy's offering, components and groups (the TUI's catalog is one)."""

    def offering(self, uuid: str | None) -> Offering | None: ...

    def group(self, url: str) -> OrganizationGroup | None: ...


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """One component limit of a policy: the component's type and name, case-folded."""

    type: str
    name: str
    limit: int

    def is_called(self, wanted: str) -> bool:
        """``wanted`` (case-folded) is this component's type or name."""
        return wanted == self.type or wanted == self.name


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    """A policy as the filter language sees it. Texts are case-folded (``str.casefold``)."""

    uuid: str
    offering: str
    offering_uuid: str
    #: The offering's customer: the organization that provides it.
    provider: str
    #: Action names and their labels, in the canonical order.
    actions: tuple[str, ...]
    action_labels: tuple[str, ...]
    components: tuple[ComponentFacts, ...]
    #: Group labels with the parent first ("nordics \u203a nordic uni"); ``apply_to_all`` reads
    #: "all organizations"; a group the names lack reads as its uuid's first 8 characters.
    groups: tuple[str, ...]
    #: The server's number: 1 Total, 2 one month, 3 three months, 4 twelve months.
    period: int
    period_label: str
    #: Full name and username.
    creator: tuple[str, ...]
    has_fired: bool
    fired_at: float | None
    created_at: float | None
    #: Everything a free word searches, joined by :data:`SEPARATOR`.
    text: str


def _fold(text: str | None) -> str:
    return (text or "").casefold()


def _timestamp(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def group_label(url: str, names: Names | None) -> str:
    """A group as the list names it ("Parent \u203a Name"), else its uuid's first characters."""
    group = names.group(url) if names is not None else None
    if group is None:
        return url.rstrip("/").rsplit("/", 1)[-1][:8]
    parent = names.group(group.parent) if group.parent and names is not None else None
    parent_name = group.parent_name or (parent.name if parent else None)
    return f"{parent_name} › {group.name}" if parent_name else group.name


def facts_from(policy: OfferingUsagePolicy, names: Names | None = None) -> PolicyFacts:
    """The facts of ``policy``, its offering's and groups' names read from ``names``.

    Without names (the catalog not loaded yet) the offering is the policy's own
    ``scope_name``, components are their types and groups their uuid prefixes, as the
    list shows them until the catalog arrives.
    """
    offering = names.offering(policy.scope_uuid) if names is not None else None
    offering_name = policy.scope_name or (offering.name if offering else "")
    components = []
    for limit in policy.component_limits_set:
        component = offering.component(limit.type) if offering else None
        label = (component.name if component else "") or limit.type
        components.append(ComponentFacts(_fold(limit.type), _fold(label), int(limit.limit)))
    if policy.apply_to_all:
        groups = [ALL_ORGANIZATIONS]
    else:
        groups = [group_label(url, names) for url in policy.organization_groups]
    actions = canonical_actions(policy.actions)
    labels = [action_label(a) for a in actions]
    creator = [policy.created_by_full_name or "", policy.created_by_username or ""]
    provider = (offering.customer_name if offering else None) or ""
    # Each text once: a type that is also the name ("cpu" and "CPU") is searched once.
    parts = dict.fromkeys(
        _fold(part)
        for part in _parts(
            [offering_name, provider, policy.period_label],
            actions,
            labels,
            (c.type for c in components),
            (c.name for c in components),
            groups,
            creator,
        )
        if part
    )
    text = SEPARATOR.join(parts)
    return PolicyFacts(
        uuid=policy.uuid,
        offering=_fold(offering_name),
        offering_uuid=_fold(policy.scope_uuid),
        provider=_fold(provider),
        actions=tuple(_fold(a) for a in actions),
        action_labels=tuple(_fold(label) for label in labels),
        components=tuple(components),
        groups=tuple(_fold(g) for g in groups),
        period=int(policy.period),
        period_label=_fold(policy.period_label),
        creator=tuple(_fold(c) for c in creator if c),
        has_fired=bool(policy.has_fired),
        fired_at=_timestamp(policy.fired_datetime),
        created_at=_timestamp(policy.created),
        text=text,
    )


def _parts(*groups: Iterable[str]) -> Iterable[str]:
    for group in groups:
        yield from group
