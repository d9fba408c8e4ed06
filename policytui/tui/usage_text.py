"""A policy's usage in words and bars: the detail's Usage and Breakdown sections and the
list's Usage cell. Rich only, no Textual: tests render it to plain text.

Every level is said in words or marks as well as in colour, so NO_COLOR loses nothing:
``over`` and ``!`` past the limit, ``near`` and ``▲`` from 80 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from policytui.headroom import HeadroomSummary, LimitHeadroom, PolicyHeadroom, summarize
from policytui.headroom.summary import NEAR
from policytui.tui.format import THIN_SPACE, group_thousands
from policytui.tui.usage_cell import NO_FIGURE, UsageCell
from policytui.tui.usage_load import PolicyUsage

BAR_WIDTH = 16
#: Customers shown by name in the breakdown; the rest are summed on one line.
TOP_CUSTOMERS = 5
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Rich styles per level (the list uses its own component classes for the same levels).
LEVEL_STYLES = {"over": "bold red", "near": "bold yellow", "ok": "green"}


def amount(value: Decimal) -> str:
    """``2400`` → ``2 400``; ``12.5`` → ``12.50``; thousands grouped as elsewhere."""
    rounded = value.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral_value():
        return group_thousands(int(rounded))
    return f"{rounded:,}".replace(",", THIN_SPACE)


def percent(ratio: float) -> str:
    """Floored, as the summary's cell: 99.9 % is not yet 100 %."""
    return f"{int(ratio * 100)} %"


def level(ratio: float | None, over: bool) -> str:
    """``over`` (usage > limit, as the server compares), ``near`` (from 80 %) or ``ok``."""
    if over:
        return "over"
    if ratio is not None and ratio >= NEAR:
        return "near"
    return "ok"


def bar(ratio: float | None, over: bool, width: int = BAR_WIDTH) -> Text:
    filled = width if over or ratio is None else min(width, round(ratio * width))
    style = LEVEL_STYLES[level(ratio, over)]
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    return text


def month_words(month: date) -> str:
    return f"{_MONTHS[month.month - 1]} {month.year}"


# -- the list's cell ---------------------------------------------------------------------


def usage_cell(usage: PolicyUsage, *, fired_view: bool = False) -> UsageCell | None:
    """The cell of ``usage``; None while it is loading. In the fired view a fired
    policy's cell says whether it is ``still over`` the limit the server checks or
    ``now under`` it (fired in an earlier month, or kept fired after an edit)."""
    if usage.loading:
        return None
    summary: HeadroomSummary | None = summarize(usage.headroom) if usage.headroom else None
    if summary is None:
        return NO_FIGURE
    figure = "over" if summary.ratio is None else percent(summary.ratio)
    note = ""
    if fired_view and usage.headroom is not None and usage.headroom.has_fired:
        note = "still over" if usage.headroom.fires else "now under"
    state = level(summary.ratio, summary.over)
    unchecked = not summary.checked and state in ("near", "over")
    return UsageCell(summary.label, figure, state, note, unchecked)


def usage_percent(usage: PolicyUsage) -> float | None:
    """What the filter's ``usage:`` compares (None: no figure)."""
    summary = summarize(usage.headroom) if usage.headroom else None
    return summary.percent if summary is not None else None


# -- the detail --------------------------------------------------------------------------


def _limit_line(
    limit: LimitHeadroom, count: int, bar_width: int = BAR_WIDTH
) -> tuple[Text, Text, Text, Text]:
    name = Text(limit.label)
    if count > 1:
        name.append(" (checked)" if limit.checked else " (not checked)", style="dim")
    used = Text(f"{amount(limit.usage)} / {group_thousands(limit.limit)} {limit.unit}".rstrip())
    figure = "over" if limit.ratio is None else percent(limit.ratio)
    state = level(limit.ratio, limit.over)
    said = Text(figure, style=LEVEL_STYLES[state])
    if state != "ok" and limit.ratio is not None:
        said.append(f" {state}", style=LEVEL_STYLES[state])
    return name, used, bar(limit.ratio, limit.over, bar_width), said


class _LimitLines:
    """The limits' lines: one line each where there is room, else the bar and figure on
    a second line (the side pane of a wide terminal is about 44 cells)."""

    WIDE = 70

    def __init__(self, limits: Sequence[LimitHeadroom]) -> None:
        self.limits = limits

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= self.WIDE
        table = Table(box=None, padding=(0, 1), pad_edge=False, show_header=False, show_edge=False)
        table.add_column(no_wrap=True)
        table.add_column(justify="right" if wide else "left", no_wrap=True)
        if wide:
            table.add_column(no_wrap=True)
            table.add_column(no_wrap=True)
        for limit in self.limits:
            name, used, shown, said = _limit_line(
                limit, len(self.limits), BAR_WIDTH if wide else BAR_WIDTH // 2
            )
            if wide:
                table.add_row(name, used, shown, said)
            else:
                table.add_row(name, used)
                table.add_row("", Text.assemble(shown, " ", said))
        yield table


def verdict(h: PolicyHeadroom) -> Text:
    """What the server would decide now, beside what it has decided."""
    first = h.limits[0].label if h.limits else ""
    if h.fires:
        text = Text("The server would fire it now: ", style="bold")
        text.append(f"{first}, the first limit, is over.", style="not bold")
    else:
        text = Text("The server would not fire it now: ", style="bold")
        text.append(f"{first}, the first limit, is not over.", style="not bold")
    return text


def usage_section(usage: PolicyUsage) -> list[RenderableType]:
    """Each limit as usage / limit with its unit and a bar, the window in words, which
    limit the server checks, and why its state differs from the usage."""
    if usage.loading:
        return [Text("Reading usage…", style="dim italic")]
    h = usage.headroom
    if h is None:
        return [Text(f"No figure: {usage.missing}", style="italic")]
    window = Text(f"Window: {h.window.words}", style="dim")
    months = h.window.months()
    if months is not None and len(months) > 1:
        window.append(f" ({len(months)} months)", style="dim")
    parts: list[RenderableType] = [window]
    parts.append(_LimitLines(h.limits))
    parts.append(verdict(h))
    if h.reason_text:
        why = Text("Why: ", style="bold yellow")
        why.append(h.reason_text, style="not bold")
        parts.append(why)
    if h.unknown_customers:
        parts.append(
            Text(
                f"{len(h.unknown_customers)} customer(s) with usage but not in the offering's "
                "customer list are left out (their group is unknown).",
                style="dim",
            )
        )
    return parts


def _customers(limit: LimitHeadroom) -> Table:
    table = Table(box=None, padding=(0, 2), pad_edge=False, show_edge=False, header_style="bold")
    table.add_column(f"{escape(limit.label)} by customer")
    table.add_column("Usage", justify="right")
    table.add_column("Share", justify="right")
    shown = limit.customers[:TOP_CUSTOMERS]
    for share in shown:
        table.add_row(escape(share.name), amount(share.usage), f"{round(share.share * 100)} %")
    rest = limit.customers[TOP_CUSTOMERS:]
    if rest:
        used = sum((s.usage for s in rest), Decimal(0))
        part = sum(s.share for s in rest)
        table.add_row(
            Text(f"{len(rest)} more", style="dim"), amount(used), f"{round(part * 100)} %"
        )
    if not limit.customers:
        table.add_row(Text("no usage in the window", style="dim"), "", "")
    return table


def _months(limit: LimitHeadroom) -> Table:
    table = Table(box=None, padding=(0, 2), pad_edge=False, show_edge=False, header_style="bold")
    table.add_column(f"{escape(limit.label)} by month")
    table.add_column("Usage", justify="right")
    for month, used in limit.months:
        table.add_row(month_words(month), amount(used))
    if not limit.months:
        table.add_row(Text("no usage in the window", style="dim"), "")
    return table


def breakdown_section(usage: PolicyUsage) -> list[RenderableType]:
    """Per limit, the customers pooled (largest first, with their share) and the usage
    of each month of the window; empty without a figure."""
    h = usage.headroom
    if h is None or not h.limits:
        return []
    parts: list[RenderableType] = []
    for index, limit in enumerate(h.limits):
        if index:
            parts.append(Text(""))
        parts.append(_customers(limit))
        parts.append(Text(""))
        parts.append(_months(limit))
    return [Group(*parts)]
