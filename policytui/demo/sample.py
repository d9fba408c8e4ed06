"""Deterministic sample policies: the same seed always gives the same rows."""

from __future__ import annotations

import bisect
import itertools
import json
import random
from collections.abc import Iterator
from datetime import timedelta

from policytui.demo.catalog import GROUPS, OFFERINGS, current_usage
from policytui.demo.settings import DemoSettings
from policytui.demo.timefmt import iso
from policytui.demo.usage_sample import SampleDigest
from policytui.demo.users import USERS

_YEAR_US = 365 * 24 * 3600 * 1_000_000
_MONTH_US = 30 * 24 * 3600 * 1_000_000
_ACTION_CHOICES = (
    "notify_organization_owners",
    "block_creation_of_new_resources",
    "notify_organization_owners,block_creation_of_new_resources",
    "block_creation_of_new_resources,notify_organization_owners",
    "notify_external_user",
)
_ACTION_WEIGHTS = (40, 25, 20, 5, 10)
_PERIODS = (1, 2, 2, 2, 3, 4)

# Column order of the `policies` table (see store.py), minus the autoincrement key.
COLUMNS = (
    "uuid",
    "scope_uuid",
    "actions",
    "options",
    "apply_to_all",
    "groups",
    "limits",
    "period",
    "has_fired",
    "fired_datetime",
    "created",
    "created_by_username",
    "created_by_full_name",
)


def _round10(value: float) -> int:
    return max(10, round(value / 10.0) * 10)


def _json_list(items: list[str]) -> str:
    # Hand-built JSON: json.dumps per row dominates the time for 100k policies.
    return "[" + ",".join(f'"{x}"' for x in items) + "]"


def generate(
    settings: DemoSettings, digest: SampleDigest | None = None
) -> Iterator[tuple[object, ...]]:
    """Yield `settings.policies` rows for executemany, newest first; each is also told to
    ``digest`` (what the sample usage must agree with), when given.

    Every draw goes through rng.random() (or getrandbits): Random.sample/choices/randint
    cost several times more, and 100_000 rows must build in a couple of seconds.
    """
    rng = random.Random(settings.seed)
    rand = rng.random
    n = settings.policies
    now = settings.now
    seed = settings.seed
    # Distinct microsecond offsets: every `created` differs, so -created order is total.
    offsets = sorted(rng.sample(range(1, _YEAR_US), n)) if n else []
    offerings = rng.choices(OFFERINGS, weights=[o.weight for o in OFFERINGS], k=n)
    if settings.offering is not None:  # a benchmark's one offering with many policies
        offerings = [next(o for o in OFFERINGS if o.uuid == settings.offering)] * n
    staff, owner = USERS[0], USERS[1]
    group_uuids = [g.uuid for g in GROUPS]
    group_sets = [sorted(c) for k in (1, 2, 3) for c in itertools.combinations(group_uuids, k)]
    group_keys = [frozenset(g) for g in group_sets]
    type_picks = {
        o.uuid: {
            k: list(itertools.permutations(o.component_types, min(k, len(o.components))))
            for k in (1, 2, 3)
        }
        for o in OFFERINGS
    }
    usage = {
        (o.uuid, t, period): current_usage(o.uuid, t, period, seed)
        for o in OFFERINGS
        for t in o.component_types
        for period in (1, 2, 3, 4)
    }
    action_cum = list(itertools.accumulate(_ACTION_WEIGHTS))
    action_total = action_cum[-1]
    external_options = json.dumps({"notify_external_user": "hpc-support@acme-hpc.example.com"})
    for offset, offering in zip(offsets, offerings, strict=True):
        created_dt = now - timedelta(microseconds=offset)
        period = _PERIODS[int(rand() * len(_PERIODS))]
        if settings.period is not None:
            period = settings.period
        actions = _ACTION_CHOICES[bisect.bisect_right(action_cum, rand() * action_total)]
        options = "{}"
        if actions == "notify_external_user":
            if settings.quirks:  # the 2024 server has no such action
                actions = "notify_organization_owners"
            else:
                options = external_options
        roll = rand()
        picks = type_picks[offering.uuid][1 if roll < 0.75 else (2 if roll < 0.9 else 3)]
        types = picks[int(rand() * len(picks))]
        fired = rand() < 0.15
        limits: list[str] = []
        first_limit = 0
        for i, ctype in enumerate(types):
            used = usage[(offering.uuid, ctype, period)]
            if fired and i == 0:
                limit = min(_round10(used * (0.3 + 0.65 * rand())), used - 1)
            else:
                limit = _round10(used * (1.1 + 1.9 * rand()))
            limits.append(f'["{ctype}",{limit}]')
            if i == 0:
                first_limit = limit
        fired_dt = None
        if fired:
            window = max(min(_MONTH_US, offset), 1)
            fired_dt = iso(now - timedelta(microseconds=int(rand() * window)))
        group_index = int(rand() * len(group_sets))
        groups = group_sets[group_index]
        apply_to_all = rand() < 0.15 and not settings.quirks
        who = rand()
        if who < 0.08:
            username, full_name = None, None
        elif who < 0.55 and offering.customer.uuid == owner.owner_of:
            username, full_name = owner.username, owner.full_name
        else:
            username, full_name = staff.username, staff.full_name
        uuid = f"{rng.getrandbits(128):032x}"
        limits_json = "[" + ",".join(limits) + "]"
        if digest is not None and not fired:
            digest.add(
                uuid, offering.uuid, actions, apply_to_all, group_keys[group_index],
                types[0], first_limit, limits_json, period,
            )  # fmt: skip
        yield (
            uuid,
            offering.uuid,
            actions,
            options,
            int(apply_to_all),
            "[]" if apply_to_all else _json_list(groups),
            limits_json,
            period,
            int(fired),
            fired_dt,
            iso(created_dt),
            username,
            full_name,
        )
