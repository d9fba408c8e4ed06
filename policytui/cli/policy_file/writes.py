"""The plan's writes, in order, each sent once and read back.

An update PATCHes only its changed fields; a create POSTs; a delete DELETEs. After each
the policy is read back and compared with what was sent; what the server stored
differently is said (a 2024 server keeps one limit), and so is a policy that the save
made fire. The first write that fails stops the run. No write is sent again: when its
answer was lost (a timeout, a dropped connection, a 5xx), the server is *read* to tell
whether it was applied after all, and the run goes on only if it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from policytui.cli.policy_file.model import (
    FIELD_WORDS,
    Catalog,
    PolicyValues,
    StoredPolicy,
    compared_fields,
)
from policytui.cli.policy_file.plan import Create, Delete, Step, Update, differences
from policytui.cli.policy_file.render import limits_words, value_words
from policytui.cli.policy_file.server import stored_from

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient
    from policytui.api.errors import WaldurError
    from policytui.api.models import PolicyCreate


class State(StrEnum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"


@dataclass
class Outcome:
    step: Step
    state: State
    #: The policy's uuid once known (a create's new uuid).
    uuid: str | None = None
    #: What the read-back found, in words.
    notes: list[str] = field(default_factory=list)
    #: Why the write failed (the client's one line, which never holds the token).
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.state is State.APPLIED


def _answer_lost(error: WaldurError) -> bool:
    """After these the write may or may not have been applied (a TLS failure is before
    anything was sent; a 400, 401, 404 or 429 is an answer that it was not)."""
    from policytui.api import errors

    if isinstance(error, errors.TLSError):
        return False
    return isinstance(error, errors.ConnectionFailed | errors.ServerError | errors.InvalidResponse)


class Writer:
    def __init__(self, client: WaldurClient, catalog: Catalog, stored: list[StoredPolicy]) -> None:
        self.client = client
        self.catalog = catalog
        self.fields = compared_fields(catalog.features)
        #: Uuids known before each create, so a lost create is looked for among new ones.
        self.known = {p.uuid for p in stored}

    async def write(self, step: Step) -> Outcome:
        from policytui.api import errors

        try:
            if isinstance(step, Create):
                return await self._create(step)
            if isinstance(step, Update):
                return await self._update(step)
            return await self._delete(step)
        except errors.WaldurError as exc:
            if not _answer_lost(exc):
                return Outcome(step, State.NOT_APPLIED, _uuid(step), error=str(exc))
            return await self._after_lost_answer(step, exc)

    # -- the three writes --------------------------------------------------------------

    async def _create(self, step: Create) -> Outcome:
        body = self.create_body(step.wanted.values, step.wanted.offering_uuid)
        created = await self.client.policies.create(body)
        self.known.add(created.uuid)
        return await self._read_back(step, created.uuid, list(self.fields), before=False)

    async def _update(self, step: Update) -> Outcome:
        patch = self.patch_body(step.wanted.values, step.fields)
        await self.client.policies.patch(step.stored.uuid, patch)
        return await self._read_back(
            step, step.stored.uuid, list(step.fields), before=step.stored.has_fired
        )

    async def _delete(self, step: Delete) -> Outcome:
        from policytui.api import errors

        try:
            await self.client.policies.delete(step.stored.uuid)
        except errors.NotFound:
            return Outcome(
                step, State.APPLIED, step.stored.uuid, ["it was gone already (deleted meanwhile)"]
            )
        try:
            await self.client.policies.get(step.stored.uuid)
        except errors.NotFound:
            return Outcome(step, State.APPLIED, step.stored.uuid)
        except errors.WaldurError as exc:
            return Outcome(step, State.APPLIED, step.stored.uuid, [f"not read back: {exc}"])
        return Outcome(
            step,
            State.UNKNOWN,
            step.stored.uuid,
            error="the server answered the delete, but the policy is still there",
        )

    # -- bodies ------------------------------------------------------------------------

    def create_body(self, values: PolicyValues, offering_uuid: str) -> PolicyCreate:
        from policytui.api.models import ComponentLimitIn, Period, PolicyCreate

        features = self.catalog.features
        return PolicyCreate(
            scope=self.client.offering_url(offering_uuid),
            actions=list(values.actions),
            organization_groups=[
                self.client.organization_group_url(g) for g in values.organization_groups
            ],
            component_limits_set=[
                ComponentLimitIn(type=t, limit=v) for t, v in values.component_limits
            ],
            period=Period(values.period),
            options=dict(values.options) if features.options else None,
            apply_to_all=values.apply_to_all if features.apply_to_all else None,
        )

    def patch_body(self, values: PolicyValues, fields: tuple[str, ...]) -> Any:
        from policytui.api.models import ComponentLimitIn, Period, PolicyPatch

        data: dict[str, Any] = {}
        if "actions" in fields:
            data["actions"] = list(values.actions)
        if "period" in fields:
            data["period"] = Period(values.period)
        if "organization_groups" in fields:
            data["organization_groups"] = [
                self.client.organization_group_url(g) for g in values.organization_groups
            ]
        if "apply_to_all" in fields:
            data["apply_to_all"] = values.apply_to_all
        if "component_limits" in fields:
            data["component_limits_set"] = [
                ComponentLimitIn(type=t, limit=v) for t, v in values.component_limits
            ]
        if "options" in fields:
            data["options"] = dict(values.options)
        return PolicyPatch(**data)

    # -- after a write -----------------------------------------------------------------

    async def _read_back(
        self, step: Create | Update, uuid: str, fields: list[str], *, before: bool
    ) -> Outcome:
        from policytui.api import errors

        try:
            stored = stored_from(await self.client.policies.get(uuid))
        except errors.WaldurError as exc:
            return Outcome(step, State.APPLIED, uuid, [f"not read back: {exc}"])
        return Outcome(step, State.APPLIED, uuid, self.compare(step, stored, fields, before))

    def compare(
        self, step: Create | Update, stored: StoredPolicy, fields: list[str], before: bool
    ) -> list[str]:
        """What the server stored differently from what was sent, and a change of the
        fired state that the save caused (the server evaluates a policy on every save)."""
        sent = step.wanted.values
        offering = step.wanted.offering_uuid
        notes = []
        for name in differences(sent, stored.values, fields):
            if name == "component_limits" and len(stored.values.component_limits) == 1 < len(
                sent.component_limits
            ):
                kept = limits_words(stored.values.component_limits, self.catalog, offering)
                notes.append(
                    "this server keeps one component limit per policy: it stored only "
                    f"{kept} of the {len(sent.component_limits)} sent"
                )
                continue
            notes.append(
                f"stored differently: {FIELD_WORDS[name]}: sent "
                f"{value_words(name, sent, self.catalog, offering)}, stored "
                f"{value_words(name, stored.values, self.catalog, offering)}"
            )
        if stored.has_fired and not before:
            notes.append("the server evaluated it on save: it has fired")
        elif before and not stored.has_fired:
            notes.append("the server evaluated it on save: it no longer fires")
        return notes

    async def _after_lost_answer(self, step: Step, error: WaldurError) -> Outcome:
        """Read (never resend) to tell whether a write whose answer was lost landed."""
        from policytui.api import errors

        lost = f"{error} (the answer was lost"

        def not_applied(uuid: str | None, seen: str) -> Outcome:
            # A server that answered (a 5xx, a dropped answer) is done with the request;
            # one that timed out may still be working on it, so what a read shows now is
            # not the end of it.
            if isinstance(error, errors.Timeout):
                return Outcome(
                    step, State.UNKNOWN, uuid,
                    error=f"{lost}; {seen} now, but a write that timed out may still land)",
                )  # fmt: skip
            return Outcome(step, State.NOT_APPLIED, uuid, error=f"{lost}; {seen})")

        try:
            if isinstance(step, Create):
                body = self.create_body(step.wanted.values, step.wanted.offering_uuid)
                found = await self.client.policies.find_created(body, known_uuids=set(self.known))
                if found is None:
                    return not_applied(None, "it was not created")
                self.known.add(found.uuid)
                outcome = await self._read_back(step, found.uuid, list(self.fields), before=False)
                outcome.notes.insert(0, f"{lost}; it was created all the same)")
                return outcome
            assert isinstance(step, Update | Delete)
            try:
                current = stored_from(await self.client.policies.get(step.stored.uuid))
            except errors.NotFound:
                if isinstance(step, Delete):
                    return Outcome(
                        step, State.APPLIED, step.stored.uuid, [f"{lost}; it was deleted)"]
                    )
                return Outcome(
                    step, State.NOT_APPLIED, step.stored.uuid,
                    error=f"{lost}; the policy is gone from the server)",
                )  # fmt: skip
            if isinstance(step, Delete):
                return not_applied(step.stored.uuid, "it is still there")
            if not differences(current.values, step.wanted.values, list(step.fields)):
                notes = [f"{lost}; read back: applied)"]
                notes += self.compare(step, current, list(step.fields), step.stored.has_fired)
                return Outcome(step, State.APPLIED, step.stored.uuid, notes)
            if not differences(current.values, step.stored.values, list(step.fields)):
                return not_applied(step.stored.uuid, "not applied")
            return Outcome(
                step, State.UNKNOWN, step.stored.uuid,
                error=f"{lost}; the policy now differs from both the old and the new values)",
            )  # fmt: skip
        except errors.WaldurError as exc:
            return Outcome(
                step, State.UNKNOWN, _uuid(step),
                error=f"{lost}; reading the server to check failed too: {exc})",
            )  # fmt: skip


def _uuid(step: Step) -> str | None:
    return step.stored.uuid if isinstance(step, Update | Delete) else None
