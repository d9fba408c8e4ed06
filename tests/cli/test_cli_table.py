"""The plain-text table (`policytui.cli.table`): whole when piped, fitted to a terminal by
dropping whole columns in their order before cutting any cell to where it cannot be read."""

from __future__ import annotations

from itertools import pairwise

from policytui.cli.policy_views import TABLE_COLUMNS
from policytui.cli.table import render

UUID = "7f1a355e526eb523b3df44a47467537a"
ROWS = [
    [UUID, "Acme HPC Cluster", "Notify owners, Block orders", "ram=7050 cpu=26000",
     "12 months", "Baltics › Estonia, Nordics › Finland", "yes", "Block storage 120 %"],
    ["0" * 32, "Nordic Cloud VMs", "Notify owners", "disk=23200", "1 month", "Baltics",
     "no", "RAM 9 %"],
]  # fmt: skip


def titles(text: str) -> list[str]:
    return text.splitlines()[0].split()


def test_piped_every_value_is_whole() -> None:
    text = render(TABLE_COLUMNS, ROWS, None)
    assert "…" not in text
    for row, line in zip(ROWS, text.splitlines()[1:], strict=True):
        assert all(cell in line for cell in row)


def test_a_narrow_terminal_drops_columns_in_order_and_keeps_uuid_and_usage_whole() -> None:
    everything = ["UUID", "OFFERING", "ACTIONS", "LIMITS", "PERIOD", "GROUPS", "FIRED", "USAGE"]
    assert titles(render(TABLE_COLUMNS, ROWS, 200)) == everything
    seen = []
    for width in (160, 140, 120, 100, 80):
        text = render(TABLE_COLUMNS, ROWS, width)
        assert max(map(len, text.splitlines())) <= width
        assert UUID in text and "Block storage 120 %" in text
        seen.append(titles(text))
    assert seen[-1] == ["UUID", "OFFERING", "FIRED", "USAGE"]  # 80 columns
    # Columns only ever go, never come back, as the terminal narrows.
    for wider, narrower in pairwise(seen):
        assert set(narrower) <= set(wider)


def test_narrower_than_what_must_stay_whole_it_is_as_narrow_as_it_can_be() -> None:
    # 32 (uuid) + 12 (offering, cut) + 5 + 19 (usage) + gaps: 74, on a 60-column terminal.
    text = render(TABLE_COLUMNS, ROWS, 60)
    assert titles(text) == ["UUID", "OFFERING", "FIRED", "USAGE"]
    assert max(map(len, text.splitlines())) == 74 and "Acme HPC Cl…" in text
