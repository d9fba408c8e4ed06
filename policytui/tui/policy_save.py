"""Saving a policy, headless: the server steps behind the editor's ctrl+s, and what came of them.

No Textual here. A :class:`PolicySaver` is made per editor with the client; each async
method does one step of a save against the server and returns a typed outcome (the
dataclasses below) that the editor turns into reviews, banners and messages. What must
survive between attempts lives on the saver: a POST whose answer was lost
(:attr:`PolicySaver.pending`) is looked for before anything is sent again.

Never an automatic retry of a write: a POST, PATCH or DELETE is sent once per call, and
a failure the same request would meet again (the 2024 server's 500 to changing the limits
of a policy holding several) comes back as :class:`LimitsLocked`, not as something to
retry. Failures that need no step of their own (a 401, a 400 with field errors, a server
that cannot be reached before anything was sent) are raised as :mod:`policytui.api.errors`
for the caller to show.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from policytui.api.errors import ConnectionFailed, NotFound, ServerError, WaldurError
from policytui.tui.policy_draft import (
    ServerFeatures,
    body_values,
    build_patch,
    changed_fields,
    policy_values,
    stored_differently,
    uuid_of,
)

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy, PolicyCreate, WaldurClient

#: How many of an offering's newest policies are read before a POST, and searched after
#: one whose answer was lost (the list is ordered by -created).
NEWEST = 50


class SaveStep(StrEnum):
    """Where a save has got to, for a progress line (the words are the caller's)."""

    LOOKING_FOR_EARLIER = "looking-for-earlier"  # did the attempt whose answer was lost land?
    CREATING = "creating"
    READING_BACK_NEW = "reading-back-new"  # a replacement's new policy, before any delete
    DELETING_OLD = "deleting-old"


Progress = Callable[[SaveStep], None]


def _quiet(step: SaveStep) -> None:
    """No progress line."""


@dataclass(frozen=True)
class PendingCreate:
    """A POST whose outcome is unknown: what was sent, and the offering's policies before it."""

    body: PolicyCreate
    known_uuids: frozenset[str]


# -- outcomes of a create ---------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    """The policy is on the server: made now, or found made by an earlier attempt."""

    policy: OfferingUsagePolicy
    #: The body it was made from: an earlier attempt's when that one is what was found.
    sent: PolicyCreate
    #: Found made by the earlier attempt whose answer was lost; nothing was sent now.
    earlier_attempt: bool = False
    #: This POST's answer was lost (timeout, dropped connection, 5xx), yet it was found.
    lost_answer: WaldurError | None = None


@dataclass(frozen=True)
class NotCreated:
    """The POST's answer was lost and nothing matching it is on the server: it is kept as
    :attr:`PolicySaver.pending`, so the next attempt looks again before sending."""

    error: WaldurError


# -- outcomes of checking the server's copy before a PATCH ---------------------------------


@dataclass(frozen=True)
class DeletedMeanwhile:
    """The policy is gone from the server (deleted, or no longer visible)."""


@dataclass(frozen=True)
class CurrentCopy:
    """The policy as the server holds it now, and its comparable values."""

    policy: OfferingUsagePolicy
    values: dict[str, Any]


@dataclass(frozen=True)
class AsOpened(CurrentCopy):
    """Nobody changed it since the form opened: the PATCH may go."""


@dataclass(frozen=True)
class AlreadyApplied(CurrentCopy):
    """The server already holds every change (an earlier PATCH whose answer was lost)."""


@dataclass(frozen=True)
class ChangedMeanwhile(CurrentCopy):
    """Someone changed it since the form opened: ``changed`` names their fields."""

    changed: list[str]


CheckOutcome = DeletedMeanwhile | AsOpened | AlreadyApplied | ChangedMeanwhile


# -- outcomes of a PATCH -------------------------------------------------------------------


@dataclass(frozen=True)
class Patched:
    policy: OfferingUsagePolicy


@dataclass(frozen=True)
class LimitsLocked:
    """The 2024 server's 500 to changing the limits of a policy that holds several
    (MultipleObjectsReturned): the same PATCH fails again however often it is sent, so
    this is never a retry; replacing the policy is what works."""

    error: ServerError
    current: OfferingUsagePolicy


# -- outcomes of a replacement (create anew, read back, delete the old one) -----------------


@dataclass(frozen=True)
class NotReplaced:
    """The new policy's POST lost its answer and it is not on the server: the old one is
    untouched, and the POST is kept as pending."""

    error: WaldurError


@dataclass(frozen=True)
class NewNotReadBack:
    """The new policy was created but could not be read back, so the old one was NOT
    deleted: both are on the server."""

    created: OfferingUsagePolicy
    error: WaldurError


@dataclass(frozen=True)
class Replaced:
    """The new policy is on the server and was read back; ``delete_error`` says why the
    old one could not be deleted, if it could not (already gone counts as deleted)."""

    new: OfferingUsagePolicy
    delete_error: WaldurError | None = None


ReplaceOutcome = NotReplaced | NewNotReadBack | Replaced


# -- the read-back after every write ------------------------------------------------------


@dataclass(frozen=True)
class ReadBack:
    """The policy as read back after a write, compared with what was sent."""

    #: As stored; the write's own answer when it could not be read back (``unread``).
    policy: OfferingUsagePolicy
    #: Comparable values sent (after a PATCH: only the fields it carried) and stored.
    sent: dict[str, Any]
    stored: dict[str, Any]
    #: Fields the server stored differently from what was sent, in form order.
    differing: list[str]
    unread: WaldurError | None
    #: Several limits sent, one stored: the server keeps one limit per policy.
    collapsed: bool
    #: The save made it fire; it fired before and no longer does.
    fired_now: bool
    no_longer_fires: bool


class PolicySaver:
    """The server side of saving one editor's policy; holds what survives between attempts."""

    def __init__(self, client: WaldurClient) -> None:
        #: Handed a new one after a sign-in (the old client is closed).
        self.client = client
        #: A POST whose answer was lost and whose policy was not found: looked for first.
        self.pending: PendingCreate | None = None

    async def create(self, body: PolicyCreate, progress: Progress = _quiet) -> Created | NotCreated:
        """Create the policy once: look for an earlier lost attempt first, note the
        offering's newest policies, POST, and when the answer is lost look for it."""
        if self.pending is not None:
            # The last POST may have been applied: never send it again blindly.
            progress(SaveStep.LOOKING_FOR_EARLIER)
            found = await self._find_pending()
            if found is not None:
                return found
        progress(SaveStep.CREATING)
        return await self._post(body)

    async def check_current(
        self,
        uuid: str,
        opened: dict[str, Any],
        new: dict[str, Any],
        fields: list[str],
        features: ServerFeatures,
    ) -> CheckOutcome:
        """Re-read the policy before a PATCH of ``fields`` (``opened`` are its values when
        the form opened, ``new`` the form's): gone, already so, changed by someone, or as
        opened."""
        try:
            current = await self.client.policies.get(uuid)
        except NotFound:
            return DeletedMeanwhile()
        now = policy_values(current, features)
        if all(now.get(f) == new.get(f) for f in fields):
            return AlreadyApplied(current, now)
        if now != opened:
            return ChangedMeanwhile(current, now, changed_fields(opened, now))
        return AsOpened(current, now)

    async def patch(
        self, current: OfferingUsagePolicy, body: PolicyCreate, fields: list[str]
    ) -> Patched | LimitsLocked:
        """PATCH only ``fields`` of ``body`` onto ``current`` (the copy just checked)."""
        try:
            saved = await self.client.policies.patch(current.uuid, build_patch(body, fields))
        except ServerError as exc:
            if "component_limits_set" in fields and len(current.component_limits_set) > 1:
                return LimitsLocked(exc, current)
            raise
        return Patched(saved)

    async def replace(
        self, body: PolicyCreate, old: OfferingUsagePolicy, progress: Progress = _quiet
    ) -> ReplaceOutcome:
        """Create the policy anew from ``body``, read it back, then delete ``old``.

        Nothing is deleted unless the create succeeded and the new policy was read back.
        A create whose answer was lost is looked for before anything is sent again.
        """
        created: OfferingUsagePolicy | None = None
        if self.pending is not None:
            progress(SaveStep.LOOKING_FOR_EARLIER)
            found = await self._find_pending()
            created = found.policy if found is not None else None
        if created is None:
            progress(SaveStep.CREATING)
            made = await self._post(body)
            if isinstance(made, NotCreated):
                return NotReplaced(made.error)
            created = made.policy
        progress(SaveStep.READING_BACK_NEW)
        try:
            stored = await self.client.policies.get(created.uuid)
        except WaldurError as exc:
            return NewNotReadBack(created, exc)
        progress(SaveStep.DELETING_OLD)
        try:
            await self.client.policies.delete(old.uuid)
        except NotFound:
            pass  # already gone: deleted elsewhere, or by an attempt whose answer was lost
        except WaldurError as exc:
            return Replaced(stored, delete_error=exc)
        return Replaced(stored)

    async def read_back(
        self,
        saved: OfferingUsagePolicy,
        body: PolicyCreate,
        features: ServerFeatures,
        *,
        fields: list[str] | None = None,
        was_fired: bool = False,
        announced_keep: bool = False,
    ) -> ReadBack:
        """Read ``saved`` back and compare it with ``body``.

        After a PATCH only the ``fields`` it carried are compared: a field someone else
        changed (and the user chose to keep, by overwriting) is not a difference. With
        ``announced_keep`` the user was told the server keeps only the last limit sent: a
        read-back holding just that one is what was announced, not a difference.
        """
        stored = saved
        unread: WaldurError | None = None
        try:
            stored = await self.client.policies.get(saved.uuid)
        except WaldurError as exc:
            unread = exc
        stored_values = policy_values(stored, features)
        sent = body_values(body, features)
        if fields is not None:
            sent = {name: value for name, value in sent.items() if name in fields}
        differing = stored_differently(sent, stored_values)
        stored_limits = [(c.type, int(c.limit)) for c in stored.component_limits_set]
        sent_limits = [(c.type, int(c.limit)) for c in body.component_limits_set]
        if announced_keep and stored_limits == sent_limits[-1:]:
            differing = [name for name in differing if name != "component_limits_set"]
        return ReadBack(
            policy=stored,
            sent=sent,
            stored=stored_values,
            differing=differing,
            unread=unread,
            collapsed=1 == len(stored.component_limits_set) < len(body.component_limits_set),
            fired_now=stored.has_fired and not was_fired,
            no_longer_fires=was_fired and not stored.has_fired,
        )

    # -- the steps a create and a replacement share --------------------------------------

    async def _find_pending(self) -> Created | None:
        """Look for the pending POST's policy; either way it is pending no more. A failed
        look (raised) keeps it pending, so the next attempt looks again."""
        assert self.pending is not None
        pending = self.pending
        found = await self.client.policies.find_created(
            pending.body, known_uuids=set(pending.known_uuids), scan=NEWEST
        )
        self.pending = None
        return Created(found, pending.body, earlier_attempt=True) if found is not None else None

    async def _post(self, body: PolicyCreate) -> Created | NotCreated:
        """Note the offering's newest policies, POST once, and on a lost answer look for it."""
        page = await self.client.policies.list(page_size=NEWEST, scope_uuid=uuid_of(body.scope))
        known = frozenset(p.uuid for p in page.items)
        try:
            created = await self.client.policies.create(body)
        except (ConnectionFailed, ServerError) as exc:
            # Timeouts, dropped connections and 5xx may still have created the policy.
            self.pending = PendingCreate(body, known)
            found = None
            with contextlib.suppress(WaldurError):
                found = await self.client.policies.find_created(
                    body, known_uuids=set(known), scan=NEWEST
                )
            if found is None:
                return NotCreated(exc)
            self.pending = None
            return Created(found, body, lost_answer=exc)
        return Created(created, body)
