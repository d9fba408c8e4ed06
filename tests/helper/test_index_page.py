"""The index's facts read straight from a page's JSON (policytui.helper.index_page), and the
rows the UI makes of the page when they are shown (policytui.tui.item_rows), are what the
model's way builds: the same texts in every column, the same facts for `/`, the same fired
state, and the same policy when a row is opened in the UI. A policy the client cannot
read is still the client's own error.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from query_samples import BALTICS, BASE, GPU, HPC, NORDIC_UNI, NORDICS, VMS, group_url, make_catalog

from policytui.api import errors
from policytui.api.parsing import parse_policy
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.helper.events import ScanProgress
from policytui.helper.index_batch import Received
from policytui.helper.index_page import IndexReader
from policytui.helper.page_structs import read_page
from policytui.helper.scan_pipe import _compact, _expand
from policytui.query import FactsReader
from policytui.query.facts import PolicyFacts
from policytui.tui.catalog import Catalog
from policytui.tui.policy_index import PolicyIndex
from policytui.tui.rows import _FIELDS, PolicyRow, build_row

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _sent(
    items: list[dict[str, Any]],
    catalog: Catalog | None,
    *,
    as_body: bool = False,
    body: bytes | None = None,
) -> ScanProgress:
    """``items`` (one page) as the helper reads, packs and pickles them, as the UI has them;
    ``as_body``: sent as a body and read as the helper's fill reads one (msgspec's
    ``read_page``, the dicts' way for a page it refuses); ``body``: this body, which
    ``items`` are the decoding of."""
    progress = ScanProgress()
    page: list[Any] = items
    if as_body and body is None:
        # As a server writes it: UTF-8, not escaped to ASCII.
        body = json.dumps(items, ensure_ascii=False).encode()
    if body is not None:
        sent = body
        page = read_page(sent, lambda: json.loads(sent))
    IndexReader(catalog).keep(page, progress)
    packed, unfired = _compact(progress)
    assert unfired == ""  # an index batch: the UI reads them off the facts
    received = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    return _expand(received, unfired)


def _rows(received: ScanProgress, catalog: Catalog | None) -> list[PolicyRow]:
    """The rows of a received batch as the index makes them for the screen."""
    index = PolicyIndex(now=lambda: NOW)
    index.name_rows(catalog)
    generation = index.start(refresh=False)
    index.add(generation, received.rows, received.facts, len(received.facts))
    return index.rows_at(range(index.read))


def _fields(facts: PolicyFacts) -> tuple[Any, ...]:
    return tuple(getattr(facts, name) for name in PolicyFacts.__slots__)


def _assert_as_the_model_reads(
    items: list[dict[str, Any]],
    catalog: Catalog | None,
    *,
    as_body: bool = False,
    body: bytes | None = None,
) -> None:
    received = _sent(items, catalog, as_body=as_body, body=body)
    read = FactsReader(catalog)
    assert not received.rows  # no row crosses the pipe: the index makes those shown
    rows = _rows(received, catalog)
    assert len(rows) == len(received.facts) == len(items)
    fired = 0
    for item, row, facts in zip(items, rows, received.facts, strict=True):
        policy = parse_policy(item)
        built = build_row(policy, catalog, NOW)
        assert row.model is None  # the UI builds it only when the row is opened
        assert _FIELDS(row) == _FIELDS(built)  # every column, the uuid, the sort key
        assert _fields(facts) == _fields(read(policy))  # what `/` reads
        assert facts.row is row  # type: ignore[attr-defined]  # kept while recent
        assert row.policy == policy  # opened in the UI: the policy as the client reads it
        assert row.search == build_row(policy, catalog, NOW).search
        assert received.states[policy.uuid] == (policy.has_fired, policy.fired_datetime)
        fired += policy.has_fired
    assert received.fired == fired
    assert len(received.states) == len(items)
    # Each state is keyed by its facts' own uuid, not a second copy (the app's memory).
    keys = {id(uuid) for uuid in received.states}
    assert all(id(facts.uuid) in keys for facts in received.facts)


def _wire(uuid: str, **fields: Any) -> dict[str, Any]:
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


_MISSING = object()
_TIMES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "2026-11-27T11:59:30Z",  # just now
            "2026-11-27T09:58:12.5Z",
            "2026-11-20T00:00:00+00:00",
            "2026-11-26T23:30:00-02:00",  # another day in UTC than its own
            "2026-11-27T01:00:00+05:30",
            "2026-01-05T08:00:00",  # no offset: read as UTC
            "2025-12-31T23:59:59.999999Z",
            "2026-11-28T12:00:00Z",  # the server's clock ahead
            "2026-11-27T11:00:00.1234567Z",  # more than microseconds: pydantic's reading
            "2026-11-27 11:00:00Z",  # a space: pydantic's reading
        ]
    ),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ).map(lambda moment: moment.isoformat().replace("+00:00", "Z")),
)
_TEXT = st.one_of(st.none(), st.text(max_size=12))
_GROUP = st.sampled_from(
    [group_url(NORDICS), group_url(NORDIC_UNI), group_url(BALTICS), f"{BASE}/g/unknown0001/"]
)
_LIMIT = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["cpu", "ram", "gpu_hours", "cores", "storage"]),
        "limit": st.one_of(
            st.integers(-5, 10**12),
            st.sampled_from(["250", "-3"]),  # strings: the model's way
        ),
    },
    optional={"unit_price": st.just("0.5")},  # a field the client does not know
)
_FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "scope_name": st.one_of(st.none(), st.sampled_from(["", "Acme HPC Cluster", "Other"])),
    "scope_uuid": st.sampled_from([HPC, GPU, VMS, "0" * 32, None]),
    "actions": st.one_of(
        st.none(),
        st.sampled_from(
            [
                "",
                "notify_organization_owners",
                "block_creation_of_new_resources,notify_organization_owners",
                "notify_external_user,,request_downscaling",
                "an_action_not_known",
            ]
        ),
        st.lists(
            st.sampled_from(
                ["notify_organization_owners", "block_modification_of_existing_resources"]
            )
        ),
    ),
    "created": _TIMES,
    "fired_datetime": _TIMES,
    "has_fired": st.one_of(st.none(), st.booleans()),
    "apply_to_all": st.one_of(st.none(), st.booleans()),
    "organization_groups": st.one_of(st.none(), st.lists(_GROUP, max_size=3)),
    "component_limits_set": st.one_of(st.none(), st.lists(_LIMIT, max_size=3)),
    "period": st.one_of(st.none(), st.sampled_from([1, 2, 3, 4])),
    "created_by_full_name": _TEXT,
    "created_by_username": _TEXT,
    "options": st.one_of(
        st.none(), st.just({}), st.just({"notify_external_user": ["a@b.org", "c@d.org"]})
    ),
    "affected_resources_count": st.one_of(st.none(), st.integers(0, 50)),
    "a_field_from_a_newer_server": st.one_of(st.just(1), st.just({"nested": [1, "x"]})),
}


@st.composite
def _policies(draw: st.DrawFn) -> list[dict[str, Any]]:
    items = []
    for number in range(draw(st.integers(1, 6))):
        item = _wire(f"policy{number:04d}")
        for name, values in _FIELD_VALUES.items():
            value = draw(st.one_of(st.just(_MISSING), values))
            if value is _MISSING:
                item.pop(name, None)
            else:
                item[name] = value
        items.append(item)
    return items


@settings(max_examples=300, deadline=None)
@given(items=_policies(), named=st.booleans(), as_body=st.booleans())
def test_rows_and_facts_from_the_json_are_the_models(
    items: list[dict[str, Any]], named: bool, as_body: bool
) -> None:
    _assert_as_the_model_reads(items, make_catalog() if named else None, as_body=as_body)


def test_times_at_other_offsets_show_their_utc_day_beside_utc_ones() -> None:
    """The created column is the UTC date, whatever offset the server wrote it with."""
    items = [
        _wire("day00001", created="2026-11-26T10:00:00Z"),
        _wire("day00002", created="2026-11-26T23:30:00-02:00"),  # 2026-11-27 in UTC
        _wire("day00003", created="2026-11-27T01:00:00+05:30"),  # 2026-11-26 in UTC
        _wire("day00004", created="2026-11-27T08:00:00"),
        _wire("day00005", created="2026-11-27T08:00:00+00:00"),
    ]
    _assert_as_the_model_reads(items, make_catalog())
    assert [row.created for row in _rows(_sent(items, None), None)] == [
        "2026-11-26",
        "2026-11-27",
        "2026-11-26",
        "2026-11-27",
        "2026-11-27",
    ]


def test_the_demo_servers_policies_read_from_their_json_as_from_their_models() -> None:
    with DemoServer(DemoSettings(policies=1200)) as server:
        from policytui.api import WaldurClient

        async def pages() -> tuple[Catalog, list[list[dict[str, Any]]]]:
            async with WaldurClient(server.url, STAFF_TOKEN) as client:
                catalog = await Catalog().load(client)
                return catalog, [page.items async for page in client.policies.walk_raw()]

        catalog, read = asyncio.run(pages())
    assert sum(map(len, read)) == 1200
    for items in read:
        _assert_as_the_model_reads(items, catalog)
        _assert_as_the_model_reads(items, None)
        _assert_as_the_model_reads(items, catalog, as_body=True)


def test_a_plain_page_is_read_without_a_model_per_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of reading the JSON: the demo's policies, as real servers send them,
    never go through pydantic in the helper (only the UI parses a row it opens)."""
    from policytui.api import parsing

    def no_models(data: Any) -> None:
        raise AssertionError("a model was built")

    items = [
        _wire("plain001"),
        _wire("plain002", has_fired=True, fired_datetime="2026-11-27T10:00:00Z"),
        _wire("plain003", apply_to_all=True, organization_groups=[], created_by_full_name=None),
        _wire("plain004", component_limits_set=[], scope_name=None, period=4, options=None),
        _wire("plain005", a_field_from_a_newer_server={"x": 1}),
    ]
    monkeypatch.setattr(parsing, "parse_policy", no_models)
    progress = ScanProgress()
    IndexReader(make_catalog()).keep(items, progress)
    assert progress.index.uuids == [item["uuid"] for item in items]


def test_a_plain_body_is_read_without_a_dict_or_a_model_per_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fill's usual way: a plain page's body decoded by msgspec into the fields the
    facts read, each policy packed as the server wrote it; no model, no dict."""
    from policytui.api import parsing
    from policytui.helper.page_structs import WirePage

    def no_models(data: Any) -> None:
        raise AssertionError("a model was built")

    items = [
        _wire("plain001"),
        _wire("plain002", has_fired=True, fired_datetime="2026-11-27T10:00:00Z"),
        _wire("plain003", apply_to_all=True, organization_groups=[], created_by_full_name=None),
        _wire("plain004", component_limits_set=[], scope_name=None, period=4, options=None),
        _wire("plain005", a_field_from_a_newer_server={"x": [1, 2.5, None]}),
    ]
    del items[0]["url"], items[0]["period"]
    body = json.dumps(items, indent=1).encode()  # as a server may space it
    page = read_page(body, lambda: pytest.fail("refused"))
    assert type(page) is WirePage
    monkeypatch.setattr(parsing, "parse_policy", no_models)
    progress = ScanProgress()
    IndexReader(make_catalog()).keep(page, progress)
    received = pickle.loads(pickle.dumps(progress)).index.facts(Received())
    assert [facts.uuid for facts in received] == [item["uuid"] for item in items]
    # What the UI unpacks is each object as sent: fired first, as ever.
    packed = received[0].packed
    assert packed.unpacked() == [items[1], items[0], *items[2:]]
    assert [f.at for f in received] == [1, 0, 2, 3, 4]


@pytest.mark.parametrize(
    "odd",
    [
        {"period": 2.0},  # msgspec refuses the page: read the dicts' way
        {"has_fired": 1},
        {"scope": None},
        {"component_limits_set": [{"type": "cpu", "limit": "250"}]},
        {"period": 9},  # msgspec reads it: not plain, the model's way for that one
        {"created": "2026-11-27 11:00:00Z"},
        {"created": "2026-11-27T11:00:00.1234567Z"},  # msgspec would round it
        {"fired_datetime": "2026-11-27T11:00:00.9999999Z", "has_fired": True},
        {"created": "2026-11-27T11:00:00"},  # no offset: UTC, as the model reads it
        {"component_limits_set": [{"type": "cpu", "limit": 2**63}]},
        {"affected_resources_count": -(2**63) - 1},
        # Read by msgspec as sent, with no look at the whole body: a whole number past
        # 64 bits in the options, a key of a limit the fill does not know.
        {"options": {"notify_external_user": "a@example.org", "seen": 2**70}},
        {"component_limits_set": [{"type": "cpu", "limit": 5, "unit": "hours"}]},
    ],
)
def test_an_odd_policy_in_a_body_is_read_as_the_model_reads_it(odd: dict[str, Any]) -> None:
    items = [_wire("good0001"), {**_wire("odd00001"), **odd}, _wire("good0002", has_fired=True)]
    try:
        parse_policy(items[1])
    except errors.InvalidResponse as expected:
        # The model refuses it: so does the fill, with the client's own error.
        body = json.dumps(items).encode()
        with pytest.raises(errors.InvalidResponse) as raised:
            IndexReader(make_catalog()).keep(
                read_page(body, lambda: json.loads(body)), ScanProgress()
            )
        assert str(raised.value) == str(expected)
        return
    _assert_as_the_model_reads(items, make_catalog(), as_body=True)


@pytest.mark.parametrize(
    ("sent", "escaped"),
    [
        (b"00.1234567Z", b"00.123456\\u0037Z"),  # a 7th digit, escaped: still the model's cut
        (b"00.1234567Z", b"00\\u002e1234567Z"),  # the point escaped
        (b"2026-11-27T", b"2026-11-27\\u0054"),  # the T escaped: the same time
    ],
)
def test_a_time_written_with_escapes_is_read_as_the_model_reads_it(
    sent: bytes, escaped: bytes
) -> None:
    items = [_wire("good0001"), _wire("odd00001", created="2026-11-27T11:00:00.1234567Z")]
    body = json.dumps(items).encode().replace(sent, escaped, 1)
    assert body.count(b"\\u00") == 1 and json.loads(body) == items
    _assert_as_the_model_reads(items, make_catalog(), body=body)


def _with(name: str, text: bytes) -> bytes:
    """A page of one plain policy with ``name`` (a field the fill does not read) as
    ``text``, written as is."""
    return json.dumps([_wire("p1", **{name: "HERE"})]).encode().replace(b'"HERE"', text)


@pytest.mark.parametrize(
    "body",
    [
        # Inside a field the fill does not read, which msgspec skips unchecked: the
        # client's decoding refuses them (so the page is its error), and orjson would
        # refuse them when the UI unpacks the policy.
        pytest.param(_with("description", b'"caf\xe9"'), id="bad UTF-8"),
        pytest.param(_with("size", b"9" * 5000), id="long number"),
        pytest.param(_with("size", b"1" + b"0" * 19), id="19 digits"),
        pytest.param(_with("deep", b"[" * 1100 + b"]" * 1100), id="deep"),
        # In the fields a plain policy has, read by msgspec, or taken as sent and read
        # when its set of limits is first met.
        pytest.param(_with("options", b'{"x": ' + b"9" * 5000 + b"}"), id="long number in options"),
        pytest.param(
            json.dumps([_wire("p1", component_limits_set=[{"type": "cpu", "limit": 5, "x": 0}])])
            .encode()
            .replace(b'"x": 0', b'"x": ' + b"9" * 5000),
            id="long number in a limit",
        ),
        # A key sent twice: msgspec keeps the last value, and reads no earlier one it
        # takes as sent, or as a text; the client's decoding reads them all.
        pytest.param(
            _with("component_limits_set", b"9" * 5000 + b', "component_limits_set": []'),
            id="long number in a repeated set of limits",
        ),
        pytest.param(
            _with("created", b"9" * 5000 + b', "created": "2026-11-27T11:00:00Z"'),
            id="long number in a repeated time",
        ),
        pytest.param(
            json.dumps([_wire("p1")])
            .encode()
            .replace(
                b'"component_limits_set"',
                b'"component\\u005flimits_set": ' + b"9" * 5000 + b', "component_limits_set"',
            ),
            id="long number under an escaped key",
        ),
    ],
)
def test_a_body_orjson_would_not_read_is_decoded_as_the_client_decodes_it(body: bytes) -> None:
    from policytui.helper.page_structs import WirePage

    decoded: list[Any] = ["the client's decoding"]
    assert read_page(body, lambda: decoded) is decoded
    assert type(read_page(json.dumps([_wire("p1")]).encode(), lambda: decoded)) is WirePage


def test_a_body_that_is_not_a_list_is_the_clients_own_error() -> None:
    from policytui.api.models import OfferingUsagePolicy
    from policytui.api.parsing import parse_raw_list

    body = b'{"detail": "no"}'
    with pytest.raises(errors.InvalidResponse) as expected:
        parse_raw_list(OfferingUsagePolicy, json.loads(body))
    with pytest.raises(errors.InvalidResponse) as raised:
        read_page(body, lambda: parse_raw_list(OfferingUsagePolicy, json.loads(body)))
    assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize(
    "bad",
    [
        {"uuid": 5},
        {"url": None},
        {"component_limits_set": [{"type": "cpu", "limit": "lots"}]},
        {"component_limits_set": [{"limit": 5}]},
        {"fired_datetime": "yesterday"},
        {"created": "2026-02-30T00:00:00Z"},
        {"period": 9},
        {"has_fired": "perhaps"},
        {"organization_groups": "nordics"},
        {"actions": 5},
    ],
)
def test_a_policy_the_client_cannot_read_is_the_clients_own_error(bad: dict[str, Any]) -> None:
    item = {**_wire("bad0001"), **bad}
    with pytest.raises(errors.InvalidResponse) as expected:
        parse_policy(item)
    with pytest.raises(errors.InvalidResponse) as raised:
        IndexReader(make_catalog()).keep([_wire("good0001"), item], ScanProgress())
    assert str(raised.value) == str(expected.value)
