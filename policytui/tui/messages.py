"""The messages of the app: results and events go up as these (workers and screens post
them; the app and the screens showing policies handle them), never as calls into the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.auth.session import Session


class PolicySaved(Message):
    """A policy was created or changed; lists update the row without a full reload."""

    def __init__(self, policy: OfferingUsagePolicy, *, created: bool) -> None:
        super().__init__()
        self.policy = policy
        self.created = created


class PolicyDeleted(Message):
    """A policy was deleted; lists drop the row without a full reload."""

    def __init__(self, uuid: str) -> None:
        super().__init__()
        self.uuid = uuid


class SessionChanged(Message):
    """A new session is in place (after sign-in): screens retry what failed with a 401.

    Sent by the app to every screen on its stack."""


class SignInRequired(Message):
    """A request was answered 401: the app asks for a token again, keeping every screen.

    Posted by whatever met the 401 (a screen, a worker); it bubbles up to the app."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__()
        #: What the sign-in screen says above the form; None: the app words it.
        self.message = message


class ProfileChosen(Message):
    """The user chose another profile (command palette) and its session is signed in:
    the app starts over with it."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class PoliciesFired(Message):
    """A refresh saw policies fire, or their usage go over a limit: with ``--notify``
    the app rings the terminal's bell and sends a desktop notification naming them.

    Posted by the list screen once per source of a refresh (the page, its usage, the
    fired scan, the index), each policy in one of them only."""

    def __init__(self, fired: list[str], over: list[str]) -> None:
        super().__init__()
        #: The policies' labels, as the list names them ("GPU partition (Nordics)").
        self.fired = fired
        self.over = over
