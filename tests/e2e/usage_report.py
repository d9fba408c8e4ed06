"""A provider's usage report, as the e2e tests make one: a policy given a limit of its
own, and the `set_usage` that brings its pooled usage to a chosen amount (the demo server
re-evaluates policies as the server does, SEMANTICS.md)."""

from __future__ import annotations

from typing import Any

from policytui.demo import STAFF_TOKEN

API = "/api"
POLICIES = f"{API}/marketplace-offering-usage-policies/"


def set_limit(server: Any, policy: dict[str, Any], limit: int) -> dict[str, Any]:
    """The policy's one component limit set to ``limit`` (PATCH); the policy as stored."""
    kind = policy["component_limits_set"][0]["type"]
    return server.control(
        "PATCH",
        f"{POLICIES}{policy['uuid']}/",
        {"component_limits_set": [{"type": kind, "limit": limit}]},
        token=STAFF_TOKEN,
    )


def a_members_resource(server: Any, policy: dict[str, Any]) -> str:
    """A resource of a customer in one of the policy's organization groups: usage reported
    on it counts towards the policy's pooled sum."""
    offering = policy["scope_uuid"]
    groups = {g.rstrip("/").rsplit("/", 1)[-1] for g in policy["organization_groups"]}
    customers = server.control(
        "GET", f"{API}/marketplace-provider-offerings/{offering}/customers/", token=STAFF_TOKEN
    )
    member = next(c["uuid"] for c in customers if c["organization_group_uuid"] in groups)
    rows = server.control(
        "GET",
        f"{API}/marketplace-component-usages/?offering_uuid={offering}&page_size=300",
        token=STAFF_TOKEN,
    )
    return next(r["resource_uuid"] for r in rows if r["customer_uuid"] == member)


def report_body(resource: str, kind: str, amount: int) -> dict[str, Any]:
    return {"resource": resource, "usages": [{"type": kind, "amount": amount}]}


def report_usage(server: Any, resource: str, kind: str, amount: int) -> None:
    """This month's usage of ``kind`` on ``resource`` set to ``amount`` (set_usage)."""
    server.control(
        "POST",
        f"{API}/marketplace-component-usages/set_usage/",
        report_body(resource, kind, amount),
        token=STAFF_TOKEN,
    )
