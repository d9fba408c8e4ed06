"""A page of policies for the index decoded straight into what the fill reads (issue 13's
fill time).

The index reads every policy of every page. Decoded into dicts (orjson, ~3.5 µs a
policy), each dict's fields were then checked by type in Python (``plain_facts``) and
the dicts written out again to be packed for the UI (``marshal``, ~3 µs). Here msgspec
decodes the page's body once into a :class:`WirePolicy` a policy, only the fields the
facts read, each checked for the type the server sends as it is decoded (in C), and
once more into each policy's JSON object as sent (``msgspec.Raw``: slices of the body,
~0.6 µs a policy), which is what is packed (:meth:`PackedItems.of_json`).

A page msgspec refuses (a field of another type than a plain policy's, a body that is
not JSON) is decoded as ever (``api/json_body.py``) and read the dicts' way, and so is
one msgspec would take but orjson not (``json_body`` decodes the packed objects when the
UI unpacks them, with orjson): a body that is not valid UTF-8 throughout (msgspec does
not look inside a field it skips) or that holds a whole number of 19 digits or more.
So any policy the fill read before is read the same now, and a page the client refused
is still its error (tests/helper/test_index_page.py, tests/helper/test_plain_facts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from policytui.api import json_body

__all__ = ["WireLimit", "WirePage", "WirePolicy", "read_page"]


class WireLimit(msgspec.Struct):
    """One of ``component_limits_set``: as a plain policy's (``_read_limits``)."""

    type: str
    limit: int


class WirePolicy(msgspec.Struct, kw_only=True):
    """The fields of a policy the index's facts read, typed as a plain policy sends
    them (:func:`policytui.tui.item_rows.plain_values`): a field left out is None, a
    link "" (as ``plain_values`` reads them); every other field is skipped unread."""

    uuid: str
    url: str = ""
    has_fired: bool | None = None
    apply_to_all: bool | None = None
    period: int | None = None
    options: dict[str, Any] | None = None
    affected_resources_count: int | None = None
    period_name: str | None = None
    scope_uuid: str | None = None
    scope_name: str | None = None
    scope: str = ""
    created_by_full_name: str | None = None
    created_by_username: str | None = None
    actions: str | None = None
    organization_groups: list[str] | None = None
    component_limits_set: list[WireLimit] | None = None
    fired_datetime: str | None = None
    created: str | None = None


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
    if not _utf8(body) or json_body.has_long_number(body):
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
