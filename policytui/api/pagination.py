"""Waldur's pagination: a bare JSON array, ``X-Result-Count`` and a ``Link`` header."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

T = TypeVar("T")

#: Waldur's default page size when none is asked for.
DEFAULT_PAGE_SIZE = 10
#: The cap of the 2024 server; servers may cap lower, so callers read what came back.
SERVER_PAGE_SIZE_CAP = 300

_LINK_RE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL_RE = re.compile(r"""rel\s*=\s*"?([^";,]+)"?""", re.IGNORECASE)


def parse_link_header(value: str | None) -> dict[str, str]:
    """``<url>; rel="next", <url>; rel="last"`` -> ``{"next": url, "last": url}``.

    Tolerates junk: anything unparseable is skipped, never raised.
    """
    links: dict[str, str] = {}
    if not value:
        return links
    for match in _LINK_RE.finditer(value):
        url, params = match.group(1).strip(), match.group(2) or ""
        rel = _REL_RE.search(params)
        if rel and url:
            for name in rel.group(1).split():
                links.setdefault(name.lower(), url)
    return links


def page_number(url: str | None) -> int | None:
    """The ``page`` of a Link URL; ``first`` and page-1 ``prev`` carry none, meaning 1."""
    if not url:
        return None
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return None
    values = query.get("page")
    if not values:
        return 1
    try:
        number = int(values[0])
    except ValueError:
        return None
    return number if number >= 1 else None


def page_size_of(url: str | None) -> int | None:
    if not url:
        return None
    try:
        values = parse_qs(urlsplit(url).query).get("page_size")
        return int(values[0]) if values else None
    except ValueError:
        return None


def parse_result_count(headers: Mapping[str, str]) -> int | None:
    raw = headers.get("x-result-count")
    if raw is None:
        return None
    try:
        count = int(raw.strip())
    except ValueError:
        return None
    return count if count >= 0 else None


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a list, as the server answered it."""

    items: list[T]
    page: int
    page_size: int
    #: From ``X-Result-Count``; None when the server sent none or junk.
    total: int | None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        if "next" in self.links:
            return True
        if self.links or self.total is None:
            return False
        return self.page < self.page_count

    @property
    def has_prev(self) -> bool:
        return "prev" in self.links or (not self.links and self.page > 1)

    @property
    def page_count(self) -> int:
        """Pages in all: from ``rel="last"`` when given, else from the total."""
        last = page_number(self.links.get("last"))
        if last is not None:
            return max(last, 1)
        if self.total is not None and self.page_size > 0:
            return max(1, math.ceil(self.total / self.page_size))
        return self.page + (1 if "next" in self.links else 0)
