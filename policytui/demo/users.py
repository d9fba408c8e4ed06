"""The three sample users, their fixed tokens and the /api/users/me/ shape."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

ACME_CUSTOMER_UUID = "e332fef9517058dcb3a18ae534fc3cd4"
NORDIC_CUSTOMER_UUID = "9d1c4b7e2f3a5e6b8c0d1e2f3a4b5c6d"


def _token(name: str) -> str:
    # Fixed, documented constants: 40 lowercase hex characters like a DRF token.
    return hashlib.sha1(f"policytui-demo-token:{name}".encode()).hexdigest()


STAFF_TOKEN = _token("staff")
OWNER_TOKEN = _token("acme-owner")
PLAIN_TOKEN = _token("plain-user")


@dataclass(frozen=True)
class DemoUser:
    key: str
    uuid: str
    username: str
    full_name: str
    first_name: str
    last_name: str
    email: str
    token: str
    is_staff: bool
    # Customer uuid this user owns (CUSTOMER.OWNER), if any.
    owner_of: str | None


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "staff",
        "3f6b0b2c1d8e5a4f9c7d2e1b0a9f8e7d",
        "staff",
        "Sam Staff",
        "Sam",
        "Staff",
        "sam.staff@waldur.example.com",
        STAFF_TOKEN,
        True,
        None,
    ),
    DemoUser(
        "owner",
        "7583e19480bb5ba4972810d462cd53c4",
        "acme-owner",
        "Alice Owner",
        "Alice",
        "Owner",
        "alice@acme-hpc.example.com",
        OWNER_TOKEN,
        False,
        ACME_CUSTOMER_UUID,
    ),
    DemoUser(
        "plain",
        "c2a9e0f4b6d84e1a8f3c5b7d9e1f2a3b",
        "plain-user",
        "Pat Plain",
        "Pat",
        "Plain",
        "pat@example.org",
        PLAIN_TOKEN,
        False,
        None,
    ),
)

USERS_BY_TOKEN: dict[str, DemoUser] = {u.token: u for u in USERS}

SAMPLE_USERS: dict[str, dict[str, str]] = {
    u.key: {"token": u.token, "username": u.username, "full_name": u.full_name} for u in USERS
}


def me_payload(user: DemoUser, base: str, *, quirks: bool) -> dict[str, Any]:
    """GET /api/users/me/ in the field order of capture 42, token included as the server does."""
    slug = f"{user.username[:9]}-1"
    permissions: list[dict[str, Any]] = []
    if user.owner_of is not None:
        permissions.append(
            {
                "user_uuid": user.uuid,
                "user_name": user.full_name,
                "user_slug": slug,
                "created": "2026-11-27T23:06:51.644817Z",
                "expiration_time": None,
                "created_by_full_name": "Sam Staff",
                "created_by_username": "staff",
                "role_name": "CUSTOMER.OWNER",
                "role_description": "Organization owner",
                "role_uuid": "a7d025cf8ef442a6a7b5d1c466dd4e28",
                "scope_type": "customer",
                "scope_uuid": user.owner_of,
                "scope_name": "Acme HPC",
            }
        )
    body: dict[str, Any] = {
        "url": f"{base}/api/users/{user.uuid}/",
        "uuid": user.uuid,
        "username": user.username,
        "slug": slug,
        "full_name": user.full_name,
        "native_name": "",
        "job_title": "",
        "email": user.email,
        "phone_number": "",
        "organization": "",
        "civil_number": None,
        "token": user.token,
        "token_lifetime": None,
        "registration_method": "default",
        "date_joined": "2026-11-27T23:06:51.048555Z",
        "agreement_date": "2026-11-27T23:06:51.048255Z",
        "preferred_language": "",
        "permissions": permissions,
        "requested_email": None,
        "affiliations": [],
        "first_name": user.first_name,
        "last_name": user.last_name,
        "identity_provider_name": "Local DB",
        "identity_provider_label": "Local DB",
        "identity_provider_management_url": "",
        "identity_provider_fields": [],
        "image": None,
        "identity_source": "",
    }
    # The 2024 server (capture 42) shows is_staff/is_support to staff only; a
    # current one always does. Clients must treat a missing is_staff as False.
    if user.is_staff or not quirks:
        body["is_staff"] = user.is_staff
        body["is_support"] = False
    return body
