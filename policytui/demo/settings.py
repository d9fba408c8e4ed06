"""Knobs of the demo server: sample size, server generation, latency and faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

# The sample data is laid out relative to this fixed instant so that snapshots and
# tests see the same "last 30 days" whatever the wall clock says.
DEMO_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

# Named faults (params in brackets). Faults are checked in list order; every matching
# one that triggers uses up one of its `times`. The first one that answers by itself
# ends the request, so two forever-faults that both answer: only the first is ever seen.
#   timeout        sleep [seconds=30] (or until release_held), then answer normally; if
#                  the client hung up meanwhile, a write is not applied unless [complete=True]
#   status         answer [status=500]; 5xx come as HTML (Django 500 page / proxy page)
#   rate_limit     429, Retry-After [retry_after=1], DRF's throttled message
#   drop           promise a Content-Length, send a third of the body, close the connection
#   malformed_json 200 application/json, truncated
#   html           200 text/html login page
#   wrong_types    200, policies with period "x", component_limits_set "nope", ... [count=3]
#   missing_fields 200, policies without uuid/url/actions [count=3]
#   huge           200, a JSON array of [count=50000] policies
#   no_link        the real answer without its Link header
#   bad_count      the real answer with X-Result-Count: lots
#   revoke_token   401 Invalid token for any request that carries a token
#   delete_policy  delete policy [uuid] (required), then answer normally
FAULT_NAMES: tuple[str, ...] = (
    "timeout",
    "status",
    "rate_limit",
    "drop",
    "malformed_json",
    "html",
    "wrong_types",
    "missing_fields",
    "huge",
    "no_link",
    "bad_count",
    "revoke_token",
    "delete_policy",
)


@dataclass
class Fault:
    """One injected misbehaviour, triggered by API requests that match it.

    ``times`` is how many requests it still affects (None: every one); ``method``,
    ``path`` and ``query`` narrow which requests match (``path`` is a substring of the
    URL path, ``query`` of its query string: ``"page=3&page_size=300"`` holds one page
    of a 300-a-page walk; ``"page=3&"`` alone also matches the paged view's page 3).
    """

    name: str
    times: int | None = None
    method: str | None = None
    path: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    query: str | None = None

    def __post_init__(self) -> None:
        if self.name not in FAULT_NAMES:
            raise ValueError(f"unknown fault {self.name!r}; known: {', '.join(FAULT_NAMES)}")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0 or None")

    def matches(self, method: str, path: str, query: str = "") -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.query is not None and self.query not in query:
            return False
        return self.path is None or self.path in path

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "times": self.times,
            "method": self.method,
            "path": self.path,
            "params": dict(self.params),
            "query": self.query,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        if not isinstance(data, dict) or "name" not in data:
            raise ValueError("a fault is an object with at least a 'name'")
        unknown = set(data) - {"name", "times", "method", "path", "params", "query"}
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        return cls(
            name=data["name"],
            times=data.get("times"),
            method=data.get("method"),
            path=data.get("path"),
            params=dict(data.get("params") or {}),
            query=data.get("query"),
        )


@dataclass
class DemoSettings:
    policies: int = 60
    seed: int = 1
    # True: behave like the October 2024 server of the captures; False: a correct
    # current server (options, apply_to_all, affected_resources_count, ...).
    quirks: bool = False
    page_size_cap: int = 300
    latency_ms: float = 0.0
    error_rate: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    now: datetime = DEMO_NOW
    db_path: str | None = None
    #: The server's "today" (its date.today()): the month that usage windows end with and
    #: the sample usage's 14 months end with. None: the wall clock's date, as on a server.
    today: date | None = None
    #: Customers using the offerings: None, the sample's 16; more adds made-up ones spread
    #: over the groups, each using every offering (a benchmark's 500).
    customers: int | None = None
    #: Every sample policy on this offering (uuid), else each on a drawn one.
    offering: str | None = None
    #: Every sample policy with this period (1 Total, 2 one month, 3 three, 4 twelve),
    #: else each with a drawn one.
    period: int | None = None
