"""One policy's headroom in a table cell: its highest ratio and that limit's component
(``CPU 96 %``), or the checked limit's when that one is over (the policy fires on it),
for the list's Usage column, ``usage:`` and the near-firing view's order."""

from __future__ import annotations

from dataclasses import dataclass

from policytui.headroom.compute import LimitHeadroom, PolicyHeadroom

#: From here a policy is "near": the near-firing view's default threshold (issue 14).
NEAR = 0.8


@dataclass(frozen=True)
class HeadroomSummary:
    #: The highest usage / limit among the limits (the checked limit's when it is over);
    #: None when that limit has no ratio.
    ratio: float | None
    #: The component of that limit ("CPU").
    label: str
    #: Some limit is over (for a limit of 0 or less: any usage over it).
    over: bool
    #: The limit with the highest ratio is the one the server checks.
    checked: bool

    @property
    def near(self) -> bool:
        return self.over or (self.ratio is not None and self.ratio >= NEAR)

    @property
    def percent(self) -> float | None:
        """The ratio in % as the filter's ``usage:`` compares it; ``inf`` for a limit of
        0 or less that is over (as near as can be), None without a ratio."""
        if self.ratio is None:
            return float("inf") if self.over else None
        return self.ratio * 100

    @property
    def text(self) -> str:
        """``CPU 96 %``; ``CPU over`` for a limit of 0 or less that is over; ``""``."""
        if self.ratio is None:
            return f"{self.label} over" if self.over else ""
        return f"{self.label} {int(self.ratio * 100)} %"


def _key(limit: LimitHeadroom) -> tuple[int, float, int]:
    # An over limit without a ratio (limit <= 0) outranks every ratio; ties: the first.
    if limit.ratio is None:
        return (1 if limit.over else -1, 0.0, 0)
    return (0, limit.ratio, 1 if limit.checked else 0)


def summarize(h: PolicyHeadroom) -> HeadroomSummary | None:
    """The summary of ``h``; None when it has no limit or no figure."""
    if not h.limits or h.unavailable:
        return None
    first = next((x for x in h.limits if x.checked), None)
    # Over the limit the server checks, the policy fires on that one: its figure, not a
    # higher one of a limit never checked (whose † read as "it will not fire").
    top = first if first is not None and first.over else max(h.limits, key=_key)
    return HeadroomSummary(top.ratio, top.label, any(x.over for x in h.limits), top.checked)
