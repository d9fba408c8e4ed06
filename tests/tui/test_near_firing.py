"""The near-firing view (issue 14): every policy at or over a share of a limit, nearest
first, across every page; `h` opens it as `usage:>=80` sorted by usage, + / - move the
threshold, more terms narrow it. The fired view says of each fired policy whether it is
still over. The expected figures come from the demo server's own evaluation (its
`UsageStore.pooled`, what its `is_triggered` compares), not from the client's headroom
code: a mistake in either shows as a difference.
"""

from __future__ import annotations

import re

from browse_support import make_app, screen_text, settle, wait_until

from policytui.demo import Fault
from policytui.demo.evaluation import is_triggered, members
from policytui.demo.months import window
from policytui.tui.widgets.policy_table import PolicyTable


def server_ratios(server) -> dict[str, float]:
    """Each policy's highest usage / limit as the demo server pools it (inf: over a limit
    of 0); policies without a limit are left out."""
    state = server.state
    today = state.today()
    ratios: dict[str, float] = {}
    for policy in state.store.page(None, 0, 10_000):
        best = None
        for ctype, limit in policy.limits:
            first, last = window(policy.period, today)
            pooled = members(policy, state.usage)
            used = state.usage.pooled(policy.scope_uuid, ctype, pooled, first, last)
            ratio = float(used / limit) if limit > 0 else (float("inf") if used > 0 else 0.0)
            best = ratio if best is None else max(best, ratio)
        if best is not None:
            ratios[policy.uuid] = best
    return ratios


def fired_and_over(server) -> dict[str, bool]:
    state = server.state
    return {
        p.uuid: is_triggered(p, state.usage, state.today())
        for p in state.store.page(None, 0, 10_000)
        if p.has_fired
    }


def shown(app) -> list[str]:
    return [row.uuid for row in app.screen.query_one(PolicyTable).all_rows]


def note(app) -> str:
    return " ".join(str(app.screen.query_one("#filter-note").render()).split())


async def fired_with_usage(pilot, app) -> PolicyTable:
    """`f`, once every fired policy on view has its usage figure."""
    await settle(pilot)
    await pilot.press("f")
    table = app.screen.query_one(PolicyTable)
    await wait_until(
        pilot,
        lambda: shown(app) and all(table.usage_of(u) is not None for u in shown(app)),
        what="every fired policy's usage",
    )
    return table


async def open_near(pilot, app) -> None:
    await settle(pilot)
    await pilot.press("h")
    await wait_until(
        pilot,
        lambda: "match" in note(app) and "usage of" not in note(app),
        what="every policy's usage read",
    )
    await settle(pilot)


async def test_h_lists_every_policy_at_or_over_80_percent_nearest_first(demo_server) -> None:
    ratios = server_ratios(demo_server)
    near = {uuid for uuid, r in ratios.items() if r >= 0.8}
    assert 3 < len(near) < len(ratios) - 3  # the sample has both sides
    # Five policies a page: the answer spans pages the list never showed.
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_near(pilot, app)
        rows = shown(app)
        assert set(rows) == near
        order = [ratios[uuid] for uuid in rows]
        assert order == sorted(order, reverse=True)  # nearest first
        text = screen_text(app)
        assert "Near firing · usage ≥ 80 %" in text
        assert "usage:>=80" in text and "Usage ▼" in text
        assert note(app).startswith(f"{len(near)} of 60 match")
        # The cells say the figure the order came from.
        table = app.screen.query_one(PolicyTable)
        top = table.usage_of(rows[0])
        assert top is not None and top.level == "over"


async def test_plus_and_minus_move_the_threshold_in_the_filter(demo_server) -> None:
    ratios = server_ratios(demo_server)
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_near(pilot, app)
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert set(shown(app)) == {u for u, r in ratios.items() if r >= 0.7}
        assert "usage:>=70" in screen_text(app) and "usage ≥ 70 %" in screen_text(app)
        await pilot.press("plus", "plus", "plus", "plus", "plus")
        await settle(pilot)
        assert set(shown(app)) == {u for u, r in ratios.items() if r >= 0.95}
        assert "usage:>=95" in screen_text(app)


async def test_more_terms_narrow_the_near_view_and_h_leaves_it(demo_server) -> None:
    ratios = server_ratios(demo_server)
    policies = {p.uuid: p for p in demo_server.state.store.page(None, 0, 10_000)}
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_near(pilot, app)
        await pilot.press("slash", "end", *" period:1m")
        await settle(pilot)
        assert set(shown(app)) == {
            u for u, r in ratios.items() if r >= 0.8 and policies[u].period == 2
        }
        await pilot.press("enter", "h")
        await settle(pilot)
        assert "Near firing" not in screen_text(app)
        assert "page 1 of 12" in screen_text(app)  # back on the server's pages


async def test_policies_without_a_figure_are_counted_not_hidden_as_far(fresh_demo_server):
    """Refused the customer lists: no policy has a figure, so none is near, and the note
    says how many could not be measured (never "0 near" as if all were far)."""
    fresh_demo_server.set_faults(
        [Fault("status", method="GET", path="/customers/", params={"status": 404})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_near(pilot, app)
        assert shown(app) == []
        words = note(app)
        assert "No policy matches usage:>=80" in words
        assert "60 without a usage figure" in words
        assert "usage needs staff or a provider owner" in screen_text(app)


async def test_the_fired_view_says_which_fired_policies_are_still_over(demo_server) -> None:
    expected = fired_and_over(demo_server)
    assert True in expected.values() and False in expected.values()
    app = make_app(demo_server)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_with_usage(pilot, app)
        await settle(pilot)
        notes = {u: table.usage_of(u).note for u in shown(app)}
        assert notes == {u: "still over" if over else "now under" for u, over in expected.items()}
        over = sum(expected.values())
        assert f"{over} still over · {len(expected) - over} now under" in screen_text(app)
        # Back on the pages, the same policies' cells are the plain figures again.
        await pilot.press("f")
        await settle(pilot)
        assert all(table.usage_of(u) is None or not table.usage_of(u).note for u in shown(app))


async def test_s_over_a_filter_reaches_the_usage_sort_nearest_first(demo_server) -> None:
    """`s` over every match of a filter cycles to Usage too: the matches' usage is read
    and they come nearest first, those without a figure last."""
    ratios = server_ratios(demo_server)
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"acme", "enter")
        await settle(pilot)
        for _ in range(12):
            if "Usage ▼" in screen_text(app).splitlines()[1]:
                break
            await pilot.press("s")
            await settle(pilot)
        await wait_until(pilot, lambda: "usage of" not in note(app), what="the usage read")
        await settle(pilot)
        rows = shown(app)
        measured = [ratios[u] for u in rows if u in ratios]
        assert len(rows) > 20 and measured == sorted(measured, reverse=True)
        assert [u for u in rows if u not in ratios] == rows[len(measured) :]  # gaps last


async def test_slash_in_the_near_view_types_after_the_threshold(demo_server) -> None:
    """`/` reopens the box with the cursor after `usage:>=80`: what is typed narrows the
    view, it does not replace the threshold (the box used to select its text on focus)."""
    from textual.widgets import Input

    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_near(pilot, app)
        await pilot.press("slash", "space", *"period:1m")
        await settle(pilot)
        assert app.screen.query_one("#quick-filter", Input).value == "usage:>=80 period:1m"
        assert "Near firing · usage ≥ 80 %" in screen_text(app)


async def test_a_small_window_keeps_the_usage_column(demo_server) -> None:
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(64, 18)) as pilot:
        await open_near(pilot, app)
        header = screen_text(app).splitlines()[1]
        assert "Usage ▼" in header and "Fired" in header


async def test_plus_outside_the_near_view_never_rewrites_a_typed_usage_term(demo_server):
    from textual.widgets import Input

    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"usage:<50", "enter")
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        assert app.screen.query_one("#quick-filter", Input).value == "usage:<50"


async def test_a_refresh_whose_usage_reads_fail_keeps_the_figures(fresh_demo_server) -> None:
    """The usage endpoint fails on `r`: the near view keeps the policies and figures it
    had, and the status bar says the usage was not refreshed."""
    app = make_app(fresh_demo_server, page_size=5)
    async with app.run_test(size=(140, 30)) as pilot:
        await open_near(pilot, app)
        before = shown(app)
        assert before
        fresh_demo_server.set_faults(
            [Fault("status", path="component-usages/", params={"status": 503})]
        )
        await pilot.press("r")
        await wait_until(
            pilot, lambda: "usage not refreshed" in screen_text(app), what="the failure said"
        )
        await settle(pilot)
        assert shown(app) == before


async def test_a_plain_filter_fills_the_usage_of_the_matches_on_screen(demo_server) -> None:
    """`/` with no usage term: the matches on screen come from every page, not only the
    page the list read its usage for; once typing pauses their Usage cells are filled,
    each with the server's own figure. Moving down to matches below the window fills
    theirs too."""
    ratios = server_ratios(demo_server)
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        page_one = set(shown(app))
        await pilot.press("slash")
        await pilot.press(*"acme")
        await pilot.press("enter")
        table = app.screen.query_one(PolicyTable)

        def cells_on_screen() -> dict[str, str]:
            return {
                row.uuid: cell.fit(16)
                for row in table.on_screen()
                if (cell := table.usage_of(row.uuid)) is not None
            }

        await wait_until(
            pilot,
            lambda: len(cells_on_screen()) == len(table.on_screen()),
            what="the usage of the matches on screen",
        )
        filled = cells_on_screen()
        beyond = [uuid for uuid in filled if uuid not in page_one]
        assert len(beyond) >= 5  # matches the page never showed
        for uuid in beyond:
            if uuid in ratios and ratios[uuid] != float("inf"):
                assert f"{int(ratios[uuid] * 100)} %" in filled[uuid]
        below = len(table.on_screen())
        assert len(table.rows) > below + 3
        for _ in range(below + 2):
            await pilot.press("down")
        await wait_until(
            pilot,
            lambda: table.current is not None and table.usage_of(table.current.uuid) is not None,
            what="the usage of the match scrolled to",
        )


async def test_while_a_refresh_reads_usage_again_the_near_count_says_so_far(
    fresh_demo_server,
) -> None:
    """`r` in the near view: the count shown is of the last figures until the new ones
    are read, so it says "so far" (it read as final beside "refreshing usage: 0 of …");
    once they are in, it is the answer again."""
    app = make_app(fresh_demo_server, page_size=5)
    async with app.run_test(size=(140, 30)) as pilot:
        await open_near(pilot, app)
        assert "so far" not in note(app)
        fresh_demo_server.set_faults(
            [Fault("timeout", times=1, path="component-usages/", params={"seconds": 3})]
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: "refreshing usage" in note(app), what="the refresh")
        assert "match so far" in note(app)
        await wait_until(pilot, lambda: "usage" not in note(app), timeout=60, what="figures in")
        await settle(pilot)
        assert "match" in note(app) and "so far" not in note(app)


async def test_the_still_over_count_follows_a_save_that_takes_a_policy_under(
    fresh_demo_server,
) -> None:
    """The fired view's "N still over · M now under" is counted once per change of its
    rows or figures, not on every status update: a save read back that raises a still
    over policy's limit far past its usage moves it to "now under" in the count."""
    from policytui.api.parsing import parse_policy
    from policytui.tui.messages import PolicySaved

    server = fresh_demo_server
    expected = fired_and_over(server)
    over = sum(expected.values())
    assert over and len(expected) - over
    app = make_app(server)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_with_usage(pilot, app)
        await settle(pilot)
        assert f"{over} still over · {len(expected) - over} now under" in screen_text(app)
        for _ in range(3):  # status updates with nothing changed: the same count
            await pilot.press("down")
        assert f"{over} still over · {len(expected) - over} now under" in screen_text(app)
        uuid = next(u for u, is_over in expected.items() if is_over)
        policy = next(row.policy for row in table.all_rows if row.uuid == uuid)
        body = policy.model_dump(mode="json")
        for limit in body["component_limits_set"]:
            limit["limit"] = 10**12
        app.post_message(PolicySaved(parse_policy(body), created=False))
        await wait_until(
            pilot,
            lambda: (
                f"{over - 1} still over · {len(expected) - over + 1} now under" in screen_text(app)
            ),
            what="the count after the save",
        )


def raise_limits_elsewhere(server, uuid: str) -> None:
    """Every limit of the policy ``uuid`` raised 1 000-fold, as the shell or the web UI
    would (a PATCH over HTTP); then each usage read slowed to three seconds and the next
    walk of the policies to one: the usage of the policies as they were is still being
    read when a refresh's walk has read them anew."""
    import httpx

    from policytui.demo import STAFF_TOKEN

    policy = next(p for p in server.state.store.page(None, 0, 10_000) if p.uuid == uuid)
    raised = [{"type": ctype, "limit": limit * 1000} for ctype, limit in policy.limits]
    answer = httpx.patch(
        f"{server.url}/api/marketplace-offering-usage-policies/{uuid}/",
        json={"component_limits_set": raised},
        headers={"Authorization": f"Token {STAFF_TOKEN}"},
    )
    assert answer.status_code == 200, answer.text
    server.set_faults(
        [
            Fault("timeout", path="component-usages/", params={"seconds": 3}),
            Fault("timeout", times=1, query="page_size=300", params={"seconds": 1}),
        ]
    )


async def test_a_limit_raised_on_the_server_leaves_the_near_view_after_a_refresh(
    fresh_demo_server,
) -> None:
    """A limit raised elsewhere (the shell, the web UI) far past its usage: after `r` the
    policy leaves the near view, even when its usage is read again more slowly than the
    policies are (the figure read from the old limit came in after the new limit, and
    stayed: the fresh-eyes trial's 123 % beside a limit ten times higher)."""
    server = fresh_demo_server
    app = make_app(server, page_size=5)
    async with app.run_test(size=(140, 30)) as pilot:
        await open_near(pilot, app)
        before = shown(app)
        assert before
        uuid = before[0]
        raise_limits_elsewhere(server, uuid)
        await pilot.press("r")
        await wait_until(pilot, lambda: "refreshing usage" in note(app), what="the refresh")
        await wait_until(pilot, lambda: "usage" not in note(app), timeout=90, what="figures in")
        await settle(pilot)
        assert uuid not in shown(app)
        assert set(shown(app)) == set(before) - {uuid}


async def test_a_limit_raised_on_the_server_shows_its_new_usage_after_a_refresh(
    fresh_demo_server,
) -> None:
    """The same over a plain filter: the Usage cell of a policy on screen whose limit
    was raised elsewhere shows the new figure after `r`, even when the usage of the rows
    as they were is read after the policies were read anew."""
    server = fresh_demo_server
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"acme")
        await pilot.press("enter")
        table = app.screen.query_one(PolicyTable)

        def cell(uuid: str) -> str | None:
            found = table.usage_of(uuid)
            return None if found is None else found.fit(16)

        def percent(uuid: str) -> int | None:
            """The figure in the cell ("CPU 17 %": 17)."""
            match = re.search(r"(\d[\d ]*) %", cell(uuid) or "")
            return None if match is None else int(match.group(1).replace(" ", ""))

        await wait_until(
            pilot,
            lambda: all(cell(row.uuid) is not None for row in table.on_screen()),
            what="the usage of the matches on screen",
        )
        ratios = server_ratios(server)
        uuid = next(row.uuid for row in table.on_screen() if 0.1 < ratios.get(row.uuid, 0) < 10)
        old = percent(uuid)
        raise_limits_elsewhere(server, uuid)
        new = int(server_ratios(server)[uuid] * 100)
        assert old is not None and new < old
        await pilot.press("r")
        await wait_until(pilot, lambda: percent(uuid) == new, timeout=60, what="the new figure")
        await pilot.pause(4)  # a read of the rows as they were would land by now
        assert percent(uuid) == new, cell(uuid)
