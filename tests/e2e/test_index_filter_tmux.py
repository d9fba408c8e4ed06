"""End to end: `/` over every policy and a sort across every match, with the installed
console script in tmux against `policytui demo-server` holding thousands of policies
(hundreds of pages over HTTP), and a saved view opened with `--view`."""

from __future__ import annotations

import json
import urllib.request

import pytest
from e2e_terminal import demo_server_process, policytui_against, terminal, user_env

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def _every_policy(server) -> list[dict]:
    """Every policy as the server lists it, read here with urllib (not the app's client)."""
    items: list[dict] = []
    page = 1
    while True:
        request = urllib.request.Request(f"{server.url}{POLICIES}?page={page}&page_size=300")
        request.add_header("Authorization", f"Token {STAFF_TOKEN}")
        with urllib.request.urlopen(request, timeout=30) as answer:
            items.extend(json.loads(answer.read()))
            if 'rel="next"' not in answer.headers.get("Link", ""):
                return items
        page += 1


def _grouped(value: int) -> str:
    """As the screen reads through the harness (it shows thin spaces as spaces)."""
    return f"{value:,}".replace(",", " ")


def _matches(policy: dict) -> bool:
    """offering:gpu limit:cpu>5000, read off the wire."""
    on_gpu = "gpu" in (policy.get("scope_name") or "").casefold()
    cpu = [c["limit"] for c in policy["component_limits_set"] if c["type"] == "cpu"]
    return on_gpu and any(limit > 5000 for limit in cpu)


def test_filter_and_sort_every_page_of_thousands_of_policies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_server_process("--policies", "3000") as server:
        everything = _every_policy(server)
        matches = [p for p in everything if _matches(p)]
        assert 0 < len(matches) < len(everything)
        oldest = min(matches, key=lambda p: p["created"])["created"][:10]
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, NO_COLOR="1")
        with terminal(policytui_against(server), env, size=(120, 30)) as term:
            term.wait_for("page 1 of")
            term.keys("/")
            term.type("offering:gpu limit:cpu>5000")
            screen = term.wait_for(
                f"{_grouped(len(matches))} of {_grouped(len(everything))} match", timeout=90
            )
            assert "Every policy" in screen
            # Typed fast, as a user does: Enter gives the list the keys that follow. S: oldest
            # first across every match (the cursor stays on its policy), g: to the top.
            term.keys("Enter", "S")
            term.wait_for("Created ▲")
            term.keys("g")
            sorted_screen = term.wait_for("Created ▲", oldest)
            lines = sorted_screen.splitlines()
            header = next(i for i, line in enumerate(lines) if "Created ▲" in line)
            assert oldest in lines[header + 1]  # the oldest match of every page is first
            term.keys("Escape")
            term.wait_for("page 1 of")
            term.keys("q")
            term.wait_exit(0)


def test_a_saved_view_opens_with_the_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config" / "policytui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[views.gpu]\nfilter = "offering:gpu"\nsort = "-limit:cpu"\n')
    with demo_server_process("--policies", "500") as server:
        gpu = [p for p in _every_policy(server) if "gpu" in (p.get("scope_name") or "").lower()]
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--view", "gpu"), env, size=(120, 30)) as term:
            screen = term.wait_for(f"{len(gpu)} of 500 match", "View gpu", timeout=60)
            assert "Component limits ▼" in screen
            term.keys("Escape")
            term.wait_for("page 1 of")
            term.keys("q")
            term.wait_exit(0)


def test_an_unknown_saved_view_is_a_clear_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_server_process("--policies", "10") as server:
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server, "--view", "nope"), env) as term:
            screen = term.wait_for("[exited 2]")
            assert "No saved view named 'nope'" in screen
