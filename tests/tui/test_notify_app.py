"""``--notify`` (issue 14): a refresh that sees a policy fire tells the terminal once, by
the app's one writer; without ``--notify`` nothing is written. Pilot tests against the
demo server over loopback HTTP; the writer is replaced by a list (headless has no
terminal). The bytes themselves: tests/tui/test_notify.py; a real pty:
tests/e2e/test_notify_pty.py."""

from __future__ import annotations

import httpx
import pytest
from browse_support import make_app, screen_text, settle, wait_until

from policytui.demo import STAFF_TOKEN
from policytui.tui.list_state import ListMode
from policytui.tui.notify import MAX_NAME, clean
from policytui.tui.widgets.policy_table import PolicyTable


@pytest.fixture(autouse=True)
def _an_unnamed_terminal(monkeypatch) -> None:
    """Both notifications are sent to a terminal that does not say what it is (as over
    SSH), outside tmux: whatever terminal runs the tests."""
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def _fire(server, row) -> None:
    """Someone else lowers the policy's limit below its usage: the server fires it on save."""
    limit_type = row.policy.component_limits_set[0].type
    response = httpx.patch(
        f"{server.url}/api/marketplace-offering-usage-policies/{row.uuid}/",
        json={"component_limits_set": [{"type": limit_type, "limit": 1}]},
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    )
    assert response.status_code == 200 and response.json()["has_fired"], response.text


def _label(row) -> str:
    """The policy as the notification names it (a long one is cut)."""
    return clean(f"{row.offering} ({row.groups})", limit=MAX_NAME)


async def _refresh_after_a_firing(server, *, notify: bool) -> tuple[list[str], str]:
    """Page 1 on screen, a policy on it fired by someone else, `r`: what was written to
    the terminal, and the fired policy's label."""
    app = make_app(server, page_size=20, notify=notify)
    written: list[str] = []
    app.write_to_terminal = written.append  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        target = next(r for r in table.rows if not r.policy.has_fired and r.groups)
        assert written == [], "the first look never notifies (fired policies are on page 1)"
        _fire(server, target)
        await pilot.press("r")
        await wait_until(pilot, lambda: "◆ 1 changed" in screen_text(app), what="the mark")
        # The usage column refills after the page: the same policy went over its limit
        # of 1, and must not be told a second time.
        await settle(pilot)
        await wait_until(
            pilot, lambda: table.usage_of(target.uuid) is not None, what="the usage figure"
        )
        await settle(pilot)
        return written, _label(target)


async def test_with_notify_a_refresh_that_sees_a_policy_fire_writes_once(
    fresh_demo_server,
) -> None:
    written, label = await _refresh_after_a_firing(fresh_demo_server, notify=True)
    assert len(written) == 1, written
    (sequence,) = written
    assert sequence.startswith("\a")
    assert f"\x1b]9;policytui: 1 policy fired: {label}\a" in sequence
    assert f"\x1b]777;notify;policytui;1 policy fired: {label}\a" in sequence


async def test_without_notify_nothing_is_written(fresh_demo_server) -> None:
    written, _ = await _refresh_after_a_firing(fresh_demo_server, notify=False)
    assert written == []


async def test_the_fired_views_refresh_tells_once_for_the_whole_scan(fresh_demo_server) -> None:
    """The fired view's refresh is a scan in batches: told once it is done, naming the
    policy that fired since the last look."""
    server = fresh_demo_server
    app = make_app(server, page_size=5, notify=True)
    written: list[str] = []
    app.write_to_terminal = written.append  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        target = next(r for r in table.rows if not r.policy.has_fired and r.groups)
        await pilot.press("f")
        await wait_until(pilot, lambda: app.screen.scan.done, what="the fired scan")
        assert app.screen.mode is ListMode.FIRED
        _fire(server, target)
        await pilot.press("r")
        await wait_until(
            pilot, lambda: any(r.uuid == target.uuid for r in table.all_rows), what="the row"
        )
        await wait_until(pilot, lambda: app.screen.scan.done, what="the rescan")
        await settle(pilot)
        assert len(written) == 1, written
        assert f"1 policy fired: {_label(target)}" in written[0]
