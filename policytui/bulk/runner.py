"""The writes of a bulk change: one after another, each sent once, each read back.

For a PATCH the policy is read first and the change applied to what the server holds
now, not to the list's copy (a group someone added meanwhile stays). A write that fails
is reported with the server's reason and never sent again: the summary leaves it marked
for the user to retry by hand. A stop request ends the run before the next write; what
was not sent is said so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from policytui.api.client import WaldurClient
from policytui.api.errors import AuthenticationError, NotFound, WaldurError
from policytui.api.models import OfferingUsagePolicy, PolicyPatch
from policytui.bulk.changes import BulkChange, Field, Skip, Unchanged
from policytui.bulk.plan import Plan


class OutcomeKind(Enum):
    DONE = "done"
    #: Written, but the read-back differs from what was sent (or could not be read).
    DIFFERS = "differs"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNCHANGED = "unchanged"
    NOT_SENT = "not sent"


@dataclass(frozen=True, slots=True)
class Outcome:
    policy: OfferingUsagePolicy
    kind: OutcomeKind
    #: Why, in the user's words ("" when done as asked).
    words: str = ""
    #: The save made the policy fire (the server evaluates it on every write).
    fired_now: bool = False


@dataclass
class Summary:
    change: BulkChange
    outcomes: list[Outcome] = field(default_factory=list)
    #: The server stopped accepting the token mid-run (the rest were not sent).
    signed_out: bool = False

    def count(self, kind: OutcomeKind) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind is kind)

    @property
    def to_retry(self) -> list[str]:
        """The policies the user should look at: left marked after the run."""
        keep = (OutcomeKind.FAILED, OutcomeKind.DIFFERS, OutcomeKind.NOT_SENT)
        return [o.policy.uuid for o in self.outcomes if o.kind in keep]

    def headline(self) -> str:
        verb = "deleted" if self.change.deletes else "changed"
        parts = [f"{self.count(OutcomeKind.DONE)} {verb}"]
        for kind in (
            OutcomeKind.DIFFERS,
            OutcomeKind.FAILED,
            OutcomeKind.SKIPPED,
            OutcomeKind.UNCHANGED,
            OutcomeKind.NOT_SENT,
        ):
            if count := self.count(kind):
                label = "stored differently" if kind is OutcomeKind.DIFFERS else kind.value
                parts.append(f"{count} {label}")
        return ", ".join(parts)


Progress = Callable[[int, int], None]


def _quiet(done: int, total: int) -> None:
    pass


def _never() -> bool:
    return False


async def run(
    plan: Plan,
    client: WaldurClient,
    *,
    progress: Progress = _quiet,
    stop: Callable[[], bool] = _never,
) -> Summary:
    """Apply ``plan`` in order. Skipped and unchanged items of the plan are reported as
    such without a request; every other item gets exactly one write at most."""
    summary = Summary(plan.change)
    writes = plan.to_write
    for item in plan.items:
        if isinstance(item.effect, Skip):
            summary.outcomes.append(Outcome(item.policy, OutcomeKind.SKIPPED, item.effect.reason))
        elif isinstance(item.effect, Unchanged):
            summary.outcomes.append(Outcome(item.policy, OutcomeKind.UNCHANGED))
    for done, item in enumerate(writes):
        if stop():
            for left in writes[done:]:
                summary.outcomes.append(Outcome(left.policy, OutcomeKind.NOT_SENT, "stopped"))
            break
        progress(done, len(writes))
        try:
            if plan.change.deletes:
                outcome = await _delete(client, item.policy)
            else:
                outcome = await _patch(client, plan.change, item.policy)
        except AuthenticationError as exc:
            # Every later write would get the same answer: stop, and say what was not sent.
            summary.outcomes.append(Outcome(item.policy, OutcomeKind.FAILED, str(exc)))
            for left in writes[done + 1 :]:
                summary.outcomes.append(
                    Outcome(left.policy, OutcomeKind.NOT_SENT, "not sent: sign in again")
                )
            summary.signed_out = True
            break
        summary.outcomes.append(outcome)
    else:
        progress(len(writes), len(writes))
    return summary


async def _delete(client: WaldurClient, policy: OfferingUsagePolicy) -> Outcome:
    try:
        await client.policies.delete(policy.uuid)
    except NotFound:
        return Outcome(policy, OutcomeKind.DONE, "already gone (deleted elsewhere)")
    except AuthenticationError:
        raise
    except WaldurError as exc:
        return Outcome(policy, OutcomeKind.FAILED, str(exc))
    try:
        await client.policies.get(policy.uuid)
    except NotFound:
        return Outcome(policy, OutcomeKind.DONE)
    except WaldurError as exc:
        return Outcome(policy, OutcomeKind.DIFFERS, f"deleted, but not read back: {exc}")
    return Outcome(policy, OutcomeKind.DIFFERS, "the server still lists it after the delete")


async def _patch(client: WaldurClient, change: BulkChange, listed: OfferingUsagePolicy) -> Outcome:
    try:
        current = await client.policies.get(listed.uuid)
    except NotFound:
        return Outcome(listed, OutcomeKind.FAILED, "deleted meanwhile: not sent")
    except AuthenticationError:
        raise
    except WaldurError as exc:
        return Outcome(listed, OutcomeKind.FAILED, f"not read before the change, not sent: {exc}")
    effect = change.effect(current)
    if isinstance(effect, Skip):
        return Outcome(current, OutcomeKind.SKIPPED, f"{effect.reason} (changed meanwhile)")
    if isinstance(effect, Unchanged):
        return Outcome(current, OutcomeKind.UNCHANGED, "already so on the server")
    assert isinstance(effect, Field)
    try:
        patch = PolicyPatch(**{effect.name: effect.value})
        saved = await client.policies.patch(current.uuid, patch)
    except AuthenticationError:
        raise
    except WaldurError as exc:
        return Outcome(current, OutcomeKind.FAILED, str(exc))
    try:
        stored = await client.policies.get(saved.uuid)
    except WaldurError as exc:
        return Outcome(saved, OutcomeKind.DIFFERS, f"sent, but not read back: {exc}")
    fired_now = stored.has_fired and not current.has_fired
    if _value(stored, effect.name) != _comparable(effect.name, effect.value):
        shown = _value(stored, effect.name)
        return Outcome(
            stored, OutcomeKind.DIFFERS, f"the server stored {effect.name} = {shown}", fired_now
        )
    return Outcome(stored, OutcomeKind.DONE, "fired on save" if fired_now else "", fired_now)


def _value(policy: OfferingUsagePolicy, name: str) -> object:
    value = getattr(policy, name)
    return _comparable(name, value)


def _comparable(name: str, value: object) -> object:
    if name == "period":
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, list):
        return sorted(value)  # order on the server is not ours to keep (actions are ordered)
    return value
