"""Bodies of the canned bad answers: broken JSON, a login page, policies of the wrong shape."""

from __future__ import annotations

import json
from typing import Any

from policytui.demo.responses import dumps
from policytui.demo.wire import GROUPS_PATH, OFFERINGS_PATH, policy_url

LOGIN_HTML = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
    "  <title>Sign in | Waldur</title>\n</head>\n<body>\n"
    '  <form method="post" action="/login/">\n'
    '    <label>Username <input name="username"></label>\n'
    '    <label>Password <input name="password" type="password"></label>\n'
    '    <button type="submit">Sign in</button>\n  </form>\n</body>\n</html>\n'
)
_OFFERING = "f2f7197ac8c95301bba4cceb22b7d108"
_GROUP = "8130456b77b452d8ae8c11d9551f8b22"


def fake_policy(base: str, i: int) -> dict[str, Any]:
    """A well-formed policy, numbered, that exists only in a fault's answer."""
    uuid = f"{0xFA017 + i:032x}"
    return {
        "uuid": uuid,
        "url": policy_url(base, uuid),
        "scope": f"{base}{OFFERINGS_PATH}{_OFFERING}/",
        "scope_name": "Acme HPC Cluster",
        "scope_uuid": _OFFERING,
        "actions": "notify_organization_owners",
        "created": f"2026-11-{1 + i % 27:02d}T10:00:00.{i % 1_000_000:06d}Z",
        "created_by_full_name": "Sam Staff",
        "created_by_username": "staff",
        "has_fired": False,
        "fired_datetime": None,
        "organization_groups": [f"{base}{GROUPS_PATH}{_GROUP}/"],
        "component_limits_set": [{"type": "cpu", "limit": 1000 + i}],
        "period": 2,
        "period_name": "1 month",
    }


def wrong_types(base: str, i: int) -> dict[str, Any]:
    body = fake_policy(base, i)
    body.update(
        period="x",
        component_limits_set="nope",
        has_fired="sometimes",
        created=1764201600,
        organization_groups="all of them",
        fired_datetime=["yesterday"],
    )
    return body


def missing_fields(base: str, i: int) -> dict[str, Any]:
    body = fake_policy(base, i)
    for key in ("uuid", "actions", "url"):
        del body[key]
    return body


def truncated_json(base: str) -> bytes:
    text = dumps([fake_policy(base, 0), fake_policy(base, 1)])
    return text[: len(text) // 2]


def huge(base: str, count: int) -> bytes:
    # Built by formatting one template: tens of thousands of dicts through json.dumps is slow.
    template = json.dumps(fake_policy(base, 0), separators=(",", ":"))
    head, tail = template.split(f"{0xFA017:032x}", 1)
    tail = tail.replace(f"{0xFA017:032x}", "{uuid}")
    parts = [
        head + f"{0xFA017 + i:032x}" + tail.replace("{uuid}", f"{0xFA017 + i:032x}")
        for i in range(count)
    ]
    return ("[" + ",".join(parts) + "]").encode()
