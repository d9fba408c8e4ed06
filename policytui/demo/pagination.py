"""Page-number pagination with Link and X-Result-Count headers, as DRF + Waldur do it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.datastructures import QueryParams

DEFAULT_PAGE_SIZE = 10


class InvalidPage(Exception):
    """Answered as 404 {"detail": "Invalid page."}."""


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    count: int
    num_pages: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_size(params: QueryParams, cap: int) -> int:
    # DRF: a missing, non-integer, zero or negative page_size falls back to the default.
    raw = params.get("page_size")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_PAGE_SIZE
    if value <= 0:
        return DEFAULT_PAGE_SIZE
    return min(value, cap)


def make_page(params: QueryParams, count: int, cap: int) -> Page:
    size = page_size(params, cap)
    # Django's Paginator: an empty list still has one (empty) page.
    num_pages = max(1, math.ceil(count / size))
    raw = params.get("page", "1")
    if raw == "last":
        number = num_pages
    else:
        try:
            number = int(raw)
        except ValueError as exc:
            raise InvalidPage from exc
    if number < 1 or number > num_pages:
        raise InvalidPage
    return Page(number, size, count, num_pages)


def _with_page(url: str, number: int | None) -> str:
    # Like DRF's replace_query_param/remove_query_param: keys come back sorted.
    scheme, netloc, path, query, fragment = urlsplit(url)
    qd = parse_qs(query, keep_blank_values=True)
    if number is None:
        qd.pop("page", None)
    else:
        qd["page"] = [str(number)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(qd.items()), doseq=True), fragment))


def link_header(url: str, page: Page) -> str:
    links: list[tuple[str, str]] = [("first", _with_page(url, None))]
    if page.number > 1:
        prev = page.number - 1
        links.append(("prev", _with_page(url, None if prev == 1 else prev)))
    if page.number < page.num_pages:
        links.append(("next", _with_page(url, page.number + 1)))
    last = page.num_pages
    links.append(("last", _with_page(url, None if last == 1 else last)))
    return ", ".join(f'<{u}>; rel="{rel}"' for rel, u in links)


def page_headers(url: str, page: Page) -> dict[str, str]:
    return {"X-Result-Count": str(page.count), "Link": link_header(url, page)}
