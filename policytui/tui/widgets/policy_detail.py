"""Everything about one policy, for the detail screen and the side pane of wide terminals."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from policytui.api.actions import ACTION_DESCRIPTIONS, action_label, canonical_actions
from policytui.tui.catalog import Catalog
from policytui.tui.format import exact_time, group_thousands, relative_time
from policytui.tui.limit_check import limit_check_label
from policytui.tui.rows import offering_name

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.tui.usage_load import PolicyUsage


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def display_url(url: str | None, api_root: str | None) -> str:
    """A URL on the session's own server as its path (the host is in the top bar; a
    demo's port changes per run); anything else in full. ``C`` copies the full URL."""
    if not url:
        return "—"
    if api_root:
        parts = urlsplit(api_root)
        prefix = f"{parts.scheme}://{parts.netloc}"
        if url.startswith(prefix + "/"):
            return url[len(prefix) :]
    return url


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "unknown"
    return f"{relative_time(moment, now)}  ({exact_time(moment)})"


def _limits(policy: OfferingUsagePolicy, catalog: Catalog) -> RenderableType:
    """Each component limit by the component's name and unit (its type, dim, after)."""
    if not policy.component_limits_set:
        return Text("none", style="dim")
    limits = Table(box=None, padding=(0, 2), pad_edge=False, show_edge=False, header_style="bold")
    limits.add_column("Component")
    limits.add_column("Limit", justify="right")
    limits.add_column("Unit")
    limits.add_column("Type", style="dim")
    count = len(policy.component_limits_set)
    # The server checks only the first limit: with several, say which one decides.
    for index, item in enumerate(policy.component_limits_set):
        component = catalog.component(policy.scope_uuid, item.type)
        limits.add_row(
            escape(component.label if component else item.type) + limit_check_label(count, index),
            group_thousands(item.limit),
            escape(component.measured_unit if component else "?"),
            escape(item.type),
        )
    return limits


def _fired(policy: OfferingUsagePolicy, now: datetime) -> Text:
    if policy.has_fired:
        fired = Text("● fired ", style="bold red")
        fired.append(_when(policy.fired_datetime, now), style="not bold")
        return fired
    fired = Text("not fired", style="green")
    if policy.fired_datetime is not None:
        # fired_datetime is overwritten on reset: it is the last state change.
        fired.append(f"  (last reset {_when(policy.fired_datetime, now)})", style="dim")
    return fired


def _groups(policy: OfferingUsagePolicy, catalog: Catalog) -> Text:
    if policy.apply_to_all:
        return Text("All organizations (apply_to_all)")
    if not policy.organization_groups:
        return Text("none", style="dim")
    return Text("\n".join(f"• {catalog.group_label(url)}" for url in policy.organization_groups))


def _actions(policy: OfferingUsagePolicy) -> Text:
    if not policy.actions:
        return Text("(none)", style="dim")
    text = Text()
    for index, action in enumerate(canonical_actions(policy.actions)):
        if index:
            text.append("\n")
        text.append(f"• {action_label(action)}", style="bold")
        text.append(f"  {action}", style="dim")
        description = ACTION_DESCRIPTIONS.get(action)
        if description:
            text.append(f"\n  {description}")
    return text


def _facts() -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    # Fold, never cut: a uuid with an ellipsis cannot be read back or typed.
    facts.add_column(overflow="fold")
    return facts


def _usage_parts(usage: PolicyUsage) -> list[RenderableType]:
    # Imported here, not at the top: the list imports this module before the models.
    from policytui.tui.usage_text import usage_section

    return usage_section(usage)


def _breakdown_parts(usage: PolicyUsage) -> list[RenderableType]:
    from policytui.tui.usage_text import breakdown_section

    return breakdown_section(usage)


def render_policy(
    policy: OfferingUsagePolicy,
    catalog: Catalog,
    now: datetime,
    api_root: str | None = None,
    usage: PolicyUsage | None = None,
) -> RenderableType:
    """The detail as a Rich renderable (kept pure so tests can render it to text).

    What the policy is comes first, so an 80x24 terminal shows it without scrolling: its
    component limits, period, fired state, groups and actions; then who made it; the
    identifiers (uuids, URLs), which are for copying rather than reading, come last.
    ``usage`` (None: not asked for) adds each limit's usage under the limits and its
    breakdown by customer and month after the facts.
    """
    parts: list[RenderableType] = []
    offering = catalog.offering(policy.scope_uuid)
    name = offering_name(policy, catalog)
    title = Text(name, style="bold")
    if policy.has_fired:
        title.append("  ● FIRED", style="bold red")
    parts.append(title)

    parts.append(_section("Component limits"))
    parts.append(_limits(policy, catalog))
    if usage is not None:
        parts.append(_section("Usage"))
        parts.extend(_usage_parts(usage))
    parts.append(Text(""))

    what = _facts()
    what.add_row("Period", Text(policy.period_label))
    what.add_row("Fired", _fired(policy, now))
    what.add_row("Organization groups", _groups(policy, catalog))
    what.add_row("Actions", _actions(policy))
    created = Text(_when(policy.created, now))
    who = policy.created_by_full_name or ""
    if policy.created_by_username:
        who = f"{who} ({policy.created_by_username})" if who else policy.created_by_username
    if who:
        created.append(f"  by {who}")
    what.add_row("Created", created)
    if offering and offering.customer_name:
        what.add_row("Provider", Text(offering.customer_name))
    if policy.apply_to_all is not None:
        what.add_row("Apply to all", Text("yes" if policy.apply_to_all else "no"))
    if policy.affected_resources_count is not None:
        what.add_row("Affected resources", Text(group_thousands(policy.affected_resources_count)))
    parts.append(what)

    breakdown = _breakdown_parts(usage) if usage is not None else []
    if breakdown:
        parts.append(_section("Usage by customer and by month"))
        parts.extend(breakdown)

    if policy.options is not None:
        parts.append(_section("Options"))
        parts.append(Text(json.dumps(policy.options, indent=2, sort_keys=True) or "{}"))

    parts.append(_section("Identifiers"))
    ids = _facts()
    ids.add_row("Policy uuid", Text(policy.uuid))
    ids.add_row("Policy URL", Text(display_url(policy.url, api_root), overflow="fold"))
    ids.add_row("Offering uuid", Text(policy.scope_uuid or "—"))
    ids.add_row("Offering URL", Text(display_url(policy.scope, api_root), overflow="fold"))
    parts.append(ids)
    return Group(*parts)


class PolicyDetail(VerticalScroll, can_focus=True):
    """A scrollable detail of one policy; ``show(policy)`` swaps what it shows."""

    DEFAULT_CSS = """
    PolicyDetail {
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.policy: OfferingUsagePolicy | None = None
        self.usage: PolicyUsage | None = None
        self._body = Static("", id="detail-body")

    def compose(self):
        yield self._body

    def show(
        self,
        policy: OfferingUsagePolicy | None,
        *,
        catalog: Catalog,
        now: datetime,
        api_url: str | None,
        usage: PolicyUsage | None = None,
    ) -> None:
        """Show ``policy``, named from ``catalog``, its times relative to ``now``, its
        links on ``api_url``'s host, and its ``usage`` (loading, a figure or why not)."""
        self.policy = policy
        self.usage = usage
        if policy is None:
            self._body.update(Text("No policy selected.", style="dim"))
            return
        # Scrolled to the end (End, or the identifiers on view): the usage arriving later
        # makes the detail longer, and the end stays where the user put the view.
        at_end = self.max_scroll_y > 0 and (
            max(self.scroll_y, self.scroll_target_y) >= self.max_scroll_y
        )
        self._body.update(render_policy(policy, catalog, now, api_url, usage))
        if at_end:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
