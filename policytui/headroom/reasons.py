"""Why the server's state of a policy differs from what its usage says, in plain words.

The server evaluates a policy only at certain moments (SEMANTICS.md): on every API save,
and when usage is reported, then only for policies of the reporting customer's group
that notify. Between those moments the state can lag behind the usage; these are the
known ways it does, and an honest fallback for a state none of them explains.
"""

from __future__ import annotations

from enum import Enum


class Reason(Enum):
    #: Not fired; the first limit is under, a later one over: the server checks the first.
    ONLY_FIRST_LIMIT_CHECKED = "only_first_limit_checked"
    #: Over its first limit, not fired: a block-only policy is not re-evaluated on reports.
    BLOCK_ONLY_NOT_REEVALUATED = "block_only_not_reevaluated"
    #: Fired in an earlier month; the window moved on and the usage is now under.
    FIRED_EARLIER_MONTH = "fired_earlier_month"
    #: Fired, now under: the 2024 server fires on save but never resets on an edit.
    KEPT_AFTER_EDIT = "kept_after_edit"
    #: Fired, now under, block-only: usage reports do not re-evaluate it.
    BLOCK_ONLY_STILL_FIRED = "block_only_still_fired"
    #: Over its first limit, not fired, although it notifies: none of the rules explains it.
    OVER_NOT_EVALUATED = "over_not_evaluated"
    #: Fired this month and now under, on a server that resets on save and on reports.
    UNDER_NOT_EVALUATED = "under_not_evaluated"


def reason_words(reason: Reason, *, first: str = "", over: str = "", fired_month: str = "") -> str:
    """One sentence: ``first`` is the checked limit's component (``CPU``), ``over`` the
    component over its limit, ``fired_month`` the month it fired in (``Oct 2026``)."""
    if reason is Reason.ONLY_FIRST_LIMIT_CHECKED:
        return (
            f"Over on {over}, but the server checks only {first} (the first limit), "
            "so it does not fire."
        )
    if reason is Reason.BLOCK_ONLY_NOT_REEVALUATED:
        return (
            "Over its limit but not fired: a policy that only blocks is not re-evaluated "
            "when usage is reported; it fires at its next save."
        )
    if reason is Reason.FIRED_EARLIER_MONTH:
        return (
            f"Fired in {fired_month}; the window has moved on and the usage is now under "
            "the limit. The server keeps it fired until usage is reported or it is saved."
        )
    if reason is Reason.KEPT_AFTER_EDIT:
        return (
            "Under its limit but still fired: this server fires a policy on save but never "
            "resets it, so an edit that brought it under kept it fired."
        )
    if reason is Reason.BLOCK_ONLY_STILL_FIRED:
        return (
            "Under its limit but still fired: a policy that only blocks is not re-evaluated "
            "when usage is reported; it resets at its next save."
        )
    if reason is Reason.OVER_NOT_EVALUATED:
        return (
            "Over its limit but not fired, and none of the server's rules explains it: it "
            "fires when its groups next report usage or when it is saved."
        )
    return (
        "Under its limit but still fired this month, and none of the server's rules "
        "explains it: it resets when its groups next report usage or when it is saved."
    )
