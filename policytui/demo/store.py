"""SQLite storage of policies. One connection, guarded by a lock, because uvicorn serves
from its own thread while tests poke the store from theirs."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policytui.demo.sample import COLUMNS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS policies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    scope_uuid TEXT NOT NULL,
    actions TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    apply_to_all INTEGER NOT NULL DEFAULT 0,
    groups TEXT NOT NULL DEFAULT '[]',
    limits TEXT NOT NULL DEFAULT '[]',
    period INTEGER NOT NULL DEFAULT 2,
    has_fired INTEGER NOT NULL DEFAULT 0,
    fired_datetime TEXT,
    created TEXT NOT NULL,
    created_by_username TEXT,
    created_by_full_name TEXT
);
"""
# Built after the bulk load: filling indexed tables row by row is about twice as slow.
_INDEXES = """
CREATE INDEX IF NOT EXISTS policies_created ON policies (created DESC, seq DESC);
CREATE INDEX IF NOT EXISTS policies_scope ON policies (scope_uuid, created DESC);
"""


@dataclass
class Policy:
    """One stored policy, JSON columns decoded."""

    uuid: str
    scope_uuid: str
    actions: str
    options: Any = field(default_factory=dict)
    apply_to_all: bool = False
    groups: list[str] = field(default_factory=list)
    limits: list[tuple[str, int]] = field(default_factory=list)
    period: int = 2
    has_fired: bool = False
    fired_datetime: str | None = None
    created: str = ""
    created_by_username: str | None = None
    created_by_full_name: str | None = None

    def to_row(self) -> tuple[object, ...]:
        return (
            self.uuid,
            self.scope_uuid,
            self.actions,
            json.dumps(self.options),
            int(self.apply_to_all),
            json.dumps(self.groups),
            json.dumps([list(x) for x in self.limits]),
            self.period,
            int(self.has_fired),
            self.fired_datetime,
            self.created,
            self.created_by_username,
            self.created_by_full_name,
        )

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Policy:
        return cls(
            uuid=row["uuid"],
            scope_uuid=row["scope_uuid"],
            actions=row["actions"],
            options=json.loads(row["options"]),
            apply_to_all=bool(row["apply_to_all"]),
            groups=json.loads(row["groups"]),
            limits=[(t, int(v)) for t, v in json.loads(row["limits"])],
            period=row["period"],
            has_fired=bool(row["has_fired"]),
            fired_datetime=row["fired_datetime"],
            created=row["created"],
            created_by_username=row["created_by_username"],
            created_by_full_name=row["created_by_full_name"],
        )


_COLS = ", ".join(COLUMNS)
_MARKS = ", ".join("?" for _ in COLUMNS)


class Store:
    def __init__(self, db_path: str | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.executescript(_SCHEMA)

    def create_indexes(self) -> None:
        with self._lock:
            self._db.executescript(_INDEXES)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert_many(self, rows: Iterable[tuple[object, ...]]) -> None:
        with self._lock, self._db:
            self._db.executemany(f"INSERT INTO policies ({_COLS}) VALUES ({_MARKS})", rows)

    def is_empty(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM policies LIMIT 1").fetchone() is None

    @staticmethod
    def _where(scopes: Sequence[str] | None) -> tuple[str, list[object]]:
        # scopes None: no restriction (staff); an empty list matches nothing.
        if scopes is None:
            return "", []
        if not scopes:
            return " WHERE 0", []
        return f" WHERE scope_uuid IN ({', '.join('?' for _ in scopes)})", list(scopes)

    def count(self, scopes: Sequence[str] | None) -> int:
        where, args = self._where(scopes)
        with self._lock:
            row = self._db.execute(f"SELECT COUNT(*) FROM policies{where}", args).fetchone()
        return int(row[0])

    def page(self, scopes: Sequence[str] | None, offset: int, limit: int) -> list[Policy]:
        where, args = self._where(scopes)
        sql = f"SELECT * FROM policies{where} ORDER BY created DESC, seq DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [Policy.from_row(r) for r in rows]

    def page_rows(self, scopes: Sequence[str] | None, offset: int, limit: int) -> list[tuple]:
        """:meth:`page` as the stored rows (plain tuples: hashable, no decoding)."""
        where, args = self._where(scopes)
        sql = (
            f"SELECT {_COLS} FROM policies{where} ORDER BY created DESC, seq DESC LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [tuple(r) for r in rows]

    def notifying_policies_of(self, scope_uuid: str, group_uuid: str) -> list[Policy]:
        """The policies a usage report of a customer in ``group_uuid`` re-evaluates: the
        offering's policies of that group with an immediate (``notify_*``) action."""
        sql = (
            "SELECT * FROM policies WHERE scope_uuid = ? AND groups LIKE ? AND actions LIKE ?"
            " ORDER BY created DESC, seq DESC"
        )
        with self._lock:
            rows = self._db.execute(sql, (scope_uuid, f'%"{group_uuid}"%', "%notify_%"))
            return [Policy.from_row(r) for r in rows.fetchall()]

    def get(self, uuid: str) -> Policy | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM policies WHERE uuid = ?", (uuid,)).fetchone()
        return Policy.from_row(row) if row is not None else None

    def insert(self, policy: Policy) -> None:
        self.insert_many([policy.to_row()])

    def replace(self, policy: Policy) -> None:
        sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        with self._lock, self._db:
            self._db.execute(
                f"UPDATE policies SET {sets} WHERE uuid = ?", (*policy.to_row()[1:], policy.uuid)
            )

    def delete(self, uuid: str) -> bool:
        with self._lock, self._db:
            cur = self._db.execute("DELETE FROM policies WHERE uuid = ?", (uuid,))
        return cur.rowcount > 0
