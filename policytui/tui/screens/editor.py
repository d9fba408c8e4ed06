"""The policy editor: create, edit and duplicate an offering usage policy.

Network work runs in workers; the form itself is never touched by a failure, so what
the user typed survives timeouts, 5xx answers and an expired session. Saving goes:
client-side checks → (edit) old → new preview → re-read for conflicts → write →
read back and compare with what was sent. The server steps are a PolicySaver's
(tui/policy_save.py, no Textual); this screen shows their outcomes.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    LoadingIndicator,
    Select,
    Static,
    TextArea,
)

from policytui.api import OfferingUsagePolicy, Period, PolicyCreate, WaldurClient
from policytui.api.errors import (
    AuthenticationError,
    NotFound,
    ValidationError,
    WaldurError,
)
from policytui.tui import save_report as say
from policytui.tui.actions import EDITOR, bindings_for
from policytui.tui.catalog import Catalog
from policytui.tui.lifecycle import is_closing, unless_closed
from policytui.tui.messages import PolicyDeleted, PolicySaved, SignInRequired
from policytui.tui.policy_draft import (
    FIELD_LABELS,
    LOCKED_LIMITS,
    NOTIFY_EXTERNAL,
    DraftErrors,
    EditorMode,
    PolicyDraft,
    ServerFeatures,
    body_values,
    changed_fields,
    check_draft,
    describe_changes,
    detect_features,
    limits_locked,
    one_limit_losses,
    one_limit_review,
    policy_values,
    replacement_losses,
)
from policytui.tui.policy_save import (
    AlreadyApplied,
    ChangedMeanwhile,
    DeletedMeanwhile,
    LimitsLocked,
    NewNotReadBack,
    NotCreated,
    NotReplaced,
    PolicySaver,
    Progress,
    SaveStep,
)
from policytui.tui.screens.confirm import Answer, ConfirmScreen
from policytui.tui.screens.editor_form import form_widgets
from policytui.tui.screens.save_review import (
    ConflictScreen,
    DiffReviewScreen,
    ReplaceReviewScreen,
)
from policytui.tui.styles import style_path
from policytui.tui.usage_load import NEEDS_PROVIDER, OfferingInputs
from policytui.tui.widgets.footer import Footer
from policytui.tui.widgets.limit_rows import LimitRows
from policytui.tui.widgets.multi_select import MultiSelect

#: Where a field's error is shown and which widget gets focus for it.
FIELD_WIDGETS: dict[str, str] = {
    "scope": "#offering",
    "actions": "#actions",
    "emails": "#emails",
    "component_limits_set": "#limits",
    "period": "#period",
    "organization_groups": "#groups",
    "apply_to_all": "#apply-to-all",
    "options": "#options",
}


def _first_focusable(widget: Widget) -> Widget | None:
    """The first focusable, shown widget inside ``widget`` (a MultiSelect's filter or
    list), for focusing a field that is a container."""
    for node in widget.query("*"):
        if node.focusable and node.display:
            return node
    return None


class PolicyEditor(Screen[OfferingUsagePolicy | None]):
    """The form. Dismisses with the saved policy, or None when left without saving."""

    CSS_PATH = style_path("editor.tcss")
    #: Two columns (form | groups and options) from 120 cells: operators' wide terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = bindings_for(EDITOR)

    def __init__(
        self,
        mode: EditorMode | str = EditorMode.NEW,
        policy: OfferingUsagePolicy | None = None,
        *,
        offering_uuid: str | None = None,
    ) -> None:
        super().__init__(classes="editor")
        self.mode = EditorMode(mode)
        #: The policy being edited (EDIT), or the source of a duplicate.
        self.policy = policy
        self._offering_uuid = offering_uuid or (policy.scope_uuid if policy else None)
        self.features = ServerFeatures()
        #: Comparable values of the stored policy when the form opened (EDIT only).
        self.original_values: dict[str, Any] | None = None
        #: The form as last loaded or saved: leaving asks when it differs.
        self._baseline: PolicyDraft | None = None
        self._sent_rows: list[int] = []
        self.saving = False
        self.ready = False
        #: The form when a banner that answers the last ctrl+s was shown (see _banner).
        self._banner_draft: PolicyDraft | None = None
        #: The usage preview's inputs by offering, each read once per editor open; None
        #: while being read; and the last preview (its verdict goes into the review).
        self._usage_inputs: dict[str, OfferingInputs | None] = {}
        self._usage_failed: dict[str, str] = {}
        self.usage_preview: Any = None

    # -- what the app gives us ---------------------------------------------------------

    @property
    def client(self) -> WaldurClient:
        return self.app.client  # type: ignore[attr-defined,no-any-return]

    @property
    def catalog(self) -> Catalog:
        return self.app.catalog  # type: ignore[attr-defined,no-any-return]

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), id="editor-title")
        yield Static("", id="editor-banner", markup=False)
        with Vertical(id="editor-loading"):
            yield LoadingIndicator()
            yield Static("Loading offerings, organization groups and actions…")
        with Vertical(id="editor-failed"):
            yield Static("", id="editor-failed-text", markup=False)
        yield VerticalScroll(id="editor-form")
        yield Footer()

    def on_mount(self) -> None:
        #: The server side of saving (the client here, the lost POST between attempts).
        self.saver = PolicySaver(self.client)
        self._show_state("loading")
        self._hide_banner()
        self._load()

    def _title_text(self) -> Text:
        offering = None
        if self.is_mounted and self.catalog.loaded:
            offering = self.catalog.offering(self._offering_uuid)
        where = f" · {offering.name}" if offering else ""
        titles = {
            EditorMode.NEW: "New policy",
            EditorMode.EDIT: "Edit policy",
            EditorMode.DUPLICATE: "Duplicate policy",
        }
        text = Text(titles[self.mode], style="bold")
        text.append(where)
        if self.mode is EditorMode.EDIT and self.policy is not None:
            text.append(f"  {self.policy.uuid[:8]}", style="dim")
        return text

    def _show_state(self, state: str) -> None:
        self.query_one("#editor-loading").display = state == "loading"
        self.query_one("#editor-failed").display = state == "failed"
        self.query_one("#editor-form").display = state == "form"

    # -- loading -----------------------------------------------------------------------

    @work(exclusive=True, group="editor-load")
    @unless_closed
    async def _load(self) -> None:
        self.ready = False
        try:
            await self.catalog.load(self.client)
            fresh: OfferingUsagePolicy | None = None
            if self.policy is not None:
                # Read the policy now: the list's copy may be old, and conflicts are
                # judged against what the form opened with.
                fresh = await self.client.policies.get(self.policy.uuid)
                if self.mode is EditorMode.EDIT:
                    self.policy = fresh
            else:
                page = await self.client.policies.list(page_size=1)
                fresh = page.items[0] if page.items else None
            self.features = detect_features(fresh, self.catalog.actions)
        except WaldurError as exc:
            if not is_closing(self):  # Esc while loading: nobody is left to tell
                self._show_load_error(exc)
            return
        if is_closing(self):
            return
        if not self.catalog.offerings:
            self._load_failed(
                "You manage no offerings, so there is nothing to attach a policy to. "
                "Staff, and owners of the organization that provides an offering, can "
                "create its policies.",
                retry=False,
            )
            return
        if self.mode is EditorMode.EDIT and self.policy is not None:
            self.original_values = policy_values(self.policy, self.features)
        draft = self._initial_draft()
        await self._build_form(draft)

    def _show_load_error(self, error: WaldurError) -> None:
        if isinstance(error, AuthenticationError):
            self._load_failed(str(error), sign_in=True)
        elif isinstance(error, NotFound):
            self._load_failed(
                "This policy no longer exists (deleted, or you may no longer see it)."
            )
        else:
            self._load_failed(str(error))

    def _initial_draft(self) -> PolicyDraft:
        if self.policy is not None:
            draft = PolicyDraft.from_policy(self.policy)
        else:
            draft = PolicyDraft(offering_uuid=self._offering_uuid)
        if draft.offering_uuid not in self.catalog.offerings:
            # An offering the user no longer manages (or a stale preselection): the
            # picker starts empty and saving asks for one.
            draft.offering_uuid = None
        return draft

    def _load_failed(self, message: str, *, sign_in: bool = False, retry: bool = True) -> None:
        text = Text(message)
        if retry:
            text.append("\n\nPress F5 to try again, Esc to go back.", style="dim")
        self.query_one("#editor-failed-text", Static).update(text)
        self._show_state("failed")
        if sign_in:
            self._require_sign_in()

    def on_session_changed(self) -> None:
        """Signed in again (PolicyApp's SessionChanged): reload if loading had failed.
        A failed save is not retried on its own: the user presses ctrl+s when ready."""
        self.saver.client = self.client  # the old one is closed
        if not self.ready and self.query_one("#editor-failed").display:
            self._show_state("loading")
            self._load()

    def action_retry_load(self) -> None:
        if not self.ready and not self.query_one("#editor-loading").display:
            self._show_state("loading")
            self._load()

    async def _build_form(self, draft: PolicyDraft) -> None:
        form = self.query_one("#editor-form", VerticalScroll)
        await form.remove_children()
        if is_closing(self):
            return
        await form.mount_all(form_widgets(draft, self.catalog, self.features))
        if is_closing(self):
            return
        self._show_state("form")
        self.query_one("#editor-title", Static).update(self._title_text())
        self._toggle_emails(draft.actions)
        self._toggle_groups(draft.apply_to_all)
        self.show_limits_note()
        self.ready = True
        self._baseline = self.read_draft()
        self._read_usage(draft.offering_uuid)
        # set_focus, not .focus(): that one is deferred, so the first paint of the form
        # came before the focus, and keys typed on seeing the form (Tab, Tab, a number)
        # went to whatever had the focus meanwhile.
        self.set_focus(self.query_one("#offering", Select))

    # -- reading the form ----------------------------------------------------------------

    def read_draft(self) -> PolicyDraft:
        offering = self.query_one("#offering", Select).value
        period = self.query_one("#period", Select).value
        switches = self.query("#apply-to-all")
        options = self.query("#options")
        return PolicyDraft(
            offering_uuid=offering if isinstance(offering, str) else None,
            actions=self.query_one("#actions", MultiSelect).selected,
            emails_text=self.query_one("#emails", Input).value,
            limits=self.query_one("#limits", LimitRows).values(),
            period=Period(period) if isinstance(period, int) else Period.MONTH_1,
            groups=self.query_one("#groups", MultiSelect).selected,
            apply_to_all=bool(switches.first(Checkbox).value) if switches else False,
            options_text=options.first(TextArea).text if options else "{}",
        )

    @property
    def dirty(self) -> bool:
        """The form differs from what was loaded or last saved."""
        if not self.ready:
            return False
        return self._baseline is None or self.read_draft() != self._baseline

    # -- reacting to the form ------------------------------------------------------------

    @on(Select.Changed, "#offering")
    async def _offering_changed(self, event: Select.Changed) -> None:
        if not event.select.is_attached:
            return  # from a form a reload (or closing) has removed
        value = event.value if isinstance(event.value, str) else None
        self._offering_uuid = value
        offering = self.catalog.offering(value)
        await self.query_one("#limits", LimitRows).set_components(
            offering.components if offering else []
        )
        if is_closing(self):
            return
        self._set_field_error("scope", None)
        self.query_one("#editor-title", Static).update(self._title_text())
        self._read_usage(value)

    @on(MultiSelect.Changed, "#actions")
    def _actions_changed(self, event: MultiSelect.Changed) -> None:
        self._toggle_emails(event.selected)
        if event.selected:
            self._set_field_error("actions", None)

    @on(Checkbox.Changed, "#apply-to-all")
    def _apply_to_all_changed(self, event: Checkbox.Changed) -> None:
        self._toggle_groups(event.value)
        self._set_field_error("organization_groups", None)

    @on(LimitRows.Changed)
    def _limits_changed(self) -> None:
        self.show_limits_note()

    def show_limits_note(self) -> None:
        """Say before saving what this server will do with the limits: refuse to change
        those of a policy holding several, or keep only the last of several sent."""
        notes = self.query("#limits-note")
        if not notes:
            return  # the form is being rebuilt
        note = notes.first(Static)
        text = ""
        if self.mode is EditorMode.EDIT and limits_locked(self.policy, self.features):
            text = (
                f"{LOCKED_LIMITS} The other fields save as usual. To change the limits, "
                "ctrl+s offers the one way that works: create the policy anew with them, "
                "then delete this one."
            )
        elif self.features.one_limit:
            rows = self.query_one("#limits", LimitRows)
            typed = [(t, v) for t, v in rows.values() if t]
            if len(typed) > 1:
                component = self.catalog.component(self._offering_uuid, typed[-1][0])
                label = component.label if component else typed[-1][0]
                text = (
                    "This server keeps one component limit per policy: of these rows it "
                    f"stores only the last ({label})."
                )
        note.update(text)
        note.display = bool(text)

    @on(MultiSelect.Changed, "#groups")
    def _groups_changed(self, event: MultiSelect.Changed) -> None:
        if event.selected:
            self._set_field_error("organization_groups", None)

    @on(Input.Changed, "#emails")
    def _emails_changed(self) -> None:
        self._set_field_error("emails", None)

    @on(TextArea.Changed, "#options")
    def _options_changed(self) -> None:
        self._set_field_error("options", None)

    def _toggle_emails(self, actions: list[str]) -> None:
        # query, not query_one: a Changed from the old form can arrive while a reload
        # has removed it and not yet mounted the new one.
        for field in self.query("#emails-field"):
            field.display = NOTIFY_EXTERNAL in actions

    def _toggle_groups(self, apply_to_all: bool) -> None:
        # Mutually exclusive on the server: with "apply to all" on, the groups are
        # kept on screen (greyed) but not sent, so turning it off brings them back.
        if not self.query("#groups"):
            return  # the form is being rebuilt (a Changed from the old one)
        groups = self.query_one("#groups", MultiSelect)
        groups.disabled = apply_to_all
        label = self.query_one("#groups-label", Label)
        label.update(
            "Organization groups  (not used: applies to all)"
            if apply_to_all
            else "Organization groups"
        )

    # -- the usage preview (issue 14) ------------------------------------------------------

    def _read_usage(self, offering_uuid: str | None) -> None:
        if offering_uuid and offering_uuid not in self._usage_inputs:
            self._usage_inputs[offering_uuid] = None
            self._read_usage_worker(offering_uuid)
        self._show_usage_preview()

    @work(group="editor-usage", exit_on_error=False)
    @unless_closed
    async def _read_usage_worker(self, offering_uuid: str) -> None:
        """Every month of the offering's usage and its customers, once per editor open:
        a change of groups, period or limits is then computed here, without a request."""
        from policytui.api.usage import UsageReader
        from policytui.tui.usage_load import read_offering

        offering = self.catalog.offering(offering_uuid)
        components = offering.components if offering else []
        try:
            reader = UsageReader(self.client, self.app.now().date())  # type: ignore[attr-defined]
            inputs = await read_offering(reader, offering_uuid, None, components)
        except Exception as exc:
            if is_closing(self):
                return
            self._usage_inputs.pop(offering_uuid, None)
            self._usage_failed[offering_uuid] = (
                f"Current usage could not be read: {exc}"
                if isinstance(exc, WaldurError)
                else "Current usage could not be read."
            )
            self._show_usage_preview()
            return
        if is_closing(self):
            return
        self._usage_failed.pop(offering_uuid, None)
        self._usage_inputs[offering_uuid] = inputs
        self._show_usage_preview()

    @property
    def usage_settled(self) -> bool:
        """No usage read is on its way (tests wait on it; the form never does)."""
        return all(inputs is not None for inputs in self._usage_inputs.values())

    def _show_usage_preview(self) -> None:
        """Each limit row's usage and the verdict at save, from the form as it is."""
        notes = self.query("#usage-note")
        if not self.ready or not notes:
            return
        from policytui.headroom.compute import resets_on_edit
        from policytui.tui.usage_preview import preview

        note = notes.first(Static)
        rows = self.query_one("#limits", LimitRows)
        draft = self.read_draft()
        offering = draft.offering_uuid
        inputs = self._usage_inputs.get(offering or "")
        self.usage_preview = None
        text = ""
        if offering and offering in self._usage_failed:
            text = self._usage_failed[offering]
        elif offering and inputs is None:
            text = "Reading current usage…"
        if inputs is None:
            rows.show_usage([])
        else:
            editing = self.mode is EditorMode.EDIT and self.policy is not None
            shown = preview(
                offering or "",
                draft.limits,
                draft.period,
                draft.groups,
                draft.apply_to_all and self.features.apply_to_all,
                inputs,
                fired=bool(editing and self.policy and self.policy.has_fired),
                resets_on_edit=resets_on_edit(self.policy) if editing and self.policy else True,
            )
            self.usage_preview = shown
            rows.show_usage([(r.text, r.level) if r else None for r in shown.rows])
            if shown.missing == NEEDS_PROVIDER:
                text = f"No current usage: {NEEDS_PROVIDER}."
            else:
                text = shown.verdict
        note.update(text)
        note.display = bool(text)
        note.set_class(bool(self.usage_preview and self.usage_preview.fires_at_once), "-fires")

    def _verdict_notes(self) -> list[str]:
        """The review's line on whether the save fires the policy at once."""
        shown = self.usage_preview
        return [shown.verdict] if shown is not None and shown.verdict else []

    # -- errors and banner -----------------------------------------------------------------

    def _set_field_error(self, name: str, message: str | None) -> None:
        for error in self.query(f"#error-{name}"):
            assert isinstance(error, Static)
            error.update(message or "")
            error.display = bool(message)

    def show_errors(self, errors: DraftErrors) -> None:
        for name in FIELD_WIDGETS:
            self._set_field_error(name, errors.fields.get(name))
        self.query_one("#limits", LimitRows).show_errors(errors.rows)
        extra = [
            f"{FIELD_LABELS.get(k, k)}: {v}"
            for k, v in errors.fields.items()
            if k not in FIELD_WIDGETS
        ]
        count = len(errors.fields) - len(extra) + len(errors.rows)
        lines = list(errors.banner) + extra
        if count:
            noun = "field needs" if count == 1 else "fields need"
            lines.insert(0, f"Not saved: {count} {noun} attention (marked below).")
        self._banner("\n".join(lines), "error")
        self._focus_first_error(errors)

    def _focus_first_error(self, errors: DraftErrors) -> None:
        """Focus the first field in error and scroll the form so that it and its
        message are on screen (at 80x24 most of the form is below the fold)."""
        target: Widget | None = None
        message: Widget | None = None
        for name, selector in FIELD_WIDGETS.items():
            if name in errors.fields:
                target = self.query_one(selector)
                message = self.query_one(f"#error-{name}")
                break
        if target is None and errors.rows:
            rows = self.query_one("#limits", LimitRows).rows
            index = min(errors.rows)
            if index < len(rows):
                row = rows[index]
                target = row.limit_input if row.type else row.component_select
                message = row.query_one(".limit-error")
        if target is None:
            return
        focusable = target if target.focusable else _first_focusable(target)
        if focusable is not None:
            focusable.focus(scroll_visible=False)
        # After the refresh: the banner and the error lines just shown change the layout.
        self.call_after_refresh(self._reveal, target, message)

    def _reveal(self, target: Widget, message: Widget | None) -> None:
        form = self.query("#editor-form")
        if not form or not target.is_attached:
            return
        scroll = form.first(VerticalScroll)
        if message is not None and message.is_attached:
            scroll.scroll_to_widget(message, animate=False, immediate=True)
        scroll.scroll_to_widget(target, animate=False, immediate=True, top=False)

    def _banner(self, text: str | Text, kind: str) -> None:
        banner = self.query_one("#editor-banner", Static)
        banner.update(text)
        banner.set_classes(f"-{kind}")
        banner.display = bool(text)
        # "Not saved…", "Nothing to save" and the like answer the last ctrl+s: once the
        # user changes the form they are stale, so they go (see _form_changed). What the
        # server stored differently (a warning) stays until the next save.
        self._banner_draft = self.read_draft() if kind in ("error", "info") and self.ready else None

    def _hide_banner(self) -> None:
        self.query_one("#editor-banner", Static).display = False
        self._banner_draft = None

    @on(Input.Changed, "#emails")
    @on(Select.Changed, "#offering")
    @on(Select.Changed, "#period")
    @on(MultiSelect.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    @on(LimitRows.Changed)
    def _form_changed(self) -> None:
        self._show_usage_preview()
        # Compared with the form as it was when the banner was shown, so a Changed that
        # a rebuild or a programmatic refresh posts without changing a value keeps it.
        shown_for = self._banner_draft
        if shown_for is not None and self.ready and self.read_draft() != shown_for:
            self._hide_banner()

    # -- actions -----------------------------------------------------------------------

    async def action_add_limit(self) -> None:
        if not self.ready:
            return
        rows = self.query_one("#limits", LimitRows)
        if not rows.components:
            self.notify("Choose the offering first: its components are what a limit is on.")
            return
        if rows.full:
            self.notify("Every component of this offering already has a row.")
            return
        await rows.add_row()

    async def action_remove_limit(self) -> None:
        if not self.ready:
            return
        rows = self.query_one("#limits", LimitRows)
        row = rows.row_of(self.focused) or (rows.rows[-1] if rows.rows else None)
        if row is not None:
            await rows.remove_row(row)

    def action_leave(self) -> None:
        self._leave()

    @work(exclusive=True, group="editor-leave")
    @unless_closed
    async def _leave(self) -> None:
        if self.saving:
            self.notify("Saving: wait for the answer before leaving.", severity="warning")
            return
        if self.dirty:
            discard = await self.app.push_screen_wait(
                ConfirmScreen(
                    "Discard unsaved changes?",
                    "The form has changes that are not saved on the server.",
                    [
                        Answer("k", "Keep editing", False, "primary"),
                        Answer("d", "Discard", True, "error"),
                    ],
                    cancel=False,
                )
            )
            if not discard or is_closing(self):
                return
        self.dismiss(None)

    async def action_quit_app(self) -> None:
        # The app's quit asks first when a form (this one) has unsaved changes.
        await self.app.run_action("quit")

    def action_edit_options(self) -> None:
        """Edit the options JSON in $VISUAL / $EDITOR (the terminal is handed over)."""
        areas = self.query("#options")
        if not areas:
            self.notify("This server has no options field.")
            return
        area = areas.first(TextArea)
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile(
            "w", suffix=".json", prefix="policytui-options-", delete=False
        ) as handle:
            handle.write(area.text)
            path = Path(handle.name)
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(command), str(path)], check=False)
            area.text = path.read_text(encoding="utf-8")
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="warning")
        except (OSError, ValueError) as exc:
            self.notify(f"Could not run {command!r}: {exc}", severity="error", markup=False)
        finally:
            path.unlink(missing_ok=True)
        area.focus()

    def _offering_name(self) -> str:
        offering = self.catalog.offering(self._offering_uuid)
        return offering.name if offering else "this offering"

    def _require_sign_in(self) -> None:
        self.post_message(SignInRequired())

    # -- saving: PolicySaver does the server steps, this shows them ------------------------

    def action_save(self) -> None:
        if not self.ready or self.saving:
            return
        draft = self.read_draft()
        offering_uuid = draft.offering_uuid or ""
        body, errors = check_draft(
            draft, self.catalog, self.features, self.client.offering_url(offering_uuid)
        )
        if body is None:
            self.show_errors(errors)
            return
        self.show_errors(DraftErrors())
        self._hide_banner()
        self._sent_rows = [i for i, (t, v) in enumerate(draft.limits) if t or v.strip()]
        self._save(body)

    @work(exclusive=True, group="editor-save")
    @unless_closed
    async def _save(self, body: PolicyCreate) -> None:
        self.saving = True
        self.add_class("-saving")
        try:
            if self.mode is EditorMode.EDIT and self.policy is not None:
                await self._update(body)
            else:
                await self._create(body)
        except AuthenticationError as exc:
            self._banner(say.not_signed_in(exc), "error")
            self._require_sign_in()
        except ValidationError as exc:
            self._server_rejected(exc)
        except WaldurError as exc:
            self._banner(say.not_saved(exc), "error")
        finally:
            self.saving = False
            self.remove_class("-saving")

    def _busy(self, text: str) -> None:
        self._banner(Text(text, style="italic"), "busy")

    def _progress(self, words: dict[SaveStep, str]) -> Progress:
        """A progress callback for the saver: each step's words, as the busy banner."""

        def show(step: SaveStep) -> None:
            if step in words:
                self._busy(words[step])

        return show

    async def _create(self, body: PolicyCreate) -> None:
        outcome = await self.saver.create(body, self._progress(say.CREATE_STEPS))
        if isinstance(outcome, NotCreated):
            self._banner(say.not_created(outcome.error), "error")
            return
        note = say.created_note(outcome)
        await self._after_save(outcome.policy, outcome.sent, created=True, note=note)

    async def _update(self, body: PolicyCreate) -> None:
        assert self.policy is not None and self.original_values is not None
        new = body_values(body, self.features)
        fields = changed_fields(self.original_values, new)
        if not fields:
            self._banner(say.NOTHING_TO_SAVE, "info")
            return
        changes = describe_changes(self.original_values, new, fields, self.catalog)
        shown, notes = one_limit_review(changes, body, self.features, self.catalog)
        # A PATCH of these limits can never work here: offer the replacement instead.
        replace = "component_limits_set" in fields and limits_locked(self.policy, self.features)
        if replace:
            losses = [
                *one_limit_losses(body, self.features, self.catalog),
                *replacement_losses(self.policy),
            ]
            review: Any = ReplaceReviewScreen(
                LOCKED_LIMITS, shown, losses, [*notes, *self._verdict_notes()]
            )
        else:
            title = f"Save changes to this policy on {self._offering_name()}?"
            review = DiffReviewScreen(title, shown, [*notes, *self._verdict_notes()])
        confirmed = await self.app.push_screen_wait(review)
        if not confirmed:
            return
        self._busy(say.CHECKING_CURRENT)
        check = await self.saver.check_current(
            self.policy.uuid, self.original_values, new, fields, self.features
        )
        if isinstance(check, DeletedMeanwhile):
            self.mode = EditorMode.NEW
            self.policy = None
            self.original_values = None
            self.query_one("#editor-title", Static).update(self._title_text())
            self._banner(say.DELETED_MEANWHILE, "error")
            return
        if isinstance(check, AlreadyApplied):
            # An earlier attempt (e.g. a PATCH that timed out) already made these changes.
            await self._after_save(check.policy, body, created=False, fields=fields)
            return
        if isinstance(check, ChangedMeanwhile):
            theirs = describe_changes(
                self.original_values, check.values, check.changed, self.catalog
            )
            self._hide_banner()
            choice = await self.app.push_screen_wait(ConflictScreen(theirs, changes))
            if choice == "back":
                self._hide_banner()
                return
            if choice == "reload":
                self.policy = check.policy
                self.original_values = check.values
                await self._build_form(PolicyDraft.from_policy(check.policy))
                self._banner(say.RELOADED, "info")
                return
        if replace:
            await self._replace(body, check.policy)
            return
        self._busy(say.PATCHING)
        patched = await self.saver.patch(check.policy, body, fields)
        if isinstance(patched, LimitsLocked):
            # Now known for sure: this server keeps one limit and refuses to change several.
            self.features = dataclasses.replace(self.features, one_limit=True)
            self.policy = patched.current
            self.show_limits_note()
            self._banner(say.limits_locked(patched.error, LOCKED_LIMITS), "error")
            return
        await self._after_save(patched.policy, body, created=False, fields=fields)

    async def _replace(self, body: PolicyCreate, old: OfferingUsagePolicy) -> None:
        """Create the policy anew, then delete ``old`` (the saver deletes nothing unless
        the new one was read back)."""
        outcome = await self.saver.replace(body, old, self._progress(say.REPLACE_STEPS))
        if isinstance(outcome, NotReplaced):
            self._banner(say.not_replaced(outcome.error), "error")
            return
        if isinstance(outcome, NewNotReadBack):
            self.app.post_message(PolicySaved(outcome.created, created=True))
            self.policy = outcome.created
            self.original_values = policy_values(outcome.created, self.features)
            self._baseline = None
            self._banner(say.new_not_read_back(outcome.created, old, outcome.error), "warning")
            return
        if outcome.delete_error is None:
            self.app.post_message(PolicyDeleted(old.uuid))
        else:
            message = say.old_not_deleted(old, outcome.delete_error)
            self.notify(message, severity="error", timeout=15, markup=False)
        await self._after_save(
            outcome.new,
            body,
            created=True,
            old_deleted=outcome.delete_error is None,
            # The review already said which one limit the new policy keeps.
            announced_keep=bool(one_limit_losses(body, self.features, self.catalog)),
        )

    async def _after_save(
        self,
        saved: OfferingUsagePolicy,
        body: PolicyCreate,
        *,
        created: bool,
        note: str = "",
        fields: list[str] | None = None,
        old_deleted: bool | None = None,
        announced_keep: bool = False,
    ) -> None:
        """Read the policy back, tell the list, and say what the server did differently;
        ``old_deleted`` is set after a replacement (was the old policy deleted?)."""
        was_fired = bool(self.policy and self.policy.has_fired and self.mode is EditorMode.EDIT)
        result = await self.saver.read_back(
            saved,
            body,
            self.features,
            fields=fields,
            was_fired=was_fired,
            announced_keep=announced_keep,
        )
        stored = result.policy
        self.policy = stored
        self.mode = EditorMode.EDIT
        self._offering_uuid = stored.scope_uuid or self._offering_uuid
        self.original_values = result.stored
        self.app.post_message(PolicySaved(stored, created=created))
        self.show_limits_note()  # the stored policy may now hold one limit
        differences = describe_changes(result.sent, result.stored, result.differing, self.catalog)
        verb = "Created" if created else "Saved"
        self.query_one("#editor-title", Static).update(self._title_text())
        if differences or result.unread:
            self._baseline = None  # the form still holds what the user meant: keep asking
            if result.collapsed:  # now known for sure: later reviews say which limit is kept
                self.features = dataclasses.replace(self.features, one_limit=True)
            unread = say.unread(result.unread) if result.unread else ""
            report = say.differences_report(
                verb, differences, note, unread, result.fired_now, result.collapsed
            )
            self._banner(report, "warning")
            return
        self._baseline = self.read_draft()
        message = say.saved_message(
            verb, stored, self._offering_name(), self.catalog, note=note, old_deleted=old_deleted
        )
        if result.fired_now:
            self.notify(f"{message} {say.FIRED_NOW}", severity="warning", timeout=8, markup=False)
        elif result.no_longer_fires:
            self.notify(f"{message} {say.NO_LONGER_FIRES}", markup=False)
        else:
            self.notify(message, markup=False)
        self.dismiss(stored)

    def _server_rejected(self, exc: ValidationError) -> None:
        if say.NOT_ALLOWED in exc.field_errors.get("scope", []):
            self._banner(say.not_allowed(self._offering_name()), "error")
            self._set_field_error("scope", "Not allowed for your account.")
            self.query_one("#offering").focus()
            return
        self.show_errors(say.rejected(exc, self._sent_rows))
