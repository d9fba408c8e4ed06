"""What a bulk change does to one policy: the PATCH field and value, or why not.

A change reads the policy it is given, so the runner can apply it to the copy the
server holds at the moment of writing (someone may have added a group since the list
was read: adding ours must not drop theirs). Limits are never touched, so the 2024
server's refusal to change the limits of a policy holding several does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policytui.api.actions import action_label, canonical_actions
from policytui.api.models import OfferingUsagePolicy, Period


@dataclass(frozen=True, slots=True)
class Skip:
    """The change is not sent to this policy; ``reason`` says why, in the user's words."""

    reason: str


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The policy is already as the change would make it: nothing to send."""


@dataclass(frozen=True, slots=True)
class Field:
    """PATCH ``name`` to ``value`` (the whole field: lists replace on the server)."""

    name: str
    value: Any


Effect = Skip | Unchanged | Field


class BulkChange:
    """One change for many policies. ``title`` is the confirmation's headline verb phrase."""

    #: Deleting is not a PATCH; the runner sends DELETE instead.
    deletes: bool = False

    @property
    def title(self) -> str:  # pragma: no cover - every change names itself
        raise NotImplementedError

    def effect(self, policy: OfferingUsagePolicy) -> Effect:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Delete(BulkChange):
    deletes = True

    @property
    def title(self) -> str:
        return "Delete"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        return Field("", None)


@dataclass(frozen=True)
class SetPeriod(BulkChange):
    period: Period

    @property
    def title(self) -> str:
        return f"Set the period to {self.period.label}"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        if policy.period == self.period:
            return Unchanged()
        return Field("period", int(self.period))


@dataclass(frozen=True)
class AddGroup(BulkChange):
    url: str
    name: str

    @property
    def title(self) -> str:
        return f"Add the organization group {self.name}"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        if policy.apply_to_all:
            return Skip("applies to every customer (apply to all): a group would change nothing")
        if self.url in policy.organization_groups:
            return Unchanged()
        return Field("organization_groups", [*policy.organization_groups, self.url])


@dataclass(frozen=True)
class RemoveGroup(BulkChange):
    url: str
    name: str

    @property
    def title(self) -> str:
        return f"Remove the organization group {self.name}"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        if self.url not in policy.organization_groups:
            return Unchanged()
        rest = [url for url in policy.organization_groups if url != self.url]
        if not rest and not policy.apply_to_all:
            return Skip("its only organization group: the policy would apply to no one")
        return Field("organization_groups", rest)


@dataclass(frozen=True)
class AddAction(BulkChange):
    action: str

    @property
    def title(self) -> str:
        return f"Add the action {action_label(self.action)}"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        if self.action in policy.actions:
            return Unchanged()
        if self.action == "notify_external_user" and not _addresses(policy):
            return Skip(
                "no addresses to e-mail (options.notify_external_user): add it in the editor"
            )
        return Field("actions", canonical_actions([*policy.actions, self.action]))


@dataclass(frozen=True)
class RemoveAction(BulkChange):
    action: str

    @property
    def title(self) -> str:
        return f"Remove the action {action_label(self.action)}"

    def effect(self, policy: OfferingUsagePolicy) -> Effect:
        if self.action not in policy.actions:
            return Unchanged()
        rest = [name for name in policy.actions if name != self.action]
        if not rest:
            return Skip("its only action: a policy needs at least one")
        return Field("actions", canonical_actions(rest))


def _addresses(policy: OfferingUsagePolicy) -> str:
    value = (policy.options or {}).get("notify_external_user")
    return value if isinstance(value, str) else ""
