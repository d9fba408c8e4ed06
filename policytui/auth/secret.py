"""The token type: a string that never shows itself.

One type holds the token everywhere (read from the environment, the keyring, a file, the
sign-in screen or standard input): ``get_secret_value()`` gives it back, and ``repr`` and
``str`` print a mask, so a log line, an exception or a crash report (Textual prints the
locals of every frame) shows ``Secret('**********')`` and never the token. Standard
library only: it is made on the start-up path, before the first page is painted, where
pydantic's ``SecretStr`` would cost about 100 ms of import.
"""

from __future__ import annotations

import re

MASK = "**********"
#: What people copy along with a token: the header's scheme, or the whole header line.
_SCHEME = re.compile(r"(?:authorization:\s*)?(?:token|bearer)\s+(?=\S)", re.IGNORECASE)


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
        return f"Secret('{self}')"

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
