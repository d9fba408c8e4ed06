"""The one confirmation of a bulk change: every marked policy, what happens to it, and
why some are left out. Scrollable however many are marked; `y` applies, Esc cancels."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from policytui.bulk import Plan, PlanItem
from policytui.tui.actions import BULK_CONFIRM, bindings_for
from policytui.tui.rows import PolicyRow
from policytui.tui.styles import style_path


def policy_words(row: PolicyRow | None, item: PlanItem) -> str:
    """``GPU partition — CPU 10 000 core-hours · 1 month`` (names from the list's row)."""
    if row is None:
        return item.policy.uuid
    limits = ", ".join(row.limits) or "no limits"
    return f"{row.offering} — {limits} · {row.period}"


def plan_text(plan: Plan, rows: dict[str, PolicyRow]) -> Text:
    """The body: what changes, then what is skipped (with why), then what is already so."""
    text = Text()

    def section(title: str, items: list[PlanItem], style: str, why: bool) -> None:
        if not items:
            return
        if text:
            text.append("\n")
        text.append(f"{title} ({len(items)})\n", style=f"bold {style}".strip())
        for item in items:
            text.append(f"  {policy_words(rows.get(item.policy.uuid), item)}\n")
            reason = getattr(item.effect, "reason", "")
            if why and reason:
                text.append(f"      {reason}\n", style="italic")

    # Said before anything is sent: what will be, not "Deleted" (read as done already).
    section("To delete" if plan.change.deletes else "To change", plan.to_write, "", False)
    section("Skipped", plan.skipped, "", True)
    section("Already so, not sent", plan.unchanged, "", False)
    text.rstrip()
    return text


class BulkConfirm(ModalScreen[bool]):
    CSS_PATH = style_path("confirm.tcss")
    BINDINGS = bindings_for(BULK_CONFIRM)

    def __init__(self, plan: Plan, rows: dict[str, PolicyRow]) -> None:
        super().__init__(classes="confirm review")
        self._plan = plan
        self._rows = rows

    def compose(self) -> ComposeResult:
        plan = self._plan
        writes = bool(plan.to_write)
        with Vertical(id="confirm-dialog"):
            yield Static(plan.headline(), id="confirm-title", markup=False)
            notes = plan.notes()
            tail = "Each is sent once and read back; nothing is retried by itself."
            if not writes:
                tail = "Nothing to send."
            yield Static(" · ".join([*notes, tail]), id="confirm-body", markup=False)
            with VerticalScroll(id="review-scroll"):
                yield Static(plan_text(plan, self._rows), id="bulk-plan", markup=False)
            with Horizontal(id="confirm-buttons"):
                if writes:
                    label = "Delete [y]" if plan.change.deletes else "Apply [y]"
                    variant = "error" if plan.change.deletes else "primary"
                    yield Button(escape(label), variant=variant, id="bulk-apply", compact=True)
                yield Button(escape("Cancel [n]"), id="bulk-cancel", compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Button))

    def on_key(self, event: Key) -> None:
        if event.character in ("y", "Y") and self._plan.to_write:
            event.stop()
            self.dismiss(True)
        elif event.character in ("n", "N"):
            event.stop()
            self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "bulk-apply")

    def action_cancel(self) -> None:
        self.dismiss(False)
