"""The steps of a bulk change, chained: choose it, confirm the plan, write, summarise.

The list screen starts one with the marked rows and is called back once, with the
summary, when the writes are done (never when the user cancels a step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from policytui.api.actions import ACTION_ORDER
from policytui.bulk import BulkChange, Summary, plan
from policytui.tui.rows import PolicyRow
from policytui.tui.screens.bulk_choose import BulkChoose, Choices
from policytui.tui.screens.bulk_confirm import BulkConfirm
from policytui.tui.screens.bulk_run import BulkRun

if TYPE_CHECKING:
    from textual.app import App

    from policytui.api.client import WaldurClient
    from policytui.tui.catalog import Catalog


def choices_for(rows: list[PolicyRow], catalog: Catalog) -> Choices:
    """Every group and action to add; only those a marked policy holds to remove."""

    def group_name(url: str) -> str:
        group = catalog.group(url)
        return group.name if group is not None and group.name else url

    groups = sorted(((url, group_name(url)) for url in catalog.groups), key=lambda g: g[1])
    held_urls = {url for row in rows for url in row.policy.organization_groups}
    held_groups = sorted(((url, group_name(url)) for url in held_urls), key=lambda g: g[1])
    actions = list(catalog.actions) or list(ACTION_ORDER)
    held_actions = sorted({name for row in rows for name in row.policy.actions})
    return Choices(groups, held_groups, actions, held_actions)


class BulkFlow:
    def __init__(
        self,
        app: App[object],
        rows: list[PolicyRow],
        *,
        catalog: Catalog,
        client: WaldurClient,
        done: Callable[[Summary], None],
    ) -> None:
        self._app = app
        self._rows = {row.uuid: row for row in rows}
        self._catalog = catalog
        self._client = client
        self._done = done

    def start(self) -> None:
        choices = choices_for(list(self._rows.values()), self._catalog)
        self._app.push_screen(BulkChoose(len(self._rows), choices), callback=self._chosen)

    def _chosen(self, change: BulkChange | None) -> None:
        if change is None:
            return
        planned = plan(change, [row.policy for row in self._rows.values()])

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._app.push_screen(
                    BulkRun(planned, self._rows, self._client), callback=self._finished
                )

        self._app.push_screen(BulkConfirm(planned, self._rows), callback=confirmed)

    def _finished(self, summary: Summary | None) -> None:
        if summary is not None:
            self._done(summary)
