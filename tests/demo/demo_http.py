"""Helpers for the demo server tests: paths, fixed uuids, clients, a valid body."""

from __future__ import annotations

import httpx

from policytui.demo import DemoServer

POLICIES = "/api/marketplace-offering-usage-policies/"
OFFERINGS = "/api/marketplace-provider-offerings/"
GROUPS = "/api/organization-groups/"
HPC = "f2f7197ac8c95301bba4cceb22b7d108"  # Acme HPC Cluster (cpu, ram, storage)
NORDIC_VMS = "63dc5f4af13e58f5b06ff688a799a088"  # the other provider's offering
NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
BALTICS = "4be3cba97346512ca69880741d4ecfd0"


def client(server: DemoServer, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Token {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


def valid_body(server: DemoServer, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "scope": f"{server.url}{OFFERINGS}{HPC}/",
        "actions": "notify_organization_owners",
        "organization_groups": [f"{server.url}{GROUPS}{NORDICS}/"],
        "component_limits_set": [{"type": "cpu", "limit": 1000}],
        "period": 2,
    }
    body.update(changes)
    return body
