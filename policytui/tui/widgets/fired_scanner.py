"""The fired view's scan, as a widget with no display: it runs the walk over every page
off the UI thread (through the app's background work, :class:`policytui.helper.work.Work`,
which alone knows whether a helper process does it) and posts what it finds up to the
screen as messages. The screen paints them; nothing here touches the screen.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from policytui.helper.events import ScanFailed, ScanProgress, ScanResumed

if TYPE_CHECKING:
    from policytui.auth.session import Session
    from policytui.helper.work import Work
    from policytui.tui.catalog import Catalog

#: Repaint the fired view at most this often while pages stream in.
SCAN_FLUSH_SECONDS = 0.25
#: How long the scan waits, at most, for a batch it posted to be painted.
BATCH_PAINT_WAIT = 0.5


class ScanEvent(Message):
    """What every event of a scan carries: which scan, and how it was started.

    ``painted`` is set by the screen once it has painted the event (or ignored it): the
    scan waits for it, without the interpreter lock, so parsing the next page never
    competes with the repaint of this one (nor with a key pressed meanwhile)."""

    def __init__(self, generation: int, *, quiet: bool, mark: bool, index: bool = False) -> None:
        super().__init__()
        self.generation = generation
        #: A scan that keeps every policy, for the index (not the fired view's).
        self.index = index
        #: A ``--watch`` rescan: gather quietly, show the answer at the end.
        self.quiet = quiet
        #: Mark the policies whose fired state changed since the last look.
        self.mark = mark
        self.painted = threading.Event()


class FiredScanner(Widget):
    DEFAULT_CSS = """
    FiredScanner {
        display: none;
    }
    """

    class Batch(ScanEvent):
        """Pages read and the fired rows found in them (the last one has ``done``)."""

        def __init__(
            self,
            generation: int,
            progress: ScanProgress,
            *,
            quiet: bool,
            mark: bool,
            resumed: bool,
            index: bool = False,
        ) -> None:
            super().__init__(generation, quiet=quiet, mark=mark, index=index)
            self.progress = progress
            #: Found after the helper stopped, while this process finishes its scan.
            self.resumed = resumed

    class Resumed(ScanEvent):
        """The helper process stopped mid-scan: the rest is read in this process."""

    class Failed(ScanEvent):
        """The scan stopped for good."""

        def __init__(
            self, generation: int, error: Exception, *, quiet: bool, mark: bool, index: bool = False
        ) -> None:
            super().__init__(generation, quiet=quiet, mark=mark, index=index)
            self.error = error

    def stop(self) -> None:
        self.workers.cancel_group(self, "scan")

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def start(
        self,
        generation: int,
        *,
        background: Work,
        session: Session,
        scope_uuid: str | None,
        catalog: Catalog,
        now: datetime,
        idle_seconds: Callable[[], float],
        quiet: bool,
        mark: bool,
        index: bool = False,
    ) -> None:
        """Scan every page of ``scope_uuid`` (every offering when None); a scan still
        running is cancelled. ``catalog`` may still be loading (f pressed as page 1
        appeared): rows are built with names as soon as it is there. ``index``: keep
        every policy with its facts (the screen's index scanner is its own widget)."""
        worker = get_current_worker()

        def post(event: ScanEvent) -> None:
            if worker.is_cancelled:
                return
            self.post_message(event)  # thread-safe
            event.painted.wait(BATCH_PAINT_WAIT)

        resumed = False
        for event in background.scan_fired(
            session,
            scope_uuid,
            catalog=catalog,
            now=now,
            cancelled=lambda: worker.is_cancelled,
            idle_seconds=idle_seconds,
            flush_seconds=SCAN_FLUSH_SECONDS,
            keep_all=index,
        ):
            if isinstance(event, ScanResumed):
                resumed = True  # rows already on screen are not repeated
                post(self.Resumed(generation, quiet=quiet, mark=mark, index=index))
            elif isinstance(event, ScanFailed):
                post(self.Failed(generation, event.error, quiet=quiet, mark=mark, index=index))
            else:
                post(
                    self.Batch(
                        generation, event, quiet=quiet, mark=mark, resumed=resumed, index=index
                    )
                )
                if index and event.done and not worker.is_cancelled:
                    # The index's objects (millions for 100 000 policies) were made with
                    # no full collections (no_full_collections): the first one comes now,
                    # once its last batch is painted, not on the first keystroke after.
                    gc.collect()
