"""A tour in the conditions users bring: `policytui` against `policytui demo-server` over
HTTP, the helper process on, with NO_COLOR, other terminal types and locales, and a
window smaller than 80x24. Nothing here is cleaned the way the snapshot tests are."""

from __future__ import annotations

import pytest
from e2e_terminal import (
    DemoServerProcess,
    demo_server_process,
    policytui_against,
    terminal,
    user_env,
)

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server():
    with demo_server_process("--policies", "200") as running:
        yield running


CONDITIONS = {
    "no-color": {"NO_COLOR": "1"},
    "xterm": {"TERM": "xterm"},
    "screen": {"TERM": "screen"},
    "linux-console": {"TERM": "linux"},
    "posix-locale": {"LANG": "C", "LC_ALL": "C"},
    "small-window": {},
}
#: The window each condition runs in: 80x24 unless said here.
SIZES = {"small-window": (64, 18)}


@pytest.mark.parametrize("condition", list(CONDITIONS), ids=list(CONDITIONS))
def test_the_tour_works_in_the_users_terminal(
    condition: str, server: DemoServerProcess, tmp_path
) -> None:
    env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, **CONDITIONS[condition])
    size = SIZES.get(condition, (80, 24))
    with terminal(policytui_against(server), env, size) as term:
        term.wait_for("page 1 of")
        term.keys("f")
        term.wait_for("fired of 200")
        term.keys("f")
        term.wait_for("page 1 of")
        term.keys("Enter")  # the detail (a full screen at 80 columns)
        term.wait_for("Period")
        term.keys("y")
        term.wait_for('"uuid"')
        term.keys("Escape")
        term.wait_gone('"uuid"')
        term.keys("Escape")
        term.wait_for("page 1 of")
        term.keys("?")
        term.wait_for("Keys")
        term.keys("Escape")
        term.keys("n")
        term.wait_for("Offering")
        term.keys("Escape")
        term.wait_for("page 1 of")
        term.keys("q")
        term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)
