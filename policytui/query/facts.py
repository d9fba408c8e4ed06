"""What a filter term or a sort key reads of a policy: :class:`PolicyFacts`.

Built once per policy (the screen's rows and the shell's listing each keep theirs), so
matching a keystroke's filter against 100 000 policies is string and number compares
only: every text is already case-folded, every time already a POSIX timestamp, and a
term is one substring test of one text.

Policies repeat: one offering, one set of groups, one creator serve thousands. A
:class:`FactsReader` builds each such text once and every policy that has it shares the
one string, so the facts of 100 000 policies cost a few tens of megabytes, not hundreds,
and building them is mostly dictionary look-ups.

Only attributes of the policy and of the names are read, so this module imports no
pydantic and the CLI pays for none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple, Protocol

from policytui.api.actions import action_label, canonical_actions

if TYPE_CHECKING:
    from policytui.api.models import Offering, OfferingUsagePolicy, OrganizationGroup

#: Between the parts of a joined text. It sorts before every printable character, so a
#: joined text orders as the tuple of its parts would; and no term's value holds it, so
#: a substring test never matches across two parts.
SEPARATOR = "\x1f"
#: Between the labels and the names in :attr:`PolicyFacts.actions_text`: below the
#: separator, so the text sorts by the labels alone first.
SECTION = "\x1e"
#: A value holding one of these could match across two parts: it matches nothing.
MARKS = SEPARATOR + SECTION
#: What the list shows for a policy with ``apply_to_all`` (and what `group:` finds).
ALL_ORGANIZATIONS = "All organizations"


class Names(Protocol):
    """What names a policy's offering, components and groups (the TUI's catalog is one)."""

    def offering(self, uuid: str | None) -> Offering | None: ...

    def group(self, url: str) -> OrganizationGroup | None: ...


class ComponentFacts(NamedTuple):
    """One component limit of a policy: the component's type and name, case-folded.

    A named tuple, not a dataclass: the UI shares each set of limits the helper's
    batches repeat by looking the set up in a dict (:mod:`policytui.query.sharing`),
    and a tuple hashes and compares in C (a dataclass's ``__hash__`` was most of it).
    """

    type: str
    name: str
    limit: int


@dataclass(slots=True)
class PolicyFacts:
    """A policy as the filter language sees it (read-only by convention: not frozen,
    because a frozen dataclass's ``__init__`` costs a call per field, 100 000 times).

    Texts are case-folded; the ``*_text`` ones join their parts with :data:`SEPARATOR`.
    """

    uuid: str
    offering: str
    offering_uuid: str
    #: The offering's customer: the organization that provides it.
    provider: str
    #: Action labels, then (after :data:`SECTION`) names, in the canonical order.
    actions_text: str
    components: tuple[ComponentFacts, ...]
    #: Each limited component's type and name.
    components_text: str
    #: Group labels with the parent first ("nordics \u203a nordic uni"); ``apply_to_all``
    #: reads "all organizations"; a group the names lack reads as its uuid's first 8
    #: characters, as the list shows it.
    groups_text: str
    #: The server's number: 1 Total, 2 one month, 3 three months, 4 twelve months.
    period: int
    period_label: str
    #: Full name and username.
    creator_text: str
    has_fired: bool
    fired_at: float | None
    created_at: float | None
    #: What a free word searches: the offering's side (offering, provider, period,
    #: actions, components and their units) and the people's side (groups, creator).
    what: str
    who: str
    #: The highest usage / limit among its limits, in % (issue 14); None until the
    #: usage of its offering is read, or when it has no figure. ``inf`` for a limit of
    #: 0 or less that any usage is over. Set by whoever computed the headroom (the list's
    #: usage fill, the shell's `list`), never by the reader: facts are built before it.
    usage_percent: float | None = None

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (the helper sends the index's facts) as one call with the fields in
        # order: a slotted dataclass by default sets them one by one by name, which cost
        # the UI seconds of unpickling for 100 000 policies.
        return (type(self), _fields_of(self))


#: Every field of a PolicyFacts, in order (whatever fields it has).
_fields_of = attrgetter(*PolicyFacts.__slots__)


def _fold(text: str | None) -> str:
    return (text or "").casefold()


def _joined(parts: list[str]) -> str:
    return SEPARATOR.join(dict.fromkeys(_fold(p) for p in parts if p))


def _timestamp(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def group_label(url: str, names: Names | None) -> str:
    """A group as the list names it ("Parent \u203a Name"), else its uuid's first 8."""
    group = names.group(url) if names is not None else None
    if group is None:
        return url.rstrip("/").rsplit("/", 1)[-1][:8]
    parent = names.group(group.parent) if group.parent and names is not None else None
    parent_name = group.parent_name or (parent.name if parent else None)
    return f"{parent_name} \u203a {group.name}" if parent_name else group.name


class FactsReader:
    """Builds the facts of many policies against one set of names, sharing each text
    among the policies that have it. Make a new one when the names change (the catalog
    is reloaded): what it shares was named by the old ones."""

    def __init__(
        self, names: Names | None = None, *, made: type[PolicyFacts] | None = None
    ) -> None:
        self._names = names
        #: What the facts are made as: :class:`PolicyFacts`, or a subclass with the same
        #: fields first (the index's facts, which also hold their row).
        self._made = made or PolicyFacts
        self._offerings: dict[tuple[str | None, str | None], tuple[str, str, str]] = {}
        self._actions: dict[tuple[str, ...], str] = {}
        self._groups: dict[tuple[bool, tuple[str, ...]], str] = {}
        self._component_texts: dict[tuple[str | None, tuple[str, ...]], tuple[str, str]] = {}
        self._components: dict[
            tuple[str | None, tuple[tuple[str, int], ...]],
            tuple[tuple[ComponentFacts, ...], tuple[str, ...]],
        ] = {}
        self._component: dict[tuple[str | None, str, int], ComponentFacts] = {}
        self._component_names: dict[tuple[str | None, str], tuple[str, str]] = {}
        self._creators: dict[tuple[str | None, str | None], str] = {}
        self._periods: dict[int, str] = {}
        self._texts: dict[tuple[str, ...], str] = {}

    def __call__(self, policy: OfferingUsagePolicy) -> PolicyFacts:
        return self.read(
            policy.uuid,
            policy.scope_uuid,
            policy.scope_name,
            tuple((c.type, c.limit) for c in policy.component_limits_set),
            tuple(policy.actions),
            bool(policy.apply_to_all),
            tuple(policy.organization_groups),
            policy.created_by_full_name,
            policy.created_by_username,
            int(policy.period),
            policy.period_label,
            bool(policy.has_fired),
            _timestamp(policy.fired_datetime),
            _timestamp(policy.created),
        )

    def read(
        self,
        uuid: str,
        scope: str | None,
        scope_name: str | None,
        limits: tuple[tuple[str, int], ...],
        actions: tuple[str, ...],
        apply_to_all: bool,
        groups: tuple[str, ...],
        full_name: str | None,
        username: str | None,
        period: int,
        period_label: str,
        has_fired: bool,
        fired_at: float | None,
        created_at: float | None,
    ) -> PolicyFacts:
        """The facts of a policy given as its values (a model's, or its JSON's: the index
        reads pages without building models, :mod:`policytui.helper.plain_facts`, with
        the parts below). Positional: it runs 100 000 times a fill."""
        offering, offering_uuid, provider = self.offering_texts(scope, scope_name)
        components, types = self.components(scope, limits)
        components_text, units = self.component_texts(scope, types)
        actions_text = self.actions_text(actions)
        groups_text = self.groups_text(apply_to_all, groups)
        creator_text = self.creator_text(full_name, username)
        folded_period = self.period_text(period, period_label)
        what = self.shared(
            (offering, provider, folded_period, actions_text, components_text, units)
        )
        who = self.shared((groups_text, creator_text))
        return self._made(
            uuid,
            offering,
            offering_uuid,
            provider,
            actions_text,
            components,
            components_text,
            groups_text,
            period,
            folded_period,
            creator_text,
            has_fired,
            fired_at,
            created_at,
            what,
            who,
        )

    # The parts of the facts, each made once per distinct value and shared.

    def components(
        self, scope: str | None, limits: tuple[tuple[str, int], ...]
    ) -> tuple[tuple[ComponentFacts, ...], tuple[str, ...]]:
        """The limits' facts and their components' types."""
        key = (scope, limits)
        found = self._components.get(key)
        if found is None:
            found = self._components[key] = (
                self._read_components(scope, limits),
                tuple(t for t, _ in limits),
            )
        return found

    def component_texts(self, scope: str | None, types: tuple[str, ...]) -> tuple[str, str]:
        """The limited components' types and names, and their units."""
        key = (scope, types)
        found = self._component_texts.get(key)
        if found is None:
            components = [self._component_name(scope, t) for t in types]
            found = self._component_texts[key] = (
                _joined([part for names in components for part in names]),
                _joined([self._unit(scope, t) for t in types]),
            )
        return found

    def actions_text(self, actions: tuple[str, ...]) -> str:
        found = self._actions.get(actions)
        if found is None:
            names = canonical_actions(actions)
            labels = _joined([action_label(a) for a in names])
            found = self._actions[actions] = f"{labels}{SECTION}{_joined(names)}"
        return found

    def groups_text(self, apply_to_all: bool, groups: tuple[str, ...]) -> str:
        key = (apply_to_all, groups)
        found = self._groups.get(key)
        if found is None:
            labels = (
                [ALL_ORGANIZATIONS]
                if apply_to_all
                else [group_label(url, self._names) for url in groups]
            )
            found = self._groups[key] = _joined(labels)
        return found

    def creator_text(self, full_name: str | None, username: str | None) -> str:
        key = (full_name, username)
        found = self._creators.get(key)
        if found is None:
            found = self._creators[key] = _joined(list(key))
        return found

    def period_text(self, period: int, period_label: str) -> str:
        found = self._periods.get(period)
        if found is None:
            found = self._periods[period] = _fold(period_label)
        return found

    def offering_texts(self, scope: str | None, scope_name: str | None) -> tuple[str, str, str]:
        key = (scope, scope_name)
        found = self._offerings.get(key)
        if found is None:
            offering = self._names.offering(scope) if self._names is not None else None
            name = scope_name or (offering.name if offering else "")
            provider = (offering.customer_name if offering else None) or ""
            found = self._offerings[key] = (_fold(name), _fold(scope), _fold(provider))
        return found

    def _read_components(
        self, scope: str | None, limits: tuple[tuple[str, int], ...]
    ) -> tuple[ComponentFacts, ...]:
        return tuple([self.component(scope, type_, limit) for type_, limit in limits])

    def component(self, scope: str | None, type_: str, limit: int) -> ComponentFacts:
        """One limit's facts, one object for each distinct limit."""
        key = (scope, type_, limit)
        component = self._component.get(key)
        if component is None:
            type_text, name_text = self._component_name(scope, type_)
            component = self._component[key] = ComponentFacts(type_text, name_text, limit)
        return component

    def _component_name(self, scope: str | None, type_: str) -> tuple[str, str]:
        """A component's type and name, case-folded, once per offering and type."""
        key = (scope, type_)
        found = self._component_names.get(key)
        if found is None:
            offering = self._names.offering(scope) if self._names is not None else None
            component = offering.component(type_) if offering else None
            name = (component.name if component else "") or type_
            found = self._component_names[key] = (_fold(type_), _fold(name))
        return found

    def _unit(self, scope: str | None, type_: str) -> str:
        """The component's unit ("GB-hours"): a free word finds it, ``component:`` not."""
        offering = self._names.offering(scope) if self._names is not None else None
        component = offering.component(type_) if offering else None
        return (component.measured_unit if component else "") or ""

    def shared(self, parts: tuple[str, ...]) -> str:
        """``parts`` joined, one text for every policy with the same parts."""
        text = self._texts.get(parts)
        if text is None:
            text = self._texts[parts] = SEPARATOR.join(p for p in parts if p)
        return text


def facts_from(policy: OfferingUsagePolicy, names: Names | None = None) -> PolicyFacts:
    """The facts of one policy, its offering's and groups' names read from ``names``
    (for many policies, use one :class:`FactsReader`: it shares their texts).

    Without names (the catalog not loaded yet) the offering is the policy's own
    ``scope_name``, components are their types and groups their uuid prefixes, as the
    list shows them until the catalog arrives.
    """
    return FactsReader(names)(policy)
