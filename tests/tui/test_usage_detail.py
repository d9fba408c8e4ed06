"""Headroom on screen (issue 14): the detail's usage and breakdown, the list's Usage
column, as a user meets them against the demo server over loopback HTTP.

The demo's usage ends with its "today" (conftest: DEMO_NOW's date, the app's clock), so
the figures below are the sample's: each policy picked shows one case of the issue.
"""

from __future__ import annotations

from browse_support import make_app, screen_text, server_policies, settle, wait_until

from policytui.api import OfferingUsagePolicy
from policytui.demo import Fault
from policytui.tui.screens.detail import DetailScreen
from policytui.tui.usage_load import NEEDS_PROVIDER

#: The sample's cases on DEMO_NOW (2026-11-27), by policy uuid prefix.
OVER_AND_FIRED = "237475e1"  # vCPU 307 / 240, apply_to_all, fired
NEAR = "deb0e066"  # GPU 96 %, block-only, not fired
UNDER = "57e54acc"  # CPU 10 %, Total
FIRED_NOW_UNDER = "4c41d9c0"  # fired in October, Memory 63 % now
OVER_NOT_FIRED = "d9d9320e"  # RAM 120 %, block-only: usage reports do not re-evaluate it
OVER_UNCHECKED = "220d672b"  # CPU 112 % on its second limit; the server checks RAM


def policy(server, prefix: str) -> OfferingUsagePolicy:
    raw = next(p for p in server_policies(server) if p["uuid"].startswith(prefix))
    return OfferingUsagePolicy.model_validate(raw)


async def open_detail(pilot, server, prefix: str, *, height: int = 80) -> str:
    """The detail of one policy, once its usage has been read; the screen's text on a
    terminal tall enough (80 columns still) to hold every line."""
    app = pilot.app
    await settle(pilot)
    await pilot.resize_terminal(80, height)
    app.push_screen(DetailScreen(policy(server, prefix)))
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and not app.screen.usage.loading,
        what="the detail's usage",
    )
    await settle(pilot)
    return screen(app)


def screen(app) -> str:
    """The screen as text, numbers' thin-space digit groups read as spaces."""
    return screen_text(app).replace("\u2009", " ")


async def test_over_and_fired(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, OVER_AND_FIRED)
    assert "307 / 240 core-hours" in text and "127 % over" in text
    assert "Window: this month" in text
    assert "The server would fire it now: vCPU, the first limit, is over." in text
    assert "Why:" not in text  # fired and over: nothing to explain
    # The breakdown: by customer (largest first, with shares), by month.
    assert "vCPU by customer" in text and "Barcelona Genomics Hub" in text and "17 %" in text
    assert "9 more" in text  # apply_to_all: every customer of the offering, the rest summed
    assert "vCPU by month" in text and "Nov 2026" in text


async def test_near(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, NEAR)
    assert "96 % near" in text
    assert "Window: Sep – Nov 2026 (3 months)" in text
    assert "The server would not fire it now" in text


async def test_under_over_every_month(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, UNDER)
    assert "Window: every month to Nov 2026" in text
    assert "10 %" in text and "% near" not in text and "% over" not in text


async def test_fired_but_now_under_says_why(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, FIRED_NOW_UNDER)
    assert "63 %" in text and "● FIRED" in text
    assert "The server would not fire it now" in text
    assert "Why: Fired in Oct 2026; the window has moved on" in text


async def test_over_but_not_fired_says_why(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, OVER_NOT_FIRED)
    assert "120 % over" in text
    assert "The server would fire it now" in text
    assert "Why: Over its limit but not fired: a policy that only blocks is not" in text


async def test_which_limit_the_server_checks(demo_server) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, demo_server, OVER_UNCHECKED)
    assert "RAM (checked)" in text and "CPU (not checked)" in text
    assert "1 650 / 1 470 core-hours" in text and "112 % over" in text
    assert "Why: Over on CPU, but the server checks only RAM (the first limit)" in text


async def test_without_the_customer_map_the_reason_not_a_figure(fresh_demo_server) -> None:
    """A user the server refuses the offering's customers (neither staff nor an owner of
    the provider: 404, as the real server answers) sees why, never a figure."""
    fresh_demo_server.set_faults(
        [Fault("status", method="GET", path="/customers/", params={"status": 404})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await open_detail(pilot, fresh_demo_server, OVER_AND_FIRED)
        assert f"No figure: {NEEDS_PROVIDER}" in " ".join(text.split())  # as wrapped
        assert "307 / 240" not in text and "by customer" not in text


async def test_the_detail_is_painted_before_usage_answers(fresh_demo_server) -> None:
    """The usage endpoint held: the detail is on screen, saying it is reading usage."""
    fresh_demo_server.set_faults(
        [Fault("timeout", path="component-usages/", params={"seconds": 3})]
    )
    app = make_app(fresh_demo_server)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)  # the list's own usage reads, held too, are answered by now
        fresh_demo_server.clear_requests()
        app.push_screen(DetailScreen(policy(fresh_demo_server, NEAR)))
        await wait_until(pilot, lambda: "Reading usage…" in screen_text(app))
        text = screen_text(app)
        assert "Component limits" in text and "Organization groups" in text
        assert not answered_usage(fresh_demo_server)
        await wait_until(pilot, lambda: "96 % near" in screen_text(app), what="the usage")


def answered_usage(server) -> list[dict]:
    return [
        r
        for r in server.requests()
        if r["path"].endswith("component-usages/") and r.get("status") is not None
    ]
