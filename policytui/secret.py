"""A token that never shows itself, without importing pydantic.

The start-up path (arguments, profile, keyring or environment, then the session) runs
before the first page is painted, and pydantic costs about 100 ms to import. ``Secret``
has the part of pydantic's ``SecretStr`` this code uses: ``get_secret_value()``, a
``repr``/``str`` that print the same mask (so logs and crash reports read the same
whichever type holds the token), equality, hashing and ``len``. Anything with a
``get_secret_value()`` is accepted where a token is expected, pydantic's SecretStr included.
"""

from __future__ import annotations

import re
from typing import Protocol

MASK = "**********"
#: What people copy along with a token: the header's scheme, or the whole header line.
_SCHEME = re.compile(r"(?:authorization:\s*)?(?:token|bearer)\s+(?=\S)", re.IGNORECASE)


class SecretLike(Protocol):
    """A ``Secret`` or pydantic's ``SecretStr``: the value only by asking for it."""

    def get_secret_value(self) -> str: ...


class Secret:
    """A string that prints as ``**********``; ``get_secret_value()`` gives it back."""

    __slots__ = ("_secret_value",)

    def __init__(self, secret_value: str) -> None:
        self._secret_value = secret_value

    def get_secret_value(self) -> str:
        return self._secret_value

    def __str__(self) -> str:
        return MASK if self._secret_value else ""

    def __repr__(self) -> str:
        # pydantic's mask, word for word: a crash report shows "SecretStr('**********')"
        # for the token whichever type holds it.
        return f"SecretStr('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and self._secret_value == other._secret_value

    def __hash__(self) -> int:
        return hash(self._secret_value)

    def __len__(self) -> int:
        return len(self._secret_value)


def pasted_token(text: str) -> Secret:
    """The token in what the user pasted or typed: whitespace trimmed, and a leading
    ``Token``/``Bearer`` (or ``Authorization: Token``) dropped, as copied from a header
    or Waldur's docs. The text goes straight into a Secret: no plain copy is named."""
    return Secret(_SCHEME.sub("", text.strip(), count=1).strip())
