"""Headless Waldur client for offering usage policies (no textual or rich import, ever)."""

from policytui.api import errors
from policytui.api.client import WaldurClient, normalize_base_url
from policytui.api.models import (
    ACTION_DESCRIPTIONS,
    ComponentLimit,
    ComponentLimitIn,
    Offering,
    OfferingComponent,
    OfferingUsagePolicy,
    OrganizationGroup,
    Period,
    PolicyCreate,
    PolicyPatch,
    User,
    action_label,
)
from policytui.api.pagination import Page
from policytui.api.parsing import parse_list, parse_model, parse_policy

__all__ = [
    "ACTION_DESCRIPTIONS",
    "ComponentLimit",
    "ComponentLimitIn",
    "Offering",
    "OfferingComponent",
    "OfferingUsagePolicy",
    "OrganizationGroup",
    "Page",
    "Period",
    "PolicyCreate",
    "PolicyPatch",
    "User",
    "WaldurClient",
    "action_label",
    "errors",
    "normalize_base_url",
    "parse_list",
    "parse_model",
    "parse_policy",
]
