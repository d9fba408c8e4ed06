"""Headless Waldur client for offering usage policies (no textual or rich import, ever).

The names below load on first use (PEP 562): the UI paints its first page before pydantic
and httpx are imported, yet ``from policytui.api import errors`` or ``...import Page``
from a light module must not pull them in. ``from policytui.api import WaldurClient``
imports exactly what that name needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytui.api import errors
    from policytui.api.actions import ACTION_DESCRIPTIONS, action_label
    from policytui.api.client import WaldurClient
    from policytui.api.models import (
        ComponentLimit,
        ComponentLimitIn,
        ComponentUsage,
        Offering,
        OfferingComponent,
        OfferingCustomer,
        OfferingUsagePolicy,
        OrganizationGroup,
        Period,
        PolicyCreate,
        PolicyPatch,
        User,
    )
    from policytui.api.pagination import Page
    from policytui.api.parsing import parse_list, parse_model, parse_policy
    from policytui.api.urls import normalize_base_url
    from policytui.api.usage import OfferingUsage, UsageReader, requests_for

#: Each public name and the module that defines it.
_HOMES = {
    "errors": "policytui.api.errors",
    "WaldurClient": "policytui.api.client",
    "normalize_base_url": "policytui.api.urls",
    "OfferingUsage": "policytui.api.usage",
    "UsageReader": "policytui.api.usage",
    "requests_for": "policytui.api.usage",
    "Page": "policytui.api.pagination",
    "ACTION_DESCRIPTIONS": "policytui.api.actions",
    "action_label": "policytui.api.actions",
    "parse_list": "policytui.api.parsing",
    "parse_model": "policytui.api.parsing",
    "parse_policy": "policytui.api.parsing",
    **dict.fromkeys(
        (
            "ComponentLimit",
            "ComponentLimitIn",
            "ComponentUsage",
            "Offering",
            "OfferingComponent",
            "OfferingCustomer",
            "OfferingUsagePolicy",
            "OrganizationGroup",
            "Period",
            "PolicyCreate",
            "PolicyPatch",
            "User",
        ),
        "policytui.api.models",
    ),
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'policytui.api' has no attribute {name!r}")
    module = importlib.import_module(home)
    value = module if name == "errors" else getattr(module, name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
