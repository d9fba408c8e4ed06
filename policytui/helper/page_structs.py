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
one msgspec would take but orjson not (``json_body`` decodes the packed objects when the
UI unpacks them, with orjson): a body that is not valid UTF-8 throughout (msgspec does
not look inside a field it skips) or that holds a whole number of 19 digits or more;
and one with a time msgspec reads otherwise than the model (a 7th digit of a second).
So any policy the fill read before is read the same now, and a page the client refused
is still its error (tests/helper/test_index_page.py, tests/helper/test_plain_facts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from policytui.api import json_body

__all__ = ["LIMITS", "WireLimit", "WirePage", "WirePolicy", "read_page"]


#: A whole number as a plain policy's (``item_rows._INT_RANGE``): within 64 bits.
_Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class WireLimit(msgspec.Struct):
    """One of ``component_limits_set``: as a plain policy's (``_read_limits``)."""

    type: str
    limit: _Int64


#: A time as a plain policy's (``item_rows._MOMENT``) with its offset, as servers send it.
#: msgspec reads the shapes ``_MOMENT`` does not (``t`` for ``T``, ``+0100``) as the
#: model does, but rounds a 7th digit of a second where the model cuts it: a body with
#: one goes the dicts' way (:data:`_SEVENTH_DIGIT`). So does a time without an offset
#: (the fill reads it as UTC, as the model does).
_Moment = Annotated[datetime, msgspec.Meta(tz=True)]
#: Seconds with more than 6 digits after the point, in the body's shapes (``:``, two
#: digits, the point, seven digits: :func:`json_body.shapes`). Looked for in any field,
#: and ``.`` is one of many bytes shaped "x": a false alarm only costs the page the
#: dicts' way.
_SEVENTH_DIGIT = b"100x0000000"


class WirePolicy(msgspec.Struct, kw_only=True):
    """The fields of a policy the index's facts read, typed as a plain policy sends
    them (:func:`policytui.tui.item_rows.plain_values`), so that msgspec checks every
    one as it decodes (a page with a policy of other types is read the dicts' way): a
    field left out is None, a link "" (as ``plain_values`` reads them); every other
    field is skipped unread.

    ``component_limits_set`` is the limits' JSON as sent: thousands of policies send
    the same text, read (and checked, :data:`LIMITS`) once per text met
    (:mod:`policytui.helper.page_columns`)."""

    # In the order servers send them (the 2024 server's and the demo's): msgspec looks
    # for a key's field from the one after the last found, so this order finds each at
    # the first try (~8 % of the page's decoding).
    uuid: str
    url: str = ""
    scope: str = ""
    scope_name: str | None = None
    scope_uuid: str | None = None
    actions: str | None = None
    created: _Moment | None = None
    created_by_full_name: str | None = None
    created_by_username: str | None = None
    has_fired: bool | None = None
    fired_datetime: _Moment | None = None
    options: dict[str, Any] | None = None
    organization_groups: tuple[str, ...] | None = None
    apply_to_all: bool | None = None
    component_limits_set: msgspec.Raw = msgspec.Raw(b"null")
    #: The periods the server knows (``item_rows._PERIODS``); another is not plain.
    period: Literal[1, 2, 3, 4] | None = None
    period_name: str | None = None
    affected_resources_count: _Int64 | None = None


#: A policy's ``component_limits_set`` checked as a plain policy's.
LIMITS = msgspec.json.Decoder(list[WireLimit] | None)


class WirePage(list):  # type: ignore[type-arg]
    """A page's policies as :class:`WirePolicy` (a list, as a page's items are), with
    each one's JSON object as sent (``objects``, in the same order)."""

    __slots__ = ("objects",)
    objects: list[msgspec.Raw]


_POLICIES = msgspec.json.Decoder(list[WirePolicy])
_OBJECTS = msgspec.json.Decoder(list[msgspec.Raw])


def read_page(body: bytes, decoded: Callable[[], list[Any]]) -> list[Any]:
    """The page ``body`` as a :class:`WirePage`, or, when msgspec refuses it, as
    ``decoded()`` gives it (the client's own decoding, and its errors)."""
    if not _utf8(body):
        return decoded()
    shaped = json_body.shapes(body)  # one pass for both
    # rfind: faster than find for these needles (json_body.long_number_in says why).
    if json_body.long_number_in(shaped) or shaped.rfind(_SEVENTH_DIGIT) >= 0:
        return decoded()
    try:
        page = WirePage(_POLICIES.decode(body))
        page.objects = _OBJECTS.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return decoded()
    return page


def _utf8(body: bytes) -> bool:
    if body.isascii():  # most bodies: no copy made to tell
        return True
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True
