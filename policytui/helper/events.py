"""What the background work hands the app: the first page, and a fired scan's events.

Light on purpose: the UI imports this before its first paint, so the models (pydantic)
appear in annotations only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytui.api.pagination import Page
    from policytui.query import PolicyFacts
    from policytui.tui.rows import PolicyRow

#: A policy's fired state: has it fired, and when last.
FiredState = tuple[bool, datetime | None]


@dataclass(frozen=True, slots=True)
class FirstPage:
    """Page 1 as the list screen shows it, built in the background with the catalog's
    names while the UI imported Textual.

    The UI paints these rows before it imports pydantic and httpx (a quarter of a second
    of its one thread); each row carries its policy as JSON and builds the model only
    when something asks for it (:class:`~policytui.tui.rows.PolicyRow`).
    """

    #: The page's numbers and links; its ``items`` are empty (the rows hold the policies).
    page: Page[Any]
    rows: list[PolicyRow]
    #: The page size it was asked for (the server may have served fewer: a cap).
    page_size: int


@dataclass(slots=True)
class ScanProgress:
    """A batch of a scan: how far it got, and what it found since the last batch (the
    fired rows; for the index, every row and its facts). The last batch of a scan that
    read every page has ``done`` set."""

    pages: int = 0
    page_count: int = 0
    total: int | None = None
    fired: int = 0
    #: Fired policies found since the last report, as rows.
    rows: list[PolicyRow] = field(default_factory=list)
    #: The fired state of every policy read since the last report (for change marks).
    states: dict[str, FiredState] = field(default_factory=dict)
    #: A scan that keeps every policy (the index): the facts of each row, in its order.
    facts: list[PolicyFacts] = field(default_factory=list)
    #: The helper's fill of the index: its facts as columns (``helper/index_batch.py``),
    #: made into ``facts`` once received.
    index: Any = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class ScanResumed:
    """The helper process stopped after sending some batches (killed, out of memory):
    what it sent is real but not the answer. The scan goes on in this process, reading
    every page again; the batches after this event are that scan's."""


@dataclass(frozen=True, slots=True)
class ScanFailed:
    """The scan stopped for good: the client's error (a value, as everywhere in the app).
    Nothing follows it."""

    error: Exception


#: What a fired scan yields, in order: batches, perhaps one ScanResumed, perhaps a
#: ScanFailed at the end.
ScanEvent = ScanProgress | ScanResumed | ScanFailed
