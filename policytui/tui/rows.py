"""A policy as a table row: the texts of each column and the keys to sort and filter by.

Rows are built once per policy (and again when the catalog arrives, since component
and group names come from it), never per repaint. Plain data, no Textual: the helper
process builds rows too (the first page, a fired scan's finds) and pickles them to the
UI (tests/test_layering.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from policytui.tui.format import (
    _aware,
    actions_text,
    count_noun,
    limit_text,
    relative_time,
    short_date,
)

if TYPE_CHECKING:
    # Annotations only: rows of the first page are unpickled and painted before the
    # models (pydantic) are imported.
    from policytui.api import OfferingUsagePolicy
    from policytui.tui.catalog import Catalog

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class PolicyRow:
    #: The policy; ``None`` in a row that came from the helper process until something
    #: asks for :attr:`policy` (see ``__getstate__``).
    model: OfferingUsagePolicy | None
    offering: str
    actions: str
    limits: list[str]
    period: str
    groups: str
    fired: str
    created: str
    #: The row's words, lower-cased (:attr:`search`): None until first asked for (`/`
    #: reads a policy's facts, not these).
    search_text: str | None
    #: The fired state changed since the last look (auto-refresh marks these).
    changed: bool = field(default=False)
    #: Built with the catalog (component names and units, group names); a row built
    #: without it is rebuilt once the catalog arrives, whichever came first.
    named: bool = field(default=True)
    uuid: str = field(init=False, compare=False)
    #: The fired view's sort key, computed once where the row is built (for a fired scan,
    #: off the UI thread) rather than for every row of every merged batch.
    #: A POSIX timestamp, not the datetime: aware datetimes with distinct tzinfo objects
    #: (one per parsed value) compare through Python-level utcoffset() calls.
    fired_key: tuple[bool, float] = field(init=False, repr=False, compare=False)
    #: The policy as JSON while :attr:`model` is not built yet: its own bytes, or its
    #: place in the packed page it was read from (:class:`PackedItems`).
    model_json: bytes | tuple[PackedItems, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        policy = self.policy
        self.uuid = policy.uuid
        self.fired_key = fired_order(policy.has_fired, policy.fired_datetime)

    @property
    def policy(self) -> OfferingUsagePolicy:
        if self.model is None:
            source = self.model_json
            assert source is not None
            from policytui.api.parsing import parse_policy_json

            if isinstance(source, tuple):
                packed, at = source
                source = packed.item(at)
            if isinstance(source, dict):
                # The server's own JSON object: parsed as the client parses a page's.
                from policytui.api.parsing import parse_policy

                self.model = parse_policy(source)
            else:
                self.model = parse_policy_json(source)
            self.model_json = None
        return self.model

    @property
    def search(self) -> str:
        """The row's words, lower-cased: offering, actions, components, creator, groups."""
        if self.search_text is None:
            self.search_text = search_text(
                self.policy, self.offering, self.actions, self.limits, self.groups
            )
        return self.search_text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (the helper process sends rows to the UI) as a tuple of its fields with
        the policy as JSON: the UI process then unpickles a few strings per row, in one
        call, instead of rebuilding a model with all its fields (or setting each field
        by name, as pickling a slotted class does), and builds the model only for a row
        someone looks into."""
        model_json = self.model_json
        if self.model is not None:
            model_json = self.model.model_dump_json(by_alias=True).encode()
        return (_unpickled_row, (_FIELDS(self), model_json))

    def sort_key(self, column: str) -> object:
        if column == "fired":
            # Fired first, newest firing first within them (callers sort descending).
            return self.fired_key
        if column == "created":
            return self.policy.created or _EPOCH
        # Period and limits as every match sorts them (query/sorting.py): the length of
        # the window (Total, every month, last), and the limits as numbers per component
        # (CPU 900 before CPU 10 000, which the text put the other way round).
        if column == "period":
            months = self.policy.period.months
            return months if months is not None else float("inf")
        if column == "limits":
            return tuple((c.type.casefold(), c.limit) for c in self.policy.component_limits_set)
        return str(getattr(self, column, "")).lower()


def offering_name(policy: OfferingUsagePolicy, catalog: Catalog | None) -> str:
    return offering_label(policy.scope_uuid, policy.scope_name, catalog)


def offering_label(scope_uuid: str | None, scope_name: str | None, catalog: Catalog | None) -> str:
    """The offering column: the policy's own name of it, the catalog's, its uuid's first 8."""
    offering = catalog.offering(scope_uuid) if catalog else None
    return scope_name or (offering.name if offering else "") or (scope_uuid or "")[:8]


def build_row(
    policy: OfferingUsagePolicy,
    catalog: Catalog | None,
    now: datetime,
    *,
    changed: bool = False,
) -> PolicyRow:
    """The row of ``policy`` (its words, :attr:`PolicyRow.search`, made if asked for:
    `/` reads a policy's facts, in every view)."""
    limits = limit_texts(
        policy.scope_uuid, [(c.type, c.limit) for c in policy.component_limits_set], catalog
    )
    groups = groups_label(policy.apply_to_all, policy.organization_groups, catalog)
    offering = offering_name(policy, catalog)
    actions = actions_text(policy.actions)
    fired = fired_label(policy.has_fired, policy.fired_datetime, now)
    return PolicyRow(
        model=policy,
        offering=offering,
        actions=actions,
        limits=limits,
        period=policy.period_label,
        groups=groups,
        fired=fired,
        created=short_date(policy.created),
        search_text=None,
        changed=changed,
        named=catalog is not None,
    )


def limit_texts(
    scope_uuid: str | None, limits: Iterable[tuple[str, int]], catalog: Catalog | None
) -> list[str]:
    """The limits column's texts: each limit with its component's name and unit."""
    return [
        limit_text(limit, type_, catalog.component(scope_uuid, type_) if catalog else None)
        for type_, limit in limits
    ]


def groups_label(apply_to_all: bool | None, groups: Sequence[str], catalog: Catalog | None) -> str:
    """The groups column: their names (a count of them while the catalog is loading)."""
    if apply_to_all:
        return "All organizations"
    if catalog is not None:
        return ", ".join(catalog.group_label(url) for url in groups)
    return count_noun(len(groups), "group") if groups else ""


def fired_order(has_fired: bool, fired_at: datetime | None) -> tuple[bool, float]:
    """A row's place in the Fired column's sort: fired first, then by the time of the
    last firing (none: the epoch). A time without a zone is UTC, as the index's facts
    read it, so the table's sort and the fired view over the index agree wherever the
    terminal's clock is."""
    return (has_fired, 0.0 if fired_at is None else _aware(fired_at).timestamp())


def fired_label(has_fired: bool, fired_datetime: datetime | None, now: datetime) -> str:
    """The fired column: how long ago, "fired" with no time, nothing if it never fired."""
    if not has_fired:
        return ""
    return relative_time(fired_datetime, now) or "fired"


def search_text(
    policy: OfferingUsagePolicy, offering: str, actions: str, limits: list[str], groups: str
) -> str:
    return " ".join(
        [
            offering,
            actions,
            " ".join(policy.actions),
            " ".join(limits),
            " ".join(c.type for c in policy.component_limits_set),
            policy.creator,
            policy.created_by_username or "",
            groups,
        ]
    ).lower()


def with_names(rows: list[PolicyRow], catalog: Catalog, now: datetime) -> list[PolicyRow]:
    """``rows``, those built without the catalog rebuilt with it (the same list when
    every row is named already, so a caller can tell nothing changed)."""
    if all(row.named for row in rows):
        return rows
    return [
        row if row.named else build_row(row.policy, catalog, now, changed=row.changed)
        for row in rows
    ]


class PackedItems:
    """A page of policies for the index as the server sent them (its JSON objects),
    compressed: the index keeps every policy, and 100 000 policies' objects are ~90 MB;
    a page repeats the same names and links, so it compresses about tenfold.

    The index's rows are made from it when shown (:mod:`policytui.tui.item_rows`), and a
    row's model is the client's parse of its object. Unpacked for good when a row's
    model is first asked for (the detail pane, an edit, a bulk change), so rows asked
    for in any order unpack each page once.
    """

    __slots__ = ("_data", "_items", "maker")

    def __init__(self, data: tuple[bytes, ...]) -> None:
        #: The page in blocks of :data:`PACKED_BLOCK` policies, each a JSON array: a row
        #: made for the screen unpacks its block (~0.3 ms), not the whole page.
        self._data: tuple[bytes, ...] | None = data
        self._items: list[dict[str, Any]] | None = None
        #: What makes the rows of the index from these policies (the index that holds
        #: them sets it: ``policy_index._MadeRows``); not pickled.
        self.maker: Any = None

    @classmethod
    def pack(cls, items: list[dict[str, Any]]) -> PackedItems:
        """Decoded objects, written as JSON again (a page the fill could not keep as
        sent: :meth:`of_json` is the usual way)."""
        return cls(_packed_items(items))

    @classmethod
    def of_json(cls, objects: Sequence[bytes]) -> PackedItems:
        """Each policy's JSON object as the server sent it (a slice of the page's body),
        packed as sent: no object decoded or written again."""
        return cls(
            _deflated(
                b"[" + b",".join(objects[start : start + PACKED_BLOCK]) + b"]"
                for start in range(0, len(objects), PACKED_BLOCK)
            )
        )

    def unpacked(self) -> list[dict[str, Any]]:
        """Every policy's object, without keeping them unpacked (the usage fill reads
        every policy once)."""
        if self._items is not None:
            return self._items
        assert self._data is not None
        return [item for block in self._data for item in _unpacked(block)]

    def block(self, at: int) -> tuple[int, list[dict[str, Any]]]:
        """The block of policies holding the ``at``-th, and its first one's place,
        unpacked and not kept (a row made for the screen needs one policy)."""
        start = at - at % PACKED_BLOCK
        if self._items is not None:
            return start, self._items[start : start + PACKED_BLOCK]
        assert self._data is not None
        return start, _unpacked(self._data[at // PACKED_BLOCK])

    def item(self, at: int) -> dict[str, Any]:
        items = self._items
        if items is None:
            items = self._items = self.unpacked()
            self._data = None
        return items[at]

    def __reduce__(self) -> tuple[Any, ...]:
        data = self._data
        if data is None:
            assert self._items is not None
            data = _packed_items(self._items)
        return (PackedItems, (data,))


#: Policies per compressed block of a page: ~90 bytes a policy kept, where a page of
#: 300 in one block is ~77 (a block of 50 unpacks in ~0.3 ms).
PACKED_BLOCK = 50


def _packed_items(items: list[dict[str, Any]]) -> tuple[bytes, ...]:
    # json.dumps, not orjson: it writes back what json.loads read (NaN, numbers past 64
    # bits, lone surrogates), and the block is read as the page was (api/json_body.py).
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    return _deflated(
        dumps(items[start : start + PACKED_BLOCK]).encode()
        for start in range(0, len(items), PACKED_BLOCK)
    )


def _deflated(blocks: Iterable[bytes]) -> tuple[bytes, ...]:
    # The policies' JSON as sent: the helper reads a page's objects as slices of its
    # body (helper/page_structs.py), so packing is only compressing them (marshal of the
    # decoded objects was ~3 µs a policy more). zstd at its fastest, each block a frame
    # of its own (each unpacks alone): ~1.5 µs a policy to pack, where zlib's fastest
    # level, even as one stream for the page flushed after each block, was ~4 µs and
    # left a seventh more.
    return tuple(map(_zstd().compressor.compress, blocks))


def _unpacked(block: bytes) -> list[dict[str, Any]]:
    from policytui.api import json_body

    # Read as the client reads a page: what json.loads gives.
    return json_body.loads(_zstd().decompressor.decompress(block))  # type: ignore[no-any-return]


class _Zstd(threading.local):
    """This thread's zstd compressor and decompressor (zstandard's are not safe to share
    between threads), made the first time a thread packs or unpacks. zstandard is
    imported then too: the first page paints before it (a row of page 1 holds its policy
    as JSON, not packed)."""

    def __init__(self) -> None:
        import zstandard

        self.compressor = zstandard.ZstdCompressor(level=1)
        self.decompressor = zstandard.ZstdDecompressor()


_THREADS_ZSTD: _Zstd | None = None


def _zstd() -> _Zstd:
    global _THREADS_ZSTD
    if _THREADS_ZSTD is None:
        _THREADS_ZSTD = _Zstd()
    return _THREADS_ZSTD


def index_row(fields: tuple[Any, ...], packed: PackedItems, at: int) -> PolicyRow:
    """A row of the index made from its fields (in :data:`_FIELDS`' order), its policy
    the ``at``-th of ``packed``: a row as the UI unpickles it, without a model."""
    return _unpickled_row(fields, (packed, at))


#: Every field but the model and its JSON, in the order :func:`_unpickled_row` takes them.
_FIELDS_NAMES = (
    "offering",
    "actions",
    "limits",
    "period",
    "groups",
    "fired",
    "created",
    "search_text",
    "changed",
    "named",
    "uuid",
    "fired_key",
)
_FIELDS = attrgetter(*_FIELDS_NAMES)


def _unpickled_row(fields: tuple[Any, ...], model_json: Any) -> PolicyRow:
    row = object.__new__(PolicyRow)
    (
        row.offering,
        row.actions,
        row.limits,
        row.period,
        row.groups,
        row.fired,
        row.created,
        row.search_text,
        row.changed,
        row.named,
        row.uuid,
        row.fired_key,
    ) = fields
    row.model = None
    row.model_json = model_json
    return row
