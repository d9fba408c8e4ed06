"""The editor's pure checks and comparisons (no app, no server)."""

from __future__ import annotations

import io

import pytest

from policytui.api import (
    ComponentLimit,
    Offering,
    OfferingComponent,
    OfferingUsagePolicy,
    OrganizationGroup,
    Period,
)
from policytui.tui.catalog import Catalog
from policytui.tui.policy_draft import (
    PolicyDraft,
    ServerFeatures,
    body_values,
    build_patch,
    changed_fields,
    check_draft,
    describe_changes,
    policy_values,
    readback_differences,
)
from policytui.tui.validation import (
    FieldError,
    duplicate_indices,
    parse_emails,
    parse_limit,
    parse_options,
    require_actions,
    unknown_types,
)

BASE = "https://waldur.example.org/api/"
OFFERING = "o" * 32
GROUP = f"{BASE}organization-groups/{'g' * 32}/"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        (" 42 ", 42),
        ("1 000", 1000),
        ("1_000", 1000),
        ("1\u2009000", 1000),
        ("2147483647", 2_147_483_647),
    ],
)
def test_limits_people_type_are_read_as_meant(text, value):
    assert parse_limit(text) == value


RULE = "a limit is a whole number from 0 to 2 147 483 647"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a limit (a whole number, 0 or more)."),
        ("-1", "A limit cannot be negative (a negative limit fires at once)."),
        ("2147483648", "A limit can be at most 2 147 483 647."),
        ("1.5", f"1.5 is not a whole number: {RULE}."),
        ("12.5", f"12.5 is not a whole number: {RULE}."),
        ("1e3", f"1e3 is not a whole number: {RULE}."),
        ("12 GB", f"12 GB is not a whole number: {RULE}."),
        ("١٢", f"١٢ is not a whole number: {RULE}."),  # non-ASCII digits: int() would take them
        ("1\t2", f"'1\\t2' is not a whole number: {RULE}."),  # a tab would not read back
    ],
)
def test_bad_limits_say_why(text, message):
    with pytest.raises(FieldError) as caught:
        parse_limit(text)
    assert str(caught.value) == message


def test_emails_split_on_any_separator_and_name_every_bad_one():
    assert parse_emails("a@x.org, b@y.org;c@z.org\nA@x.org a@x.org") == [
        "a@x.org",
        "b@y.org",
        "c@z.org",
        "A@x.org",
    ]
    with pytest.raises(FieldError, match="Not a valid e-mail addresses: 'nope', 'x@'"):
        parse_emails("ok@x.org nope x@")
    with pytest.raises(FieldError, match="at least one"):
        parse_emails(" , ")


def test_options_must_be_an_object():
    assert parse_options("  ") == {}
    assert parse_options('{"a": [1]}') == {"a": [1]}
    with pytest.raises(FieldError, match="not a list"):
        parse_options("[]")
    with pytest.raises(FieldError, match=r"Not valid JSON: .* \(line 1, column 2\)"):
        parse_options("{")


def test_duplicates_unknown_types_and_actions():
    assert duplicate_indices(["cpu", None, "ram", "cpu", "cpu"]) == {3: "cpu", 4: "cpu"}
    assert unknown_types(["cpu", None, "gpu"], ["cpu", "ram"]) == ["gpu"]
    assert require_actions(["b", "a", "b", ""]) == ["b", "a"]
    with pytest.raises(FieldError):
        require_actions([])


def catalog() -> Catalog:
    components = [
        OfferingComponent(type="cpu", name="CPU", measured_unit="core-hours"),
        OfferingComponent(type="ram", name="RAM", measured_unit="GB-hours"),
    ]
    return Catalog(
        offerings={OFFERING: Offering(uuid=OFFERING, name="HPC", components=components)},
        groups={GROUP: OrganizationGroup(uuid="g" * 32, url=GROUP, name="Nordics")},
        actions=["notify_organization_owners", "notify_external_user"],
        loaded=True,
    )


def draft(**changes) -> PolicyDraft:
    values = dict(
        offering_uuid=OFFERING,
        actions=["notify_organization_owners"],
        limits=[("cpu", "10"), (None, ""), ("ram", "20")],
        groups=[GROUP],
    )
    values.update(changes)
    return PolicyDraft(**values)


def test_a_good_draft_becomes_the_body_and_blank_rows_are_skipped():
    body, errors = check_draft(draft(), catalog(), ServerFeatures(), f"{BASE}x/{OFFERING}/")
    assert not errors and body is not None
    assert body.body() == {
        "scope": f"{BASE}x/{OFFERING}/",
        "actions": "notify_organization_owners",
        "organization_groups": [GROUP],
        "component_limits_set": [{"type": "cpu", "limit": 10}, {"type": "ram", "limit": 20}],
        "period": 2,
        "options": {},
        "apply_to_all": False,
    }


def test_2024_server_gets_neither_options_nor_apply_to_all():
    old = ServerFeatures(options=False, apply_to_all=False, groups_required=True)
    body, _ = check_draft(draft(), catalog(), old, "u")
    assert body is not None and "options" not in body.body() and "apply_to_all" not in body.body()
    _, errors = check_draft(draft(groups=[]), catalog(), old, "u")
    assert errors.fields["organization_groups"] == (
        "This server needs at least one organization group."
    )


def test_external_notification_puts_the_addresses_in_options():
    good = draft(actions=["notify_external_user"], emails_text="a@x.org; b@y.org")
    body, _ = check_draft(good, catalog(), ServerFeatures(), "u")
    # One comma-separated string: current servers answer 400 to a list.
    assert body is not None and body.options == {"notify_external_user": "a@x.org,b@y.org"}
    assert body.body()["options"] == {"notify_external_user": "a@x.org,b@y.org"}
    # Unticking the action drops the addresses rather than sending stale ones.
    body, _ = check_draft(
        draft(options_text='{"notify_external_user": "a@x.org", "notify_organization_owners": 1}'),
        catalog(),
        ServerFeatures(),
        "u",
    )
    assert body is not None and body.options == {"notify_organization_owners": 1}


def test_an_option_that_is_not_an_action_is_refused_before_the_server_crashes_on_it():
    body, errors = check_draft(draft(options_text='{"k": 1}'), catalog(), ServerFeatures(), "u")
    assert body is None
    assert errors.fields["options"] == (
        "Options are keyed by action name; 'k' is not an action this server offers."
    )


def test_row_errors_point_at_the_row_the_user_sees():
    bad = draft(limits=[("cpu", "1"), ("cpu", "2"), (None, "3"), ("gpu", "4"), ("ram", "x")])
    body, errors = check_draft(bad, catalog(), ServerFeatures(), "u")
    assert body is None
    assert errors.rows == {
        1: "'cpu' already has a limit above: one row per component.",
        2: "Choose a component for this limit.",
        3: "'gpu' is not a component of HPC.",
        4: f"x is not a whole number: {RULE}.",
    }


def stored(**changes) -> OfferingUsagePolicy:
    data = {
        "uuid": "p" * 32,
        "scope": f"{BASE}marketplace-provider-offerings/{OFFERING}/",
        "scope_uuid": OFFERING,
        "actions": "notify_organization_owners",
        "organization_groups": [GROUP],
        "component_limits_set": [{"type": "ram", "limit": 20}, {"type": "cpu", "limit": 10}],
        "period": 2,
        "options": {},
        "apply_to_all": False,
    }
    data.update(changes)
    return OfferingUsagePolicy.model_validate(data)


def test_only_changed_fields_are_patched_and_described():
    features = ServerFeatures()
    old = policy_values(stored(), features)
    body, _ = check_draft(draft(period=Period.TOTAL), catalog(), features, stored().scope)
    assert body is not None
    new = body_values(body, features)
    fields = changed_fields(old, new)
    assert fields == ["period"]  # limit order and blank rows are not changes
    assert build_patch(body, fields).body() == {"period": 1}
    [change] = describe_changes(old, new, fields, catalog())
    assert (change.label, change.old, change.new) == ("Period", "1 month", "Total")


def test_readback_names_what_the_server_kept():
    features = ServerFeatures()
    body, _ = check_draft(draft(), catalog(), features, stored().scope)
    assert body is not None
    kept_one = stored(component_limits_set=[ComponentLimit(type="ram", limit=20).model_dump()])
    [change] = readback_differences(
        body_values(body, features), policy_values(kept_one, features), catalog()
    )
    assert change.label == "Component limits"
    assert change.old == "CPU 10 core-hours, RAM 20 GB-hours"
    assert change.new == "RAM 20 GB-hours"


def test_absurdly_deep_options_are_a_field_error_not_a_crash():
    with pytest.raises(FieldError, match="nest too deeply"):
        parse_options("[" * 100_000)


# -- which limit the server evaluates (issue 11, item 10) --------------------------------


def detail_text(policy: OfferingUsagePolicy, width: int = 80) -> str:
    from datetime import UTC, datetime

    from rich.console import Console

    from policytui.tui.widgets.policy_detail import render_policy

    console = Console(width=width, record=True, no_color=True, file=io.StringIO())
    console.print(render_policy(policy, catalog(), datetime(2026, 11, 27, tzinfo=UTC)))
    return console.export_text()


def test_detail_marks_the_one_limit_the_server_checks():
    text = detail_text(stored())  # ram first, then cpu: the server checks ram only
    ram = next(line for line in text.splitlines() if line.lstrip().startswith("RAM"))
    cpu = next(line for line in text.splitlines() if line.lstrip().startswith("CPU"))
    assert "(checked)" in ram and "(not checked)" not in ram
    assert "(not checked)" in cpu


def test_a_single_limit_carries_no_mark():
    text = detail_text(stored(component_limits_set=[{"type": "cpu", "limit": 10}]))
    assert "checked)" not in text
