"""A signed-in session: where the API is, the token, and where that token came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import SecretStr

from policytui.api import WaldurClient

TokenSource = Literal["env", "keyring", "file", "demo", "prompt"]


@dataclass(slots=True)
class Session:
    url: str
    token: SecretStr = field(repr=False)
    token_source: TokenSource
    profile: str | None = None
    verify: bool = True
    ca_bundle: str | None = None
    demo: bool = False

    def __repr__(self) -> str:
        return (
            f"Session(url={self.url!r}, profile={self.profile!r}, "
            f"token_source={self.token_source!r}, token=SecretStr('**********'))"
        )

    @property
    def plaintext_token(self) -> bool:
        """The token is stored in a plain file (flagged in the header and in `status`)."""
        return self.token_source == "file"

    def client(self, **options: Any) -> WaldurClient:
        return WaldurClient(
            self.url, self.token, verify=self.verify, ca_bundle=self.ca_bundle, **options
        )
