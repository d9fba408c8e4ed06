"""A page packed for the index (PackedItems) gives back the server's objects as sent,
each block on its own (a row made for the screen unpacks only its block), whole when a
row is opened, and after crossing the pipe."""

from __future__ import annotations

import pickle

from policytui.tui.rows import PACKED_BLOCK, PackedItems


def _page(count: int) -> list[dict]:
    return [
        {
            "uuid": f"{number:032x}",
            "scope_name": "Acme HPC Cluster" if number % 3 else None,
            "component_limits_set": [{"type": "cpu", "limit": number * 7 - 40}],
            "options": {"ratio": number / 7, "big": 2**70 + number},
            "has_fired": number % 4 == 0,
        }
        for number in range(count)
    ]


def test_each_block_gives_back_its_policies_on_its_own() -> None:
    items = _page(PACKED_BLOCK * 2 + 17)
    packed = PackedItems.pack(items)
    # Backwards: no block leans on the one before it.
    for at in reversed(range(len(items))):
        start, block = packed.block(at)
        assert start == at - at % PACKED_BLOCK
        assert block[at - start] == items[at]
    assert packed.unpacked() == items


def test_a_page_gives_back_its_policies_after_the_pipe_and_when_opened() -> None:
    items = _page(PACKED_BLOCK + 3)
    received = pickle.loads(pickle.dumps(PackedItems.pack(items)))
    assert received.block(PACKED_BLOCK + 1)[1][1] == items[PACKED_BLOCK + 1]
    assert [received.item(at) for at in range(len(items))] == items
    assert pickle.loads(pickle.dumps(received)).unpacked() == items
