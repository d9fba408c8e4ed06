"""Plain data shared by the export, the checks, the plan and the writes.

No pydantic here (the command line must not import it before a command runs): the
client's models are turned into these by ``server``. A policy is reduced to the fields a
person writes in the file, in comparable form: actions in the one canonical order,
organization groups as sorted uuids, limits in the order sent (the server checks only the
first, so their order means something), options as a plain object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Waldur's period numbers and the words the file uses for them (the app's labels).
PERIOD_WORDS: dict[int, str] = {1: "Total", 2: "1 month", 3: "3 months", 4: "12 months"}
#: Also read: the server's own ``period_name`` ("3 month") and lower-case forms.
PERIOD_ALIASES: dict[str, int] = {
    **{word.lower(): number for number, word in PERIOD_WORDS.items()},
    "3 month": 3,
    "12 month": 4,
    "1 months": 2,
}

INT32_MAX = 2_147_483_647
NOTIFY_EXTERNAL_USER = "notify_external_user"


@dataclass(frozen=True)
class Features:
    """What the server in front of us understands (the 2024 server lacks the first two)."""

    options: bool = True
    apply_to_all: bool = True
    #: The 2024 server keeps one component limit per policy (each limit sent overwrites
    #: the one before) and answers 500 to a write of the limits of a policy holding several.
    one_limit: bool = False

    @classmethod
    def of_2024(cls) -> Features:
        return cls(options=False, apply_to_all=False, one_limit=True)


@dataclass(frozen=True)
class Component:
    type: str
    name: str
    unit: str


@dataclass(frozen=True)
class OfferingInfo:
    uuid: str
    name: str
    components: tuple[Component, ...]

    def component(self, type_: str) -> Component | None:
        return next((c for c in self.components if c.type == type_), None)


@dataclass(frozen=True)
class GroupInfo:
    uuid: str
    name: str
    #: ``Parent \u203a Child`` as `list` and `show` print it (the name alone at the top), so a
    #: group exported by that path is found again, and two "Estonia"s stay apart.
    path: str = ""

    @property
    def label(self) -> str:
        return self.path or self.name


@dataclass
class Catalog:
    """What the file's names and uuids are checked against: the offerings the user
    manages, the organization groups, the actions this server offers."""

    offerings: dict[str, OfferingInfo]
    groups: dict[str, GroupInfo]
    actions: tuple[str, ...]
    features: Features

    def group_name(self, uuid: str) -> str:
        group = self.groups.get(uuid)
        return group.label if group else uuid

    def offering_name(self, uuid: str) -> str:
        offering = self.offerings.get(uuid)
        return offering.name if offering else uuid


@dataclass(frozen=True)
class PolicyValues:
    """The writable fields of a policy, comparable: equal values mean "no change"."""

    actions: tuple[str, ...]
    period: int
    organization_groups: tuple[str, ...]
    apply_to_all: bool
    component_limits: tuple[tuple[str, int], ...]
    options: dict[str, Any] = field(default_factory=dict, hash=False)


#: The fields of PolicyValues in the file's order (the plan's too), with their words.
FIELD_WORDS: dict[str, str] = {
    "actions": "actions",
    "period": "period",
    "organization_groups": "organization groups",
    "apply_to_all": "apply to all",
    "component_limits": "component limits",
    "options": "options",
}


def compared_fields(features: Features) -> list[str]:
    """The fields this server stores, so the ones a difference can be in."""
    names = list(FIELD_WORDS)
    if not features.apply_to_all:
        names.remove("apply_to_all")
    if not features.options:
        names.remove("options")
    return names


@dataclass(frozen=True)
class StoredPolicy:
    """A policy as the server holds it (read-only fields left out but ``created``, which
    orders the export: a new policy comes last, so an export diffs well)."""

    uuid: str
    offering_uuid: str
    values: PolicyValues
    created: str = ""
    has_fired: bool = False


@dataclass(frozen=True)
class WantedPolicy:
    """A policy as the file wants it, checked: ``uuid`` None means "create"."""

    offering_uuid: str
    uuid: str | None
    values: PolicyValues
    line: int
    #: The line of each field's key, for a problem found later (by the plan).
    field_lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    #: Limits on components the offering lacks: a problem only if the limits are written
    #: (the server fails on them), not when they stay as the server holds them.
    stray_limits: tuple[Problem, ...] = field(default=(), hash=False, compare=False)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class WantedOffering:
    uuid: str
    line: int
    policies: tuple[WantedPolicy, ...]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file, at its line (1-based; 0 when the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
