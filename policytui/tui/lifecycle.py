"""Screens that close while their workers are still waiting on the network.

Textual (8.2.8) removes a screen in two steps: it prunes the screen's children first and
cancels the screen's workers only when the screen itself unmounts, after the last child
has gone. A network answer landing in between wakes a worker whose widgets no longer
exist, and a ``query_one`` there raised NoMatches, failed the worker and, with
``exit_on_error``, ended the whole app (the soak's crash in bench/soak.py).

So a worker checks :func:`is_closing` after each await before it touches widgets, and
:func:`unless_closed` wraps worker bodies as the safety net for the awaits nobody
thought of: a missing widget on a screen that is going away ends the worker quietly,
while the same error on a live screen is still a bug and still raised.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from textual.app import ScreenStackError
from textual.css.query import NoMatches, WrongType
from textual.message_pump import MessagePump
from textual.widget import MountError

P = ParamSpec("P")
R = TypeVar("R")

#: What touching the widgets of a screen being taken apart raises.
GONE_ERRORS = (NoMatches, WrongType, MountError, ScreenStackError)


def is_closing(node: MessagePump) -> bool:
    """The node is being removed or was removed: its widgets may already be gone.

    ``_pruning`` is set the moment removal starts (before any child goes), ``_closing``
    once its message loop is asked to stop; Textual has no public name for either.
    """
    return getattr(node, "_pruning", False) or node._closing or node._closed or not node.is_attached


def unless_closed(
    method: Callable[..., Awaitable[R]],
) -> Callable[..., Awaitable[R | None]]:
    """Wrap an async worker method of a screen or widget: if it fails because its
    widgets are gone and the node is closing, return None instead of failing the
    worker (which would take the app down). Put it under ``@work``."""

    @functools.wraps(method)
    async def guarded(self: MessagePump, *args: Any, **kwargs: Any) -> R | None:
        try:
            return await method(self, *args, **kwargs)
        except GONE_ERRORS:
            if is_closing(self):
                return None
            raise

    return guarded
