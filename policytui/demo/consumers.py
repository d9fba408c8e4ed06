"""The organizations that consume the offerings: customers in organization groups, their
projects, and their resources on each offering.

A policy's usage is the pooled usage of the customers in its organization groups, so the
demo needs customers that belong to groups. The five of capture 57 keep their real uuids
and names; each group holds as many customers as its ``customers_count`` says, and one
customer belongs to no group (only an ``apply_to_all`` policy counts it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from policytui.demo.catalog import GROUPS, OFFERINGS, Offering, stable_uuid

_BY_NAME = {g.name: g.uuid for g in GROUPS}


@dataclass(frozen=True)
class Consumer:
    uuid: str
    name: str
    abbreviation: str
    #: The one organization group of the customer (the 2024 server has one); None: none.
    group_uuid: str | None

    @property
    def project_uuid(self) -> str:
        return stable_uuid(f"project:{self.uuid}")

    @property
    def project_name(self) -> str:
        return f"{self.name} research"

    @property
    def group_name(self) -> str | None:
        return next((g.name for g in GROUPS if g.uuid == self.group_uuid), None)


def _c(uuid: str | None, name: str, abbreviation: str, group: str | None) -> Consumer:
    return Consumer(
        uuid or stable_uuid(f"consumer:{name}"),
        name,
        abbreviation,
        _BY_NAME[group] if group else None,
    )


CONSUMERS: tuple[Consumer, ...] = (
    _c("6f5a19d9867e5196bf3f50d382a51fcd", "Baltic Bioinformatics", "bbi", "Baltics"),
    _c("0d16fa3be6805bb28c9df934702a59e7", "Danube Climate Lab", "dcl", "Central Europe"),
    _c("cfba50a2a24e596d9355c2760b5dc5a3", "Prague Physics Institute", "ppi", "Central Europe"),
    _c("7594d71949fe5f87807f5679bed84949", "Oslo Genomics", "osg", "Nordics"),
    _c("1da7d6276f2e56b3b5b388486ef975e8", "Uppsala Materials Group", "umg", "Nordics"),
    _c(None, "Helsinki Quantum Lab", "hql", "Finland"),
    _c(None, "Tampere Robotics", "tro", "Finland"),
    _c(None, "Oulu Arctic Research", "oar", "Finland"),
    _c(None, "Lund Neuroscience", "lne", "Sweden"),
    _c(None, "Gothenburg Marine Institute", "gmi", "Sweden"),
    _c(None, "Tartu Data Science", "tds", "Estonia"),
    _c(None, "Bologna Climate Centre", "bcc", "EuroHPC Partners"),
    _c(None, "Barcelona Genomics Hub", "bgh", "EuroHPC Partners"),
    _c(None, "Juelich Materials", "jma", "EuroHPC Partners"),
    _c(None, "Lyon Astrophysics", "lya", "EuroHPC Partners"),
    _c(None, "Independent Research Lab", "irl", None),
)
CONSUMERS_BY_UUID: dict[str, Consumer] = {c.uuid: c for c in CONSUMERS}
#: How many customers the sample has unless the settings ask for more.
SAMPLE_CUSTOMERS = len(CONSUMERS)
#: The customers of capture 57, on the HPC offering there: they use every offering here.
_CAPTURED = frozenset(c.uuid for c in CONSUMERS[:5])


@dataclass(frozen=True)
class Resource:
    uuid: str
    name: str
    offering: Offering
    customer: Consumer

    @property
    def plan_period_uuid(self) -> str:
        """The resource's current plan period: what the server's ``set_usage`` names."""
        return stable_uuid(f"plan-period:{self.uuid}")


def _draw(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:4], "big")


def _uses(offering: Offering, consumer: Consumer, first_of_group: bool) -> bool:
    # The first customer of every group uses every offering, so a policy on any group of
    # any offering has usage to pool; the others use about two offerings in three. The
    # made-up ones use every offering: "500 customers" are the offering's.
    if first_of_group or consumer.uuid in _CAPTURED or consumer.uuid not in CONSUMERS_BY_UUID:
        return True
    return _draw("uses", offering.uuid, consumer.uuid) % 3 != 0


@cache
def consumers(count: int = SAMPLE_CUSTOMERS) -> tuple[Consumer, ...]:
    """The sample's customers, then made-up ones up to ``count`` (a benchmark's 500),
    spread over the groups in turn: each group's customers grow, the named ones stay."""
    extra = tuple(
        _c(None, f"Research Centre {i:04d}", f"rc{i:04d}", GROUPS[i % len(GROUPS)].name)
        for i in range(max(0, count - SAMPLE_CUSTOMERS))
    )
    return CONSUMERS + extra


@cache
def consumers_by_uuid(count: int = SAMPLE_CUSTOMERS) -> dict[str, Consumer]:
    return {c.uuid: c for c in consumers(count)}


@cache
def resources(count: int = SAMPLE_CUSTOMERS) -> tuple[Resource, ...]:
    """Every resource of every consumer, one per (offering, customer) it uses."""
    seen_groups: set[str | None] = set()
    firsts: set[str] = set()
    for consumer in consumers(count):
        if consumer.group_uuid not in seen_groups:
            seen_groups.add(consumer.group_uuid)
            firsts.add(consumer.uuid)
    out: list[Resource] = []
    for offering in OFFERINGS:
        short = offering.name.lower().split()[-1]
        for consumer in consumers(count):
            if _uses(offering, consumer, consumer.uuid in firsts):
                out.append(
                    Resource(
                        stable_uuid(f"resource:{offering.uuid}:{consumer.uuid}"),
                        f"{consumer.abbreviation}-{short}",
                        offering,
                        consumer,
                    )
                )
    return tuple(out)


@cache
def resources_of(offering_uuid: str, count: int = SAMPLE_CUSTOMERS) -> tuple[Resource, ...]:
    return tuple(r for r in resources(count) if r.offering.uuid == offering_uuid)


@cache
def resources_by_uuid(count: int = SAMPLE_CUSTOMERS) -> dict[str, Resource]:
    out = {r.uuid: r for r in resources(count)}
    out.update({r.plan_period_uuid: r for r in resources(count)})
    return out


def weight(resource: Resource) -> int:
    """How heavily a customer uses an offering (1..9; one in five uses it four times more)."""
    draw = _draw("weight", resource.uuid)
    return (1 + draw % 9) * (4 if draw % 5 == 0 else 1)
