"""The base of policytui's full screens: typed access to the app that hosts them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from policytui.tui.app import PolicyApp


class AppScreen(Screen[None]):
    """A full screen of policytui (the list, the detail, the raw view)."""

    @property
    def policy_app(self) -> PolicyApp:
        return self.app  # type: ignore[return-value]
