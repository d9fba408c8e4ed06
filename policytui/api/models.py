"""Pydantic models of what a Waldur server sends (read models) and accepts (request models).

Read models tolerate what real servers send: null ``fired_datetime``, missing
creator fields, optional ``options`` / ``apply_to_all`` / ``affected_resources_count``,
and unknown extra fields. Request models are separate, so read-only fields are never
sent back and a PATCH carries only the fields the caller set.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

# Re-exported: the action names' texts live in a module without pydantic (the list
# screen formats rows before the models are imported).
from policytui.api.actions import ACTION_DESCRIPTIONS as ACTION_DESCRIPTIONS
from policytui.api.actions import ACTION_LABELS as ACTION_LABELS
from policytui.api.actions import action_label as action_label
from policytui.api.actions import canonical_actions

INT32_MAX = 2_147_483_647
#: ``date`` under another name: ComponentUsage has a field called ``date``.
_Date = date


class Period(IntEnum):
    TOTAL = 1
    MONTH_1 = 2
    MONTH_3 = 3
    MONTH_12 = 4

    @property
    def label(self) -> str:
        return _PERIOD_LABELS[self]

    @property
    def months(self) -> int | None:
        """Billing months the server sums, the current one included; None: every month."""
        return _PERIOD_MONTHS[self]


_PERIOD_MONTHS = {Period.TOTAL: None, Period.MONTH_1: 1, Period.MONTH_3: 3, Period.MONTH_12: 12}

#: Said by the app, not taken from the server's ``period_name`` ("3 month").
_PERIOD_LABELS = {
    Period.TOTAL: "Total",
    Period.MONTH_1: "1 month",
    Period.MONTH_3: "3 months",
    Period.MONTH_12: "12 months",
}


def split_actions(value: str | list[str] | None) -> list[str]:
    """The server's comma string as a list (no trimming on the server, so none here)."""
    if value is None:
        return []
    if isinstance(value, list):
        # A list of names (how a newer client may hold them); anything else in it is junk.
        if not all(isinstance(v, str) for v in value):
            raise ValueError("actions must be names")
        return [v for v in value if v]
    if not isinstance(value, str):
        # A number or an object is not an action name: reveal the bad answer, do not
        # invent an action called "5" or "{'a': 1}".
        raise ValueError("actions must be a comma-separated string")
    return [part for part in value.split(",") if part]


def join_actions(actions: list[str]) -> str:
    """Join exactly with ',' : the server rejects ``"a, b"``."""
    return ",".join(a.strip() for a in actions if a.strip())


def actions_for_the_server(actions: list[str]) -> str:
    """What a request sends: every action once, in the canonical order, joined with ','."""
    return join_actions(canonical_actions(a.strip() for a in actions))


#: The option that holds e-mail addresses: one comma-separated string on the wire.
NOTIFY_EXTERNAL_USER = "notify_external_user"


def external_addresses(options: dict[str, Any] | None) -> list[str]:
    """The addresses of ``options.notify_external_user``, from either shape servers send:
    the comma-separated string of current servers, or a list (as earlier docs said)."""
    value = (options or {}).get(NOTIFY_EXTERNAL_USER)
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [text for text in (str(item).strip() for item in items) if text]


def options_for_the_server(options: Any) -> Any:
    """``options`` with the addresses as the one string servers accept.

    Current servers split ``notify_external_user`` on "," and answer 400 "Options for
    notify_external_user are invalid." to anything but a string, so a list is joined
    with "," exactly (no spaces: the server does not trim). Other keys pass untouched.
    """
    if not isinstance(options, dict) or NOTIFY_EXTERNAL_USER not in options:
        return options
    value = options[NOTIFY_EXTERNAL_USER]
    if isinstance(value, list):
        value = ",".join(external_addresses(options))
    return {**options, NOTIFY_EXTERNAL_USER: value}


class _Read(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ComponentLimit(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    limit: int

    @field_validator("limit", mode="before")
    @classmethod
    def _limit_int(cls, v: Any) -> Any:
        # The server accepts "250"; tolerate it when reading back.
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            return int(v)
        return v


class OfferingUsagePolicy(_Read):
    """A policy as the server sends it."""

    uuid: str
    url: str = ""
    scope: str = ""
    scope_name: str | None = None
    scope_uuid: str | None = None
    actions: list[str] = Field(default_factory=list)
    options: dict[str, Any] | None = None
    organization_groups: list[str] = Field(default_factory=list)
    apply_to_all: bool | None = None
    component_limits_set: list[ComponentLimit] = Field(default_factory=list)
    period: Period = Period.MONTH_1
    period_name: str | None = None
    has_fired: bool = False
    fired_datetime: datetime | None = None
    created: datetime | None = None
    created_by_full_name: str | None = None
    created_by_username: str | None = None
    affected_resources_count: int | None = None

    @field_validator("actions", mode="before")
    @classmethod
    def _split(cls, v: Any) -> list[str]:
        return split_actions(v)

    @field_validator("options", mode="before")
    @classmethod
    def _one_address_shape(cls, v: Any) -> Any:
        # Read both shapes, hold one: a list from an older server compares equal to the
        # string the app writes, so a read-back never reports a difference of shape.
        return options_for_the_server(v)

    @field_validator("organization_groups", "component_limits_set", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> Any:
        return Period.MONTH_1 if v is None else v

    @field_validator("has_fired", mode="before")
    @classmethod
    def _fired(cls, v: Any) -> Any:
        return False if v is None else v

    @property
    def period_label(self) -> str:
        # From the number: the server's period_name reads "3 month", "12 month".
        return self.period.label

    @property
    def creator(self) -> str:
        return self.created_by_full_name or self.created_by_username or ""

    @property
    def actions_string(self) -> str:
        return join_actions(self.actions)


class OfferingComponent(_Read):
    model_config = ConfigDict(defer_build=True)  # built on first use, after the first paint
    type: str
    name: str = ""
    measured_unit: str = ""
    billing_type: str = ""

    @property
    def label(self) -> str:
        return self.name or self.type


class Offering(_Read):
    model_config = ConfigDict(defer_build=True)  # built on first use, after the first paint
    uuid: str
    url: str = ""
    name: str = ""
    customer_name: str | None = None
    customer_uuid: str | None = None
    state: str | None = None
    components: list[OfferingComponent] = Field(default_factory=list)

    @field_validator("components", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v

    def component(self, type_: str) -> OfferingComponent | None:
        return next((c for c in self.components if c.type == type_), None)


class OrganizationGroup(_Read):
    model_config = ConfigDict(defer_build=True)  # built on first use, after the first paint
    uuid: str
    url: str = ""
    name: str = ""
    type_name: str | None = None
    parent: str | None = None
    parent_name: str | None = None
    parent_uuid: str | None = None
    customers_count: int | None = None


class Permission(_Read):
    model_config = ConfigDict(defer_build=True)  # built on first use, after the first paint
    role_name: str | None = None
    role_description: str | None = None
    scope_type: str | None = None
    scope_uuid: str | None = None
    scope_name: str | None = None


class User(_Read):
    """The token's user. The server's body carries the ``token`` itself: it is dropped here."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    uuid: str = ""
    url: str = ""
    username: str = ""
    full_name: str = ""
    email: str | None = None
    is_staff: bool = False
    is_support: bool = False
    permissions: list[Permission] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _drop_token(cls, data: Any) -> Any:
        if isinstance(data, dict) and "token" in data:
            data = {k: v for k, v in data.items() if k != "token"}
        return data

    @field_validator("permissions", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v


class ComponentUsage(_Read):
    """One usage row (``/api/marketplace-component-usages/``): one component of one
    resource in one billing month."""

    model_config = ConfigDict(defer_build=True)
    uuid: str = ""
    type: str
    name: str | None = None
    measured_unit: str | None = None
    #: A decimal string on the 2024 server (``"400.00"``), a number on others: both read.
    usage: Decimal
    date: datetime | None = None
    billing_period: _Date
    resource_uuid: str | None = None
    resource_name: str | None = None
    offering_uuid: str | None = None
    offering_name: str | None = None
    project_uuid: str | None = None
    customer_uuid: str | None = None
    customer_name: str | None = None

    @field_validator("usage", mode="before")
    @classmethod
    def _decimal(cls, v: Any) -> Any:
        # Through str: a JSON float 0.1 is read as 0.1, not 0.1000000000000000055...
        if isinstance(v, bool) or v is None:
            raise ValueError("usage must be a number")
        if isinstance(v, int | float | str):
            try:
                value = Decimal(str(v).strip())
            except InvalidOperation:
                raise ValueError("usage must be a number") from None
            if not value.is_finite():
                raise ValueError("usage must be a finite number")
            return value
        return v

    @field_validator("billing_period", mode="before")
    @classmethod
    def _month(cls, v: Any) -> Any:
        # ``YYYY-MM-01``; a server that sends a timestamp still names the month.
        return v[:10] if isinstance(v, str) else v


class OfferingCustomer(_Read):
    """A customer with resources on an offering, with its organization group
    (``/api/marketplace-provider-offerings/{uuid}/customers/``, provider owners and staff)."""

    model_config = ConfigDict(defer_build=True)
    uuid: str
    name: str = ""
    organization_group_uuid: str | None = None
    organization_group_name: str | None = None

    @field_validator("organization_group_uuid", mode="before")
    @classmethod
    def _blank(cls, v: Any) -> Any:
        return None if v == "" else v


# --- request models --------------------------------------------------------------


class ComponentLimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: str = Field(min_length=1)
    limit: int = Field(ge=0, le=INT32_MAX)


class _Body(BaseModel):
    """What every request body shares: the actions and the addresses in the one shape
    servers accept (the fields themselves are declared by each body)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    @field_serializer("actions", check_fields=False)
    def _join(self, actions: list[str] | None) -> str | None:
        return None if actions is None else actions_for_the_server(actions)

    @field_validator("options", mode="after", check_fields=False)
    @classmethod
    def _addresses_as_one_string(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return options_for_the_server(v)

    @field_serializer("options", check_fields=False)
    def _options(self, v: dict[str, Any] | None) -> dict[str, Any] | None:
        # Also for bodies made with model_copy(update=...), which skips validators.
        return options_for_the_server(v)


class PolicyCreate(_Body):
    """Body of POST and PUT: every writable field, nothing read-only."""

    scope: str
    actions: list[str] = Field(min_length=1)
    organization_groups: list[str] = Field(default_factory=list)
    component_limits_set: list[ComponentLimitIn] = Field(default_factory=list)
    period: Period = Period.MONTH_1
    #: Newer servers only; left out of the body when None.
    options: dict[str, Any] | None = None
    apply_to_all: bool | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class PolicyPatch(_Body):
    """Body of PATCH: only the fields the caller set are sent.

    ``component_limits_set=[]`` deletes every limit on the server, so it is only sent
    when ``allow_empty_limits=True`` is passed to :meth:`body`.
    """

    scope: str | None = None
    actions: list[str] | None = None
    organization_groups: list[str] | None = None
    component_limits_set: list[ComponentLimitIn] | None = None
    period: Period | None = None
    options: dict[str, Any] | None = None
    apply_to_all: bool | None = None

    def body(self, *, allow_empty_limits: bool = False) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_unset=True)
        if data.get("component_limits_set") == [] and not allow_empty_limits:
            raise ValueError(
                "A PATCH with component_limits_set=[] would delete every limit; "
                "pass allow_empty_limits=True if that is meant."
            )
        if "actions" in data and not data["actions"]:
            raise ValueError("A policy needs at least one action.")
        return data

    @property
    def is_empty(self) -> bool:
        return not self.model_fields_set
