"""Reading server JSON into models: the one place a wrong shape becomes ``InvalidResponse``.

Public so that callers (and property tests) can parse a body they already hold exactly
as the client does: the result is a model or the client's own error, never pydantic's
or a ``TypeError`` from deep inside.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from policytui.api import errors
from policytui.api.models import OfferingUsagePolicy

M = TypeVar("M", bound=BaseModel)

#: What a model is called in a message a user reads.
_NOUNS = {
    "OfferingUsagePolicy": "policy",
    "Offering": "offering",
    "OfferingComponent": "offering component",
    "OrganizationGroup": "organization group",
    "User": "user",
    "ComponentUsage": "usage row",
    "OfferingCustomer": "offering customer",
}


def _noun(model: type[BaseModel]) -> str:
    return _NOUNS.get(model.__name__, model.__name__)


__all__ = ["parse_list", "parse_model", "parse_policy", "parse_policy_json", "parse_raw_list"]


def parse_model(model: type[M], data: Any) -> M:
    """``data`` as a ``model``, or :class:`errors.InvalidResponse` naming the first bad field.

    The message names where and what, never the value: a body may hold a token.
    """
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        problems = exc.errors(include_url=False, include_input=False)
        first = problems[0] if problems else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise errors.InvalidResponse(
            f"The server sent a {_noun(model)} the client cannot read ({where}: "
            f"{first.get('msg', 'invalid')})."
        ) from None
    except (TypeError, ValueError, RecursionError) as exc:
        # A validator tripping over a shape nobody foresaw is still a bad answer.
        raise errors.InvalidResponse(
            f"The server sent a {model.__name__} the client cannot read ({type(exc).__name__})."
        ) from None


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true/false"
    if isinstance(data, int | float):
        return "a number"
    if isinstance(data, str):
        return "a string"
    return "an object" if isinstance(data, dict) else f"a {type(data).__name__}"


def parse_list(model: type[M], data: Any) -> list[M]:
    """A bare JSON array of ``model`` objects (Waldur's list bodies)."""
    if not isinstance(data, list):
        raise errors.InvalidResponse(
            f"The server sent {_json_kind(data)} where a list of {_noun(model)} objects belongs."
        )
    return [parse_model(model, item) for item in data]


def parse_raw_list(model: type[BaseModel], data: Any) -> list[dict[str, Any]]:
    """A bare JSON array of objects, left unvalidated (``model`` names them in errors)."""
    if not isinstance(data, list):
        raise errors.InvalidResponse(
            f"The server sent {_json_kind(data)} where a list of {_noun(model)} objects belongs."
        )
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise errors.InvalidResponse(
                f"The server sent a {_noun(model)} the client cannot read "
                f"({index}: {_json_kind(item)} where an object belongs)."
            )
    return data


def parse_policy(data: Any) -> OfferingUsagePolicy:
    """One policy body as the server sent it."""
    return parse_model(OfferingUsagePolicy, data)


def parse_policy_json(text: bytes | str) -> OfferingUsagePolicy:
    """A policy from JSON text (as :meth:`OfferingUsagePolicy.model_dump_json` wrote it)."""
    try:
        return OfferingUsagePolicy.model_validate_json(text)
    except PydanticValidationError:
        return parse_model(OfferingUsagePolicy, json.loads(text))  # the client's own error
