"""A page of policies for the index decoded straight into what the fill reads (issue 13's
fill time).

The index reads every policy of every page. Decoded into dicts (orjson, ~3.5 µs a
policy), each dict's fields were then checked by type in Python (``plain_facts``) and
the dicts written out again to be packed for the UI (``marshal``, ~3 µs). Here msgspec
decodes the page's body once into a :class:`WirePolicy` a policy, only the fields the
facts read, each checked as it is decoded (in C) for what a plain policy has: its type,
a 64-bit range, a period the server knows, a time with its offset; and once more into
each policy's JSON object as sent (``msgspec.Raw``: slices of the body, ~0.6 µs a
policy), which is what is packed (:meth:`PackedItems.of_json`). The page is then read a
column at a time (:mod:`policytui.helper.page_columns`).

A page msgspec refuses (a field of another type than a plain policy's, a body that is
not JSON) is decoded as ever (``api/json_body.py``) and read the dicts' way, and so is
one msgspec would take but the client's decoding not, or read otherwise: a body that is
not valid UTF-8 throughout, a whole number too long for json.loads, a time msgspec reads
otherwise than the model (a 7th digit of a second) (:func:`read_page`). So any policy
the fill read before is read the same now, and a page the client refused is still its
error (tests/helper/test_index_page.py, tests/helper/test_plain_facts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import repeat
from operator import attrgetter, is_not
from typing import Annotated, Any, Literal

import msgspec

from policytui.api import json_body

__all__ = ["LIMITS", "WireLimit", "WirePage", "WirePolicy", "read_page"]


#: A whole number as a plain policy's (``item_rows._INT_RANGE``): within 64 bits.
_Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class WireLimit(msgspec.Struct, forbid_unknown_fields=True):
    """One of ``component_limits_set``: as a plain policy's (``_read_limits``). A key
    of another name makes the set one no plain policy has (the page is read the dicts'
    way): msgspec would skip its value unread (:func:`read_page` says why that matters)."""

    type: str
    limit: _Int64


#: A time as a plain policy's (``item_rows._MOMENT``) with its offset, as servers send it.
#: msgspec reads the shapes ``_MOMENT`` does not (``t`` for ``T``, ``+0100``) as the
#: model does, but rounds a 7th digit of a second where the model cuts it: a page with
#: one goes the dicts' way (:data:`_SEVENTH_DIGIT`). So does a time without an offset
#: (the fill reads it as UTC, as the model does).
_Moment = Annotated[datetime, msgspec.Meta(tz=True)]
#: Seconds with more than 6 digits after the point, in the body's shapes (``:``, two
#: digits, the point, seven digits: :func:`json_body.shapes`).
_SEVENTH_DIGIT = b"100x0000000"
_NULL = msgspec.Raw(b"null")


#: A policy's fields, each as a plain policy sends it. In the order servers send them
#: (the 2024 server's and the demo's): msgspec looks for a key's field from the one
#: after the last found, so this order finds each at the first try (~8 % of the page's
#: decoding).
_POLICY_FIELDS: list[tuple[str, Any, Any]] = [
    ("uuid", str, msgspec.NODEFAULT),
    ("url", str, ""),
    ("scope", str, ""),
    ("scope_name", str | None, None),
    ("scope_uuid", str | None, None),
    ("actions", str | None, None),
    # The times as texts, read as times for the whole page at once (_read_times).
    ("created", str | None, None),
    ("created_by_full_name", str | None, None),
    ("created_by_username", str | None, None),
    ("has_fired", bool | None, None),
    ("fired_datetime", str | None, None),
    ("options", dict[str, Any] | None, None),
    ("organization_groups", tuple[str, ...] | None, None),
    ("apply_to_all", bool | None, None),
    # The limits' JSON as sent: thousands of policies send the same text, read
    # (and checked, :data:`LIMITS`) once per text met (helper/page_columns.py).
    ("component_limits_set", msgspec.Raw, _NULL),
    # The periods the server knows (``item_rows._PERIODS``); another is not plain.
    ("period", Literal[1, 2, 3, 4] | None, None),
    ("period_name", str | None, None),
    ("affected_resources_count", _Int64 | None, None),
]


#: The fields of a policy the index's facts read, typed as a plain policy sends them
#: (:func:`policytui.tui.item_rows.plain_values`), so that msgspec checks every one as it
#: decodes (a page with a policy of other types is read the dicts' way): a field left
#: out is None, a link "" (as ``plain_values`` reads them). No other field may be there
#: (msgspec would skip it unread: :func:`read_page`).
WirePolicy = msgspec.defstruct(
    "WirePolicy", _POLICY_FIELDS, kw_only=True, forbid_unknown_fields=True
)
#: The same, read from a page with fields a plain policy does not send: those are
#: skipped (the body checked whole first: :func:`read_page`).
_WirePolicyAmongOthers = msgspec.defstruct("WirePolicyAmongOthers", _POLICY_FIELDS, kw_only=True)

#: A policy's ``component_limits_set`` checked as a plain policy's.
LIMITS = msgspec.json.Decoder(list[WireLimit] | None)


class WirePage(list):  # type: ignore[type-arg]
    """A page's policies as :data:`WirePolicy` (a list, as a page's items are), with
    each one's JSON object as sent (``objects``) and its two times (``created``,
    ``fired_moments``), in the same order."""

    __slots__ = ("created", "fired_moments", "objects")
    objects: list[msgspec.Raw]
    created: list[datetime | None]
    fired_moments: list[datetime | None]


_POLICIES = msgspec.json.Decoder(list[WirePolicy])  # type: ignore[valid-type]
_POLICIES_AMONG_OTHERS = msgspec.json.Decoder(list[_WirePolicyAmongOthers])  # type: ignore[valid-type]
_OBJECTS = msgspec.json.Decoder(list[msgspec.Raw])
_MOMENTS = msgspec.json.Decoder(list[_Moment | None])
_TEXTS = msgspec.json.Encoder()
_TIMES = attrgetter("created", "fired_datetime")
_LIMITS_OF = attrgetter("component_limits_set")
_LIMITS_KEY = b'"component_limits_set"'
_DECODING_FAILED = (msgspec.ValidationError, msgspec.DecodeError, RecursionError)


def read_page(body: bytes, decoded: Callable[[], list[Any]]) -> list[Any]:
    """The page ``body`` as a :class:`WirePage`, or, when msgspec refuses it, as
    ``decoded()`` gives it (the client's own decoding, and its errors).

    What msgspec takes and ``decoded()`` would not (orjson, or json.loads where orjson
    refuses, api/json_body.py) must go to ``decoded()``: a body that is not valid UTF-8
    throughout (msgspec does not look inside what it skips), a whole number longer than
    json.loads reads (``sys.get_int_max_str_digits()``; msgspec refuses it too where it
    reads the number, as a field's value or inside ``options``, but not where it skips
    it or takes it as sent), a time with a 7th digit of a second (msgspec rounds it).

    A page of the fields a plain policy has, with no escape in it, skips nothing but the
    values it takes as sent, the sets of limits: only those are looked at (~40 bytes a
    policy), and the key counted in the body, as msgspec takes only the last of a key
    sent twice (the whole body was ~0.45 ms a page of 300, ~10 % of the helper's CPU
    in a fill, bench/index_scale.py). Any other page is looked at whole."""
    if not _utf8(body):
        return decoded()
    page = _plain_page(body)
    if page is None:
        page = _page_among_others(body)
    if page is None or not _read_times(page):
        return decoded()
    try:
        page.objects = _OBJECTS.decode(body)
    except _DECODING_FAILED:
        return decoded()
    return page


def _plain_page(body: bytes) -> WirePage | None:
    if b"\\" in body:
        return None  # an escape may spell a key msgspec reads (``"cr\u0065ated"``)
    try:
        page = WirePage(_POLICIES.decode(body))
    except _DECODING_FAILED:
        return None  # another field, or one of another type: looked at the other way
    # The sets of limits as sent, each the last of its key in its policy: looked at
    # when every one of the key's values is one of them.
    limits = list(map(_LIMITS_OF, page))
    if sum(map(is_not, limits, repeat(_NULL))) != body.count(_LIMITS_KEY):
        return None  # a policy sends it twice (or a text holds the key): the other way
    if json_body.has_long_number(_TEXTS.encode(limits)):
        return None
    return page


def _page_among_others(body: bytes) -> WirePage | None:
    if json_body.has_long_number(body):
        return None
    try:
        return WirePage(_POLICIES_AMONG_OTHERS.decode(body))
    except _DECODING_FAILED:
        return None


def _read_times(page: WirePage) -> bool:
    """Read the page's times (every one as one JSON array: looked at and read in one
    pass each); False for a page with one msgspec reads otherwise than the model."""
    created, fired = zip(*map(_TIMES, page), strict=True) if page else ((), ())
    # As msgspec writes texts: a digit is never escaped, so the 7th is seen.
    times = _TEXTS.encode(created + fired)
    if json_body.shapes(times).rfind(_SEVENTH_DIGIT) >= 0:
        return False
    try:
        moments = _MOMENTS.decode(times)
    except _DECODING_FAILED:
        return False
    page.created, page.fired_moments = moments[: len(page)], moments[len(page) :]
    return True


def _utf8(body: bytes) -> bool:
    if body.isascii():  # most bodies: no copy made to tell
        return True
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True
