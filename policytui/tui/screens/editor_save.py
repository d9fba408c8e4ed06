"""How the policy editor saves: the steps after the form checks out.

Create: record the offering's newest policies, POST, and when the answer is lost (timeout,
dropped connection, 5xx) look for the policy before anything is sent again. Edit: show
old → new, re-read the policy to catch a conflict, PATCH only the changed fields. Both:
read the policy back and say exactly what the server stored differently. A failure never
touches the form; it says why and leaves ctrl+s to retry.

A mixin of :class:`~policytui.tui.screens.editor.PolicyEditor`, which provides the form
(``read_draft``, ``show_errors``, the banner) and the state named below.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from policytui.api import OfferingUsagePolicy, PolicyCreate
from policytui.api.errors import (
    AuthenticationError,
    ConnectionFailed,
    NotFound,
    ServerError,
    ValidationError,
    WaldurError,
)
from policytui.tui.lifecycle import unless_closed
from policytui.tui.messages import PolicyDeleted, PolicySaved
from policytui.tui.policy_draft import (
    LOCKED_LIMITS,
    Change,
    DraftErrors,
    EditorMode,
    PolicyDraft,
    ServerFeatures,
    body_values,
    build_patch,
    changed_fields,
    check_draft,
    describe_changes,
    limit_words,
    limits_locked,
    one_limit_losses,
    one_limit_review,
    policy_values,
    readback_differences,
    replacement_losses,
    uuid_of,
)
from policytui.tui.screens.save_review import (
    ConflictScreen,
    DiffReviewScreen,
    ReplaceReviewScreen,
)

if TYPE_CHECKING:
    from policytui.api import WaldurClient
    from policytui.tui.catalog import Catalog

NOT_ALLOWED = "User is not allowed to configure policies."


class SaveFlow:
    """Saving, conflicts, read-after-write and failures, for the editor screen."""

    if TYPE_CHECKING:
        # Provided by PolicyEditor (and Screen).
        mode: EditorMode
        policy: OfferingUsagePolicy | None
        features: ServerFeatures
        original_values: dict[str, Any] | None
        pending_create: tuple[PolicyCreate, set[str]] | None
        saving: bool
        ready: bool
        _baseline: PolicyDraft | None
        _offering_uuid: str | None
        _sent_rows: list[int]
        client: WaldurClient
        catalog: Catalog
        app: Any

        def read_draft(self) -> PolicyDraft: ...
        def show_errors(self, errors: DraftErrors) -> None: ...
        def _banner(self, text: str | Text, kind: str) -> None: ...
        def _hide_banner(self) -> None: ...
        def _set_field_error(self, name: str, message: str | None) -> None: ...
        def _title_text(self) -> Text: ...
        async def _build_form(self, draft: PolicyDraft) -> None: ...
        def _offering_name(self) -> str: ...
        def _require_sign_in(self) -> None: ...
        def show_limits_note(self) -> None: ...
        def query_one(self, *args: Any, **kwargs: Any) -> Any: ...
        def add_class(self, *names: str) -> Any: ...
        def remove_class(self, *names: str) -> Any: ...
        def notify(self, *args: Any, **kwargs: Any) -> None: ...
        def dismiss(self, result: Any = None) -> Any: ...

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
            self._banner(
                f"Not saved: {exc}\nYour form is kept. After signing in, press ctrl+s to retry.",
                "error",
            )
            self._require_sign_in()
        except ValidationError as exc:
            self._server_rejected(exc)
        except WaldurError as exc:
            self._banner(
                f"Not saved: {exc}\nYour form is kept as typed; press ctrl+s to retry.",
                "error",
            )
        finally:
            self.saving = False
            self.remove_class("-saving")

    def _busy(self, text: str) -> None:
        self._banner(Text(text, style="italic"), "busy")

    async def _create(self, body: PolicyCreate) -> None:
        client = self.client
        if self.pending_create is not None:
            # The last POST may have been applied: never send it again blindly.
            pending_body, known = self.pending_create
            self._busy("Checking whether the last attempt created the policy…")
            found = await client.policies.find_created(pending_body, known_uuids=known)
            self.pending_create = None
            if found is not None:
                await self._after_save(
                    found, pending_body, created=True, note="The earlier attempt did create it."
                )
                return
        scope_uuid = body.scope.rstrip("/").rsplit("/", 1)[-1]
        self._busy("Saving…")
        page = await client.policies.list(page_size=50, scope_uuid=scope_uuid)
        known = {p.uuid for p in page.items}
        try:
            created = await client.policies.create(body)
        except (ConnectionFailed, ServerError) as exc:
            # Timeouts, dropped connections and 5xx may still have created the policy.
            self.pending_create = (body, known)
            found = None
            with contextlib.suppress(WaldurError):
                found = await client.policies.find_created(body, known_uuids=known)
            if found is None:
                self._banner(
                    f"Not saved: {exc}\nNothing was found on the server under this offering, "
                    "so your form is kept as typed. Press ctrl+s to retry: policytui checks "
                    "again first, so a retry never makes a duplicate.",
                    "error",
                )
                return
            self.pending_create = None
            await self._after_save(
                found, body, created=True, note=f"The server answered: {exc} — but it was saved."
            )
            return
        await self._after_save(created, body, created=True)

    async def _update(self, body: PolicyCreate) -> None:
        assert self.policy is not None and self.original_values is not None
        client = self.client
        new = body_values(body, self.features)
        fields = changed_fields(self.original_values, new)
        if not fields:
            self._banner("Nothing to save: the form is as stored on the server.", "info")
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
            review: Any = ReplaceReviewScreen(LOCKED_LIMITS, shown, losses, notes)
        else:
            title = f"Save changes to this policy on {self._offering_name()}?"
            review = DiffReviewScreen(title, shown, notes)
        confirmed = await self.app.push_screen_wait(review)
        if not confirmed:
            return
        self._busy("Checking that nobody changed it meanwhile…")
        try:
            current = await client.policies.get(self.policy.uuid)
        except NotFound:
            self.mode = EditorMode.NEW
            self.policy = None
            self.original_values = None
            self.query_one("#editor-title", Static).update(self._title_text())
            self._banner(
                "Not saved: this policy was deleted on the server meanwhile. The form is kept "
                "and is now a new policy: press ctrl+s to create it.",
                "error",
            )
            return
        now = policy_values(current, self.features)
        if all(now.get(f) == new.get(f) for f in fields):
            # An earlier attempt (e.g. a PATCH that timed out) already made these changes.
            await self._after_save(current, body, created=False, fields=fields)
            return
        if now != self.original_values:
            theirs = describe_changes(
                self.original_values, now, changed_fields(self.original_values, now), self.catalog
            )
            self._hide_banner()
            choice = await self.app.push_screen_wait(ConflictScreen(theirs, changes))
            if choice == "back":
                self._hide_banner()
                return
            if choice == "reload":
                self.policy = current
                self.original_values = now
                await self._build_form(PolicyDraft.from_policy(current))
                self._banner("Reloaded: the form now shows the policy as stored.", "info")
                return
        if replace:
            await self._replace(body, current)
            return
        self._busy("Saving…")
        try:
            saved = await client.policies.patch(self.policy.uuid, build_patch(body, fields))
        except ServerError as exc:
            if "component_limits_set" in fields and len(current.component_limits_set) > 1:
                # The 2024 server's MultipleObjectsReturned: the same PATCH fails again,
                # so no "retry": say why and what works instead.
                self.features = dataclasses.replace(self.features, one_limit=True)
                self.policy = current
                self.show_limits_note()
                self._banner(
                    f"Not saved: {exc}\n{LOCKED_LIMITS} Your form is kept. Press ctrl+s to "
                    "create the policy anew with these limits and delete this one (you are "
                    "asked first), or undo the change to the limits to save the rest.",
                    "error",
                )
                return
            raise
        await self._after_save(saved, body, created=False, fields=fields)

    async def _replace(self, body: PolicyCreate, old: OfferingUsagePolicy) -> None:
        """Create the policy anew from the form, read it back, then delete ``old``.

        Nothing is deleted unless the create succeeded and the new policy was read
        back. A create whose answer was lost is looked for before anything is sent
        again (``pending_create``), as for a new policy.
        """
        client = self.client
        created: OfferingUsagePolicy | None = None
        if self.pending_create is not None:
            pending_body, known = self.pending_create
            self._busy("Checking whether the last attempt created the new policy…")
            created = await client.policies.find_created(pending_body, known_uuids=known)
            self.pending_create = None
        if created is None:
            self._busy("Creating the new policy…")
            page = await client.policies.list(page_size=50, scope_uuid=uuid_of(body.scope))
            known = {p.uuid for p in page.items}
            try:
                created = await client.policies.create(body)
            except (ConnectionFailed, ServerError) as exc:
                self.pending_create = (body, known)
                with contextlib.suppress(WaldurError):
                    created = await client.policies.find_created(body, known_uuids=known)
                if created is None:
                    self._banner(
                        f"Not replaced: {exc}\nNo new policy was found on the server and the "
                        "old one is untouched; your form is kept. Press ctrl+s to try the "
                        "replacement again: policytui checks first, so it never makes two.",
                        "error",
                    )
                    return
                self.pending_create = None
        self._busy("Reading the new policy back…")
        try:
            stored = await client.policies.get(created.uuid)
        except WaldurError as exc:
            self.app.post_message(PolicySaved(created, created=True))
            self.policy = created
            self.original_values = policy_values(created, self.features)
            self._baseline = None
            self._banner(
                f"Created the new policy ({created.uuid[:8]}), but could not read it back "
                f"({exc}), so the old one ({old.uuid[:8]}) was NOT deleted. Check the new "
                "one in the list, then delete the old one there (d).",
                "warning",
            )
            return
        self._busy("Deleting the old policy…")
        not_deleted = ""
        try:
            await client.policies.delete(old.uuid)
        except NotFound:
            pass  # already gone: deleted elsewhere, or by an attempt whose answer was lost
        except WaldurError as exc:
            not_deleted = (
                f"The old policy ({old.uuid[:8]}) could not be deleted ({exc}): both are on "
                "the server now; delete the old one from the list (d)."
            )
        if not not_deleted:
            self.app.post_message(PolicyDeleted(old.uuid))
        if not_deleted:
            self.notify(not_deleted, severity="error", timeout=15, markup=False)
        await self._after_save(
            stored,
            body,
            created=True,
            old_deleted=not not_deleted,
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
        """Read the policy back, tell the list, and say what the server did differently.

        ``old_deleted`` is set after a replacement (was the old policy deleted?). With
        ``announced_keep`` the review said the server keeps only the last limit sent: a
        read-back holding just that one is what was announced, not a difference to fix
        (saving again would lose the same limits again).

        After a PATCH only the ``fields`` it carried are compared: a field someone else
        changed (and the user chose to keep, by overwriting) is not a difference.
        """
        was_fired = bool(self.policy and self.policy.has_fired and self.mode is EditorMode.EDIT)
        stored = saved
        unread = ""
        try:
            stored = await self.client.policies.get(saved.uuid)
        except WaldurError as exc:
            unread = f"Could not read it back to check ({exc}); showing the save's answer."
        self.policy = stored
        self.mode = EditorMode.EDIT
        self._offering_uuid = stored.scope_uuid or self._offering_uuid
        self.original_values = policy_values(stored, self.features)
        self.app.post_message(PolicySaved(stored, created=created))
        self.show_limits_note()  # the stored policy may now hold one limit
        sent = body_values(body, self.features)
        if fields is not None:
            sent = {name: value for name, value in sent.items() if name in fields}
        differences = readback_differences(sent, self.original_values, self.catalog)
        stored_limits = [(c.type, int(c.limit)) for c in stored.component_limits_set]
        sent_limits = [(c.type, int(c.limit)) for c in body.component_limits_set]
        if announced_keep and stored_limits == sent_limits[-1:]:
            differences = [d for d in differences if d.field != "component_limits_set"]
        fired = stored.has_fired and not was_fired
        verb = "Created" if created else "Saved"
        self.query_one("#editor-title", Static).update(self._title_text())
        if differences or unread:
            self._baseline = None  # the form still holds what the user meant: keep asking
            collapsed = 1 == len(stored.component_limits_set) < len(body.component_limits_set)
            if collapsed:  # now known for sure: later reviews say which limit is kept
                self.features = dataclasses.replace(self.features, one_limit=True)
            self._report_differences(verb, differences, note, unread, fired, collapsed)
            return
        self._baseline = self.read_draft()
        message = f"{verb} policy on {self._offering_name()}."
        if old_deleted is not None:
            holds = ", ".join(
                limit_words(t, v, self.catalog, stored.scope_uuid) for t, v in stored_limits
            )
            message = (
                f"Replaced: the new policy {stored.uuid[:8]} holds {holds or 'no limits'}; "
                + ("the old policy was deleted." if old_deleted else "the old one is still there.")
            )
        if note:
            message = f"{note} {message}"
        if fired:
            self.notify(
                message + " It fired at once: usage is already over a limit.",
                severity="warning",
                timeout=8,
                markup=False,
            )
        elif was_fired and not stored.has_fired:
            self.notify(message + " It no longer fires: usage is under its limits.", markup=False)
        else:
            self.notify(message, markup=False)
        self.dismiss(stored)

    def _report_differences(
        self,
        verb: str,
        differences: list[Change],
        note: str,
        unread: str,
        fired: bool,
        collapsed: bool,
    ) -> None:
        text = Text()
        if note:
            text.append(note + " ")
        text.append(f"{verb}, but the server stored something else:\n", style="bold")
        for change in differences:
            text.append(f"  {change.label}: ", style="bold")
            text.append(f"sent {change.old}; stored {change.new}\n")
        if unread:
            text.append(unread + "\n")
        if fired:
            text.append("It fired at once: usage is already over a limit.\n", style="bold")
        text.append(
            "The form still shows what you sent; change it and press ctrl+s to save again.",
            style="dim",
        )
        if collapsed:
            # The 2024 server overwrites each limit with the next: only the last survives.
            text.append(
                "\nThis server keeps one component limit per policy: make one policy per "
                "limit (u duplicates from the list).",
                style="dim",
            )
        self._banner(text, "warning")

    def _server_rejected(self, exc: ValidationError) -> None:
        if NOT_ALLOWED in exc.field_errors.get("scope", []):
            self._banner(
                f"You may not configure policies for {self._offering_name()}: only staff "
                "and owners of the organization that provides it can. Choose another "
                "offering; the rest of the form is kept.",
                "error",
            )
            self._set_field_error("scope", "Not allowed for your account.")
            self.query_one("#offering").focus()
            return
        errors = DraftErrors(banner=list(exc.non_field_errors))
        for name, messages in exc.field_errors.items():
            errors.fields[name] = " ".join(messages)
        for sent_index, messages_by_field in exc.row_errors.items():
            form_index = (
                self._sent_rows[sent_index] if sent_index < len(self._sent_rows) else sent_index
            )
            errors.rows[form_index] = " ".join(
                f"{' '.join(msgs)}" if key in ("limit", "type") else f"{key}: {' '.join(msgs)}"
                for key, msgs in messages_by_field.items()
            )
        if not errors:
            errors.banner.append(str(exc))
        errors.banner.insert(0, "The server rejected the policy; your form is kept.")
        self.show_errors(errors)
