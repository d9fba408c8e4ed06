"""The policy list: server pages, the fired view, filters, sorting and auto-refresh.

The screen composes at once with a loading state; every request runs in a worker and
comes back through a callback on the event loop. Only the current page becomes rows in
the paged view; the fired view's scan (:mod:`policytui.tui.widgets.fired_scanner`) walks
every page and posts the fired policies it finds, which the screen streams into the
table in batches. What the screen knows is in the plain objects of
:mod:`policytui.tui.list_state`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input

from policytui.api import errors
from policytui.helper.events import FiredState
from policytui.tui.actions import LIST, bindings_for
from policytui.tui.format import clock_time, count_noun, group_thousands
from policytui.tui.list_state import (
    FiredScan,
    FiredStates,
    FiringAlerts,
    ListMode,
    Marks,
    Paging,
)
from policytui.tui.list_usage import ListUsage
from policytui.tui.messages import PoliciesFired, SessionChanged, SignInRequired
from policytui.tui.page_fit import fitted_page_size
from policytui.tui.policy_index import FiredRows, IndexedFacts, Matches, PolicyIndex
from policytui.tui.rows import PolicyRow, build_row, with_names
from policytui.tui.screens.list_texts import (
    empty_state,
    fired_headline,
    page_position,
    pages_read,
    scan_position,
)
from policytui.tui.screens.policy_screen import PolicyScreen
from policytui.tui.styles import style_path
from policytui.tui.usage_cell import UNCHECKED_LEGEND
from policytui.tui.widgets.bars import StatusBar, TopBar
from policytui.tui.widgets.filter_box import FilterBox
from policytui.tui.widgets.filter_note import FilterNote
from policytui.tui.widgets.fired_scanner import FiredScanner, ScanEvent
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.policy_detail import PolicyDetail
from policytui.tui.widgets.policy_table import COLUMN_TITLES, DESCENDING_FIRST, PolicyTable
from policytui.tui.widgets.state_message import StateMessage, describe_error

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy, Page, WaldurClient
    from policytui.auth.config import SavedView
    from policytui.bulk import Summary
    from policytui.query import Filter, PolicyFacts, SortOrder
    from policytui.query.parser import Term
    from policytui.tui.usage_cell import UsageCell
    from policytui.tui.usage_load import PolicyUsage

#: List actions that change only what the table shows: a key of theirs typed just before
#: `/` still runs once the box has the focus (``late_key_allowed``).
_LATE_SAFE = frozenset(
    {
        "next_page",
        "prev_page",
        "first_page",
        "last_page",
        "sort_next",
        "sort_reverse",
        "refresh",
        "toggle_watch",
        "toggle_mark",
        "mark_all",
        "copy_uuid",
        "copy_url",
        # The table's own: the cursor.
        "cursor_up",
        "cursor_down",
        "cursor_first",
        "cursor_last",
        "page_up",
        "page_down",
    }
)

#: At this width and wider the detail opens as a pane beside the list.
PANE_MIN_WIDTH = 100
#: A resize re-fits the page once the terminal has kept its size this long: a window
#: being dragged sends a burst of resizes, and it should cost one request, not one each.
REFIT_AFTER_RESIZE = 0.3
DEFAULT_WATCH_SECONDS = 30.0
SORT_CYCLE = ("fired", "created", "offering", "actions", "limits", "period", "groups")
#: The near-firing view's threshold at start (headroom.summary.NEAR) and the step of + / -.
NEAR_PERCENT = 80
NEAR_STEP = 5
#: A plain filter's matches on screen get their Usage cells once typing or scrolling has
#: paused this long (seconds): each keystroke is not a read.
SHOWN_USAGE_AFTER = 0.25


class PolicyListScreen(PolicyScreen):
    CSS_PATH = [style_path("list.tcss")]
    AUTO_FOCUS = "#policies"

    BINDINGS = bindings_for(LIST)

    def __init__(self) -> None:
        super().__init__()
        #: Which view, which offering, which page: plain objects (tui/list_state.py).
        self.mode = ListMode.PAGES
        self.paging = Paging()
        self.fired_states = FiredStates()
        #: What a refresh has to tell the terminal (``--notify``): each firing once.
        self.alerts = FiringAlerts()
        #: Marked for a bulk change (Space, *); kept across pages and views.
        self.marks = Marks()
        self.pane_open = False
        self._page: Page[OfferingUsagePolicy] | None = None
        self._cache: dict[tuple[str | None, int, int], Page[OfferingUsagePolicy]] = {}
        self._auth_failed = False
        self._catalog_failed = False
        self._loading = False
        self._watch_timer: Timer | None = None
        #: When the server last answered a page or a scan (shown while watching).
        self._read_at: datetime | None = None
        self._refit_timer: Timer | None = None
        self.scan = FiredScan()
        #: A quiet rescan's rows, held back until it is done.
        self._scan_rows: list[PolicyRow] = []
        #: Saves (as read back) and deletes (None) made here since the fired scan on view
        #: began: a page it read before the write holds the policy as it was, and its
        #: rows (a quiet walk's, swapped in at its end) brought a deleted policy back.
        self._scan_writes: dict[str, OfferingUsagePolicy | None] = {}
        #: The fired view's `/` (None: none), and the facts of each row it tested.
        self._fired_query: Filter | None = None
        self._fired_facts: dict[str, tuple[PolicyRow, PolicyFacts]] = {}
        #: The fired rows and figures "still over" was last counted of, and its words.
        self._still_over_of: tuple[tuple[int, int], str] | None = None
        #: Set once the first rows (or an empty or error state) are on screen.
        self._first_page_settled = asyncio.Event()
        self.watch_seconds: float | None = None
        #: The Usage column: read per offering after each page is painted (issue 14).
        self.usage = ListUsage()
        #: Set once the catalog has loaded or failed (the Usage column waits for it).
        self._catalog_settled = asyncio.Event()
        #: Every policy, filled by the walk the fired view does, for `/` (tui/policy_index.py).
        self.index = PolicyIndex(now=lambda: self.policy_app.now())
        #: The `/` filter over the index while one is typed (None: the server's page).
        self.query_filter: Filter | None = None
        #: The sort across every match (None: the server's order, newest first).
        self.index_order: SortOrder | None = None
        #: The rows of the page last shown, kept while the filter shows the index.
        self._page_rows: list[PolicyRow] = []
        #: The page's sort before the filter took the table (restored when it is cleared).
        self._page_sort: tuple[str | None, bool] = (None, False)
        #: The near-firing view's threshold in % (`h` opens it, + / - move it).
        self.near_percent = NEAR_PERCENT
        #: Policies of the index whose usage this refresh has computed (issue 14: usage
        #: of every policy, for `usage:` and the near-firing view), and of those how many
        #: have no figure; set when the index grows, so the fill reads on.
        self._index_usage_done: set[str] = set()
        self._index_usage_missing = 0
        self._index_usage_running = False
        self._index_grew = asyncio.Event()
        #: The on-screen usage read of a plain filter (``_want_shown_usage``).
        self._shown_usage_running = False
        self._shown_usage_again = False
        #: Policies whose usage that read computed in this refresh (`r` reads them again).
        self._shown_usage_done: set[str] = set()
        #: A save left policies without a figure: the Usage fill runs once after it.
        self._usage_reread_soon = False
        #: The status bar says what † means (a cell so marked is on screen).
        self._legend_shown = False
        #: The screen is putting text in the `/` box (it applies it itself).
        self._box_set = False

    # -- composition --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(self.policy_app.session, self.policy_app.username, id="top")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield PolicyTable(id="policies")
                yield StateMessage(id="state")
            yield PolicyDetail(id="pane")
        yield FilterBox(
            placeholder="filter every policy: gpu group:nordics limit:cpu>10000 -fired:yes",
            id="quick-filter",
            # `/` again goes on typing after what is there (the near view's usage:>=80
            # narrowed by one more term), as in a shell; it never selects it all to
            # be replaced by the next key.
            select_on_focus=False,
        )
        yield FilterNote(id="filter-note")
        yield StatusBar(id="status")
        yield FiredScanner(id="scanner")
        # The same walk, keeping every policy: the index the `/` filter reads.
        yield FiredScanner(id="indexer")
        # Compact, and the keys ranked (widgets/footer.py): the most used ones that fit.
        yield Footer(compact=True)

    @property
    def table(self) -> PolicyTable:
        return self.query_one("#policies", PolicyTable)

    @property
    def state_view(self) -> StateMessage:
        return self.query_one("#state", StateMessage)

    @property
    def client(self) -> WaldurClient:
        client = self.policy_app.client
        assert client is not None, "the list screen runs only with a session"
        return client

    def on_mount(self) -> None:
        app = self.policy_app
        self.paging.size = app.page_size or fitted_page_size(app.size.height)
        self.query_one("#pane").display = False
        box = self.query_one("#quick-filter", Input)
        box.display = False
        # The box's text is applied as it changes, in the keystroke's own handler: as an
        # Input.Changed message it was handled after the screen had painted the box
        # alone (a layout and a repaint of its own), so each keystroke over 100 000
        # policies cost two or three frames instead of one (issue 13).
        self.watch(box, "value", self._filter_typed, init=False)
        self.query_one("#filter-note").display = False
        self._top_bar_from_session()
        self.state_view.show("loading", "Loading policies…")
        self.table.display = False
        self.watch_seconds = app.watch_seconds
        if self.watch_seconds:
            self._watch_timer = self.set_interval(self.watch_seconds, self._watch_tick)
        self._update_status()
        self._start_up()
        if app.start_view is not None:
            self.open_view(app.start_view)

    @work(group="startup", exit_on_error=False)
    async def _start_up(self) -> None:
        """Paint the first page the background work built, if it has one, then make the
        client and load as usual (page 1 too, when there was none).

        Until the page is on screen this process imports neither pydantic nor httpx;
        afterwards the catalog and the user may come from the helper's recorded answers.
        Only this worker's requests (and those of the workers it starts) are answered
        from the recording; a refresh or any other request goes to the server.
        """
        first = await self.policy_app.work.first_page()
        seeded = (
            first is not None
            and self.mode is ListMode.PAGES
            and self.paging.scope_uuid is None
            and self.paging.number == 1
            and self.paging.shown == 0
            and first.page_size == self.paging.size
        )
        if seeded:
            assert first is not None
            self._show_rows(first.page, first.rows)
            # Let the rows reach the terminal before the imports start.
            painted = asyncio.Event()
            self.call_after_refresh(painted.set)
            await painted.wait()
        await self.policy_app.connect()
        self._load_catalog()
        if seeded and self.paging.shown == 1:
            self._note_fired_states([row.policy for row in self.table.all_rows], mark=False)
            self._prefetch(2)
        elif self.mode is ListMode.PAGES and self.paging.shown == 0 and not self._loading:
            # No page from the background, and no key has loaded one (f, o, ] ...) meanwhile.
            self._load_page(1)

    def _top_bar_from_session(self) -> None:
        app = self.policy_app
        self.query_one(TopBar).show_session(app.session, app.username)

    # -- loading ------------------------------------------------------------------------

    def _load_page(self, number: int, *, quiet: bool = False, mark: bool = False) -> None:
        """Show page ``number``: from the prefetch cache at once, else via a worker."""
        self.paging.go_to(number)
        cached = None if quiet else self._cache.get(self.paging.key(self.paging.number))
        if cached is not None:
            self._show_page(cached, mark=False)
            self._prefetch(self.paging.number + 1)
            return
        self._loading = True
        if not quiet and (self.table.row_count == 0 or self.state_view.kind == "error"):
            self.state_view.show("loading", "Loading policies…")
            self.table.display = False
        self._update_status()
        self._fetch_page(self.paging.number, quiet, mark or quiet)

    @work(exclusive=True, group="page", exit_on_error=False)
    async def _fetch_page(self, number: int, quiet: bool, mark: bool) -> None:
        size = self.paging.size
        scope = self.paging.scope_uuid
        try:
            page = await self.client.policies.list(page=number, page_size=size, scope_uuid=scope)
        except errors.NotFound:
            # The page is gone (policies were deleted meanwhile): go to the last one.
            if number > 1:
                try:
                    count = await self.client.policies.count(scope_uuid=scope)
                except Exception as exc:
                    self._show_error(exc)
                    return
                last = max(1, math.ceil(count / size))
                if last < number:
                    self.paging.go_to(last)
                    self._fetch_page(last, quiet, mark)
                    return
            self._show_error(errors.NotFound("The server says this page does not exist."))
            return
        except Exception as exc:
            self._show_error(exc, quiet=quiet)
            return
        if (
            self.mode is not ListMode.PAGES
            or scope != self.paging.scope_uuid
            or size != self.paging.size
        ):
            return
        self._cache[(scope, number, size)] = page
        self._read_at = self.policy_app.now()
        self._show_page(page, mark=mark)
        # After the paint: the next page's request and parsing would otherwise come between
        # this page arriving and it reaching the terminal.
        self.call_after_refresh(self._prefetch, number + 1)

    @work(exclusive=True, group="prefetch", exit_on_error=False)
    async def _prefetch_worker(self, number: int) -> None:
        key = self.paging.key(number)
        try:
            page = await self.client.policies.list(page=number, page_size=key[2], scope_uuid=key[0])
        except errors.AuthenticationError:
            # The token is no good for any request: ask now, not at the next page turn.
            self._auth_failed = True
            self.post_message(SignInRequired())
            return
        except Exception:
            return  # a prefetch failure is retried, visibly, when the page is opened
        self._cache[key] = page

    def _prefetch(self, number: int) -> None:
        if (
            self.paging.page_count is not None and number > self.paging.page_count
        ) or not self.paging.more:
            return
        if self.paging.key(number) in self._cache:
            return
        self._prefetch_worker(number)

    def _show_page(self, page: Page[OfferingUsagePolicy], *, mark: bool) -> None:
        # States first: a refresh marks the rows whose fired state changed.
        self._note_fired_states(page.items, mark=mark)
        self._show_rows(page, self._rows(page.items))
        self._tell_fired(self.fired_states.take_fired(), self.fired_states.seen)

    def _show_rows(self, page: Page[Any], rows: list[PolicyRow]) -> None:
        """Show ``rows`` as page ``page`` (its numbers and links; items are not read)."""
        self._loading = False
        self._auth_failed = False
        self._page = page
        after, self._cursor_after_load = self._cursor_after_load, ""
        turned = self.paging.page_shown(
            page.page,
            page.total,
            # Without a count or a rel="last" link the number of pages is unknown (None).
            page.page_count if (page.total is not None or "last" in page.links) else None,
            page.has_next,
            len(rows),
        )
        fallback = -1 if after == "last" else (0 if turned else None)
        self._page_rows = rows
        if self.query_filter is not None:
            # The filter has the table: the page waits aside until it is cleared.
            self._update_status()
            return
        self.table.set_rows(rows, fallback_index=fallback)
        if rows:
            self._show_table()
        else:
            self._show_empty()
        self._update_status()
        self._update_pane()
        if rows and self.mode is ListMode.PAGES:
            # After the paint: the Usage column never delays the page.
            self.call_after_refresh(self._fill_usage)

    def _show_table(self) -> None:
        self.state_view.hide()
        self.table.display = True
        if not self._first_page_settled.is_set():
            self.call_after_refresh(self._first_page_settled.set)
        # A hidden widget loses focus: give it back unless the user is typing a filter.
        if self.focused is None or not self.focused.display:
            self.table.focus()

    def _show_empty(self) -> None:
        self._first_page_settled.set()
        self.table.display = False
        title, hint = empty_state(
            self.mode is ListMode.FIRED, self._offering_label(), self.scan.total
        )
        self.state_view.show("empty", title, hint)

    def _show_error(self, exc: BaseException, *, quiet: bool = False) -> None:
        self._first_page_settled.set()
        self._loading = False
        if isinstance(exc, errors.AuthenticationError):
            self._auth_failed = True
            self.post_message(SignInRequired())
        if quiet and self.table.row_count:
            # Auto-refresh failed: keep what is on screen, say so briefly.
            self.notify(f"Refresh failed: {exc}", severity="warning")
            self._update_status()
            return
        title, hint = describe_error(exc)
        self.table.display = False
        self.state_view.show("error", title, hint)
        self._update_status()

    @work(exclusive=True, group="usage", exit_on_error=False)
    async def _fill_usage(self) -> None:
        """The Usage column of the rows on screen (``policytui.tui.list_usage``): the
        page's, or the fired view's once its scan is complete (each fired policy says
        whether it is still over)."""
        from policytui.tui.usage_text import usage_cell

        await self._first_page_settled.wait()
        app = self.policy_app
        await app.connect()  # the start-up may paint rows before the client exists
        client = app.client
        mode = self.mode
        if client is None or (mode is ListMode.PAGES and self.query_filter is not None):
            return
        shown = self.table.all_rows
        if isinstance(shown, FiredRows):
            # The fired view over the index: the models parsed from the index's pages,
            # no row made for each (the table makes those on screen).
            policies = await asyncio.to_thread(shown.policies)
        else:
            rows = list(shown)
            # A fired scan's rows build their models on first use: thousands of them,
            # off the event loop.
            policies = await asyncio.to_thread(lambda: [row.policy for row in rows])
        if not self._catalog_settled.is_set():
            # The rows and customers need no names: read them while the catalog loads.
            self.usage.prefetch(client, policies, app.now().date())
        # The components' names come with the catalog: its own worker loads it (from the
        # helper's recording at start-up); without it the column says components' types.
        await self._catalog_settled.wait()
        try:
            found = await self.usage.fill(client, app.catalog, policies, app.now().date())
        except errors.AuthenticationError:
            self._auth_failed = True
            self.post_message(SignInRequired())
            return
        if self.mode is not mode:
            return
        fired_view = mode is ListMode.FIRED
        cells = {uuid: usage_cell(u, fired_view=fired_view) for uuid, u in found.items()}
        self.table.set_usage({uuid: cell for uuid, cell in cells.items() if cell is not None})
        fired_query = self._fired_query
        if fired_view and fired_query is not None and _reads_usage(fired_query):
            self._filter_fired(fired_query.text)  # `usage:` over the figures now in
        self._mark_usage_crossings(self.usage.crossed)
        self.alerts.went_over(self.usage.went_over, self.fired_states.seen)
        self._send_alerts()
        self._update_status()
        self._update_pane()

    @work(exclusive=True, group="catalog", exit_on_error=False)
    async def _load_catalog(self) -> None:
        app = self.policy_app
        try:
            await app.catalog.load(self.client)
        except errors.AuthenticationError:
            self._auth_failed = True
            self._catalog_settled.set()
            self.post_message(SignInRequired())
            return
        except Exception:
            self._catalog_settled.set()
            # Not fatal: rows fall back to component types. Said in the status bar (r retries)
            # rather than a toast, so one outage does not raise two alarms.
            self._catalog_failed = True
            self._update_status()
            self._index_when_named()
            return
        self._catalog_failed = False
        self._catalog_settled.set()
        self._index_when_named()
        # Component names, units and group names come from the catalog: rebuild the rows
        # built without it (the helper's first page has them; a fired scan begun before
        # the catalog arrived does not), on screen and held back by a quiet scan.
        catalog, now = app.catalog, app.now()
        # The index's rows are made when shown: from now on with the names (a view over
        # it is not gone through, which would make a row of every match).
        self.index.name_rows(catalog)
        if isinstance(self.table.all_rows, list):
            rows = with_names(self.table.all_rows, catalog, now)
            if rows is not self.table.all_rows:
                self.table.set_rows(rows)
        else:
            self.table.refresh()
        self._scan_rows = with_names(self._scan_rows, catalog, now)
        # The page held aside while a filter has the table comes back named on Esc.
        self._page_rows = with_names(self._page_rows, catalog, now)
        self._update_status()
        self._update_pane()
        # The user's name is a nicety in the top bar: asked for once the first page is on
        # screen (or failed), so it never delays it.
        await self._first_page_settled.wait()
        try:
            app.user = await self.client.me()
        except errors.AuthenticationError:
            self._auth_failed = True
            self.post_message(SignInRequired())
            return
        except Exception:
            return
        self.query_one(TopBar).update_bar(user=app.user.username)

    def _rows(self, policies: list[OfferingUsagePolicy]) -> list[PolicyRow]:
        app = self.policy_app
        catalog = app.catalog if app.catalog.loaded else None
        now = app.now()
        return [
            build_row(p, catalog, now, changed=p.uuid in self.fired_states.changed)
            for p in policies
        ]

    def _note_fired_states(self, policies: list[OfferingUsagePolicy], *, mark: bool) -> None:
        self._note_states({p.uuid: (p.has_fired, p.fired_datetime) for p in policies}, mark=mark)

    def _note_states(self, states: dict[str, FiredState], *, mark: bool) -> None:
        """Remember each policy's fired state; on a refresh, mark the ones that changed."""
        fresh = self.fired_states.note(states, mark=mark)
        if fresh:
            self.notify(
                f"{count_noun(fresh, 'policy', 'policies')} changed fired state (marked ◆).",
                title="Fired state",
            )

    # -- status -------------------------------------------------------------------------

    def _offering_label(self) -> str:
        if not self.paging.scope_uuid:
            return ""
        offering = self.policy_app.catalog.offering(self.paging.scope_uuid)
        if offering:
            return offering.name
        for row in self.table.all_rows:
            if row.policy.scope_uuid == self.paging.scope_uuid:
                return row.offering
        return self.paging.scope_uuid[:8]

    def _update_status(self) -> None:
        top = self.query_one(TopBar)
        offering = self._offering_label()
        if self.mode is ListMode.FIRED:
            scan = self.scan
            # A quiet rescan (a tick, or behind the index's answer) leaves a complete
            # answer on view: the bar gives its count; the status bar the rescan's progress.
            scanning = not scan.done and not scan.complete
            headline = fired_headline(scan.fired, scan.total, scan.read, scanning=scanning)
            top.update_bar(
                view="Fired policies", detail=_join(headline, offering), extra=self._still_over()
            )
            # A quiet rescan behind a complete answer: that answer's tally, and how far
            # the rescan is (its own count is not the answer until it ends).
            rescanning = not scan.done and scan.complete
            left = scan_position(
                scan.done or rescanning,
                scan.pages,
                scan.page_count,
                scan.fired,
                scan.total,
                complete=scan.complete,
            )
            if rescanning:
                share = int(100 * scan.pages / scan.page_count) if scan.page_count else 0
                left = _join(left, f"refreshing {share} %")
            self._show_fired_note()  # its count follows the rows as they come
        elif self.query_filter is not None:
            name = self._view_name
            near = self._near_term() if self._near else None
            if near is not None:
                bound = near.value.strip().replace(">=", "≥ ").replace(">", "> ").rstrip("%")
                top.update_bar(
                    view="Near firing", detail=_join(f"usage {bound} %", offering), extra=""
                )
            else:
                top.update_bar(
                    view=f"View {name}" if name else "Every policy", detail=offering, extra=""
                )
            left = self.index.completeness()
        else:
            top.update_bar(view="Policies", detail=offering, extra="")
            if self.state_view.kind == "error":
                left = "not loaded · r retries"
            elif self.paging.total is None and self._page is None:
                left = "loading…"
            else:
                left = page_position(
                    self.paging.number,
                    self.paging.page_count,
                    self.paging.total,
                    loading=self._loading,
                )
        right: list[str] = []
        table = self.table
        if table.filter_text and self._fired_query is None:  # (the note says it)
            right.append(f"/{table.filter_text}: {table.row_count} of {len(table.all_rows)}")
        if table.sort_column and not (self.mode is ListMode.FIRED and table.sort_column == "fired"):
            arrow = "▼" if table.sort_reverse else "▲"
            right.append(f"sort {COLUMN_TITLES[table.sort_column].lower()} {arrow}")
        if self.watch_seconds and self._watch_timer is not None and self._watching:
            # When the server last answered, as `watch` shows it: a tick that changed
            # nothing still says it happened (and one that failed says it did not).
            read = f" · read {clock_time(self._read_at)}" if self._read_at else ""
            right.append(f"watch {self.watch_seconds:g} s{read}")
        if self.marks:
            right.append(f"* {len(self.marks)} marked · b changes them")
        if self.fired_states.changed:
            right.append(f"◆ {len(self.fired_states.changed)} changed")
        self._legend_shown = self._unchecked_on_screen()
        if self._legend_shown:
            right.append(UNCHECKED_LEGEND)
        if self.usage.denied:
            right.append("usage needs staff or a provider owner")
        if self.usage.not_refreshed:
            right.append("usage not refreshed: r retries")
        if self._catalog_failed:
            # Rows show component types and group counts instead of names; r asks again
            # (said once: the left part says it already when the list failed too).
            failed = self.state_view.kind == "error"
            right.append(
                "component and group names not loaded"
                if failed
                else "component and group names not loaded: r retries"
            )
        self.query_one(StatusBar).set_parts(left, " · ".join(right))

    def _unchecked_on_screen(self) -> bool:
        """A Usage cell on screen is of a limit the server does not check (marked †)."""
        table = self.table
        return any(
            (cell := table.usage_of(row.uuid)) is not None and cell.unchecked
            for row in table.on_screen()
        )

    def _still_over(self) -> str:
        """``5 still over · 2 now under`` of the fired rows whose usage is read.

        Kept until the rows held or a figure change: counted on every status update,
        each key typed in the fired view's `/` went over 15 000 figures (~50 ms a key)."""
        table = self.table
        key = (table.rows_revision, self.usage.changes)
        if self._still_over_of is None or self._still_over_of[0] != key:
            shown = table.all_rows
            uuids = shown.uuids() if isinstance(shown, FiredRows) else (r.uuid for r in shown)
            self._still_over_of = (key, self._count_still_over(uuids))
        return self._still_over_of[1]

    def _count_still_over(self, uuids: Iterable[str]) -> str:
        over = under = 0
        for uuid in uuids:
            usage = self.usage.of(uuid)
            if usage is None:
                return ""  # still reading: a part of the counts would read as the answer
            if usage.headroom is not None and usage.headroom.has_fired:
                if usage.headroom.fires:
                    over += 1
                else:
                    under += 1
        if not over and not under:
            return ""
        return f"{group_thousands(over)} still over · {group_thousands(under)} now under"

    def _usage_cells(self, uuids: object) -> dict[str, UsageCell]:
        """The Usage cells of ``uuids`` from the figures known, for the view on screen."""
        from policytui.tui.usage_text import usage_cell

        fired_view = self.mode is ListMode.FIRED
        cells: dict[str, UsageCell] = {}
        for uuid in uuids:  # type: ignore[attr-defined]
            usage = self.usage.of(uuid)
            cell = usage_cell(usage, fired_view=fired_view) if usage is not None else None
            if cell is not None:
                cells[uuid] = cell
        return cells

    def _repaint_usage(self) -> None:
        """The view changed (fired view in or out): the cells that read differently in
        it, in its words. Only a fired policy's does (``still over`` / ``now under``): the
        rest stay as they are (after the near view every policy has a figure, and making
        100 000 cells again held `f` over 2 s)."""
        fired = [
            uuid
            for uuid, usage in self.usage.usage.items()
            if usage.headroom is not None and usage.headroom.has_fired
        ]
        self.table.set_usage(self._usage_cells(fired))

    @property
    def _watching(self) -> bool:
        return self._watch_timer is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Page keys are greyed out in the fired view, which holds every fired policy, and
        # while the filter shows every match.
        if action in ("next_page", "prev_page", "first_page", "last_page"):
            return (self.mode is ListMode.PAGES and self.query_filter is None) or None
        return True

    # -- paging -------------------------------------------------------------------------

    def _pages_only(self) -> bool:
        if self.mode is not ListMode.PAGES:
            self.notify("The fired view holds every fired policy: no pages (f to leave).")
            return False
        if self.query_filter is not None:
            self.notify("The filter shows every match: no pages (Esc clears it).")
            return False
        return True

    def action_next_page(self) -> None:
        if not self._pages_only():
            return
        if not self.paging.more:
            self.notify("This is the last page.", timeout=2)
            return
        self._load_page(self.paging.number + 1)

    def action_prev_page(self) -> None:
        if not self._pages_only():
            return
        if self.paging.number <= 1:
            self.notify("This is the first page.", timeout=2)
            return
        self._load_page(self.paging.number - 1)

    def action_first_page(self) -> None:
        if self._pages_only() and self.paging.number != 1:
            self._load_page(1)

    def action_last_page(self) -> None:
        if (
            self._pages_only()
            and self.paging.page_count
            and self.paging.number != self.paging.page_count
        ):
            self._load_page(self.paging.page_count)

    @on(PolicyTable.EdgeReached)
    def _turn_page(self, event: PolicyTable.EdgeReached) -> None:
        if self.mode is not ListMode.PAGES or self.query_filter is not None:
            return
        if event.forward and self.paging.more:
            self._cursor_after_load = "first"
            self.action_next_page()
        elif not event.forward and self.paging.number > 1:
            self._cursor_after_load = "last"
            self.action_prev_page()

    _cursor_after_load = ""

    def _fit_page_size(self) -> None:
        """Fit the page to the screen (unless --page-size), keeping the first policy on
        view on the new page: after a resize settles, and on every refresh."""
        if self.policy_app.page_size:
            return
        self.paging.refit(fitted_page_size(self.app.size.height))

    def action_refresh(self) -> None:
        """A fresh look: drop cached pages and old marks, mark what changed since."""
        self._cache.clear()
        self.fired_states.changed.clear()
        self.usage.new_refresh()
        self._fit_page_size()
        if not self.policy_app.catalog.loaded or self._auth_failed or self._catalog_failed:
            self._load_catalog()
        if self.mode is ListMode.FIRED:
            # The answer on view stays while every page is read again behind it (as a
            # --watch tick does): blanking it to "Scanning…" lost the user's place.
            # Also while a quiet walk is already behind a complete answer (`f` over the
            # index starts one): the answer on view stays.
            answer = self.scan.done or self.scan.complete
            self._start_scan(quiet=answer and bool(self.table.all_rows), mark=True)
        else:
            self._load_page(self.paging.number, mark=True)
        if self.index.generation:
            self._usage_refresh()
            self._index_reread = False  # a fill of the user's: it may be read again if short
            self._start_index(refresh=True)
            if self.query_filter is not None and not self._usage_wanted():
                self._want_shown_usage()  # as the page's fill does after its read

    # -- filters and sorting ------------------------------------------------------------

    def action_pick_offering(self) -> None:
        from policytui.tui.screens.offering_picker import OfferingPicker

        self.app.push_screen(
            OfferingPicker(current=self.paging.scope_uuid), callback=self._offering_picked
        )

    def _offering_picked(self, uuid: str | None) -> None:
        if uuid is None:
            return
        if self.query_filter is not None:
            self._filter_by_offering(uuid)  # narrows the filter, never drops it
            return
        if uuid == self.paging.scope_uuid:
            return
        self._set_scope(uuid)

    def _filter_by_offering(self, uuid: str) -> None:
        """`o` while a filter is on: the filter's ``offering:`` term becomes this one
        (added when it had none), by name when no other offering's name holds it, else by
        uuid, so the filter keeps exactly that offering and what was typed stays."""
        query = self.query_filter
        assert query is not None
        text = _without(query, lambda t: t.field == "offering" and not t.negated)
        offerings = self.policy_app.catalog.offerings
        name = (offerings[uuid].name or "") if uuid in offerings else ""
        folded = name.casefold()
        alone = (
            bool(name)
            and '"' not in name
            and not any(
                folded in (o.name or "").casefold() for key, o in offerings.items() if key != uuid
            )
        )
        term = (
            (f'offering:"{name}"' if " " in name else f"offering:{name}")
            if alone
            else (f"offering:{uuid}")
        )
        self._type_filter(f"{text} {term}".lstrip())  # the rest as typed

    def action_clear_offering(self) -> None:
        query = self.query_filter
        if query is not None and any(t.field == "offering" for t in query.terms):
            # o put an offering: term in the filter: x takes it out again.
            self._type_filter(_without(query, lambda t: t.field == "offering"))
            return
        if self.paging.scope_uuid is None:
            self.notify("No offering filter to clear.", timeout=2)
            return
        self._set_scope(None)

    def _set_scope(self, uuid: str | None) -> None:
        if self.query_filter is not None:
            self.action_clear_quick_filter()  # offering: in the filter narrows every policy
        self.paging.scope_set(uuid)
        self._page = None
        self.table.set_rows([])
        if self.mode is ListMode.FIRED:
            self._start_scan(quiet=False, mark=False)
        else:
            self._load_page(1)

    def current_offering_uuid(self) -> str | None:
        return self.paging.scope_uuid

    def action_quick_filter(self) -> None:
        box = self.query_one("#quick-filter", Input)
        if self.focused is box:
            box.insert_text_at_cursor("/")  # a "/" inside the filter text
            return
        box.display = True
        self.set_focus(box)
        box.cursor_position = len(box.value)
        if self.mode is ListMode.PAGES and not self.index.generation:
            # The index fills while the user types the first term.
            self._start_index(refresh=False)

    def late_key_allowed(self, action: str) -> bool:
        """A list key typed just before `/`, handled once the box has the focus
        (``BoundWhereTyped``): only one that leaves the box and the focus alone runs.
        The fired view's key only while no filter is on (it would clear one)."""
        if action == "toggle_fired":
            return self.query_filter is None and self._fired_query is None
        return action in _LATE_SAFE

    def _filter_typed(self, value: str) -> None:
        if self._box_set:
            return  # put there by the screen, which applies it itself
        if self.mode is ListMode.FIRED:
            self._filter_fired(value)
        else:
            if self.query_filter is None and value.strip():
                self._carry_page_sort()
            self.apply_filter(value)
        self._update_status()
        self._update_pane()

    def _carry_page_sort(self) -> None:
        """The page's sort, on screen as `/` is typed, orders every match too: the
        header the user sorted keeps its arrow rather than the view starting unsorted;
        an unsorted page, the server's order (not the sort of a filter cleared before)."""
        column = self.table.sort_column
        self.index_order = _sort_order(column, self.table.sort_reverse) if column else None

    def _filter_fired(self, text: str) -> None:
        """``text`` in the filter language over the fired view's rows (every fired
        policy): the same terms as over every policy, tested on each row's facts."""
        from policytui.query import parse

        query = parse(text) if text.strip() else None
        self._fired_query = query
        if query is None:
            self.table.set_filter("", None)
            self._fired_facts = {}
            self.query_one("#filter-note").display = False
            return
        keep = self._fired_keep(query)
        # Over the index's fired rows, each policy's facts are at hand: tested as held,
        # no row made (FiredRows.matching). Not for usage: (the figure on screen is
        # the screen's, not yet the index's).
        keep_facts = None if _reads_usage(query) else query.predicate(self.policy_app.now())
        self.table.set_filter(text, keep=keep, keep_facts=keep_facts)
        self._show_fired_note()

    def _fired_keep(self, query: Filter) -> Callable[[PolicyRow], bool]:
        """The test of a fired row: ``query`` over its facts, read once a row (kept with
        the row they were read from: a save makes a new row, read again)."""
        from policytui.query import FactsReader
        from policytui.tui.usage_text import usage_percent

        test = query.predicate(self.policy_app.now())
        read = FactsReader(self.policy_app.catalog)
        held = self._fired_facts
        usage = self.usage if _reads_usage(query) else None

        def keep(row: PolicyRow) -> bool:
            known = held.get(row.uuid)
            if known is None or known[0] is not row:
                known = held[row.uuid] = (row, read(row.policy))
            facts = known[1]
            if usage is not None:  # the figure the Usage column shows
                figures = usage.of(row.uuid)
                facts.usage_percent = usage_percent(figures) if figures is not None else None
            return test(facts)

        return keep

    def _show_fired_note(self) -> None:
        """Under the box in the fired view: how many fired policies match, or that none
        does and how to clear it, the terms it cannot read marked."""
        from policytui.query.summary import summary

        query = self._fired_query
        if query is None or self.mode is not ListMode.FIRED:
            return
        table = self.table
        # The terms it cannot read are marked in place under this line, not listed.
        # `usage:` before every fired row has its figure: so far.
        coming = _reads_usage(query) and any(
            (u := self.usage.of(row.uuid)) is None or u.loading for row in table.all_rows
        )
        words = summary(
            table.row_count, len(table.all_rows), replace(query, problems=()), reading=coming
        )
        self.query_one("#filter-note", FilterNote).show_result(words, query)

    def apply_filter(self, text: str) -> None:
        """``text`` in the filter language (docs/filter.md) over every policy: the
        matches take the table; empty text gives it back to the server's page."""
        from policytui.query import parse

        if not text.strip():
            self._leave_index_view()
            return
        entering = self.query_filter is None
        if entering:
            self._page_sort = (self.table.sort_column, self.table.sort_reverse)
        self._follow = None  # a new filter since a copy was saved: the cursor is the user's
        self.query_filter = parse(text)
        if entering:
            self.refresh_bindings()  # the page keys are greyed out over every match
            self.table.add_class("-every-match")
        if not self.index.generation:
            self._start_index(refresh=False)
        self._show_matches()

    #: Set while a bulk change's results are taken in: the matches (whose positions each
    #: delete moves) are selected once at the end, and nothing reads them before.
    _matches_held = False

    def _show_matches(self) -> None:
        query = self.query_filter
        if query is None or self._matches_held:
            return
        rows = self.index.select(query, self.policy_app.now(), self.index_order)
        order = self.index_order
        column = _table_column(order.column) if order is not None else None
        self.table.show_ordered(rows, column, bool(order and order.descending))
        if self.index.read == 0 and self.index.filling:
            self.table.show_placeholder("Reading every page…")
        self._show_table()
        note = self.query_one("#filter-note", FilterNote)
        usage = self._usage_wanted()
        if self._follow is not None:
            self._follow_created(rows, still_coming=usage and self._index_usage_pending())
        # Usage figures still coming (a first read or a refresh's): the count is so far.
        coming = usage and self._index_usage_pending()
        words = self.index.describe(query, len(rows), figures_coming=coming)
        if usage:
            words = _join(words, self._usage_progress())
        if usage and self._index_usage_pending() and not rows:
            # Figures still coming: not "no policy matches" (it may in a moment).
            query_words = self.index.describe(query, len(rows)).partition(" · ")[2]
            words = _join("reading usage…", query_words, self._usage_progress())
        elif not rows and self.index.read:
            hint = "- lowers the threshold" if self._near and self._near_term() else ""
            words = _join(words, hint, "" if "Esc" in words else "Esc clears the filter")
        note.show_result(words, query)
        self._update_status()
        self._update_pane()
        if usage and not self._index_usage_running and self._index_usage_pending():
            # Set here, not in the worker: matches shown again before it starts must not
            # start a second one.
            self._index_usage_running = True
            self._fill_index_usage()
        elif not usage and rows:
            self._want_shown_usage()

    #: A policy just created here, for the cursor to go to once it is among the matches,
    #: and (from the first look on) the policy the cursor was left on. A new filter or
    #: sort drops it (``apply_filter``, ``_sort_index``), as a cursor moved meanwhile does.
    _follow: tuple[str, str | None] | None = None

    def _follow_created(self, rows: Sequence[PolicyRow], *, still_coming: bool) -> None:
        assert self._follow is not None
        uuid, left_on = self._follow
        current = self.table.current
        here = current.uuid if current else None
        if left_on is not None and here != left_on:
            # The user moved the cursor meanwhile: the copy showing up later does not
            # take it from where they put it.
            self._follow = None
            return
        at = rows.find(uuid, self.table.cursor) if isinstance(rows, Matches) else None
        if at is not None and self.table.rows is rows:
            self.table.cursor = at
            self._follow = None
        elif not still_coming:
            self._follow = None  # it does not match: the cursor stays where it was
        else:
            self._follow = (uuid, here)

    # -- usage of every policy (issue 14): `usage:`, the usage sort, the near view -------

    def _usage_wanted(self) -> bool:
        """The filter or the sort reads usage: every policy of the index needs its figure."""
        query = self.query_filter
        if query is None:
            return False
        order = self.index_order
        return _reads_usage(query) or (order is not None and order.column == "usage")

    def _index_usage_pending(self) -> bool:
        """Policies of the index still without this refresh's figure (or more to come)."""
        return self.index.filling or len(self._index_usage_done) < self.index.read

    def _usage_progress(self) -> str:
        """``usage of 1 200 of 2 000 read`` while the usage fill runs; then how many have
        no figure (never counted as "not near")."""
        done, read = len(self._index_usage_done), self.index.read
        parts = []
        if read and (done < read or self.index.filling):
            what = "refreshing usage:" if self._usage_refreshing else "usage of"
            parts.append(f"{what} {group_thousands(done)} of {group_thousands(read)} read")
        if self._index_usage_missing:
            parts.append(f"{group_thousands(self._index_usage_missing)} without a usage figure")
        return _join(*parts)

    @work(group="index-usage", exit_on_error=False)
    async def _fill_index_usage(self) -> None:
        """The usage of every policy in the index, per offering (one read of each per
        refresh, however many policies share it), as the index fills; the matches are
        shown again after each step."""
        from policytui.tui.usage_text import usage_percent

        app = self.policy_app
        try:
            await app.connect()
            client = app.client
            if client is None:
                return
            await self._catalog_settled.wait()
            while self._usage_wanted():
                done = self._index_usage_done
                pending = [f for f in self.index.facts if f.uuid not in done]
                if not pending:
                    if not self.index.filling:
                        break
                    self._index_grew.clear()
                    await self._index_grew.wait()
                    continue
                found = await self._read_usage(client, partial(self.index.policies_of, pending))
                if found is None:
                    return
                # A refresh swapped in (or a save put in) another version of some of them
                # while their usage was read: their figures are of the old limits, so they
                # are read again, from the policies as the index holds them now.
                pending = [f for f in pending if self.index.holds_as(f)]
                found = {f.uuid: found[f.uuid] for f in pending if f.uuid in found}
                crossed, went_over = set(self.usage.crossed), set(self.usage.went_over)
                self._index_usage_done.update(f.uuid for f in pending)
                percents = {uuid: usage_percent(u) for uuid, u in found.items()}
                self._index_usage_missing += sum(1 for v in percents.values() if v is None)
                self.index.set_usage(percents)
                self.table.set_usage(self._usage_cells(found))
                self._mark_usage_crossings(crossed)
                self.alerts.went_over(went_over, self.fired_states.seen)
                self._send_alerts()
                self._show_matches()
        finally:
            self._index_usage_running = False
            self._usage_refreshing = False
        self._show_matches()  # the last step's words ("usage of … read") go

    async def _read_usage(
        self,
        client: WaldurClient,
        rows: list[PolicyRow] | Callable[[], list[OfferingUsagePolicy]],
    ) -> dict[str, PolicyUsage] | None:
        """The usage of ``rows``' policies (their models built off the event loop, as a
        helper's rows build them on first use; or the index's policies, parsed there);
        None when the server asked for a sign-in, which is asked for here."""
        app = self.policy_app
        models = rows if callable(rows) else partial(_models, rows)
        policies = await asyncio.to_thread(models)
        try:
            return await self.usage.fill(client, app.catalog, policies, app.now().date())
        except errors.AuthenticationError:
            self._auth_failed = True
            self.post_message(SignInRequired())
            return None

    def _want_shown_usage(self) -> None:
        """The matches on screen changed (a keystroke, a scroll): read their usage once
        that settles. A read under way is not cancelled (a cancelled fill drops the
        refresh's reads, and each cursor move would start them again): it looks again."""
        if self._shown_usage_running:
            self._shown_usage_again = True
            return
        self._shown_usage_running = True
        self._fill_shown_usage()

    @work(group="shown-usage", exit_on_error=False)
    async def _fill_shown_usage(self) -> None:
        """A plain filter (no ``usage:`` term, no usage sort): the Usage cells of the
        matches on screen, once typing or scrolling pauses. Reading every match's usage
        would cost each keystroke over 100 000 policies; these reads are per offering,
        shared with the page's, so moving through the matches of a few offerings reads
        nothing more."""
        try:
            while True:
                self._shown_usage_again = False
                await asyncio.sleep(SHOWN_USAGE_AFTER)
                if self._shown_usage_again:
                    continue  # still typing or scrolling
                app = self.policy_app
                client = app.client
                if client is None or self.query_filter is None or self._usage_wanted():
                    return
                shown = self.table.on_screen()
                done = self._shown_usage_done
                unread = [
                    row for row in shown if row.uuid not in done or self.usage.of(row.uuid) is None
                ]
                if unread:
                    await self._catalog_settled.wait()
                    index = self.index
                    read_from = {row.uuid: index.facts_of(row.uuid) for row in unread}
                    found = await self._read_usage(client, unread)
                    if found is None:
                        return
                    # As over the index (_fill_index_usage): a figure of a version of the
                    # policy the index no longer holds is read again, from the new rows.
                    stale = {
                        uuid
                        for uuid, facts in read_from.items()
                        if facts is not None and not index.holds_as(facts)
                    }
                    if stale:
                        found = {uuid: u for uuid, u in found.items() if uuid not in stale}
                        self._shown_usage_again = True
                    done.update(found)
                    self.table.set_usage(self._usage_cells(found))
                    self._update_status()
                if not self._shown_usage_again:
                    return
        finally:
            self._shown_usage_running = False

    def _usage_refresh(self) -> None:
        """`r` or a ``--watch`` tick: the usage of every policy is read again (the figures
        on screen stay until the new ones come)."""
        self._usage_refreshing = bool(self._index_usage_done)
        self._index_usage_done.clear()
        self._index_usage_missing = 0
        self._shown_usage_done.clear()

    def _near_term(self) -> Term | None:
        """The filter's ``usage:>=N`` term (the near-firing view's threshold)."""
        query = self.query_filter
        if query is None:
            return None
        return next((t for t in query.terms if t.field == "usage" and not t.negated), None)

    def action_near_firing(self) -> None:
        """Every policy at or over the threshold of a limit, nearest first: a view over
        the index, in the filter language (``usage:>=80``, sorted ``-usage``), so more
        terms narrow it and a saved view keeps it."""
        from policytui.query import SortOrder, parse_sort

        if self.mode is ListMode.FIRED:
            self.action_toggle_fired()
        if self._near_term() is not None and self._near:
            self.action_clear_quick_filter()  # h again leaves it, as f does
            return
        order = parse_sort("-usage")
        assert isinstance(order, SortOrder)
        self.index_order = order
        self._type_filter(f"usage:>={self.near_percent}")
        self._near = True
        self.set_focus(self.table)
        self._update_status()

    _near = False
    #: The usage fill is reading again what is on screen (`r`, a tick): said as such.
    _usage_refreshing = False

    def action_near_more(self) -> None:
        self._step_threshold(+NEAR_STEP)

    def action_near_less(self) -> None:
        self._step_threshold(-NEAR_STEP)

    def _step_threshold(self, delta: int) -> None:
        """+ / -: the ``usage:`` term's threshold, rewritten in the filter as typed."""
        term = self._near_term() if self._near else None
        query = self.query_filter
        if term is None or query is None:
            # Outside the near view a usage: term is the user's own: never rewritten.
            self.notify("+ and - move the near-firing threshold: h opens that view.", timeout=3)
            return
        from policytui.query.values import Unreadable, whole_number

        written = term.value.strip().lstrip("<>=").rstrip("%").strip()
        try:
            current = whole_number(written, "usage")
        except Unreadable:
            current = self.near_percent
        self.near_percent = max(0, min(1000, current + delta))
        self._type_filter(
            f"{query.text[: term.start]}usage:>={self.near_percent}{query.text[term.end :]}"
        )

    def _type_filter(self, text: str) -> None:
        """``text`` into the `/` box as if typed (shown, applied once: its Changed event
        would apply it a second time)."""
        self._set_box(text)
        self.query_one("#quick-filter", Input).display = True
        self.apply_filter(text)

    def _set_box(self, text: str) -> None:
        """``text`` in the `/` box without applying it (the caller does)."""
        self._box_set = True
        try:
            self.query_one("#quick-filter", Input).value = text
        finally:
            self._box_set = False

    def _leave_index_view(self) -> None:
        if self.query_filter is None:
            return
        self.query_filter = None
        self._follow = None
        if self._near:
            self._near = False
            self.index_order = None  # the near view's own sort goes with it
        self.refresh_bindings()
        self._view_name = None
        self.table.remove_class("-every-match")
        self.query_one("#filter-note").display = False
        column, reverse = self._page_sort
        self.table.set_rows(self._page_rows)
        self.table.sort_by(column, reverse=reverse if column else None)
        if self._page_rows:
            self._show_table()
        elif self._page is not None:
            self._show_empty()
        self._update_status()
        self._update_pane()

    def _start_index(self, *, refresh: bool) -> None:
        """Fill the index of every policy (at the first `/`; again on `r` or a tick).

        Not before the catalog has loaded (or failed): the facts a filter reads carry
        its names (`group:nordics`, a provider), and facts built without them would
        miss those matches until the next refresh."""
        app = self.policy_app
        if app.session is None:
            return
        if not app.catalog.loaded and not self._catalog_failed:
            self._index_wanted = True
            if not self.index.filling:
                self.index.start(refresh=False)  # "0 read": the filter says it is filling
            return
        self._index_wanted = False
        self.index.name_rows(app.catalog if app.catalog.loaded else None)
        generation = self.index.start(refresh=refresh)
        self.query_one("#indexer", FiredScanner).start(
            generation,
            background=app.work,
            session=app.session,
            scope_uuid=None,
            catalog=app.catalog,
            now=app.now(),
            idle_seconds=app.seconds_since_input,
            quiet=refresh,
            mark=refresh,
            index=True,
        )

    _index_wanted = False
    #: The fill running reads every page again after one that missed a policy.
    _index_reread = False
    #: The saved view on screen (its name in the top bar), until the filter is cleared.
    _view_name: str | None = None

    def _index_when_named(self) -> None:
        """The catalog settled: the fill asked for before it may start."""
        if self._index_wanted:
            self._start_index(refresh=False)

    def open_view(self, view: SavedView) -> None:
        """A saved view's filter and sort over every policy (`--view`, the palette)."""
        from policytui.query import SortOrder, parse_sort

        order = parse_sort(view.sort) if view.sort.strip() else None
        if order is not None and not isinstance(order, SortOrder):
            self.notify(
                f"View {view.name}: its sort {view.sort!r} is not a column ({order.message}); "
                "shown in the server's order.",
                severity="warning",
            )
            order = None
        if self.mode is ListMode.FIRED:
            # A view is over every policy: under the fired view's header its matches
            # read as fired ones (and the fired view's sort became the page's).
            self.action_toggle_fired()
        self.index_order = order
        self._type_filter(view.filter)
        self._view_name = view.name
        self.set_focus(self.table)
        self._update_status()

    def current_view(self) -> tuple[str, str] | None:
        """The filter and sort on screen, as a saved view stores them; None without one."""
        if self.query_filter is None:
            return None
        order = self.index_order
        sort = ""
        if order is not None:
            sort = f"-{order.column}" if order.descending else order.column
        return self.query_filter.text, sort

    def action_save_view(self) -> None:
        current = self.current_view()
        if current is None:
            self.notify(
                "Type a filter first (/): a view saves the filter and the sort on screen.",
                severity="warning",
            )
            return
        from policytui.tui.screens.save_view import SaveViewScreen

        self.app.push_screen(SaveViewScreen(*current))

    @on(FiredScanner.Batch)
    def _index_batch(self, event: FiredScanner.Batch) -> None:
        if not event.index:
            return
        if self.query_filter is None and not event.progress.done:
            # Nothing of it is painted but a count: the walk need not wait for a frame
            # (the helper waits while its batch is not read, and that was time lost).
            event.painted.set()
        else:
            self.call_after_refresh(event.painted.set)
        progress = event.progress
        app = self.policy_app
        if app.catalog.loaded:
            progress.rows = with_names(progress.rows, app.catalog, app.now())
        if not self.index.add(event.generation, progress.rows, progress.facts, progress.total):
            return
        self._index_grew.set()
        if progress.done:
            self.index.finished(event.generation, progress.total)
            if self.index.short and not self._index_reread:
                # Every page read again, once (a read: nothing is written twice).
                self._index_reread = True
                self._start_index(refresh=True)
            else:
                self._index_reread = False
            # A refresh swapped in policies that changed: their figures are read again;
            # those gone from the server no longer count as read.
            self._index_usage_done -= self.index.changed
            self._shown_usage_done -= self.index.changed
            index = self.index
            self._index_usage_done.intersection_update(f.uuid for f in index.facts)
            fired = index.fired
            if fired:
                states = {
                    policy.uuid: (policy.has_fired, policy.fired_datetime)
                    for policy in (
                        index.policy_at(at) for at, f in enumerate(index.facts) if f.uuid in fired
                    )
                }
                self._tell_fired(fired, states)
            if self.index.changed:
                changed = len(self.index.changed)
                self.notify(
                    f"{count_noun(changed, 'policy', 'policies')} changed since the last look "
                    "(marked ◆).",
                    title="Every policy",
                )
        if self.query_filter is not None:
            self._show_matches()

    @on(FiredScanner.Failed)
    def _index_failed(self, event: FiredScanner.Failed) -> None:
        if not event.index:
            return
        self.call_after_refresh(event.painted.set)
        self._index_grew.set()
        self._index_reread = False
        if self.index.failed(event.generation, str(event.error)):
            if isinstance(event.error, errors.AuthenticationError):
                self.post_message(SignInRequired())
            self._show_matches()

    @on(FiredScanner.Resumed)
    def _index_resumed(self, event: FiredScanner.Resumed) -> None:
        """The helper stopped mid-fill: this process reads every page again."""
        if not event.index:
            return
        self.call_after_refresh(event.painted.set)
        self.index.resumed(event.generation)

    @on(Input.Submitted, "#quick-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#quick-filter", Input)
        if not event.value.strip():
            box.display = False
        self.set_focus(self.table)

    def action_filter_done(self) -> None:
        """Enter in the filter box, handled as the key arrives (a priority binding): the
        list has the focus before the next key is routed. Anywhere else, Enter is not
        this action's (it opens the policy)."""
        from textual.actions import SkipAction

        box = self.query_one("#quick-filter", Input)
        if self.focused is not box:
            raise SkipAction
        if not box.value.strip():
            box.display = False
        self.set_focus(self.table)

    def action_clear_quick_filter(self) -> None:
        self._set_box("")
        self.query_one("#quick-filter", Input).display = False
        if self.query_filter is not None:
            self._leave_index_view()
        else:
            self._filter_fired("")
        self.set_focus(self.table)
        self._update_status()

    def action_escape(self) -> None:
        box = self.query_one("#quick-filter", Input)
        if box.display or self.table.filter_text or self.query_filter is not None:
            self.action_clear_quick_filter()
        elif self.pane_open:
            self._close_pane()
        elif self.mode is ListMode.FIRED:
            self.action_toggle_fired()

    def action_sort_next(self) -> None:
        visible = [c for c in SORT_CYCLE if c in self.table.visible_columns]
        current = self.table.sort_column
        if self.query_filter is not None:
            if "usage" in self.table.visible_columns:
                # Over every match usage sorts as a number (nearest first): the usage
                # fill gives each policy its figure first.
                visible.append("usage")
            following = (
                visible[(visible.index(current) + 1) % len(visible)]
                if current in visible
                else visible[0]
            )
            self._sort_index(following, following in DESCENDING_FIRST or following == "usage")
            return
        following = (
            visible[(visible.index(current) + 1) % len(visible)]
            if current in visible
            else visible[0]
        )
        self.table.sort_by(following)

    def action_sort_reverse(self) -> None:
        if self.query_filter is not None:
            order = self.index_order
            column = _table_column(order.column) if order is not None else "created"
            descending = not order.descending if order is not None else False
            self._sort_index(column, descending)
            return
        column = self.table.sort_column or ("fired" if self.mode is ListMode.FIRED else "created")
        self.table.sort_by(column, reverse=not self.table.sort_reverse)

    def _sort_index(self, column: str, descending: bool) -> None:
        """Every match in ``column``'s order (stable; numbers as numbers); the cursor
        stays on its policy."""
        self._follow = None  # the user sorted since a copy was saved: the cursor is theirs
        self.index_order = _sort_order(column, descending)
        self._show_matches()

    @on(PolicyTable.SortChanged)
    def _sorted(self) -> None:
        self._update_status()

    # -- marks and bulk changes -----------------------------------------------------------

    def action_toggle_mark(self) -> None:
        row = self.table.current
        if row is None:
            return
        self.marks.toggle(row)
        self._marks_changed()
        self.table.action_cursor_down()

    def action_mark_all(self) -> None:
        # The status bar says how many are marked: no toast over it.
        shown = self.table.rows
        if shown and all(row.uuid in self.marks for row in shown):
            self.marks.clear()
        else:
            self.marks.mark_all(shown)
        self._marks_changed()

    def action_bulk_change(self) -> None:
        from policytui.tui.screens.bulk_flow import BulkFlow

        app = self.policy_app
        rows = self.marks.rows() or ([self.table.current] if self.table.current else [])
        if not rows:
            self.notify("Nothing marked: Space marks a policy, * every one shown.")
            return
        if app.client is None:
            self.notify("Not signed in: nothing can be changed.", severity="warning")
            return
        flow = BulkFlow(app, rows, catalog=app.catalog, client=app.client, done=self._bulk_done)
        flow.start()

    def _bulk_done(self, summary: Summary) -> None:
        """Show each write's result as an edit or a delete would, then keep marked only
        what the user should look at again (failed, stored differently, not sent)."""
        from policytui.bulk import OutcomeKind

        # Over the index's matches, selected once after every write, not once a write
        # (~30 ms each over 100 000 policies).
        self._matches_held = True
        try:
            for outcome in summary.outcomes:
                if outcome.kind is not OutcomeKind.DONE:
                    continue
                if summary.change.deletes:
                    self.policy_deleted(outcome.policy.uuid)
                else:
                    self.policy_saved(outcome.policy, created=False)
        finally:
            self._matches_held = False
        if self._over_matches():
            self._show_matches()
            self._update_status()
        self.marks.keep_only(summary.to_retry)
        self._marks_changed()
        if summary.signed_out:
            self.post_message(SignInRequired())

    def _marks_changed(self) -> None:
        self.table.show_marks(self.marks.uuids)
        self._update_status()

    # -- auto-refresh -------------------------------------------------------------------

    def action_toggle_watch(self) -> None:
        if self._watch_timer is None:
            self.watch_seconds = self.watch_seconds or DEFAULT_WATCH_SECONDS
            self._watch_timer = self.set_interval(self.watch_seconds, self._watch_tick)
            self.notify(f"Auto-refresh every {self.watch_seconds:g} s: changes are marked ◆.")
        else:
            self._watch_timer.stop()
            self._watch_timer = None
            self.notify("Auto-refresh off.")
        self._update_status()

    def _watch_tick(self) -> None:
        if self.index.generation and not self.index.filling:
            if self._usage_wanted():
                self.usage.new_refresh()
            self._usage_refresh()
            self._start_index(refresh=True)
        if self._loading:
            return
        if self.mode is ListMode.FIRED:
            if self.scan.done:
                self.usage.new_refresh()
                self._start_scan(quiet=True, mark=True)
        else:
            self._cache.clear()
            self.usage.new_refresh()
            self._load_page(self.paging.number, quiet=True)

    # -- the fired view -------------------------------------------------------------------

    def action_toggle_fired(self) -> None:
        scanner = self.query_one(FiredScanner)
        if self.mode is ListMode.FIRED:
            scanner.stop()
            if self._fired_query is not None:  # the fired rows' filter goes with them
                self._set_box("")
                self.query_one("#quick-filter", Input).display = False
                self._filter_fired("")
            self.mode = ListMode.PAGES
            self.refresh_bindings()  # the page keys work again
            self._repaint_usage()
            # The page's own sort back, as the fired view found it (as leaving a filter
            # over every policy gives it back: both keep it in ``_page_sort``).
            column, reverse = self._page_sort
            self.table.sort_by(column, reverse=reverse if column else None)
            self._load_page(self.paging.number)
            return
        if self.query_filter is not None:
            self.action_clear_quick_filter()  # the fired view is a list of its own
        self._page_sort = (self.table.sort_column, self.table.sort_reverse)
        self.workers.cancel_group(self, "page")
        self.workers.cancel_group(self, "usage")
        self.mode = ListMode.FIRED
        self._repaint_usage()
        self.refresh_bindings()  # the page keys are greyed out in the footer
        if self._fired_from_index():
            # On screen at once; the walk reads every page again behind it (quietly: the
            # rows stay until it is done, then are swapped) so the view is also current.
            self._start_scan(quiet=True, mark=False)
        else:
            self._start_scan(quiet=False, mark=False)

    def _fired_from_index(self) -> bool:
        """The fired view as a view over the index of every policy, when that holds every
        policy (a `/` or `h` read them): its fired policies of the offering on view, newest
        firing first, with no walk to wait for. False: there is no such index."""
        index = self.index
        if not index.complete or index.filling or index.error:
            return False
        # Their rows are made as the table shows them (the index holds none of them).
        rows, total = index.fired_rows(self.paging.scope_uuid)
        scan = self.scan
        scan.start(quiet=False)
        # The index's walk read every page of every offering: as a finished scan.
        scan.reported(1, 1, total)
        scan.fired = len(rows)
        scan.finished()
        self._scan_rows = []
        self.table.sort_by("fired", reverse=True)
        # A list of its own: the cursor starts on the newest firing, as after a walk (not
        # on the row number it had in the view before).
        self.table.set_rows([])
        self.table.set_rows_in_order(rows)
        if rows:
            self._show_table()
        else:
            self._show_empty()
        self._update_status()
        self.call_after_refresh(self._fill_usage)
        return True

    def _start_scan(self, *, quiet: bool, mark: bool) -> None:
        app = self.policy_app
        generation = self.scan.start(quiet=quiet)
        self._scan_rows = []
        self._scan_writes = {}
        if not quiet:  # a quiet rescan leaves the last answer (and its status) on screen
            self.table.set_rows([])
            self.table.sort_by("fired", reverse=True)
            # The table stays on screen (see PolicyTable.placeholder) and says it here.
            self.table.show_placeholder("Scanning every page for fired policies…")
            self._show_table()
        self._update_status()
        if app.session is None:
            return
        self.query_one(FiredScanner).start(
            generation,
            background=app.work,
            session=app.session,
            scope_uuid=self.paging.scope_uuid,
            catalog=app.catalog,
            now=app.now(),
            idle_seconds=app.seconds_since_input,
            quiet=quiet,
            mark=mark,
        )

    def _scan_event_current(self, event: ScanEvent) -> bool:
        """The event belongs to the scan on view (not to one the user left or replaced,
        nor to the index's fill); once painted (or ignored), the scan may read on."""
        if event.index:
            return False  # the index's handlers paint it
        self.call_after_refresh(event.painted.set)
        return self.scan.current(event.generation) and self.mode is ListMode.FIRED

    @property
    def _scan_walking(self) -> bool:
        """A fired walk is reading pages (its writes are kept: :attr:`_scan_writes`)."""
        return self.scan.generation > 0 and not self.scan.done

    def _written_fired(self) -> list[PolicyRow]:
        """The rows of the policies saved here during the scan that are fired and of the
        offering on view, as read back (their rows in the walk were left out)."""
        scope = self.paging.scope_uuid
        saved = [
            policy
            for policy in self._scan_writes.values()
            if policy is not None and policy.has_fired and scope in (None, policy.scope_uuid)
        ]
        return self._rows(saved) if saved else []

    @on(FiredScanner.Resumed)
    def _scan_resumed(self, event: FiredScanner.Resumed) -> None:
        """The helper stopped mid-scan: the rest is read in this process."""
        if not self._scan_event_current(event):
            return
        if event.quiet:
            self._scan_rows = []  # held back, not shown: simply gathered anew
        else:
            self.scan.resume_found = set()
            read = pages_read(self.scan.pages_read, self.scan.page_count)
            self.notify(
                f"The scan's helper process stopped ({read}): finishing the scan here.",
                severity="warning",
            )
        self._update_status()

    @on(FiredScanner.Batch)
    def _scan_report(self, event: FiredScanner.Batch) -> None:
        if not self._scan_event_current(event):
            return  # a newer scan (or the paged view) took over
        progress, quiet, scan = event.progress, event.quiet, self.scan
        scan.reported(progress.pages, progress.page_count, progress.total)
        self._note_states(progress.states, mark=event.mark)
        for row in progress.rows:
            row.changed = self.fired_states.is_changed(row.uuid)
        app = self.policy_app
        if app.catalog.loaded:  # rows the scan built before it had the catalog get names
            progress.rows = with_names(progress.rows, app.catalog, app.now())
        if self._scan_writes:
            # Shown, the written policies are as the write left them (policy_saved and
            # policy_deleted saw to that); held back, they are put right at the end
            # (with those held back before the write).
            progress.rows = [r for r in progress.rows if r.uuid not in self._scan_writes]
        found = scan.resume_found if event.resumed and not quiet else None
        if found is not None:
            # Finishing a scan the helper began: its rows are on screen already.
            held = {row.uuid for row in self.table.all_rows}
            found.update(row.uuid for row in progress.rows)
            progress.rows = [row for row in progress.rows if row.uuid not in held]
        if quiet:
            self._scan_rows.extend(progress.rows)
        else:
            scan.fired = progress.fired
            if progress.rows:
                self.table.add_rows(progress.rows)
            if found is not None:
                scan.fired = max(progress.fired, len(self.table.all_rows))
            if self.table.row_count:
                self._show_table()
                self._update_pane()
        if progress.done:
            scan.finished()
            self._read_at = self.policy_app.now()
            # Told once the scan is done: one notification for the whole refresh, not
            # one per batch (the fired rows are in the table or held back by then).
            fired = self.fired_states.take_fired()
            self.table.show_placeholder("")
            # Each fired policy: still over, or now under (after the rows are painted).
            self.call_after_refresh(self._fill_usage)
            if found is not None:
                # Sent by the helper but not fired any more (or gone): not in the answer.
                scan.resume_found = None
                scan.fired = progress.fired
                # Saved here meanwhile: shown as read back (their walk rows left out).
                found.update(u for u, p in self._scan_writes.items() if p is not None)
                if len(found) < len(self.table.all_rows):
                    self.table.set_rows([r for r in self.table.all_rows if r.uuid in found])
            if quiet:
                scan.fired = progress.fired
                if self._scan_writes:
                    # Rows held back before a write hold the policy as it was.
                    written = self._scan_writes
                    self._scan_rows = [r for r in self._scan_rows if r.uuid not in written]
                    self._scan_rows += self._written_fired()
                    scan.fired = len(self._scan_rows)
                self.table.set_rows(self._scan_rows)
                self._scan_rows = []
            elif self._scan_writes:
                scan.fired = len(self.table.all_rows)
            self._scan_writes = {}  # the walk has landed: nothing more to keep
            if not self.table.row_count:
                self._show_empty()
            self._tell_fired(fired, self.fired_states.seen)
        self._update_status()

    @on(FiredScanner.Failed)
    def _scan_failed(self, event: FiredScanner.Failed) -> None:
        if not self._scan_event_current(event):
            return
        exc = event.error
        self.scan.stopped(quiet=event.quiet)
        self._scan_writes = {}
        self.table.show_placeholder("")
        if isinstance(exc, errors.AuthenticationError):
            self._auth_failed = True
        if not self.table.row_count and not event.quiet:
            self._show_error(exc)
        else:
            if isinstance(exc, errors.AuthenticationError):
                self.post_message(SignInRequired())
            self.notify(f"Fired scan stopped: {exc} Press r to retry.", severity="error")
        self._update_status()

    # -- the detail ---------------------------------------------------------------------

    def selected_policy(self) -> OfferingUsagePolicy | None:
        row = self.table.current
        return row.policy if row else None

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            self._open(row)

    @on(PolicyTable.Activated)
    def _activated(self, event: PolicyTable.Activated) -> None:
        self._open(event.row)

    def _open(self, row: PolicyRow) -> None:
        if self.size.width >= PANE_MIN_WIDTH:
            if self.pane_open:
                self._close_pane()
            else:
                self.pane_open = True
                self.query_one("#pane").display = True
                self._update_pane()
            return
        from policytui.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(row.policy))

    def _close_pane(self) -> None:
        self.pane_open = False
        self.query_one("#pane").display = False
        self.table.focus()

    def _update_pane(self) -> None:
        if self.pane_open:
            app = self.policy_app
            policy = self.selected_policy()
            # The usage the Usage column computed (the pane reads nothing of its own).
            usage = None
            if policy is not None:
                from policytui.tui.usage_load import LOADING

                usage = self.usage.of(policy.uuid)
                if usage is None and self.mode is ListMode.PAGES and self.query_filter is None:
                    usage = LOADING  # the page's fill is on its way
            self.query_one("#pane", PolicyDetail).show(
                policy, catalog=app.catalog, now=app.now(), api_url=app.api_url, usage=usage
            )

    @on(PolicyTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_pane()
        if self._unchecked_on_screen() != self._legend_shown:
            self._update_status()  # scrolled to (or past) a cell marked †
        if self.query_filter is not None and not self._usage_wanted():
            self._want_shown_usage()  # scrolled to matches whose usage is not read yet

    def on_resize(self) -> None:
        if self.pane_open and self.size.width < PANE_MIN_WIDTH:
            self._close_pane()
        if self._refit_timer is not None:
            self._refit_timer.stop()
        self._refit_timer = self.set_timer(REFIT_AFTER_RESIZE, self._refit_after_resize)

    def _refit_after_resize(self) -> None:
        """A page that fits the new height, with the first policy that was on view."""
        self._refit_timer = None
        if self.mode is not ListMode.PAGES or self.paging.shown == 0:
            return
        if self._loading:  # a page is on its way: fit once it is shown
            self._refit_timer = self.set_timer(REFIT_AFTER_RESIZE, self._refit_after_resize)
            return
        before = (self.paging.size, self.paging.number)
        self._fit_page_size()
        if (self.paging.size, self.paging.number) != before:
            self._load_page(self.paging.number)

    # -- results from elsewhere ---------------------------------------------------------

    def policy_saved(self, policy: OfferingUsagePolicy, *, created: bool) -> None:
        """The editor saved a policy (read back): show it at once, then re-read the page.

        The row changes in place and the counts move by one straight away; in the paged
        view the page on screen is then read again, because the server orders by
        ``-created``: a create shifts every later policy one place, and a page kept as it
        was would hide the one pushed onto the next page.
        """
        self._cache.clear()
        self.fired_states.seen[policy.uuid] = (policy.has_fired, policy.fired_datetime)
        if self._scan_walking:
            self._scan_writes[policy.uuid] = policy
        self._usage_saved(policy)
        row = self._rows([policy])[0]
        in_scope = self.paging.scope_uuid in (None, policy.scope_uuid)
        if self._over_matches():
            # The index's matches: its facts take the save and the matches are selected
            # again (looking through them here made a row of every match).
            held = self.index.position_of(policy.uuid) is not None
            if created and in_scope:
                self._count_changed(+1)
            elif held and not in_scope:
                self._count_changed(-1)
            # A new policy (a duplicate) that matches takes the cursor, as on a page: it
            # is what the user just made, wherever the sort puts it (under `usage:`, once
            # its figure is read).
            self._follow = (policy.uuid, None) if created and in_scope else None
            self._index_saved(policy, row)
            self._update_status()
            shown, query = self.table.all_rows, self.query_filter
            left = (
                query is not None
                and isinstance(shown, Matches)
                and in_scope
                and not self._matches_held  # a bulk change's summary says its own
                and not _reads_usage(query)  # its figure is read again first: not known yet
                and shown.find(policy.uuid, self.table.cursor) is None
            )
            if left and query is not None:
                # Saved, and not among the matches: said, or it seems to be lost.
                self.notify(
                    f"Not shown: it does not match {query.text.strip()!r} (Esc clears the filter).",
                    markup=False,
                )
            return
        if self._fired_saved_over_index(policy, row, in_scope=in_scope, created=created):
            return
        fires_no_more = self.mode is ListMode.FIRED and in_scope and not policy.has_fired
        # Out of the fired view at its place, the cursor on the next row: replaced first,
        # the row went down the view (the fired sort puts what does not fire last) and
        # the cursor with it, ~440 rows down at 3 000 policies.
        held = self.table.remove_uuid(policy.uuid) if fires_no_more else self.table.replace_row(row)
        if held and not in_scope:  # moved to another offering (staff may, by PUT)
            self.table.remove_uuid(policy.uuid)
            self._count_changed(-1)
        elif created and in_scope:
            self._count_changed(+1)
        if self.mode is ListMode.FIRED:
            if fires_no_more:
                if held:
                    self.scan.fired = max(0, self.scan.fired - 1)
            elif not held and in_scope and policy.has_fired:
                self.table.add_rows([row])
                self.scan.fired += 1
            if self.table.row_count:
                self._show_table()
        else:
            if not held and created and in_scope and self.paging.number == 1:
                rows = [row, *self.table.all_rows][: self.paging.size]
                self.table.set_rows(rows, keep_uuid=policy.uuid)
                self._show_table()
            if created or (held and not in_scope):
                self._reread_page()
        self._index_saved(policy, row)
        self._update_status()
        self._update_pane()

    def _tell_fired(self, fired: set[str], states: dict[str, FiredState]) -> None:
        if fired:
            self.alerts.fired(fired, states)
            self._send_alerts()

    def _send_alerts(self) -> None:
        """Up to the app, which tells the terminal with ``--notify`` (each policy once)."""
        fired, over = self.alerts.take()
        if not (fired or over):
            return
        labels = self._labels({*fired, *over})
        self.post_message(
            PoliciesFired([labels[uuid] for uuid in fired], [labels[uuid] for uuid in over])
        )

    def _labels(self, uuids: set[str]) -> dict[str, str]:
        """How the list names a policy: its offering and its groups (``GPU partition
        (Nordics)``), from the rows at hand (on screen, a quiet scan's, the index)."""
        labels: dict[str, str] = {}
        # A view over the index holds a row of each match only as it is read: the index
        # makes those of ``uuids`` alone.
        shown = self.table.all_rows
        index = self.index
        of_index = (index.row_at(at) for at, f in enumerate(index.facts) if f.uuid in uuids)
        for rows in (_held(shown), self._scan_rows, of_index):
            for row in rows:
                if row.uuid in uuids and row.uuid not in labels:
                    labels[row.uuid] = _label(row)
            if len(labels) == len(uuids):
                break
        return {uuid: labels.get(uuid) or f"policy {uuid[:8]}" for uuid in uuids}

    def _mark_usage_crossings(self, crossed: set[str]) -> None:
        """A refresh found policies whose usage crossed 80 % or 100 %: mark them ◆ as a
        change of fired state is marked (until the next ``r``)."""
        fresh = crossed - self.fired_states.changed
        if not fresh:
            return
        self.fired_states.changed.update(fresh)
        # The index's rows are made when shown: marked there, those made later too.
        self.index.mark_changed(fresh)
        for row in _held(self.table.all_rows):
            if row.uuid in fresh:
                row.changed = True
        self.table.refresh()
        self.notify(
            f"{count_noun(len(fresh), 'policy', 'policies')} crossed 80 % or 100 % of a "
            "limit (marked ◆).",
            title="Usage",
        )

    def _usage_saved(self, policy: OfferingUsagePolicy) -> None:
        """A saved policy's Usage cell from what this refresh read (its limits, groups
        or period may have changed)."""
        from policytui.tui.usage_text import usage_cell

        usage = self.usage.recompute(policy)
        cell = usage_cell(usage) if usage is not None else None
        if cell is not None:
            self.table.set_usage({policy.uuid: cell})
            return
        # Not computable from what this refresh read (a longer period is a longer
        # window): the old figure is of another window, so it goes and is read again,
        # by the fill of what is on view (a filter's reads after `_index_saved`).
        self.table.forget_usage([policy.uuid])
        self._shown_usage_done.discard(policy.uuid)
        if self.query_filter is None and not self._usage_reread_soon:
            self._usage_reread_soon = True
            self.call_after_refresh(self._reread_usage)

    def _reread_usage(self) -> None:
        """Once after the saves of a bulk change: one fill for all of them."""
        self._usage_reread_soon = False
        if self.query_filter is None and (self.mode is ListMode.PAGES or self.scan.complete):
            self._fill_usage()

    def _index_saved(self, policy: OfferingUsagePolicy, row: PolicyRow) -> IndexedFacts | None:
        """A save read back: the index holds the policy as stored, and the filter's
        matches follow (it may match no more, or match now). Returns its facts as the
        index holds them (None: there is no index)."""
        if not self.index.generation:
            return None
        from policytui.query import FactsReader

        app = self.policy_app
        held = self.index.put(row, FactsReader(app.catalog if app.catalog.loaded else None)(policy))
        # Its limits, groups or period may have changed: its figure is computed again by
        # the usage fill (from what this refresh read) before `usage:` reads it.
        self._index_usage_done.discard(policy.uuid)
        if self.query_filter is not None:
            self._show_matches()
        return held

    def _over_matches(self) -> bool:
        """The table shows the index's matches (a filter is on), not a page's rows."""
        return isinstance(self.table.all_rows, Matches)

    def _fired_in_order(self) -> FiredRows | None:
        """The fired view's rows when they are the index's fired policies in their order
        (``fired_rows``: rows made as shown), not sorted or filtered by the table."""
        shown = self.table.all_rows
        if self.mode is ListMode.FIRED and isinstance(shown, FiredRows) and self.table.in_order:
            return shown
        return None

    def _fired_saved_over_index(
        self, policy: OfferingUsagePolicy, row: PolicyRow, *, in_scope: bool, created: bool
    ) -> bool:
        """A save shown in the fired view over the index without making every row: its
        rows again, the policy in its place among the newest firings (or gone when it
        fired no more, or left the offering on view). False: not that view."""
        shown = self._fired_in_order()
        if shown is None:
            return False
        held = self._index_saved(policy, row)
        if held is None:
            return False
        was_shown = shown.find(policy.uuid, self.table.cursor) is not None
        if was_shown and not in_scope:
            self._count_changed(-1)
        elif created and in_scope:
            self._count_changed(+1)
        self._show_fired_in_order(shown.with_saved(policy.uuid, held if in_scope else None))
        self._update_status()
        return True

    def _show_fired_in_order(self, rows: FiredRows) -> None:
        """The fired view over the index after a save or a delete: ``rows`` in place of
        the last, the fired count theirs, the pane on the policy under the cursor (it
        may be the one saved)."""
        self.table.set_rows_in_order(rows)
        self.scan.fired = len(rows)
        if rows:
            self._show_table()
            self._update_pane()
        else:
            self._show_empty()

    def policy_deleted(self, uuid: str) -> None:
        """A policy was deleted: drop its row, count one fewer, and in the paged view read
        the page again (the next page's first policy moves up onto this one)."""
        self._cache.clear()
        fired = self.fired_states.forget(uuid)
        if self._scan_walking:
            self._scan_writes[uuid] = None
        indexed = self.index.position_of(uuid) is not None
        self.index.forget(uuid)
        self._index_usage_done.discard(uuid)
        if self._over_matches():
            # The index's matches are positions in its facts, which the forget moved:
            # selected again, not searched row by row (that read the wrong policies, and
            # past the end: a crash).
            if indexed or not self.index.complete:  # on view, or on a page not read yet
                self._count_changed(-1)
            if not self._matches_held:  # a bulk delete selects them once, at its end
                self._show_matches()
                self._update_status()
            return
        shown = self._fired_in_order()
        if shown is not None:  # the fired view over the index: no row made for this
            if shown.find(uuid, self.table.cursor) is not None:
                self._count_changed(-1)
                self._show_fired_in_order(shown.with_saved(uuid, None))
            self._update_status()
            return
        removed = self.table.remove_uuid(uuid)
        if removed:
            self._count_changed(-1)
        if self.mode is ListMode.FIRED:
            if removed and fired:
                self.scan.fired = max(0, self.scan.fired - 1)
            if not self.table.row_count:
                self._show_empty()
        elif self._page is not None:
            self._reread_page()
        if self.query_filter is not None:
            self._show_matches()
        self._update_status()
        self._update_pane()

    def _count_changed(self, delta: int) -> None:
        """One policy more or fewer on the server: the count and the number of pages."""
        self.paging.count_changed(delta)
        self.scan.count_changed(delta)

    def _reread_page(self) -> None:
        """The page on screen again from the server, the cursor kept on its policy."""
        self._load_page(self.paging.number, quiet=True)

    @on(SessionChanged)
    def _session_changed(self) -> None:
        self._top_bar_from_session()
        self._cache.clear()
        self._load_catalog()
        if self._auth_failed or self.state_view.kind == "error":
            self.action_refresh()


def _reads_usage(query: Filter | None) -> bool:
    """The filter has a ``usage:`` term (it reads figures that come after the rows)."""
    return query is not None and any(t.field == "usage" for t in query.terms)


def _sort_order(column: str, descending: bool) -> SortOrder:
    """The order over every match of the table's ``column`` (each is a sort column)."""
    from policytui.query import SortOrder, parse_sort

    order = parse_sort(f"-{column}" if descending else column)
    assert isinstance(order, SortOrder), order
    return order


def _table_column(sort_column: str) -> str | None:
    """The table's column a sort order names (``limit:cpu`` sorts the limits)."""
    name = sort_column.partition(":")[0]
    return "limits" if name == "limit" else (name if name in COLUMN_TITLES else None)


def _without(query: Filter, drop: Callable[[Term], bool]) -> str:
    """The filter's text without the terms ``drop`` picks, the rest as typed."""
    text = query.text
    for term in sorted(query.terms, key=lambda t: t.start, reverse=True):
        if drop(term):
            text = f"{text[: term.start].rstrip()} {text[term.end :].lstrip()}".strip()
    return text


def _held(shown: Sequence[PolicyRow]) -> Sequence[PolicyRow]:
    """The rows the table holds as objects of their own: a list of them, or those the
    fired view over the index made; not the index's matches (made as they are read)."""
    if isinstance(shown, list):
        return shown
    if isinstance(shown, FiredRows):
        return shown.held()
    return ()


def _models(rows: list[PolicyRow]) -> list[OfferingUsagePolicy]:
    """The rows' policies (a row from the helper builds its model on first use)."""
    return [row.policy for row in rows]


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _label(row: PolicyRow) -> str:
    return f"{row.offering} ({row.groups})" if row.groups else row.offering
