"""Pure checks of what a user typed into the policy editor.

Every function here is pure (no I/O, no Textual) so it can be property-tested: it takes
text or plain values and either returns the parsed value or raises :class:`FieldError`
whose message is ready to show beside the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: The server stores limits as a signed 32-bit integer.
LIMIT_MAX = 2_147_483_647
LIMIT_MIN = 0

# Deliberately simple: one "@", a dotted domain, no spaces. Real validation is the
# mail server's; this catches typos such as a missing "@" or a stray comma.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class FieldError(ValueError):
    """A value the user typed cannot be sent; ``str(err)`` says why in one line."""


#: What every limit message ends with: the rule, in the words a person checks against.
LIMIT_RULE = "a limit is a whole number from 0 to 2 147 483 647"


def _as_typed(text: str) -> str:
    """The user's text as it appears in a one-line message: quoted only when it holds
    characters that would not read back (controls, odd spaces), and cut when long."""
    shown = text.strip()
    if len(shown) > 24:
        shown = shown[:23] + "…"
    return shown if shown.isprintable() else repr(shown)


def parse_limit(text: str) -> int:
    """A component limit: a whole number from 0 to 2 147 483 647.

    Spaces, ``_`` and thin-space digit groups are accepted (``"1 000"``, ``"1_000"``), so
    a pasted, grouped number is read as the user meant. A sign, a decimal point, an
    exponent or anything else is refused, naming what was typed (``12.5`` is never
    read as 125): the server would store a negative limit (which fires at once) or
    answer an error for the rest.
    """
    cleaned = text.strip().replace("_", "").replace(" ", "")
    for space in ("\u2009", "\u202f", "\u00a0"):
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        raise FieldError("Enter a limit (a whole number, 0 or more).")
    if cleaned.startswith("-") and cleaned[1:].isdigit():
        raise FieldError("A limit cannot be negative (a negative limit fires at once).")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise FieldError(f"{_as_typed(text)} is not a whole number: {LIMIT_RULE}.")
    value = int(cleaned)
    if value > LIMIT_MAX:
        raise FieldError(f"A limit can be at most {LIMIT_MAX:,}.".replace(",", " "))
    return value


def parse_emails(text: str) -> list[str]:
    """E-mail addresses separated by commas, semicolons, spaces or new lines.

    Returns them in the order typed with exact duplicates removed. At least one address
    is required; every bad address is named in the message.
    """
    parts = [p for p in _EMAIL_SEPARATORS.split(text.strip()) if p]
    if not parts:
        raise FieldError("Enter at least one e-mail address to notify.")
    bad = [p for p in parts if not _EMAIL.match(p)]
    if bad:
        listed = ", ".join(repr(b) for b in bad[:3]) + (" …" if len(bad) > 3 else "")
        noun = "address" if len(bad) == 1 else "addresses"
        raise FieldError(f"Not a valid e-mail {noun}: {listed}.")
    seen: dict[str, None] = {}
    for p in parts:
        seen.setdefault(p, None)
    return list(seen)


def parse_options(text: str) -> dict[str, Any]:
    """The options field: a JSON object (empty text means ``{}``)."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except RecursionError:
        # json gives up on very deep nesting with RecursionError, not a decode error.
        raise FieldError("Options nest too deeply to be read as JSON.") from None
    except json.JSONDecodeError as exc:
        raise FieldError(
            f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
            type(value), "a number"
        )
        raise FieldError(f"Options must be a JSON object {{…}}, not {kind}.")
    return value


def format_options(options: dict[str, Any] | None) -> str:
    """Options as the editor shows them: indented JSON, ``{}`` when there are none."""
    return json.dumps(options or {}, indent=2, ensure_ascii=False)


def duplicate_indices(types: Sequence[str | None]) -> dict[int, str]:
    """Rows whose component repeats an earlier row: index -> component type.

    The first use of a type is kept; later ones are flagged (the server rejects or,
    in 2024, silently collapses duplicates). Empty rows are ignored here.
    """
    seen: set[str] = set()
    dupes: dict[int, str] = {}
    for index, type_ in enumerate(types):
        if not type_:
            continue
        if type_ in seen:
            dupes[index] = type_
        seen.add(type_)
    return dupes


def unknown_types(types: Iterable[str | None], known: Iterable[str]) -> list[str]:
    """Component types the offering does not have (the 2024 server answers 500 for them)."""
    allowed = set(known)
    return [t for t in types if t and t not in allowed]


def require_actions(actions: Sequence[str]) -> list[str]:
    """At least one action; order kept, duplicates dropped."""
    unique = list(dict.fromkeys(a for a in actions if a))
    if not unique:
        raise FieldError("Choose at least one action.")
    return unique
