"""One table of keys (policytui/tui/actions.py): every screen binds what it says, the
README's keys section is made from it, and nothing binds a key behind its back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policytui.tui import actions
from policytui.tui.actions import README_END, README_START, bindings_for, readme_keys

ROOT = Path(__file__).resolve().parents[2]


def _readme_section(text: str) -> str:
    return text[text.index(README_START) + len(README_START) : text.index(README_END)]


def test_the_readme_keys_section_is_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _readme_section(readme).strip() == readme_keys().strip(), (
        "README.md's keys section differs from policytui/tui/actions.py: "
        "run `python -m policytui.tui.actions --readme`"
    )


def test_the_readme_command_rewrites_a_stale_section() -> None:
    stale = f"# Keys\n\n{README_START}\n| old | table |\n{README_END}\n\nAfter.\n"
    rewritten = actions.rewrite_readme(stale)
    assert _readme_section(rewritten).strip() == readme_keys().strip()
    assert rewritten.startswith("# Keys\n\n") and rewritten.endswith(f"{README_END}\n\nAfter.\n")
    assert actions.rewrite_readme(rewritten) == rewritten


def _screens() -> dict[str, type]:
    from policytui.tui.app import PolicyApp
    from policytui.tui.screens.bulk_choose import BulkChoose
    from policytui.tui.screens.bulk_confirm import BulkConfirm
    from policytui.tui.screens.bulk_run import BulkRun
    from policytui.tui.screens.confirm import ConfirmScreen
    from policytui.tui.screens.detail import DetailScreen
    from policytui.tui.screens.editor import PolicyEditor
    from policytui.tui.screens.help import HelpScreen
    from policytui.tui.screens.login import LoginScreen
    from policytui.tui.screens.offering_picker import OfferingPicker
    from policytui.tui.screens.policy_list import PolicyListScreen
    from policytui.tui.screens.raw import RawScreen
    from policytui.tui.screens.save_review import (
        ConflictScreen,
        DiffReviewScreen,
        ReplaceReviewScreen,
    )
    from policytui.tui.screens.save_view import SaveViewScreen

    return {
        actions.APP: PolicyApp,
        actions.LIST: PolicyListScreen,
        actions.DETAIL: DetailScreen,
        actions.RAW: RawScreen,
        actions.EDITOR: PolicyEditor,
        actions.HELP: HelpScreen,
        actions.OFFERING_PICKER: OfferingPicker,
        actions.CONFIRM: ConfirmScreen,
        actions.LOGIN: LoginScreen,
        actions.DIFF_REVIEW: DiffReviewScreen,
        actions.REPLACE_REVIEW: ReplaceReviewScreen,
        actions.CONFLICT: ConflictScreen,
        actions.BULK_CHOOSE: BulkChoose,
        actions.BULK_CONFIRM: BulkConfirm,
        actions.BULK_RUN: BulkRun,
        actions.SAVE_VIEW: SaveViewScreen,
    }


@pytest.mark.parametrize("screen", sorted({s for a in actions.ACTIONS for s in a.bound_on}))
def test_each_screen_binds_exactly_its_rows_of_the_table(screen: str) -> None:
    screen_class = _screens()[screen]
    assert [repr(b) for b in screen_class.BINDINGS] == [repr(b) for b in bindings_for(screen)]


def test_no_screen_writes_a_binding_of_its_own() -> None:
    """Keys are bound only through the table; widgets (the policy table's cursor keys)
    keep their own, and the help rows of each screen name them."""
    tui = ROOT / "policytui" / "tui"
    stray = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [tui / "app.py", *sorted((tui / "screens").glob("*.py"))]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bBinding\(|BINDINGS\s*=\s*\[", line)
    ]
    assert not stray, f"bindings written outside policytui/tui/actions.py: {stray}"


def test_each_action_has_one_footer_rank_and_the_way_out_comes_first() -> None:
    assert actions.FOOTER_RANK[:6] == ("back", "leave", "close", "cancel", "help", "quit")
    assert len(set(actions.FOOTER_RANK)) == len(actions.FOOTER_RANK)


def test_every_palette_action_exists_on_the_list_or_the_app() -> None:
    """The palette runs each action on the list (or the App): a misspelt name would do
    nothing when chosen."""
    from policytui.tui.app import PolicyApp
    from policytui.tui.screens.policy_list import PolicyListScreen

    for action in actions.palette_actions():
        owner = PolicyApp if actions.APP in action.bound_on else PolicyListScreen
        assert callable(getattr(owner, f"action_{action.name}", None)), action.name
