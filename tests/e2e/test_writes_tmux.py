"""Writes as users meet them: `policytui` against `policytui demo-server` over HTTP, the
helper process on, small pages; after a create and a delete the footer's count and pages
are right at once, and every page can be walked to (issue 11, item 5; the rows of each page
against the server's are checked in tests/tui/test_counts_after_writes.py)."""

from __future__ import annotations

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e


def test_counts_and_pages_follow_a_create_and_a_delete(tmp_path) -> None:
    with demo_server_process("--policies", "60") as server:
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--page-size=5"), env, (100, 30)) as term:
            term.wait_for("page 1 of 12 · 60 policies")
            term.keys("u")  # duplicate the first policy
            # The form, not the title over its loading view: ctrl+s waits for the form.
            term.wait_for("Duplicate policy", "Component limits")
            term.keys("C-s")
            term.wait_for("Created policy", "page 1 of 13 · 61 policies")
            term.keys(">")
            term.wait_for("page 13 of 13 · 61 policies")
            term.keys("<")
            term.wait_for("page 1 of 13 · 61 policies")
            term.keys("d")
            term.wait_for("Delete this policy?")
            term.keys("y")
            term.wait_for("Deleted policy", "page 1 of 12 · 60 policies")
            # Every page holds what the server's page holds: none fell between pages.
            for number in range(2, 13):
                term.keys("]")
                term.wait_for(f"page {number} of 12 · 60 policies")
            term.keys("q")
            term.wait_for("[exited 0]")
            term.assert_no_secret(STAFF_TOKEN)
