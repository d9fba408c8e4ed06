"""Bulk changes: one change applied to many marked policies, each written once.

Headless (no Textual): the list screen's confirmation and summary screens, and any
script, use the same three steps:

- :mod:`changes`: what a bulk change is (delete, set the period, add or remove an
  organization group or an action) and what it does to one policy, as a PATCH field or
  the reason it cannot;
- :mod:`plan`: the change against the marked policies as the user sees them: which would
  change, which are already so, which are skipped and why (for the confirmation);
- :mod:`runner`: the writes, one after another, each sent once (never retried), against
  the policy as the server holds it at that moment, and read back; the :class:`Outcome`
  of each for the summary.
"""

from policytui.bulk.changes import (
    AddAction,
    AddGroup,
    BulkChange,
    Delete,
    RemoveAction,
    RemoveGroup,
    SetPeriod,
    Skip,
)
from policytui.bulk.plan import Plan, PlanItem, plan
from policytui.bulk.runner import Outcome, OutcomeKind, Summary, run

__all__ = [
    "AddAction",
    "AddGroup",
    "BulkChange",
    "Delete",
    "Outcome",
    "OutcomeKind",
    "Plan",
    "PlanItem",
    "RemoveAction",
    "RemoveGroup",
    "SetPeriod",
    "Skip",
    "Summary",
    "plan",
    "run",
]
