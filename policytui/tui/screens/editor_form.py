"""The editor's form: its fields, built from a draft, the catalog and what the server knows.

A plain function, not a widget of its own: the editor screen mounts what it returns into
``#editor-form`` and reads the values back by the ids given here (``read_draft``).
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Container, Vertical
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from policytui.api import ACTION_DESCRIPTIONS, Period, action_label
from policytui.api.actions import canonical_actions
from policytui.tui.catalog import Catalog
from policytui.tui.policy_draft import PolicyDraft, ServerFeatures
from policytui.tui.widgets.form_text_area import FormTextArea
from policytui.tui.widgets.limit_rows import LimitRows
from policytui.tui.widgets.multi_select import Choice, MultiSelect, TickBox
from policytui.tui.widgets.text_input import TextInput


def offering_prompt(name: str, provider: str | None) -> str:
    return f"{name} · {provider}" if provider else name


def field_error(name: str) -> Static:
    """The line under field ``name`` where its error is shown (hidden until there is one)."""
    error = Static("", id=f"error-{name}", classes="field-error", markup=False)
    error.display = False
    return error


def form_widgets(draft: PolicyDraft, catalog: Catalog, features: ServerFeatures) -> list[Widget]:
    """The form's fields filled from ``draft``: what the catalog offers, and only the
    fields this server understands (``features``)."""
    offerings = sorted(catalog.offerings.values(), key=lambda o: (o.name.casefold(), o.uuid))
    offering = catalog.offering(draft.offering_uuid)
    widgets: list[Widget] = [
        Label("Offering", classes="field-label"),
        Select(
            [(Text(offering_prompt(o.name, o.customer_name)), o.uuid) for o in offerings],
            value=draft.offering_uuid if offering else Select.NULL,
            prompt="Choose an offering (type to search)…",
            type_to_search=True,
            compact=True,
            id="offering",
        ),
        field_error("scope"),
        Label("Actions  (space ticks; at least one)", classes="field-label"),
        MultiSelect(
            [
                Choice(name, action_label(name), ACTION_DESCRIPTIONS.get(name, ""))
                # The server's order changes between restarts: the one canonical order
                # (owners, e-mails, block) for muscle memory, as the list reads them.
                for name in canonical_actions(catalog.actions)
            ]
            # A stored action the server no longer offers stays visible, so it can be
            # unticked (the server would reject the policy with it).
            + [
                Choice(name, action_label(name), "not offered by this server: untick it")
                for name in draft.actions
                if name not in catalog.actions
            ],
            draft.actions,
            empty_text="The server offers no actions.",
            id="actions",
        ),
        field_error("actions"),
        Vertical(
            Label("E-mail addresses to notify  (comma separated)", classes="field-label"),
            TextInput(
                draft.emails_text,
                placeholder="ops@example.org, oncall@example.org",
                compact=True,
                id="emails",
            ),
            field_error("emails"),
            id="emails-field",
        ),
        Label("Component limits  (ctrl+n add · ctrl+r remove)", classes="field-label"),
        LimitRows(offering.components if offering else [], draft.limits, id="limits"),
        field_error("component_limits_set"),
        Static("", id="limits-note", classes="field-note", markup=False),
        # The current usage against these limits, and the server's verdict at save.
        Static("", id="usage-note", classes="field-note", markup=False),
        Label("Period", classes="field-label"),
        Select(
            [(p.label, p) for p in Period],
            value=draft.period,
            allow_blank=False,
            compact=True,
            id="period",
        ),
        field_error("period"),
    ]
    # Who the policy applies to, and extras: beside the rest on wide terminals.
    side: list[Widget] = []
    if features.apply_to_all:
        side += [
            TickBox(
                "Apply to all organizations (instead of chosen groups)",
                draft.apply_to_all,
                id="apply-to-all",
                compact=True,
            ),
            field_error("apply_to_all"),
        ]
    groups = sorted(catalog.groups.values(), key=lambda g: catalog.group_label(g.url))
    side += [
        Label("Organization groups", classes="field-label", id="groups-label"),
        MultiSelect(
            [
                Choice(
                    g.url,
                    catalog.group_label(g.url),
                    g.type_name or "",
                    keywords=g.parent_name or "",
                )
                for g in groups
            ],
            draft.groups,
            filterable=True,
            placeholder="Type to filter groups by name or parent…",
            empty_text="The server lists no organization groups.",
            id="groups",
        ),
        field_error("organization_groups"),
    ]
    if features.options:
        side += [
            Label("Options  (JSON object · ctrl+o opens $EDITOR)", classes="field-label"),
            FormTextArea(
                draft.options_text,
                id="options",
                soft_wrap=True,
                tab_behavior="focus",
                compact=True,
            ),
            field_error("options"),
        ]
    return [
        Container(
            Container(*widgets, id="form-main"),
            Container(*side, id="form-side"),
            id="form-columns",
        )
    ]
