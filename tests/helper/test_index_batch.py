"""The index's batches as they cross the pipe (policytui.helper.index_batch): what a
scan's policies share is sent once, in the batch that met it first, and read by number
in the UI; a batch received out of its scan's order is refused, never read with another
batch's values.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from query_samples import make_catalog, make_policy

from policytui.helper.events import ScanProgress
from policytui.helper.index_batch import Definitions, Received
from policytui.helper.index_page import IndexReader
from policytui.query import FactsReader


def _page(*uuids: str, cpu: int = 12_000) -> list[dict]:
    return [
        make_policy(uuid, component_limits_set=[{"type": "cpu", "limit": cpu}]).model_dump(
            mode="json", by_alias=True
        )
        for uuid in uuids
    ]


def _batches(reader: IndexReader, *pages: list[dict]) -> list[bytes]:
    """Each page in a batch of its own, pickled as the helper sends it."""
    sent = []
    for page in pages:
        progress = ScanProgress()
        reader.keep(page, progress)
        sent.append(pickle.dumps(progress.index, protocol=pickle.HIGHEST_PROTOCOL))
    return sent


def test_what_a_scan_shares_is_sent_once_and_read_by_number() -> None:
    catalog = make_catalog()
    reader = IndexReader(catalog, Definitions())
    first, second = _batches(reader, _page("a1", "a2"), _page("b1", "b2"))
    received = Received()
    a1, a2 = pickle.loads(first).facts(received)
    batch = pickle.loads(second)
    # The second page shares everything with the first: it defines nothing.
    assert all(not values for _, values in batch.what_it_defines())
    b1, b2 = batch.facts(received)
    assert [f.uuid for f in (a1, a2, b1, b2)] == ["a1", "a2", "b1", "b2"]
    assert b1.side is a1.side and b2.people is a2.people and b1.components is a1.components
    expected = FactsReader(catalog)(
        make_policy("b1", component_limits_set=[{"type": "cpu", "limit": 12_000}])
    )
    assert (b1.offering, b1.groups_text, b1.components) == (
        expected.offering,
        expected.groups_text,
        expected.components,
    )


def test_a_batch_missing_from_its_scan_is_refused() -> None:
    reader = IndexReader(make_catalog(), Definitions())
    first, _lost, third = _batches(reader, _page("a1"), _page("b1", cpu=5), _page("c1", cpu=7))
    received = Received()
    pickle.loads(first).facts(received)
    with pytest.raises(ValueError, match="missing"):
        pickle.loads(third).facts(received)


def test_a_new_scan_numbers_from_the_start_again() -> None:
    received = Received()
    old = _batches(IndexReader(None, Definitions()), _page("a1", cpu=1), _page("a2", cpu=2))
    for batch in old:
        pickle.loads(batch).facts(received)
    (new,) = _batches(IndexReader(make_catalog(), Definitions()), _page("n1", cpu=3))
    (n1,) = pickle.loads(new).facts(received)
    assert n1.uuid == "n1" and [c.limit for c in n1.components] == [3]
    assert len(received.limits) == 1  # the old scan's sets are forgotten
