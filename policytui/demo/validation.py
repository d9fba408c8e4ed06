"""Validation of policy write bodies, with DRF's messages and error shapes.

Field errors are collected for every field at once, in serializer field order; the
cross-field checks run only when every field is valid, as DRF's `validate()` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from policytui.demo.catalog import GROUPS_BY_UUID, OFFERINGS_BY_UUID, Offering
from policytui.demo.store import Policy
from policytui.demo.users import DemoUser
from policytui.demo.wire import GROUPS_PATH, OFFERINGS_PATH, POLICIES_PATH

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
_KNOWN_ROUTES = (OFFERINGS_PATH, GROUPS_PATH, POLICIES_PATH, "/api/customers/", "/api/users/")
_RE_DECIMAL = re.compile(r"\.0*\s*$")
_TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
_FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}
_MISSING: Any = object()


class FieldError(Exception):
    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail


class ServerCrash(Exception):
    """What the 2024 server does instead of a 400: an unhandled error, 500 with HTML."""


@dataclass
class WriteContext:
    user: DemoUser
    quirks: bool
    available_actions: tuple[str, ...]
    partial: bool = False
    instance: Policy | None = None


def _type_name(value: Any) -> str:
    return type(value).__name__


def _hyperlink(value: Any, prefix: str) -> str:
    """Resolve a hyperlink like DRF's HyperlinkedRelatedField; returns the uuid."""
    if value is None or value == "":
        raise FieldError([NOT_NULL])
    if not isinstance(value, str):
        raise FieldError([f"Incorrect type. Expected URL string, received {_type_name(value)}."])
    path = urlparse(value).path if value.startswith(("http:", "https:")) else value
    for route in _KNOWN_ROUTES:
        m = re.fullmatch(re.escape(route) + r"([^/]+)/", path)
        if m:
            if route != prefix:
                raise FieldError(["Invalid hyperlink - Incorrect URL match."])
            return m.group(1).replace("-", "").lower()
    raise FieldError(["Invalid hyperlink - No URL match."])


def _scope(value: Any, ctx: WriteContext) -> Offering:
    offering = OFFERINGS_BY_UUID.get(_hyperlink(value, OFFERINGS_PATH))
    if offering is None:
        raise FieldError(["Invalid hyperlink - Object does not exist."])
    if not ctx.user.is_staff and ctx.user.owner_of != offering.customer.uuid:
        raise FieldError(["User is not allowed to configure policies."])
    return offering


def _actions(value: Any, ctx: WriteContext) -> str:
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError(["Not a valid string."])
    text = str(value).strip()  # CharField trims the ends only
    if not text:
        raise FieldError(["This field may not be blank."])
    if len(text) > 255:
        raise FieldError(["Ensure this field has no more than 255 characters."])
    if any(a not in ctx.available_actions for a in text.split(",")):
        raise FieldError([f"{text} includes unavailable actions."])
    return text


#: The newer server's word for options it cannot read (one message for every action).
OPTIONS_INVALID = "Options for {action} are invalid."
#: Duplicate component types: the newer server answers 400 with this bare JSON list.
DUPLICATE_LIMITS = ["Duplicate component limits for the same component."]
APPLY_TO_ALL_WITH_GROUPS = (
    "Cannot set apply_to_all=True when organization_groups are specified. "
    "Choose one approach: either apply_to_all or specific organization_groups."
)
NEITHER_GROUPS_NOR_ALL = "Must either set apply_to_all=True or specify organization_groups."


def _options(value: Any, ctx: WriteContext) -> Any:
    """A JSON object keyed by action name; ``notify_external_user`` is one string of
    comma-separated addresses (a list is refused, as current servers do)."""
    if value is None:
        raise FieldError([NOT_NULL])
    if not isinstance(value, dict):
        raise FieldError([f'Expected a dictionary of items but got type "{_type_name(value)}".'])
    for action, option in value.items():
        if action not in ctx.available_actions:
            # The server looks up a handler by action name and has none: an unhandled error.
            raise ServerCrash(f"no option handler for {action!r}")
        if action == "notify_external_user" and not isinstance(option, str):
            raise FieldError([OPTIONS_INVALID.format(action=action)])
    return value


def _groups(value: Any, ctx: WriteContext) -> list[str]:
    if value is None:
        raise FieldError([NOT_NULL])
    if not isinstance(value, list):
        raise FieldError([f'Expected a list of items but got type "{_type_name(value)}".'])
    if ctx.quirks and not value:
        raise FieldError(["This list may not be empty."])
    uuids: list[str] = []
    for item in value:  # DRF stops at the first bad item
        uuid = _hyperlink(item, GROUPS_PATH)
        if uuid not in GROUPS_BY_UUID:
            raise FieldError(["Invalid hyperlink - Object does not exist."])
        if uuid not in uuids:
            uuids.append(uuid)
    return uuids


def _boolean(value: Any, ctx: WriteContext) -> bool:
    if value is None:
        raise FieldError([NOT_NULL])
    if value is True or value is False:
        return value
    if isinstance(value, (str, int)) and str(value) in _TRUE:
        return True
    if isinstance(value, (str, int)) and str(value) in _FALSE:
        return False
    raise FieldError(["Must be a valid boolean."])


def _integer(value: Any) -> int:
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, str) and len(value) > 1000:
        raise FieldError(["String value too large."])
    try:
        number = int(_RE_DECIMAL.sub("", str(value)))
    except (TypeError, ValueError) as exc:
        raise FieldError(["A valid integer is required."]) from exc
    if number > INT32_MAX:
        raise FieldError([f"Ensure this value is less than or equal to {INT32_MAX}."])
    if number < INT32_MIN:
        raise FieldError([f"Ensure this value is greater than or equal to {INT32_MIN}."])
    return number


def _component_type(value: Any) -> str:
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError(["Not a valid string."])
    text = str(value).strip()
    if not text:
        raise FieldError(["This field may not be blank."])
    return text


def _limits(value: Any, ctx: WriteContext) -> list[tuple[str, int]]:
    if value is None:
        raise FieldError([NOT_NULL])
    if not isinstance(value, list):
        raise FieldError(
            {"non_field_errors": [f'Expected a list of items but got type "{_type_name(value)}".']}
        )
    rows: list[tuple[str, int]] = []
    errors: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            errors.append(
                {
                    "non_field_errors": [
                        f"Invalid data. Expected a dictionary, but got {_type_name(item)}."
                    ]
                }
            )
            continue
        row_errors: dict[str, Any] = {}
        ctype: str | None = None
        limit: int | None = None
        for key, parse in (("type", _component_type), ("limit", _integer)):
            if key not in item:
                row_errors[key] = [REQUIRED]
                continue
            try:
                parsed = parse(item[key])
            except FieldError as exc:
                row_errors[key] = exc.detail
                continue
            if key == "type":
                ctype = parsed
            else:
                limit = parsed
        errors.append(row_errors)
        if not row_errors and ctype is not None and limit is not None:
            rows.append((ctype, limit))
    if any(errors):
        raise FieldError(errors)
    return rows


def _period(value: Any, ctx: WriteContext) -> int:
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, bool) or str(value) not in {"1", "2", "3", "4"}:
        raise FieldError([f'"{value}" is not a valid choice.'])
    return int(value)


def validate(data: Any, ctx: WriteContext) -> tuple[dict[str, Any], dict[str, Any] | list[str]]:
    """Return (cleaned fields, errors). Raises ServerCrash where the server answers 500.

    The errors are an object of field errors, except for duplicate component types on
    a current server, which it reports as a bare list of messages.
    """
    if not isinstance(data, dict):
        return {}, {
            "non_field_errors": [
                f"Invalid data. Expected a dictionary, but got {_type_name(data)}."
            ]
        }
    fields: list[tuple[str, Any, bool]] = [
        ("scope", _scope, True),
        ("actions", _actions, True),
    ]
    if not ctx.quirks:
        fields.append(("options", _options, False))
    fields.append(("organization_groups", _groups, ctx.quirks))
    if not ctx.quirks:
        fields.append(("apply_to_all", _boolean, False))
    fields += [("component_limits_set", _limits, True), ("period", _period, False)]

    cleaned: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, parse, required in fields:
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if required and not ctx.partial:
                errors[name] = [REQUIRED]
            continue
        try:
            cleaned[name] = parse(value, ctx)
        except FieldError as exc:
            errors[name] = exc.detail
    if errors:
        return {}, errors
    return cleaned, _cross_checks(cleaned, ctx)


def _cross_checks(cleaned: dict[str, Any], ctx: WriteContext) -> dict[str, Any] | list[str]:
    """The object-level checks; may shorten `cleaned["component_limits_set"]` in quirks mode."""
    errors: dict[str, Any] = {}
    inst = ctx.instance
    offering: Offering | None = cleaned.get("scope")
    if offering is None and inst is not None:
        offering = OFFERINGS_BY_UUID.get(inst.scope_uuid)
    limits: list[tuple[str, int]] | None = cleaned.get("component_limits_set")
    if limits is not None and offering is not None:
        types = offering.component_types
        if ctx.quirks:
            if any(t not in types for t, _ in limits):
                raise ServerCrash("OfferingComponent.DoesNotExist")
            # An update (PATCH or PUT: one code path on the server) looks up "the" limit
            # of the policy; with several stored it raises MultipleObjectsReturned.
            if limits and inst is not None and len(inst.limits) > 1:
                raise ServerCrash("OfferingComponentLimit.MultipleObjectsReturned")
            # Each row overwrote the previous one: only the last survives.
            cleaned["component_limits_set"] = limits[-1:]
        else:
            kinds = [ctype for ctype, _ in limits]
            if len(set(kinds)) != len(kinds):
                return list(DUPLICATE_LIMITS)
            rows: list[dict[str, Any]] = [
                {"type": [f'Offering "{offering.name}" has no component of type "{ctype}".']}
                if ctype not in types
                else {}
                for ctype in kinds
            ]
            if any(rows):
                errors["component_limits_set"] = rows
    if not ctx.quirks:
        # An update keeps what the body leaves out (DRF saves only validated fields).
        groups = cleaned.get("organization_groups")
        if groups is None:
            groups = inst.groups if inst is not None else []
        apply_to_all = cleaned.get("apply_to_all")
        if apply_to_all is None:
            apply_to_all = inst.apply_to_all if inst is not None else False
        if apply_to_all and groups:
            errors["non_field_errors"] = [APPLY_TO_ALL_WITH_GROUPS]
        elif not apply_to_all and not groups:
            errors["non_field_errors"] = [NEITHER_GROUPS_NOR_ALL]
    return errors
