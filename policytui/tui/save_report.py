"""What the editor says about a save: progress lines, failures, the read-back, success.

No Textual here (Rich text at most): each function turns an outcome of
:mod:`policytui.tui.policy_save` into the words a user reads, so the wording can be read
in one place and tested without a terminal. Every failure says the form is kept and
what ctrl+s will do next; none offers a retry that would fail the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from policytui.tui.policy_draft import Change, DraftErrors, limit_words
from policytui.tui.policy_save import Created, SaveStep

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.api.errors import ValidationError, WaldurError
    from policytui.tui.catalog import Catalog

#: The server's words when the user may not configure the offering's policies.
NOT_ALLOWED = "User is not allowed to configure policies."

CREATE_STEPS: dict[SaveStep, str] = {
    SaveStep.LOOKING_FOR_EARLIER: "Checking whether the last attempt created the policy…",
    SaveStep.CREATING: "Saving…",
}
REPLACE_STEPS: dict[SaveStep, str] = {
    SaveStep.LOOKING_FOR_EARLIER: "Checking whether the last attempt created the new policy…",
    SaveStep.CREATING: "Creating the new policy…",
    SaveStep.READING_BACK_NEW: "Reading the new policy back…",
    SaveStep.DELETING_OLD: "Deleting the old policy…",
}
CHECKING_CURRENT = "Checking that nobody changed it meanwhile…"
PATCHING = "Saving…"

NOTHING_TO_SAVE = "Nothing to save: the form is as stored on the server."
DELETED_MEANWHILE = (
    "Not saved: this policy was deleted on the server meanwhile. The form is kept "
    "and is now a new policy: press ctrl+s to create it."
)
RELOADED = "Reloaded: the form now shows the policy as stored."
FIRED_NOW = "It fired at once: usage is already over a limit."
NO_LONGER_FIRES = "It no longer fires: usage is under its limits."


def not_signed_in(error: WaldurError) -> str:
    return f"Not saved: {error}\nYour form is kept. After signing in, press ctrl+s to retry."


def not_saved(error: WaldurError) -> str:
    return f"Not saved: {error}\nYour form is kept as typed; press ctrl+s to retry."


def not_created(error: WaldurError) -> str:
    return (
        f"Not saved: {error}\nNothing was found on the server under this offering, "
        "so your form is kept as typed. Press ctrl+s to retry: policytui checks "
        "again first, so a retry never makes a duplicate."
    )


def created_note(outcome: Created) -> str:
    """Why a create that looked lost is in fact saved (empty for a plain create)."""
    if outcome.earlier_attempt:
        return "The earlier attempt did create it."
    if outcome.lost_answer is not None:
        return f"The server answered: {outcome.lost_answer} — but it was saved."
    return ""


def limits_locked(error: WaldurError, locked: str) -> str:
    """The 500 to changing several limits: why, and what works instead (never "retry")."""
    return (
        f"Not saved: {error}\n{locked} Your form is kept. Press ctrl+s to "
        "create the policy anew with these limits and delete this one (you are "
        "asked first), or undo the change to the limits to save the rest."
    )


def not_replaced(error: WaldurError) -> str:
    return (
        f"Not replaced: {error}\nNo new policy was found on the server and the "
        "old one is untouched; your form is kept. Press ctrl+s to try the "
        "replacement again: policytui checks first, so it never makes two."
    )


def new_not_read_back(
    created: OfferingUsagePolicy, old: OfferingUsagePolicy, error: WaldurError
) -> str:
    return (
        f"Created the new policy ({created.uuid[:8]}), but could not read it back "
        f"({error}), so the old one ({old.uuid[:8]}) was NOT deleted. Check the new "
        "one in the list, then delete the old one there (d)."
    )


def old_not_deleted(old: OfferingUsagePolicy, error: WaldurError) -> str:
    return (
        f"The old policy ({old.uuid[:8]}) could not be deleted ({error}): both are on "
        "the server now; delete the old one from the list (d)."
    )


def not_allowed(offering_name: str) -> str:
    return (
        f"You may not configure policies for {offering_name}: only staff "
        "and owners of the organization that provides it can. Choose another "
        "offering; the rest of the form is kept."
    )


def rejected(error: ValidationError, sent_rows: list[int]) -> DraftErrors:
    """A 400's field and row errors, placed beside the form's fields and rows.

    ``sent_rows`` maps the rows sent to the form's rows (empty rows are not sent).
    """
    errors = DraftErrors(banner=list(error.non_field_errors))
    for name, messages in error.field_errors.items():
        errors.fields[name] = " ".join(messages)
    for sent_index, messages_by_field in error.row_errors.items():
        form_index = sent_rows[sent_index] if sent_index < len(sent_rows) else sent_index
        errors.rows[form_index] = " ".join(
            f"{' '.join(msgs)}" if key in ("limit", "type") else f"{key}: {' '.join(msgs)}"
            for key, msgs in messages_by_field.items()
        )
    if not errors:
        errors.banner.append(str(error))
    errors.banner.insert(0, "The server rejected the policy; your form is kept.")
    return errors


def unread(error: WaldurError) -> str:
    return f"Could not read it back to check ({error}); showing the save's answer."


def differences_report(
    verb: str,
    differences: list[Change],
    note: str,
    unread_text: str,
    fired: bool,
    collapsed: bool,
) -> Text:
    """The banner after a write whose read-back differs from what was sent (or failed)."""
    text = Text()
    if note:
        text.append(note + " ")
    text.append(f"{verb}, but the server stored something else:\n", style="bold")
    for change in differences:
        text.append(f"  {change.label}: ", style="bold")
        text.append(f"sent {change.old}; stored {change.new}\n")
    if unread_text:
        text.append(unread_text + "\n")
    if fired:
        text.append(FIRED_NOW + "\n", style="bold")
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
    return text


def saved_message(
    verb: str,
    stored: OfferingUsagePolicy,
    offering_name: str,
    catalog: Catalog,
    *,
    note: str = "",
    old_deleted: bool | None = None,
) -> str:
    """The toast after a write stored what was sent; ``old_deleted`` after a replacement."""
    message = f"{verb} policy on {offering_name}."
    if old_deleted is not None:
        holds = ", ".join(
            limit_words(c.type, int(c.limit), catalog, stored.scope_uuid)
            for c in stored.component_limits_set
        )
        message = f"Replaced: the new policy {stored.uuid[:8]} holds {holds or 'no limits'}; " + (
            "the old policy was deleted." if old_deleted else "the old one is still there."
        )
    return f"{note} {message}" if note else message
