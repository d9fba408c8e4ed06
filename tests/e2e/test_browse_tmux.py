"""End to end: `policytui --demo` (the console script) in a real terminal (tmux, 80x24),
read with capture-pane."""

from __future__ import annotations

import pytest
from e2e_terminal import POLICYTUI, terminal, user_env

pytestmark = pytest.mark.e2e


def test_browse_pages_detail_and_fired_view_in_a_real_terminal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with terminal([POLICYTUI, "--demo"], user_env(tmp_path), (80, 24)) as term:
        first = term.wait_for("page 1 of 3 · 60 policies")
        assert "DEMO" in first
        assert "Offering" in first and "Component limits" in first and "Fired" in first

        term.keys("]")
        term.wait_for("page 2 of 3 · 60 policies")
        term.keys("]")
        third = term.wait_for("page 3 of 3 · 60 policies")
        term.keys("[")
        term.wait_for("page 2 of 3")

        term.keys("Enter")
        top = term.wait_for("Unit")  # the detail opens on its component limits
        assert "Actions" in top and "Period" in top
        term.keys("End")  # the identifiers come last
        detail = term.wait_for("Policy uuid")
        assert "127.0.0.1" not in detail  # URLs on the session's own host are shown as paths
        term.keys("Escape")
        term.wait_for("page 2 of 3")

        term.keys("f")
        fired = term.wait_for("fired of 60")
        assert "Fired policies" in fired
        assert "●" in fired
        term.keys("f")
        term.wait_for("page 2 of 3")
        assert third != fired

        term.keys("q")
        term.wait_exit(0)
