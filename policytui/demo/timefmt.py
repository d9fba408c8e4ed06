"""Timestamps as the server writes them: ISO 8601, microseconds, a trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(dt: datetime) -> str:
    # Stored and sent in one fixed-width format, so text order is time order in SQLite.
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def wall_now() -> str:
    return iso(datetime.now(UTC))
