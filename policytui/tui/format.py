"""Pure text helpers for the screens: relative times, grouped numbers, limits, actions.

No Textual import here: these are plain functions with their own unit tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from policytui.api.actions import action_label, canonical_actions

if TYPE_CHECKING:
    from policytui.api.models import OfferingComponent

#: Thin space: groups thousands without looking like a decimal separator anywhere.
THIN_SPACE = "\u2009"


def group_thousands(value: int) -> str:
    """``10000`` -> ``"10 000"`` (thin spaces); negatives keep their sign."""
    return f"{value:,}".replace(",", THIN_SPACE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def relative_time(moment: datetime | None, now: datetime) -> str:
    """``"just now"``, ``"5 min ago"``, ``"2 h ago"``, ``"3 d ago"``; a date past 30 days.

    Future instants (a server clock ahead of ours) read ``"in 5 min"`` rather than lying.
    """
    if moment is None:
        return ""
    seconds = (_aware(now) - _aware(moment)).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        text = f"{max(1, round(seconds / 60))} min"
    elif seconds < 86400:
        text = f"{int(seconds // 3600)} h"
    elif seconds < 30 * 86400:
        text = f"{int(seconds // 86400)} d"
    else:
        return short_date(moment)
    return f"in {text}" if future else f"{text} ago"


def short_date(moment: datetime | None) -> str:
    """``2026-11-27`` in UTC: unambiguous across locales."""
    if moment is None:
        return ""
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%d")


def clock_time(moment: datetime) -> str:
    """``09:58:12 UTC``: when something happened today (the status bar's last read)."""
    return _aware(moment).astimezone(UTC).strftime("%H:%M:%S UTC")


def exact_time(moment: datetime | None) -> str:
    """``2026-11-27 09:58:12 UTC``."""
    if moment is None:
        return ""
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def limit_text(limit: int, type_: str, component: OfferingComponent | None) -> str:
    """``CPU 10 000 core-hours``; the component type stands in when the catalog lacks it."""
    name = component.label if component else type_
    unit = component.measured_unit if component else ""
    return " ".join(part for part in (name, group_thousands(limit), unit) if part)


#: Between action labels (no label holds it, so a joined text splits back into labels).
ACTION_SEPARATOR = ", "


def actions_text(actions: Iterable[str], *, short: bool = False) -> str:
    """Every action in the one canonical order: ``"Notify owners, Block orders"``.

    ``short`` (for a narrow column) keeps the first label and counts the rest, as the
    limits column does: ``"Notify owners +1"``. An action has one label everywhere.
    """
    names = canonical_actions(actions)
    if not names:
        return "(none)"
    if short and len(names) > 1:
        return f"{action_label(names[0])} +{len(names) - 1}"
    return ACTION_SEPARATOR.join(action_label(a) for a in names)


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """``"1 policy"``, ``"512 policies"``, numbers grouped."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{group_thousands(count)} {word}"


def truncate(text: str, width: int) -> str:
    """Cut to ``width`` cells with an ellipsis (all our labels are single-cell text)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…" if width > 1 else "…"
