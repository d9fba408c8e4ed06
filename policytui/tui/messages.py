"""Messages that carry results between screens (workers post them; screens handle them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy


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
