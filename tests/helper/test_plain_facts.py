"""The index's reading of a policy's JSON says what the two passes it replaced say:
which policies are plain (the rest go the model's way, where a malformed one is the
client's error) and, for a plain one, its facts and fired state. Both of its ways: a
policy at a time from a decoded object (PlainFactsReader, a page msgspec refused), and a
column at a time from a page msgspec decoded (WireColumnsReader), whose reading of a
policy is the model's wherever the two passes leave it to the model.

It finds what it read before by the values as sent, and ``1 == 1.0 == True``: a policy
sent with ``"period": 2.0`` or ``"apply_to_all": 1`` after a plain one with 2 or true
must still not be read as plain.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from query_samples import BASE, GPU, HPC, NORDICS, group_url, make_catalog

from policytui.api.errors import InvalidResponse
from policytui.api.models import Period
from policytui.api.parsing import parse_policy
from policytui.helper.index_batch import Definitions
from policytui.helper.page_columns import WireColumnsReader
from policytui.helper.page_structs import read_page
from policytui.helper.plain_facts import PlainFactsReader
from policytui.query import FactsReader
from policytui.query.facts import PolicyFacts
from policytui.tui.catalog import Catalog
from policytui.tui.item_rows import NotPlain, action_names, plain_values
from policytui.tui.policy_index import IndexedFacts


def _wire(uuid: str, /, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": uuid,
        "url": f"{BASE}/marketplace-offering-usage-policies/{uuid}/",
        "scope": f"{BASE}/marketplace-provider-offerings/{HPC}/",
        "scope_name": "Acme HPC Cluster",
        "scope_uuid": HPC,
        "actions": "notify_organization_owners",
        "created": "2026-11-24T22:39:50.123456Z",
        "created_by_full_name": "Alice Owner",
        "created_by_username": "acme-owner",
        "has_fired": False,
        "fired_datetime": None,
        "options": {},
        "organization_groups": [group_url(NORDICS)],
        "apply_to_all": False,
        "component_limits_set": [{"type": "cpu", "limit": 2830}],
        "period": 2,
        "period_name": "1 month",
        "affected_resources_count": 0,
    }
    body.update(fields)
    return body


def _reference(item: dict[str, Any], catalog: Catalog | None) -> tuple[Any, ...] | None:
    """The two passes: plain_values, then FactsReader.read (None: not plain)."""
    try:
        values = plain_values(item)
    except NotPlain:
        return None
    stamp = lambda moment: (  # noqa: E731
        None
        if moment is None
        else (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    )
    facts = FactsReader(catalog).read(
        values.uuid,
        values.scope,
        values.scope_name,
        values.limits,
        action_names(values.actions),
        values.apply_to_all,
        values.groups,
        values.full_name,
        values.username,
        values.period,
        Period(values.period).label,
        values.has_fired,
        stamp(values.fired_at),
        stamp(values.created),
    )
    return _fields(facts), (values.has_fired, values.fired_at)


def _the_models(item: dict[str, Any], catalog: Catalog | None) -> tuple[Any, ...] | None:
    """The facts and fired state the model's way reads (None: the client's error)."""
    try:
        policy = parse_policy(item)
    except InvalidResponse:
        return None
    return _fields(FactsReader(catalog)(policy)), (policy.has_fired, policy.fired_datetime)


def _fields(facts: PolicyFacts) -> tuple[Any, ...]:
    return tuple(getattr(facts, name) for name in PolicyFacts.__slots__)


def _one_pass(reader: PlainFactsReader, item: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        facts, state = reader.read(item)
    except NotPlain:
        return None
    return _fields(facts), state


def _from_the_wire(reader: WireColumnsReader, item: dict[str, Any]) -> tuple[Any, ...] | None:
    """``item`` sent in a page of its own, decoded by msgspec as the fill decodes a page
    and read a column at a time; ``_REFUSED`` when msgspec refuses it (its page is then
    read the dicts' way)."""
    page = read_page(json.dumps([item]).encode(), lambda: _REFUSED)
    if page is _REFUSED:
        return _REFUSED
    try:
        read = reader.read(page)
    except NotPlain:
        return None
    definitions = reader.definitions
    facts = IndexedFacts(
        read.uuids[0],
        definitions.sides.values[read.sides[0]],
        definitions.people.values[read.people[0]],
        tuple(definitions.components.values[n] for n in definitions.limits.values[read.limits[0]]),
        read.fired[0],
        read.fired_at[0],
        read.created_at[0],
        None,
        None,
        0,
    )
    return _fields(facts), (read.fired[0], read.fired_moments[0])


_REFUSED: Any = object()


def _assert_as_the_two_passes(items: list[dict[str, Any]], catalog: Catalog | None) -> None:
    reader = PlainFactsReader(catalog, PolicyFacts)
    wire = WireColumnsReader(FactsReader(catalog), Definitions())
    for item in items:
        got, expected = _one_pass(reader, item), _reference(item, catalog)
        # repr too: 2 == 2.0 and 1 == True, and the values must be the same values.
        assert got == expected and repr(got) == repr(expected), item
        # Sent, a value is its JSON: a tuple arrives as a list.
        decoded, sent = _from_the_wire(wire, item), json.loads(json.dumps(item))
        if decoded is not _REFUSED and decoded is not None:
            # What msgspec reads is a policy the model reads, and as it reads it (a time
            # in a shape the dicts' way leaves to the model is one).
            expected = _reference(sent, catalog) or _the_models(sent, catalog)
            assert decoded == expected, sent
            assert repr(_offsets(decoded)) == repr(_offsets(expected)), sent


def _offsets(value: Any) -> Any:
    """``value`` with each aware time as its wall time and offset: the model names UTC
    with pydantic's ``TzInfo(0)``, msgspec with ``timezone.utc``, the same offset (a
    hypothesis run found a time in a shape only the model reads beside a fired time)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return (value.replace(tzinfo=None), value.utcoffset())
    if isinstance(value, tuple):
        return tuple(_offsets(v) for v in value)
    return value


#: Values equal to a plain one (or hashing like one) but not plain, or plain but another.
_LOOKALIKES: dict[str, list[Any]] = {
    "apply_to_all": [1, 0, 1.0, None, True],
    "has_fired": [1, 0.0, None, True],
    "period": [2.0, True, 1, 4, 9, None, "2"],
    "scope_uuid": [None, 5, [HPC], GPU],
    "scope_name": [None, 0, ["Acme HPC Cluster"], {"a": 1}],
    "scope": [None, 1, f"{BASE}/x/"],
    "period_name": [None, 1, "Total"],
    "created_by_full_name": [None, 1.5, ["Alice"]],
    "created_by_username": [None, True],
    "actions": [None, "", ["notify_organization_owners"], 5, "a,,b"],
    "organization_groups": [None, [], [1], [[group_url(NORDICS)]], "nordics", (), {}],
    "component_limits_set": [
        None,
        [],
        [{"type": "cpu", "limit": 2830.0}],
        [{"type": "cpu", "limit": True}],
        [{"type": "cpu", "limit": 2**63}],
        [{"type": "cpu"}],
        [["cpu", 2830]],
        {"type": "cpu"},
        [{"type": "ram", "limit": 2830}, {"type": "cpu", "limit": 5}],
    ],
    "options": [None, [], "x", {"a": [1]}],
    "affected_resources_count": [None, True, 2.0, -(2**63) - 1, 7],
    "url": [None, 5],
    "uuid": [5, None],
    "created": [
        None,
        5,
        "2026-11-24",
        "2026-02-30T00:00:00Z",
        "2026-11-24T22:39:50+01:00",
        # Shapes msgspec reads as the model does, and one it reads otherwise (it rounds
        # the 7th digit, the model cuts it), and one without an offset (UTC).
        "2026-11-24t22:39:50z",
        "2026-11-24 22:39:50+0100",
        "2026-11-24T22:39:50.1234567Z",
        "2026-11-24T22:39:50.9999999+01:00",
        "2026-11-24T22:39:50",
    ],
    "fired_datetime": ["2026-11-27T10:00:00Z", 1.0, "2026-11-27T10:00:00.5555555Z"],
}


@pytest.mark.parametrize("named", [True, False])
def test_a_lookalike_after_a_plain_policy_is_read_as_the_two_passes_read_it(named: bool) -> None:
    items = [_wire("plain0001"), _wire("plain0002", has_fired=True)]
    for name, values in _LOOKALIKES.items():
        for number, value in enumerate(values):
            items += [_wire(f"{name}{number}", **{name: value}), _wire(f"again{name}{number}")]
    for missing in ("url", "scope", "options", "period", "has_fired", "scope_uuid"):
        bare = _wire(f"bare{missing}")
        del bare[missing]
        items += [bare, _wire(f"again{missing}")]
    _assert_as_the_two_passes(items, make_catalog() if named else None)


def test_a_fired_time_beside_a_time_only_the_model_reads_is_the_same_time() -> None:
    """A time in a shape the dicts' way leaves to the model (``t``, ``z``) beside a firing
    time: msgspec reads the policy, with the model's values (found by hypothesis)."""
    odd = _wire("odd0001", created="2026-11-24t22:39:50z", fired_datetime="2026-11-27T10:00:00Z")
    _assert_as_the_two_passes([_wire("plain0001"), odd], None)


@st.composite
def _pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    items = []
    for number in range(draw(st.integers(1, 12))):
        item = _wire(f"policy{number:04d}")
        for name, values in _LOOKALIKES.items():
            if draw(st.integers(0, 5)) == 0:
                item[name] = draw(st.sampled_from(values))
        items.append(item)
    return items


@settings(max_examples=200, deadline=None)
@given(items=_pages(), named=st.booleans())
def test_any_run_of_policies_is_read_as_the_two_passes_read_it(
    items: list[dict[str, Any]], named: bool
) -> None:
    _assert_as_the_two_passes(items, make_catalog() if named else None)
