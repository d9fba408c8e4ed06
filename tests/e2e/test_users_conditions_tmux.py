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
        # The list's own header says "Period" at 80 columns: the detail is up once the
        # list's page position has gone and its limits are on screen.
        term.wait_gone("page 1 of")
        term.wait_for("Period", "Unit")
        term.keys("y")
        term.wait_for('"uuid"')
        term.keys("Escape")
        term.wait_gone('"uuid"')
        term.keys("Escape")
        term.wait_for("page 1 of")
        term.keys("?")
        term.wait_for("Keys of the policy list")
        term.keys("Escape")
        # Wait before the next key: Escape and a letter sent together read as Alt+letter.
        term.wait_gone("Keys of")
        term.keys("n")
        term.wait_for("New policy", "^s Save")  # the list's header says "Offering" too
        term.keys("?")  # the editor's own keys, not the list's
        term.wait_for("Keys of the policy editor", "Save the policy", "Ctrl+O")
        term.keys("Escape")
        term.wait_gone("Save the policy")
        term.keys("Escape")
        term.wait_for("page 1 of")
        term.keys("q")
        term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)


def test_keys_typed_ahead_of_a_screen_land_on_it(server: DemoServerProcess, tmp_path) -> None:
    """Enter and y typed together: the raw view opens over the detail, not beneath it
    (Enter once opened the detail through a message that arrived after the y)."""
    env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
    with terminal(policytui_against(server), env, (80, 24)) as term:
        term.wait_for("page 1 of")
        term.keys("Enter", "y")
        term.wait_for('"uuid"')
        term.keys("Escape")  # back to the detail beneath
        term.wait_gone('"uuid"')
        screen = term.wait_for("Period", "Unit")
        assert "page 1 of" not in screen
        term.keys("Escape")
        term.wait_for("page 1 of")
        term.keys("q")
        term.wait_for("[exited 0]")


def test_a_list_key_typed_together_with_slash_acts_before_the_filter(
    server: DemoServerProcess, tmp_path
) -> None:
    """`f/gpu` in one send: the fired view, filtered for gpu (the f was once dropped:
    `/` focused the filter box first, and the box took the f's place)."""
    env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, NO_COLOR="1")
    with terminal(policytui_against(server), env, (80, 24)) as term:
        term.wait_for("page 1 of")
        term.type("f/gpu")
        screen = term.wait_for("Fired policies", " match")
        assert "Every policy" not in screen
        term.keys("Escape")
        term.wait_gone(" match")
        term.keys("q")
        term.wait_for("[exited 0]")
