"""The list screen's fired view: every fired policy across all pages, newest firing first.

A mixin of :class:`~policytui.tui.screens.policy_list.PolicyListScreen`: ``f`` switches
the screen into this mode, a scan walks every page (the app's background work,
:meth:`policytui.helper.work.Work.scan_fired`) and streams batches of fired rows into
the same table, and the screen's status, empty and error states say how far it got.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from policytui.api import errors
from policytui.helper.events import ScanFailed, ScanProgress, ScanResumed
from policytui.tui.list_state import ListMode
from policytui.tui.messages import SignInRequired
from policytui.tui.rows import with_names
from policytui.tui.screens.list_texts import pages_read

if TYPE_CHECKING:
    from policytui.tui.screens.policy_list import PolicyListScreen

#: Repaint the fired view at most this often while pages stream in.
SCAN_FLUSH_SECONDS = 0.25
#: How long the scan waits, at most, for a batch it delivered to be painted.
BATCH_PAINT_WAIT = 0.5


class FiredViewMixin:
    """``f`` and the fired scan; the state it keeps lives on the screen."""

    #: The scan read every page: what it found is the answer (not just "it ended").
    scan_complete = False
    #: Pages read by this scan so far, by whichever process read them.
    _scan_pages_read = 0
    #: While a scan the helper began is finished here: the fired policies found anew
    #: (rows the helper sent that are not among them are gone at the end).
    _resume_found: set[str] | None = None

    def action_toggle_fired(self: PolicyListScreen) -> None:
        if self.mode is ListMode.FIRED:
            self.workers.cancel_group(self, "scan")
            self.mode = ListMode.PAGES
            self.refresh_bindings()  # the page keys work again
            self.table.sort_by(None)
            self._load_page(self.paging.number)
            return
        self.workers.cancel_group(self, "page")
        self.mode = ListMode.FIRED
        self.refresh_bindings()  # the page keys are greyed out in the footer
        self._start_scan(quiet=False, mark=False)

    def _start_scan(self: PolicyListScreen, *, quiet: bool, mark: bool) -> None:
        self._scan_generation += 1
        self._scan_rows = []
        self.scan_done = False
        if not quiet:  # a quiet rescan leaves the last answer (and its status) on screen
            self.scan_complete = False
        self._scan_pages_read = 0
        self._resume_found = None
        self.scan_pages = 0
        self.scan_page_count = 0
        if not quiet:
            self.scan_fired = 0
            self.scan_total = None
            self.table.set_rows([])
            self.table.sort_by("fired", reverse=True)
            # The table stays on screen (see PolicyTable.placeholder) and says it here.
            self.table.show_placeholder("Scanning every page for fired policies…")
            self._show_table()
        self._update_status()
        self._scan(self._scan_generation, self.paging.scope_uuid, quiet, mark)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan(
        self: PolicyListScreen, generation: int, scope: str | None, quiet: bool, mark: bool
    ) -> None:
        """In a thread: the UI loop only receives the scan's events, and paints them."""
        worker = get_current_worker()
        app = self.policy_app
        session = app.session
        if session is None:
            return

        def deliver(callback: Callable[..., None], *args: object) -> None:
            if worker.is_cancelled:
                return
            painted = threading.Event()
            with contextlib.suppress(RuntimeError):  # the app is closing
                self.app.call_from_thread(callback, generation, *args)
                # The scan waits (without the interpreter lock) until the batch is on
                # screen: repainting the table while the scan parses the next page made
                # both, and any key pressed meanwhile, wait for the lock.
                self.app.call_from_thread(self.call_after_refresh, painted.set)
                painted.wait(BATCH_PAINT_WAIT)

        # The catalog may still be loading (f pressed as page 1 appeared): rows are built
        # with names as soon as it is there, and the UI names the earlier ones.
        resumed = False
        for event in app.work.scan_fired(
            session,
            scope,
            catalog=app.catalog,
            now=app.now(),
            cancelled=lambda: worker.is_cancelled,
            idle_seconds=app.seconds_since_input,
            flush_seconds=SCAN_FLUSH_SECONDS,
        ):
            if isinstance(event, ScanResumed):
                # Rows already on screen are not repeated (see _scan_report).
                resumed = True
                deliver(self._scan_resumed, quiet)
            elif isinstance(event, ScanFailed):
                deliver(self._scan_failed, event.error, quiet)
            else:
                deliver(self._scan_report, event, quiet, mark, resumed)

    def _scan_resumed(self: PolicyListScreen, generation: int, quiet: bool) -> None:
        """The helper stopped mid-scan: the rest is read in this process."""
        if generation != self._scan_generation or self.mode is not ListMode.FIRED:
            return
        if quiet:
            self._scan_rows = []  # held back, not shown: simply gathered anew
        else:
            self._resume_found = set()
            read = pages_read(self._scan_pages_read, self.scan_page_count)
            self.notify(
                f"The scan's helper process stopped ({read}): finishing the scan here.",
                severity="warning",
            )
        self._update_status()

    def _scan_report(
        self: PolicyListScreen,
        generation: int,
        progress: ScanProgress,
        quiet: bool,
        mark: bool,
        resumed: bool = False,
    ) -> None:
        if generation != self._scan_generation or self.mode is not ListMode.FIRED:
            return  # a newer scan (or the paged view) took over
        self.scan_pages = progress.pages
        self.scan_page_count = progress.page_count
        self._scan_pages_read = max(self._scan_pages_read, progress.pages)
        self.scan_total = progress.total
        self._note_states(progress.states, mark=mark)
        for row in progress.rows:
            row.changed = row.uuid in self.fired_states.changed
        app = self.policy_app
        if app.catalog.loaded:  # rows the scan built before it had the catalog get names
            progress.rows = with_names(progress.rows, app.catalog, app.now())
        found = self._resume_found if resumed and not quiet else None
        if found is not None:
            # Finishing a scan the helper began: its rows are on screen already.
            held = {row.uuid for row in self.table.all_rows}
            found.update(row.uuid for row in progress.rows)
            progress.rows = [row for row in progress.rows if row.uuid not in held]
        if quiet:
            self._scan_rows.extend(progress.rows)
        else:
            self.scan_fired = progress.fired
            if progress.rows:
                self.table.add_rows(progress.rows)
            if found is not None:
                self.scan_fired = max(progress.fired, len(self.table.all_rows))
            if self.table.row_count:
                self._show_table()
                self._update_pane()
        if progress.done:
            self.scan_done = True
            self.scan_complete = True
            self.table.show_placeholder("")
            if found is not None:
                # Sent by the helper but not fired any more (or gone): not in the answer.
                self._resume_found = None
                self.scan_fired = progress.fired
                if len(found) < len(self.table.all_rows):
                    self.table.set_rows([r for r in self.table.all_rows if r.uuid in found])
            if quiet:
                self.scan_fired = progress.fired
                self.table.set_rows(self._scan_rows)
                self._scan_rows = []
            if not self.table.row_count:
                self._show_empty()
        self._update_status()

    def _scan_failed(self: PolicyListScreen, generation: int, exc: Exception, quiet: bool) -> None:
        if generation != self._scan_generation or self.mode is not ListMode.FIRED:
            return
        self.scan_done = True
        if not quiet:  # says what it read, not a tally that looks final
            self.scan_complete = False
            self.scan_pages = max(self.scan_pages, self._scan_pages_read)
        self._resume_found = None
        self.table.show_placeholder("")
        if isinstance(exc, errors.AuthenticationError):
            self._auth_failed = True
        if not self.table.row_count and not quiet:
            self._show_error(exc)
        else:
            if isinstance(exc, errors.AuthenticationError):
                self.post_message(SignInRequired())
            self.notify(f"Fired scan stopped: {exc} Press r to retry.", severity="error")
        self._update_status()
