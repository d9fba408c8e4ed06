"""SQLite storage of component usages: one row per (resource, component, billing month),
as the server keeps them (``set_usage`` replaces a month's figure, it does not add)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from policytui.demo.catalog import stable_uuid
from policytui.demo.consumers import (
    CONSUMERS,
    SAMPLE_CUSTOMERS,
    Consumer,
    Resource,
    consumers,
    consumers_by_uuid,
    resources_by_uuid,
    resources_of,
)
from policytui.demo.months import add_months, month_start
from policytui.demo.timefmt import iso

_SCHEMA = """
CREATE TABLE component_usages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    description TEXT NOT NULL,
    type TEXT NOT NULL,
    usage TEXT NOT NULL,
    date TEXT NOT NULL,
    recurring INTEGER NOT NULL DEFAULT 0,
    resource_uuid TEXT NOT NULL,
    offering_uuid TEXT NOT NULL,
    project_uuid TEXT NOT NULL,
    customer_uuid TEXT NOT NULL,
    billing_period TEXT NOT NULL,
    modified_by INTEGER,
    UNIQUE (resource_uuid, type, billing_period)
);
CREATE INDEX usages_order ON component_usages (date DESC, type, seq);
CREATE INDEX usages_offering ON component_usages (offering_uuid, type, billing_period);
-- What a client reading a window asks most (capture 54: offering and billing month), in
-- the list's order: a page is then a range of this index, not a sort of the offering's rows.
CREATE INDEX usages_month ON component_usages (offering_uuid, billing_period, date DESC, type, seq);
"""

#: The server's fixed order: ``-date, type`` (``o=`` is ignored); seq breaks ties.
ORDER = " ORDER BY date DESC, type, seq"
_CUSTOMER_INDEX = {c.uuid: i for i, c in enumerate(CONSUMERS)}


@dataclass(frozen=True)
class UsageRow:
    uuid: str
    created: str
    description: str
    type: str
    usage: str
    date: str
    recurring: bool
    resource_uuid: str
    offering_uuid: str
    project_uuid: str
    customer_uuid: str
    billing_period: str
    modified_by: int | None


def amount_text(amount: Decimal | int) -> str:
    """The server's decimal string: two places, ``"400.00"``."""
    return f"{Decimal(amount):.2f}"


def _reported(first: date, today: date, resource: Resource) -> datetime:
    """When the month's figure was reported: near the month's end for past months, the
    day before ``today`` for the current one; a minute apart per customer, so the
    ``-date`` order is the same on every run."""
    if first == month_start(today):
        day = max(today - timedelta(days=1), first)
    else:
        day = add_months(first, 1) - timedelta(days=3)
    minute = _CUSTOMER_INDEX.get(resource.customer.uuid, 0)
    return datetime(day.year, day.month, day.day, 12, minute, tzinfo=UTC)


class UsageStore:
    def __init__(self, customers: int = SAMPLE_CUSTOMERS) -> None:
        #: How many customers use the offerings (the sample's, or a benchmark's more).
        self.customers = customers
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        #: The list view's rendered rows, keyed by the row's values and the fields asked
        #: (views_usage.usage_list_json): a reported usage is a new key, never a stale hit.
        self.rendered: dict[tuple[object, ...], bytes] = {}

    def load(self, amounts: Iterable[tuple[tuple[str, str, int], int]], today: date) -> None:
        """Store sample amounts keyed (resource uuid, type, months before ``today``'s)."""
        by_uuid = resources_by_uuid(self.customers)
        this_month = month_start(today)
        rows = []
        for (resource_uuid, ctype, back), amount in amounts:
            resource = by_uuid[resource_uuid]
            first = add_months(this_month, -back)
            reported = _reported(first, today, resource)
            rows.append(self._row(resource, ctype, first, amount, reported, "demo usage", 1))
        rows.sort(key=lambda r: (r[5], r[3]))  # oldest first: seq grows with time
        with self._lock, self._db:
            self._db.executemany(_INSERT, rows)

    @staticmethod
    def _row(
        resource: Resource,
        ctype: str,
        first: date,
        amount: Decimal | int,
        reported: datetime,
        description: str,
        modified_by: int | None,
    ) -> tuple[object, ...]:
        period = first.isoformat()
        return (
            stable_uuid(f"usage:{resource.uuid}:{ctype}:{period}"),
            iso(reported + timedelta(seconds=5)),
            description,
            ctype,
            amount_text(amount),
            iso(reported),
            0,
            resource.uuid,
            resource.offering.uuid,
            resource.customer.project_uuid,
            resource.customer.uuid,
            period,
            modified_by,
        )

    def set_usage(
        self, resource: Resource, ctype: str, amount: Decimal, now: datetime, description: str
    ) -> None:
        """Replace the current month's figure of one component of one resource."""
        first = month_start(now.date())
        row = self._row(resource, ctype, first, amount, now, description, 1)
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM component_usages"
                " WHERE resource_uuid = ? AND type = ? AND billing_period = ?",
                (resource.uuid, ctype, first.isoformat()),
            )
            self._db.execute(_INSERT, row)

    def consumers(self) -> tuple[Consumer, ...]:
        return consumers(self.customers)

    def consumer(self, uuid: str) -> Consumer | None:
        return consumers_by_uuid(self.customers).get(uuid)

    def resource(self, uuid: str) -> Resource | None:
        """A resource by its uuid or its plan period's."""
        return resources_by_uuid(self.customers).get(uuid)

    def resources_of(self, offering_uuid: str) -> tuple[Resource, ...]:
        return resources_of(offering_uuid, self.customers)

    def count(self, where: str, args: Sequence[object]) -> int:
        with self._lock:
            row = self._db.execute(f"SELECT COUNT(*) FROM component_usages{where}", args)
            return int(row.fetchone()[0])

    def page(self, where: str, args: Sequence[object], offset: int, limit: int) -> list[UsageRow]:
        return [UsageRow(*r) for r in self.page_values(where, args, offset, limit)]

    def page_values(
        self, where: str, args: Sequence[object], offset: int, limit: int
    ) -> list[tuple[object, ...]]:
        """A page's rows as plain tuples in :class:`UsageRow`'s field order: hashable, so
        the list view keys its cache of rendered rows by them (a reported usage is a new
        tuple, so the cache never serves an old figure)."""
        sql = f"SELECT {_COLS} FROM component_usages{where}{ORDER} LIMIT ? OFFSET ?"
        with self._lock:
            cursor = self._db.cursor()
            cursor.row_factory = None
            rows = cursor.execute(sql, [*args, limit, offset]).fetchall()
        return [(*r[:6], bool(r[6]), *r[7:]) for r in rows]

    def pooled(
        self,
        offering_uuid: str,
        ctype: str,
        customers: Sequence[str] | None,
        first: date | None,
        last: date,
    ) -> Decimal:
        """The summed usage the server compares a limit with: ``customers`` None is every
        customer (apply_to_all); months from ``first`` (None: all) to ``last``."""
        sql = (
            "SELECT usage FROM component_usages"
            " WHERE offering_uuid = ? AND type = ? AND billing_period <= ?"
        )
        args: list[object] = [offering_uuid, ctype, last.isoformat()]
        if first is not None:
            sql += " AND billing_period >= ?"
            args.append(first.isoformat())
        if customers is not None:
            sql += f" AND customer_uuid IN ({', '.join('?' for _ in customers)})"
            args.extend(customers)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return sum((Decimal(r[0]) for r in rows), Decimal(0))

    def monthly_totals(self, offering_uuid: str) -> list[tuple[str, str, Decimal]]:
        """(type, billing period, usage summed over every customer) of one offering."""
        with self._lock:
            rows = self._db.execute(
                "SELECT type, billing_period, usage FROM component_usages WHERE offering_uuid = ?",
                (offering_uuid,),
            ).fetchall()
        totals: dict[tuple[str, str], Decimal] = {}
        for ctype, period, usage in rows:
            totals[(ctype, period)] = totals.get((ctype, period), Decimal(0)) + Decimal(usage)
        return [(t, p, v) for (t, p), v in sorted(totals.items())]


_COLS = (
    "uuid, created, description, type, usage, date, recurring, resource_uuid, offering_uuid,"
    " project_uuid, customer_uuid, billing_period, modified_by"
)
_INSERT = f"INSERT INTO component_usages ({_COLS}) VALUES ({', '.join('?' * 13)})"
