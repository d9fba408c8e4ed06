"""A signed-in session: where the API is, the token, and where that token came from.

Light on purpose (no pydantic, no httpx): the start-up path builds a Session before the
first page is painted; the client and its models load when ``client()`` is first called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from policytui.auth.secret import MASK, Secret

if TYPE_CHECKING:
    from policytui.api.client import WaldurClient

TokenSource = Literal["env", "keyring", "file", "demo", "prompt"]


@dataclass(slots=True)
class Session:
    url: str
    #: Never printed, see ``__repr__``.
    token: Secret = field(repr=False)
    token_source: TokenSource
    profile: str | None = None
    verify: bool = True
    ca_bundle: str | None = None
    demo: bool = False
    #: The server accepted this token when the session was made (the sign-in check):
    #: a later 401 means it expired or was revoked, not that it never worked.
    checked: bool = False

    def __repr__(self) -> str:
        return (
            f"Session(url={self.url!r}, profile={self.profile!r}, "
            f"token_source={self.token_source!r}, token=Secret('{MASK}'))"
        )

    @property
    def plaintext_token(self) -> bool:
        """The token is stored in a plain file (flagged in the header and in `status`)."""
        return self.token_source == "file"

    def client(self, **options: Any) -> WaldurClient:
        from policytui.api.client import WaldurClient

        return WaldurClient(
            self.url, self.token, verify=self.verify, ca_bundle=self.ca_bundle, **options
        )
