"""The pure text helpers behind every column and the detail view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from policytui.api import OfferingComponent
from policytui.tui.format import (
    THIN_SPACE,
    actions_text,
    count_noun,
    exact_time,
    group_thousands,
    limit_text,
    relative_time,
    short_date,
)
from policytui.tui.widgets.policy_table import layout_columns, limits_cell, limits_fit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_thousands_are_grouped_with_thin_spaces() -> None:
    assert group_thousands(10000) == f"10{THIN_SPACE}000"
    assert group_thousands(999) == "999"
    assert group_thousands(1234567) == f"1{THIN_SPACE}234{THIN_SPACE}567"
    assert group_thousands(-2500) == f"-2{THIN_SPACE}500"


def test_relative_time_reads_like_a_person_would_say_it() -> None:
    assert relative_time(NOW - timedelta(seconds=10), NOW) == "just now"
    assert relative_time(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert relative_time(NOW - timedelta(hours=2, minutes=40), NOW) == "2 h ago"
    assert relative_time(NOW - timedelta(days=3, hours=1), NOW) == "3 d ago"
    assert relative_time(NOW - timedelta(days=45), NOW) == "2026-10-13"
    assert relative_time(None, NOW) == ""


def test_a_server_clock_ahead_of_ours_reads_as_future_not_negative() -> None:
    assert relative_time(NOW + timedelta(minutes=5), NOW) == "in 5 min"


def test_naive_datetimes_are_taken_as_utc() -> None:
    naive = datetime(2026, 11, 27, 10, 0)
    assert relative_time(naive, NOW) == "2 h ago"
    assert exact_time(naive) == "2026-11-27 10:00:00 UTC"
    assert short_date(naive) == "2026-11-27"


def test_limit_uses_component_name_and_unit_and_falls_back_to_type() -> None:
    cpu = OfferingComponent(type="cpu", name="CPU", measured_unit="core-hours")
    assert limit_text(10000, "cpu", cpu) == f"CPU 10{THIN_SPACE}000 core-hours"
    assert limit_text(250, "gpu", None) == "gpu 250"


def test_every_action_is_named_never_a_blank() -> None:
    both = ["notify_organization_owners", "block_creation_of_new_resources"]
    assert actions_text(both) == "Notify owners, Block orders"
    # The same set written the other way round reads the same (one canonical order)...
    assert actions_text(list(reversed(both))) == "Notify owners, Block orders"
    # ...and a narrow column keeps the same label, counting the rest.
    assert actions_text(reversed(both), short=True) == "Notify owners +1"
    assert actions_text(["notify_external_user"], short=True) == "Notify emails"
    assert actions_text(["brand_new_action"]) == "Brand new action"
    assert actions_text([]) == "(none)"


def test_count_noun() -> None:
    assert count_noun(1, "policy", "policies") == "1 policy"
    assert count_noun(1512, "policy", "policies") == f"1{THIN_SPACE}512 policies"


def test_eighty_columns_keep_offering_actions_limits_period_usage_and_fired() -> None:
    keys = [c.key for c, _ in layout_columns(80)]
    assert keys == ["offering", "actions", "limits", "period", "usage", "fired"]
    # A mark cell, the columns and a gap between each two.
    assert 1 + sum(w for _, w in layout_columns(80)) + len(keys) - 1 <= 80


def test_wide_terminals_show_every_column() -> None:
    keys = [c.key for c, _ in layout_columns(160)]
    assert keys == [
        "offering", "actions", "limits", "period", "groups", "usage", "fired", "created"
    ]  # fmt: skip
    assert 1 + sum(w for _, w in layout_columns(160)) + len(keys) - 1 <= 160


def test_limits_that_do_not_fit_say_how_many_more_there_are() -> None:
    limits = ["CPU 100 core-hours", "RAM 200 GB-hours", "Storage 5 GB-months"]
    assert limits_cell(limits, 80) == ", ".join(limits)
    assert limits_cell(limits, 24) == "CPU 100 core-hours +2"
    assert limits_cell(limits, 20) == "CPU 100 core-hou… +2"
    assert limits_cell(limits, 40) == "CPU 100 core-hours, RAM 200 GB-hours +1"
    assert limits_cell([], 10) == "—"


def test_a_cut_limit_keeps_its_number() -> None:
    """At 80 columns the limits column is 16 cells (the Usage column took four): the
    unit goes, then the component's name is cut, before the number is."""
    block = "Block storage 987\u2009654 GB-months"
    assert limits_fit([block], 16) == "Block s… 987\u2009654"
    assert limits_fit(["CPU 40\u2009900 core-hours"], 16) == "CPU 40\u2009900"
    assert limits_fit(["RAM 920 GB-hours"], 16) == "RAM 920 GB-hours"
    assert limits_fit([block, "CPU 5 core-hours"], 16) == "Bloc… 987\u2009654 +1"
    assert limits_fit(["CPU 1 core-hours", "RAM 2 GB-hours"], 40) == (
        "CPU 1 core-hours, RAM 2 GB-hours"
    )


def test_page_position_always_says_where_you_are() -> None:
    from policytui.tui.screens.list_texts import page_position

    assert page_position(3, 17, 512) == "page 3 of 17 · 512 policies"
    assert page_position(1, 1, 1) == "page 1 of 1 · 1 policy"
    assert page_position(2, None, None) == "page 2 of ? · ? policies"
    assert page_position(1, 2, 30, loading=True).endswith(" · loading…")


def test_fired_scan_progress_and_tally() -> None:
    from policytui.tui.screens.list_texts import fired_headline, scan_position

    assert fired_headline(7, 512) == "7 fired of 512"
    assert fired_headline(0, None) == "scanning…"
    assert scan_position(False, 37, 100, 7, 30000) == "scanning 37 % · 7 fired so far"
    assert scan_position(True, 100, 100, 7, 512) == "7 fired of 512 policies"


def test_empty_states_say_what_to_do_next() -> None:
    from policytui.tui.screens.list_texts import empty_state

    title, hint = empty_state(False, "Acme HPC Cluster", None)
    assert title == "No usage policies for this offering"
    assert "Press n to create one" in hint and "x to show every offering" in hint
    title, hint = empty_state(True, "", 60)
    assert title == "No fired policies" and "None of 60 policies has fired" in hint


def test_periods_read_in_plural_whatever_the_server_calls_them() -> None:
    from policytui.api import OfferingUsagePolicy

    said = {1: "Total", 2: "1 month", 3: "3 month", 4: "12 month"}  # the server's words
    wanted = {1: "Total", 2: "1 month", 3: "3 months", 4: "12 months"}
    for number, name in said.items():
        policy = OfferingUsagePolicy.model_validate(
            {"uuid": "0" * 32, "period": number, "period_name": name}
        )
        assert policy.period_label == wanted[number]
    # The period column holds the longest label whole, at 80 columns too.
    for width in (80, 160):
        period = dict((c.key, w) for c, w in layout_columns(width))["period"]
        assert period >= len("12 months")


def test_each_action_label_fits_the_narrowest_actions_column() -> None:
    # At 80 columns the Actions column is 13 cells: one action reads whole there.
    from policytui.api.actions import ACTION_LABELS

    width = {c.key: w for c, w in layout_columns(80)}["actions"]
    assert all(len(label) <= width for label in ACTION_LABELS.values()), width
    # Two actions: the first label cut, the count of the rest kept.
    assert limits_cell(["Notify owners", "Block orders"], width).endswith("… +1")


def test_a_scan_under_way_says_its_count_is_not_the_answer() -> None:
    from policytui.tui.screens.list_texts import fired_headline, page_position

    assert fired_headline(1455, 100_000, scanning=True) == "scanning… 1\u2009455 fired so far"
    assert fired_headline(14_912, 100_000) == "14\u2009912 fired of 100\u2009000"
    assert page_position(1, 6250, 100_000) == "page 1 of 6\u2009250 · 100\u2009000 policies"
