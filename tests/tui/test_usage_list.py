"""The list's Usage column (issue 14): the highest ratio of each policy on the page with
its component, filled in after the page is painted, readable without colour, fitting 80
columns; against the demo server over loopback HTTP."""

from __future__ import annotations

import pytest
from browse_support import make_app, screen_text, settle, wait_until
from on_screen import notifications_shown
from test_usage_detail import NEAR, UNDER, answered_usage

from policytui.demo import Fault
from policytui.tui.widgets.policy_table import PolicyTable


def usage_column(app) -> dict[str, str]:
    """Each row's Usage cell as painted: the text between the Period and Fired columns."""
    table = app.screen.query_one(PolicyTable)
    return {
        row.uuid[:8]: table.usage_of(row.uuid).fit(16)
        for row in table.all_rows
        if table.usage_of(row.uuid) is not None
    }


async def test_the_usage_column_fits_80_columns(demo_server) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await wait_until(pilot, lambda: len(usage_column(app)) == len(table.all_rows))
        await settle(pilot)
        text = screen_text(app)
        header = text.splitlines()[1]
        for title in ("Offering", "Actions", "Component limits", "Period", "Usage", "Fired"):
            assert title in header
        assert max(len(line) for line in text.splitlines()) <= 80
        # At 80 columns a marked cell keeps its figure and mark, the component goes first.
        assert " 96 % ▲ " in text  # GPU, near
        # Over on a limit the server does not check: marked †, and the status bar says
        # what that means while such a cell is on screen.
        assert " 112 % !† " in text
        assert "† a limit the server does not check" in text.splitlines()[-2]
        assert " CPU 10 % " in text
        cells = usage_column(app)
        assert cells[NEAR] == "GPU 96 % ▲" and cells[UNDER] == "CPU 10 %"


async def test_the_usage_column_is_filled_after_the_first_page(fresh_demo_server) -> None:
    """The usage endpoint held: the first page is painted with the column blank, and one
    reader's requests (the offerings' rows and customers, never one per policy) fill it."""
    fresh_demo_server.set_faults(
        [Fault("timeout", path="component-usages/", params={"seconds": 3})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        table = None

        def page_shown() -> bool:
            nonlocal table
            tables = app.screen.query(PolicyTable)
            table = tables.first() if tables else None
            return table is not None and table.row_count > 0 and "page 1 of" in screen_text(app)

        await wait_until(pilot, page_shown, what="the first page")
        assert table is not None
        assert not answered_usage(fresh_demo_server)
        assert all(table.usage_of(r.uuid) is None for r in table.all_rows)
        await wait_until(pilot, lambda: len(usage_column(app)) == table.row_count)
        offerings = {r.policy.scope_uuid for r in table.all_rows}
        usage = [r for r in fresh_demo_server.requests() if "component-usages" in r["path"]]
        customers = [r for r in fresh_demo_server.requests() if r["path"].endswith("/customers/")]
        assert len(customers) == len(offerings)
        assert len(usage) <= 3 * len(offerings) < table.row_count


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


async def test_the_usage_column_reads_without_colour(demo_server, no_color) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        assert app.no_color
        table = app.screen.query_one(PolicyTable)
        await wait_until(pilot, lambda: len(usage_column(app)) == len(table.all_rows))
        await settle(pilot)
        text = screen_text(app)
    # The level is in the marks: over "!", near "▲"; a comfortable figure has none.
    assert "GPU 96 % ▲" in text and "CPU 112 % !" in text and "CPU 10 %" in text


async def test_without_the_customer_map_no_figure_and_the_status_says_why(fresh_demo_server):
    """Refused the offerings' customers (neither staff nor a provider owner): every cell
    says there is no figure, and the status bar says why."""
    fresh_demo_server.set_faults(
        [Fault("status", method="GET", path="/customers/", params={"status": 404})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "usage needs staff" in screen_text(app))
        table = app.screen.query_one(PolicyTable)
        cells = [table.usage_of(r.uuid) for r in table.all_rows]
        assert cells and {c.figure for c in cells if c is not None} == {"—"}
        assert "%" not in "".join(line[100:] for line in screen_text(app).splitlines()[2:-2])


async def test_a_refresh_marks_a_policy_whose_usage_crossed_the_limit() -> None:
    """Usage reported between two looks (set_usage, as a provider does) pushes a block-only
    policy over its limit: the next refresh marks it ◆ and says so (as --watch does for
    a change of fired state). The server's and the app's today are the wall clock's: the
    demo's set_usage reports into the wall clock's month."""
    import httpx

    from policytui.api import Period
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.auth.settings import Settings
    from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
    from policytui.tui.app import PolicyApp

    with DemoServer(DemoSettings()) as server:
        session = Session(url=server.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True)
        app = PolicyApp(session, Settings())
        headers = {"Authorization": f"Token {STAFF_TOKEN}"}
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await wait_until(pilot, lambda: bool(usage_column(app)), what="the Usage column")
            await settle(pilot)
            table = app.screen.query_one(PolicyTable)
            row = next(
                r
                for r in table.all_rows
                if r.policy.period is Period.MONTH_1
                and r.policy.actions == ["block_creation_of_new_resources"]
                and r.policy.organization_groups
                and not r.policy.has_fired
                and not r.policy.apply_to_all
                and len(r.policy.component_limits_set) == 1
                and table.usage_of(r.uuid).level == "ok"
            )
            offering = row.policy.scope_uuid
            limit = row.policy.component_limits_set[0]
            groups = {g.rstrip("/").rsplit("/", 1)[-1] for g in row.policy.organization_groups}
            api = f"{server.url}/api"
            async with httpx.AsyncClient(headers=headers) as http:
                customers = (
                    await http.get(f"{api}/marketplace-provider-offerings/{offering}/customers/")
                ).json()
                members = {c["uuid"] for c in customers if c["organization_group_uuid"] in groups}
                month = app.now().date().replace(day=1).isoformat()
                rows = (
                    await http.get(
                        f"{api}/marketplace-component-usages/",
                        params={"offering_uuid": offering, "type": limit.type,
                                "billing_period": month, "page_size": 300},
                    )
                ).json()  # fmt: skip
                usage = next(u for u in rows if u["customer_uuid"] in members)
                answer = await http.post(
                    f"{api}/marketplace-component-usages/set_usage/",
                    json={"resource": usage["resource_uuid"],
                          "usages": [{"type": limit.type, "amount": limit.limit + 1}]},
                )  # fmt: skip
                assert answer.status_code == 201, answer.text
            await pilot.press("r")
            await wait_until(
                pilot,
                lambda: (
                    table.usage_of(row.uuid).level == "over"
                    and any(r.changed for r in table.all_rows if r.uuid == row.uuid)
                ),
                what="the crossing marked",
            )
            assert any("crossed 80 % or 100 %" in m for m in notifications_shown(app))
            # Block-only: the report did not re-evaluate it; the mark is the usage's.
            fresh = next(r for r in table.all_rows if r.uuid == row.uuid)
            assert not fresh.policy.has_fired


async def test_r_pressed_while_the_catalog_loads_still_fills_the_usage_column(
    fresh_demo_server,
) -> None:
    """`r` at once after the first page, while the catalog is still on its way: the fill
    it replaces shared its reads with the new one, and cancelling it used to cancel them
    under the new one, which left the column empty until the next refresh."""
    server = fresh_demo_server
    server.add_fault(Fault("timeout", times=1, path="organization-groups", params={"seconds": 1}))
    app = make_app(server, page_size=10)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(PolicyTable)
        await wait_until(pilot, lambda: table.row_count > 0, what="the first page")
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: all(table.usage_of(r.uuid) is not None for r in table.all_rows),
            what="every Usage cell",
        )
        assert "%" in "".join(usage_column(app).values())


async def test_usage_is_read_while_the_catalog_loads(fresh_demo_server) -> None:
    """The organization groups (part of the catalog, which names the components) held:
    the page's usage rows and customers are asked for meanwhile, not after it, and the
    column fills once the names arrive. On a real server the catalog's offerings are the
    slowest read of the start-up."""
    fresh_demo_server.set_faults(
        [Fault("timeout", times=1, path="organization-groups/", params={"seconds": 4})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(80, 24)) as pilot:

        def log() -> list[dict]:
            return [r for r in fresh_demo_server.requests() if r["method"] == "GET"]

        def usage_asked() -> bool:
            return any("component-usages/" in r["path"] for r in log()) and any(
                "/customers/" in r["path"] for r in log()
            )

        await wait_until(pilot, usage_asked, what="the usage rows and customers asked for")
        groups = [r for r in log() if "organization-groups/" in r["path"]]
        assert groups and groups[0].get("status") is None, "the catalog had already arrived"
        await wait_until(
            pilot, lambda: usage_column(app).get(NEAR) == "GPU 96 % ▲", what="the Usage column"
        )
