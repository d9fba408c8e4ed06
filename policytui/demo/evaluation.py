"""Deciding that a policy fires, as the server's ``OfferingUsagePolicy.is_triggered`` does
(SEMANTICS.md, "How the server decides that a policy fires"), over the demo's usage rows:
one pooled sum over the customers of the policy's groups (every customer for
``apply_to_all``), calendar-month windows ending with the current month, ``sum > limit``,
and only the first limit checked (the server's loop returns on its first pass)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from policytui.demo.months import window
from policytui.demo.store import Policy
from policytui.demo.timefmt import iso
from policytui.demo.usage_store import UsageStore


def members(policy: Policy, usage: UsageStore) -> list[str] | None:
    """The customers whose usage the policy pools; None: every customer (apply_to_all)."""
    if policy.apply_to_all:
        return None
    groups = set(policy.groups)
    return [c.uuid for c in usage.consumers() if c.group_uuid in groups]


def is_triggered(policy: Policy, usage: UsageStore, today: date) -> bool:
    if not policy.limits:
        return False  # the server's loop never runs: it returns None
    ctype, limit = policy.limits[0]
    first, last = window(policy.period, today)
    return usage.pooled(policy.scope_uuid, ctype, members(policy, usage), first, last) > limit


def evaluate_on_save(policy: Policy, usage: UsageStore, today: date, *, quirks: bool) -> None:
    """After a create, PUT or PATCH.

    Newer servers set the state both ways, and ``fired_datetime`` records the change.
    The 2024 server only fires: a triggered policy gets ``has_fired`` and a new
    ``fired_datetime`` on every save, and an edit that brings it under keeps it fired.
    """
    fired = is_triggered(policy, usage, today)
    if quirks:
        if fired:
            policy.has_fired = True
            policy.fired_datetime = _now()
        return
    if fired != policy.has_fired:
        policy.has_fired = fired
        policy.fired_datetime = _now()


def evaluate_on_usage_report(policy: Policy, usage: UsageStore, today: date) -> bool:
    """After ``set_usage``: fire an unfired policy now over, reset a fired one now under
    (``fired_datetime`` kept, as the server's handler does). True when it changed."""
    fired = is_triggered(policy, usage, today)
    if fired and not policy.has_fired:
        policy.has_fired = True
        policy.fired_datetime = _now()
        return True
    if policy.has_fired and not fired:
        policy.has_fired = False
        return True
    return False


def _now() -> str:
    return iso(datetime.now(UTC))
