"""Evaluating a policy on save, as the server does: fire when usage exceeds a limit."""

from __future__ import annotations

from policytui.demo.catalog import current_usage
from policytui.demo.store import Policy
from policytui.demo.timefmt import wall_now


def evaluate(policy: Policy, seed: int) -> None:
    """Set has_fired; fired_datetime records the last change of state (fire or reset)."""
    fired = any(
        current_usage(policy.scope_uuid, ctype, policy.period, seed) > limit
        for ctype, limit in policy.limits
    )
    if fired != policy.has_fired:
        policy.has_fired = fired
        policy.fired_datetime = wall_now()
