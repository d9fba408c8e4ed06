"""The messages on the helper's pipes, one dataclass each (sent as frames of
:mod:`policytui.helper.frames`).

Start-up pipe, helper -> UI: :class:`Recorded` answers, and
:class:`~policytui.helper.events.FirstPage` once page 1's rows are built.

Scan pipes. UI -> helper: :class:`StartScan`, then :class:`CatalogLoaded` (a scan started
before the catalog had arrived gets it as soon as the UI has it: the rows built from
then on carry names) and :class:`CancelScan`. Helper -> UI: :class:`ScanReport` as pages
come, then :class:`ScanEnded` or :class:`ScanError`. Every scan message carries its
scan's id: the tail of a scan given up earlier is told apart and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from policytui.helper.events import ScanProgress

#: What of the catalog crosses the pipe: offerings by uuid, groups by url, actions.
CatalogContents = tuple[dict[str, Any], dict[str, Any], list[str]]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One answer as the server sent it: the raw (still encoded) body and its headers."""

    method: str
    url: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class StartScan:
    scan_id: int
    url: str
    #: Plain, because it crosses a pipe to our own helper; never in a repr.
    token: str = field(repr=False)
    verify: bool
    ca_bundle: str | None
    scope_uuid: str | None
    now: datetime
    #: The catalog's contents, or None while it is still loading.
    catalog: CatalogContents | None
    #: Keep every policy with its filter facts (the index), not only the fired ones.
    keep_all: bool = False


@dataclass(frozen=True, slots=True)
class CatalogLoaded:
    scan_id: int
    catalog: CatalogContents


@dataclass(frozen=True, slots=True)
class CancelScan:
    scan_id: int


@dataclass(frozen=True, slots=True)
class ScanReport:
    """A batch; ``unfired`` is the space-separated uuids of the policies read that never
    fired, left out of the batch's states (most of them: the UI unpickles one string
    instead of a tuple each)."""

    scan_id: int
    progress: ScanProgress
    unfired: str


@dataclass(frozen=True, slots=True)
class ScanEnded:
    """The last batch (``progress`` None: the scan was cancelled)."""

    scan_id: int
    progress: ScanProgress | None
    unfired: str


@dataclass(frozen=True, slots=True)
class ScanError:
    """The client's error as the helper met it (pickling keyword-only exceptions does not
    round-trip, so it travels as its class name, message and plain attributes)."""

    scan_id: int
    name: str
    message: str
    fields: dict[str, Any]
