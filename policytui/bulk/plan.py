"""A bulk change against the marked policies as the list holds them: the confirmation.

The plan is what the user agrees to; the runner re-reads each policy before writing, so
a policy changed meanwhile gets the change applied to its current state (see runner).
"""

from __future__ import annotations

from dataclasses import dataclass

from policytui.api.models import OfferingUsagePolicy
from policytui.bulk.changes import BulkChange, Effect, Field, Skip, Unchanged


@dataclass(frozen=True, slots=True)
class PlanItem:
    policy: OfferingUsagePolicy
    effect: Effect

    @property
    def writes(self) -> bool:
        return isinstance(self.effect, Field)


@dataclass(frozen=True, slots=True)
class Plan:
    change: BulkChange
    items: tuple[PlanItem, ...]

    @property
    def to_write(self) -> list[PlanItem]:
        return [item for item in self.items if item.writes]

    @property
    def skipped(self) -> list[PlanItem]:
        return [item for item in self.items if isinstance(item.effect, Skip)]

    @property
    def unchanged(self) -> list[PlanItem]:
        return [item for item in self.items if isinstance(item.effect, Unchanged)]

    def headline(self) -> str:
        """``Delete 3 policies?`` / ``Add the action Block orders to 12 policies?``"""
        count = len(self.to_write)
        if not count:
            return f"Nothing to change: {self.change.title.lower()} sends nothing."
        noun = "policy" if count == 1 else "policies"
        if self.change.deletes:
            return f"Delete {count} {noun}?"
        return f"{self.change.title} on {count} {noun}?"

    def notes(self) -> list[str]:
        """What is left out and why, for the line under the headline."""
        out: list[str] = []
        if self.unchanged:
            count = len(self.unchanged)
            out.append(f"{count} already so: not sent")
        if self.skipped:
            count = len(self.skipped)
            out.append(f"{count} skipped (reasons below)")
        return out


def plan(change: BulkChange, policies: list[OfferingUsagePolicy]) -> Plan:
    """Each marked policy once, in the order given (the list's order)."""
    seen: set[str] = set()
    items: list[PlanItem] = []
    for policy in policies:
        if policy.uuid in seen:
            continue
        seen.add(policy.uuid)
        items.append(PlanItem(policy, change.effect(policy)))
    return Plan(change, tuple(items))
