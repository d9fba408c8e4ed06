"""A bulk change being written, then its summary.

The writes run in a worker (policytui.bulk.run: one after another, each once, read
back); the screen counts them as they go, and Esc stops before the next write. When
they are done it shows what succeeded, what failed and why, and what was not sent, then
dismisses with the :class:`~policytui.bulk.Summary` (the list keeps the failed ones
marked and re-reads what changed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from policytui.bulk import Outcome, OutcomeKind, Plan, Summary, run
from policytui.tui.actions import BULK_RUN, bindings_for
from policytui.tui.rows import PolicyRow
from policytui.tui.styles import style_path

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient

#: Shown first: what needs the user's eyes.
_ORDER = (
    OutcomeKind.FAILED,
    OutcomeKind.DIFFERS,
    OutcomeKind.NOT_SENT,
    OutcomeKind.SKIPPED,
    OutcomeKind.DONE,
    OutcomeKind.UNCHANGED,
)
_TITLES = {
    OutcomeKind.FAILED: "Failed (left marked)",
    OutcomeKind.DIFFERS: "Stored differently from what was sent (left marked)",
    OutcomeKind.NOT_SENT: "Not sent (left marked)",
    OutcomeKind.SKIPPED: "Skipped",
    OutcomeKind.DONE: "Done",
    OutcomeKind.UNCHANGED: "Already so",
}


def summary_text(summary: Summary, rows: dict[str, PolicyRow]) -> Text:
    text = Text()
    for kind in _ORDER:
        outcomes = [o for o in summary.outcomes if o.kind is kind]
        if not outcomes:
            continue
        if text:
            text.append("\n")
        text.append(f"{_TITLES[kind]} ({len(outcomes)})\n", style="bold")
        for outcome in outcomes:
            text.append(f"  {_name(outcome, rows)}\n")
            if outcome.words:
                text.append(f"      {outcome.words}\n", style="italic")
    text.rstrip()
    return text


def _name(outcome: Outcome, rows: dict[str, PolicyRow]) -> str:
    row = rows.get(outcome.policy.uuid)
    if row is None:
        return outcome.policy.uuid
    limits = ", ".join(row.limits) or "no limits"
    return f"{row.offering} — {limits}"


class BulkRun(ModalScreen[Summary]):
    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(BULK_RUN)

    def __init__(self, plan: Plan, rows: dict[str, PolicyRow], client: WaldurClient) -> None:
        super().__init__(classes="confirm review")
        self._plan = plan
        self._rows = rows
        self._client = client
        self._stop = False
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._plan.headline().rstrip("?"), id="confirm-title", markup=False)
            yield Static("", id="confirm-body", markup=False)
            with VerticalScroll(id="review-scroll"):
                yield Static("", id="bulk-summary", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Stop (Esc)", id="bulk-close", compact=True)

    def on_mount(self) -> None:
        self._progress(0, len(self._plan.to_write))
        self._write()

    def _progress(self, done: int, total: int) -> None:
        stopping = " · stopping after this write" if self._stop else " · Esc stops after this one"
        words = f"Writing {min(done + 1, total)} of {total}…{stopping}"
        self.query_one("#confirm-body", Static).update(words)

    @work(exclusive=True, group="bulk", exit_on_error=False)
    async def _write(self) -> None:
        summary = await run(
            self._plan, self._client, progress=self._progress, stop=lambda: self._stop
        )
        self._show(summary)

    def _show(self, summary: Summary) -> None:
        self.summary = summary
        self.query_one("#confirm-title", Static).update(summary.headline())
        body = "Read back after each write."
        if summary.signed_out:
            body = "The server stopped accepting the token: sign in again, then retry the rest."
        self.query_one("#confirm-body", Static).update(body)
        self.query_one("#bulk-summary", Static).update(summary_text(summary, self._rows))
        button = self.query_one("#bulk-close", Button)
        button.label = "Close (Esc)"
        self.set_focus(button)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        if self.summary is not None:
            self.dismiss(self.summary)
        elif not self._stop:
            self._stop = True  # the write in flight finishes; nothing after it is sent
            self.query_one("#confirm-body", Static).update("Stopping after this write…")
