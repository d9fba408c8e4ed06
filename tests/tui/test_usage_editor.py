"""The editor's usage preview (issue 14): each component limit's current usage for the
chosen groups and period beside the limit as typed, read once per editor open and
computed locally on every change; the review before saving says whether it fires."""

from __future__ import annotations

from test_editor import EditorHarness, fill, open_editor, wait_for
from test_usage_detail import NEAR, policy
from textual.widgets import Select, Static

from policytui.api import Period
from policytui.demo import Fault
from policytui.tui import editing
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.screens.save_review import DiffReviewScreen
from policytui.tui.usage_load import NEEDS_PROVIDER
from policytui.tui.widgets.limit_rows import LimitRows
from policytui.tui.widgets.multi_select import MultiSelect


def usage_line(editor: PolicyEditor, index: int = 0) -> str:
    row = editor.query_one(LimitRows).rows[index]
    line = row.query_one(".limit-usage", Static)
    return str(line.render()).replace("\u2009", " ") if line.display else ""


def note(editor: PolicyEditor) -> str:
    widget = editor.query_one("#usage-note", Static)
    return str(widget.render()).replace("\u2009", " ") if widget.display else ""


def usage_reads(server) -> list[dict]:
    return [
        r
        for r in server.requests()
        if "component-usages" in r["path"] or r["path"].endswith("/customers/")
    ]


async def test_the_preview_follows_limits_period_and_groups(fresh_demo_server) -> None:
    server = fresh_demo_server
    near = policy(server, NEAR)  # GPU 1 056 of 1 100 GPU-hours over Sep - Nov 2026
    app = EditorHarness(server.url)
    async with app.run_test(size=(120, 50)) as pilot:
        server.clear_requests()
        editor = await open_editor(app, pilot, editing.open_edit_policy, near)
        assert usage_line(editor) == "used Sep – Nov 2026: 1 056 of 1 100 GPU-hours: 96 % (near)"
        assert note(editor).startswith("The server will not fire this policy when it is saved")
        reads = len(usage_reads(server))
        assert reads >= 2  # the offering's rows (every month) and its customers

        # The limit as typed: under it, then over it.
        await fill(editor, pilot, limits=[("gpu", "1000")])
        await wait_for(pilot, lambda: usage_line(editor).endswith(": over"))
        assert usage_line(editor) == "used Sep – Nov 2026: 1 056 of 1 000 GPU-hours: over"
        assert note(editor).startswith(
            "The server will fire this policy at once when it is saved: GPU, the first "
            "limit, is over (1 056 of 1 000 GPU-hours used Sep – Nov 2026)."
        )
        assert editor.query_one("#usage-note").has_class("-fires")

        # The period: this month only, less usage.
        editor.query_one("#period", Select).value = Period.MONTH_1
        await wait_for(pilot, lambda: usage_line(editor).startswith("used this month"))
        assert "of 1 000 GPU-hours" in usage_line(editor)

        # The groups: none chosen, nobody's usage.
        groups = editor.query_one("#groups", MultiSelect)
        groups.set_selected([])
        groups.post_message(MultiSelect.Changed(groups, []))
        await wait_for(pilot, lambda: usage_line(editor).startswith("used this month: 0 of"))
        # Every change was computed here: no request after the first read.
        assert len(usage_reads(server)) == reads


async def test_the_review_says_the_save_fires_at_once(fresh_demo_server) -> None:
    server = fresh_demo_server
    near = policy(server, NEAR)
    app = EditorHarness(server.url)
    async with app.run_test(size=(120, 50)) as pilot:
        editor = await open_editor(app, pilot, editing.open_edit_policy, near)
        await fill(editor, pilot, limits=[("gpu", "1000")])
        await wait_for(pilot, lambda: "at once" in note(editor))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        notes = str(app.screen.query_one("#review-notes", Static).render())
        assert "The server will fire this policy at once when it is saved" in notes


async def test_without_the_customer_map_the_editor_says_why(fresh_demo_server) -> None:
    fresh_demo_server.set_faults(
        [Fault("status", method="GET", path="/customers/", params={"status": 404})]
    )
    near = policy(fresh_demo_server, NEAR)
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=(120, 50)) as pilot:
        editor = await open_editor(app, pilot, editing.open_edit_policy, near)
        assert note(editor) == f"No current usage: {NEEDS_PROVIDER}."
        assert usage_line(editor) == ""
