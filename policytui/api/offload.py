"""Big list bodies are decoded and validated in a worker thread, not on the event loop.

A page of 300 policies is 10-20 ms of JSON decoding and validation (more on a loaded
machine); done inline it stalls whatever shares the loop (a TUI's keypresses) for that
long, once per page of a concurrent walk. In a thread the interpreter hands the loop the
GIL every few milliseconds (``sys.getswitchinterval()``), so keys keep being answered while
pages stream in. Small bodies stay inline: a thread hand-off costs more than they do,
and a page that fits a screen (up to ~60 policies, a few milliseconds) parsed inline
lands in the same frame at start-up instead of one frame later (bench/first_page.py).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from policytui.api._http import httpx
from policytui.api.parsing import parse_list

M = TypeVar("M", bound=BaseModel)

#: Bodies at least this large are parsed in a thread (about 70 policies).
THREAD_PARSE_BYTES = 64 * 1024


async def parse_list_body(
    model: type[M], response: httpx.Response, decode: Callable[[httpx.Response], Any]
) -> list[M]:
    """``decode(response)`` parsed as a list of ``model``; errors are the client's own."""
    if len(response.content) < THREAD_PARSE_BYTES:
        return parse_list(model, decode(response))
    return await asyncio.to_thread(_parse_big, model, response, decode)


def _parse_big(
    model: type[M], response: httpx.Response, decode: Callable[[httpx.Response], Any]
) -> list[M]:
    """A big page in one call into pydantic-core (JSON parsed and validated in Rust, about
    twice as fast as decoding first and validating item by item); should it fail, the
    item-by-item path reports what is wrong in the client's own words."""
    try:
        return _list_adapter(model).validate_json(response.content)
    except (PydanticValidationError, ValueError):
        return parse_list(model, decode(response))


@functools.cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]
