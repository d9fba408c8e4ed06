"""What a request leaves behind, over real loopback HTTP against the demo server: the
helper's index fill runs with the garbage collector off (helper/scan.py), so a response
must be freed by reference counting, and a request must not search sys.path."""

from __future__ import annotations

import gc
import importlib.abc
import sys
import weakref
from collections.abc import Iterator

import pytest
from demo_clients import client_for

from policytui.api._http import httpx

POLICIES = "marketplace-offering-usage-policies/"


@pytest.fixture
def collector_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


async def test_a_read_response_is_freed_without_the_collector(demo_server, collector_off) -> None:
    async with client_for(demo_server) as client:
        response = await client.request("GET", POLICIES, params={"page_size": 50})
        assert len(response.json()) == 50  # the body is still there to read
        gone = weakref.ref(response)
        del response
        # httpx's response and its stream point at each other: without the client
        # letting go of the stream, the page waited for a collection that never came.
        assert gone() is None


def _responses() -> list[httpx.Response]:
    return [o for o in gc.get_objects() if isinstance(o, httpx.Response)]


async def test_a_walk_leaves_no_response_without_the_collector(demo_server, collector_off) -> None:
    assert _responses() == []
    async with client_for(demo_server) as client:
        pages = [len(page.items) async for page in client.policies.walk_raw(page_size=7)]
    assert sum(pages) == 60 and len(pages) == 9
    assert _responses() == []


class _Searches(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        self.names.append(fullname)
        return None  # the next finder goes on as ever


async def test_a_request_imports_nothing(demo_server) -> None:
    async with client_for(demo_server) as client:
        await client.policies.count()  # the client's own imports are done
        searches = _Searches()
        sys.meta_path.insert(0, searches)
        try:
            for _ in range(3):
                await client.request("GET", POLICIES, params={"page_size": 5})
        finally:
            sys.meta_path.remove(searches)
    # httpcore imports sniffio several times a request; a missing one is searched for
    # on sys.path every time (a failed import is not cached): ~50 µs each, ~0.1 s of CPU
    # in a walk of 100 000 policies. It is a dependency for that.
    assert searches.names == []
