"""End to end: the Usage column and the detail's usage breakdown, with the installed
console script in tmux against ``policytui demo-server`` over HTTP (issue 14).

The app's "today" is the wall clock's, as it is for a user; the server is told the same
day (``--today``), as a real server's ``date.today()`` is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

USAGES = "/api/marketplace-component-usages/"
#: A filled Usage cell: "CPU 96 %", "96 % ▲", "120 % !".
CELL = re.compile(r"\d+ %( [▲!])?\s")


def filled_rows(screen: str) -> int:
    return sum(1 for line in screen.splitlines()[2:-2] if CELL.search(line))


def test_the_usage_column_and_the_detail_breakdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(UTC).date().isoformat()
    with demo_server_process("--today", today) as server:
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, (80, 24)) as term:
            first = term.wait_for("page 1 of 3 · 60 policies")
            header = first.splitlines()[1]
            assert "Usage" in header and "Period" in header and "Fired" in header
            # Filled in after the page, one cell per policy on it (20 rows at 80x24).
            screen = term.wait_until(lambda s: filled_rows(s) == 20, what="20 usage cells")
            assert max(len(line) for line in screen.splitlines()) <= 80
            reads = [r for r in server.requests() if r["path"] == USAGES]
            customers = [r for r in server.requests() if r["path"].endswith("/customers/")]
            # Per offering, never per policy: a few offerings' reads for 20 policies.
            assert customers and len(reads) < 20 and len(customers) < 20

            term.keys("Enter")
            detail = term.wait_for("Usage", "Window:", "The server would")
            assert re.search(r"\d / [\d\u2009 ]+", detail)  # usage / limit
            # A screen down at a time until the breakdown shows (pages are contiguous,
            # so no line is jumped over).
            term.wait_until(
                lambda s: "by customer" in s or bool(term.keys("NPage")),
                what="the breakdown by customer",
                every=0.5,
            )
            term.wait_for("by customer", "Share")
            term.keys("Escape")
            term.wait_for("page 1 of 3")
            term.keys("q")
            term.wait_exit(0)
            term.assert_no_secret(STAFF_TOKEN)
