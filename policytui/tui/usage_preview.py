"""The editor's preview: the current usage of the chosen groups over the chosen period
beside each component limit as typed (``2 400 of 2 000 core-hours: over``), and whether
the server will fire the policy at once when it is saved.

No Textual here. The editor reads an offering's inputs once per open
(:func:`policytui.tui.usage_load.read_offering`, every month) and calls :func:`preview`
on each change of groups, period or limits: computed locally, no request per keystroke.
The server evaluates a policy on every save, so "fires at once" is its first limit's
verdict, whatever the actions (SEMANTICS.md, "When it is evaluated").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policytui.api.models import OfferingUsagePolicy, Period
from policytui.headroom import LimitHeadroom, headroom
from policytui.tui.format import group_thousands
from policytui.tui.usage_load import NEEDS_PROVIDER, OfferingInputs
from policytui.tui.usage_text import amount, level, percent
from policytui.tui.validation import FieldError, parse_limit


@dataclass(frozen=True)
class RowPreview:
    """What is said under one limit row."""

    text: str
    #: ``over`` / ``near`` / ``ok``; ``none`` when there is no limit to compare with yet.
    level: str


@dataclass(frozen=True)
class DraftPreview:
    #: One per limit row, in order; None for a row without a component.
    rows: tuple[RowPreview | None, ...]
    #: The server's verdict at save: the first limit is over. None: not known (no
    #: figure, or the first row has no valid limit yet).
    fires_at_once: bool | None
    #: The sentence the review shows ("The server will fire it at once: …"); "" if unknown.
    verdict: str
    #: Why no figure is shown, else None.
    missing: str | None = None


def _limit_of(text: str) -> int | None:
    try:
        return parse_limit(text)
    except FieldError:
        return None


def _row_text(limit: LimitHeadroom, typed: int | None, window: str) -> RowPreview:
    unit = f" {limit.unit}" if limit.unit else ""
    if typed is None:
        return RowPreview(f"used {window}: {amount(limit.usage)}{unit}", "none")
    said = f"used {window}: {amount(limit.usage)} of {group_thousands(typed)}{unit}"
    if limit.over:
        return RowPreview(f"{said}: over", "over")
    state = level(limit.ratio, False)
    figure = percent(limit.ratio) if limit.ratio is not None else "0 %"
    return RowPreview(f"{said}: {figure}{' (near)' if state == 'near' else ''}", state)


def preview(
    offering_uuid: str,
    limits: Sequence[tuple[str | None, str]],
    period: Period,
    groups: Sequence[str],
    apply_to_all: bool,
    inputs: OfferingInputs,
    *,
    fired: bool = False,
    resets_on_edit: bool = True,
) -> DraftPreview:
    """The preview of the form's limits (``(type, text)`` rows), groups (URLs), period
    and apply-to-all against ``inputs`` (read for every month of the offering).

    ``fired``: the policy being edited has fired; ``resets_on_edit``: its server resets a
    policy that a save brings under (the 2024 server does not: it stays fired).
    """
    if inputs.customer_groups is None:
        return DraftPreview(tuple(None for _ in limits), None, "", NEEDS_PROVIDER)
    typed = [(t, _limit_of(v)) for t, v in limits]
    chosen = [(t, lim) for t, lim in typed if t]
    policy = OfferingUsagePolicy.model_validate(
        {
            "uuid": "",
            "scope_uuid": offering_uuid,
            "organization_groups": list(groups) if not apply_to_all else [],
            "apply_to_all": apply_to_all,
            "period": int(period),
            "actions": [],
            # 0 stands in for a limit not typed yet: its usage is shown, not a verdict.
            "component_limits_set": [{"type": t, "limit": lim or 0} for t, lim in chosen],
        }
    )
    groups_of = inputs.customer_groups
    computed = headroom(policy, inputs.components, groups_of, inputs.rows, inputs.today)
    window = computed.window.words
    by_row: list[RowPreview | None] = []
    index = 0
    for type_, lim in typed:
        if not type_:
            by_row.append(None)
            continue
        by_row.append(_row_text(computed.limits[index], lim, window))
        index += 1
    first = chosen[0] if chosen else None
    if first is None or first[1] is None or not computed.limits:
        return DraftPreview(tuple(by_row), None, "")
    head = computed.limits[0]
    unit = f" {head.unit}" if head.unit else ""
    figures = f"{amount(head.usage)} of {group_thousands(first[1])}{unit} used {window}"
    if head.over:
        verdict = (
            f"The server will fire this policy at once when it is saved: {head.label}, "
            f"the first limit, is over ({figures})."
        )
    elif fired and not resets_on_edit:
        verdict = (
            f"{head.label}, the first limit, is not over ({figures}), but this server "
            "never resets a fired policy on an edit: it stays fired."
        )
    elif fired:
        verdict = (
            f"The server will reset this policy when it is saved: {head.label}, the "
            f"first limit, is not over ({figures})."
        )
    else:
        verdict = (
            f"The server will not fire this policy when it is saved: {head.label}, the "
            f"first limit, is not over ({figures})."
        )
    return DraftPreview(tuple(by_row), head.over, verdict)
