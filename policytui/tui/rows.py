"""A policy as a table row: the texts of each column and the keys to sort and filter by.

Rows are built once per policy (and again when the catalog arrives, since component
and group names come from it), never per repaint. Plain data, no Textual: the helper
process builds rows too (the first page, a fired scan's finds) and pickles them to the
UI (tests/test_layering.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from policytui.tui.format import actions_text, count_noun, limit_text, relative_time, short_date

if TYPE_CHECKING:
    # Annotations only: rows of the first page are unpickled and painted before the
    # models (pydantic) are imported.
    from policytui.api import OfferingUsagePolicy
    from policytui.tui.catalog import Catalog

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class PolicyRow:
    #: The policy; ``None`` in a row that came from the helper process until something
    #: asks for :attr:`policy` (see ``__getstate__``).
    model: OfferingUsagePolicy | None
    offering: str
    actions: str
    limits: list[str]
    period: str
    groups: str
    fired: str
    created: str
    #: Lower-cased text the `/` quick filter searches: offering, actions, components, creator.
    search: str
    #: The fired state changed since the last look (auto-refresh marks these).
    changed: bool = field(default=False)
    #: Built with the catalog (component names and units, group names); a row built
    #: without it is rebuilt once the catalog arrives, whichever came first.
    named: bool = field(default=True)
    uuid: str = field(init=False, compare=False)
    #: The fired view's sort key, computed once where the row is built (for a fired scan,
    #: off the UI thread) rather than for every row of every merged batch.
    #: A POSIX timestamp, not the datetime: aware datetimes with distinct tzinfo objects
    #: (one per parsed value) compare through Python-level utcoffset() calls.
    fired_key: tuple[bool, float] = field(init=False, repr=False, compare=False)
    #: The policy as JSON while :attr:`model` is not built yet.
    model_json: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        policy = self.policy
        self.uuid = policy.uuid
        self.fired_key = (policy.has_fired, (policy.fired_datetime or _EPOCH).timestamp())

    @property
    def policy(self) -> OfferingUsagePolicy:
        if self.model is None:
            assert self.model_json is not None
            from policytui.api.parsing import parse_policy_json

            self.model = parse_policy_json(self.model_json)
            self.model_json = None
        return self.model

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the helper process sends fired rows to the UI) with the policy as JSON:
        the UI process then unpickles a few strings per row instead of rebuilding a model
        with all its fields, and builds the model only for a row someone looks into."""
        state = {name: getattr(self, name) for name in _SLOTS}
        if self.model is not None:
            state["model_json"] = self.model.model_dump_json(by_alias=True).encode()
            state["model"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def sort_key(self, column: str) -> object:
        if column == "fired":
            # Fired first, newest firing first within them (callers sort descending).
            return self.fired_key
        if column == "created":
            return self.policy.created or _EPOCH
        if column == "period":
            return int(self.policy.period)
        if column == "limits":
            return ", ".join(self.limits).lower()
        return str(getattr(self, column, "")).lower()


def offering_name(policy: OfferingUsagePolicy, catalog: Catalog | None) -> str:
    offering = catalog.offering(policy.scope_uuid) if catalog else None
    return policy.scope_name or (offering.name if offering else "") or (policy.scope_uuid or "")[:8]


def build_row(
    policy: OfferingUsagePolicy, catalog: Catalog | None, now: datetime, *, changed: bool = False
) -> PolicyRow:
    limits = [
        limit_text(
            c.limit, c.type, catalog.component(policy.scope_uuid, c.type) if catalog else None
        )
        for c in policy.component_limits_set
    ]
    if policy.apply_to_all:
        groups = "All organizations"
    elif catalog is not None:
        groups = ", ".join(catalog.group_label(url) for url in policy.organization_groups)
    else:
        count = len(policy.organization_groups)
        groups = count_noun(count, "group") if count else ""
    offering = offering_name(policy, catalog)
    actions = actions_text(policy.actions)
    fired = ""
    if policy.has_fired:
        fired = relative_time(policy.fired_datetime, now) or "fired"
    search = " ".join(
        [
            offering,
            actions,
            " ".join(policy.actions),
            " ".join(limits),
            " ".join(c.type for c in policy.component_limits_set),
            policy.creator,
            policy.created_by_username or "",
            groups,
        ]
    ).lower()
    return PolicyRow(
        model=policy,
        offering=offering,
        actions=actions,
        limits=limits,
        period=policy.period_label,
        groups=groups,
        fired=fired,
        created=short_date(policy.created),
        search=search,
        changed=changed,
        named=catalog is not None,
    )


def with_names(rows: list[PolicyRow], catalog: Catalog, now: datetime) -> list[PolicyRow]:
    """``rows``, those built without the catalog rebuilt with it (the same list when
    every row is named already, so a caller can tell nothing changed)."""
    if all(row.named for row in rows):
        return rows
    return [
        row if row.named else build_row(row.policy, catalog, now, changed=row.changed)
        for row in rows
    ]


_SLOTS = tuple(PolicyRow.__slots__)
