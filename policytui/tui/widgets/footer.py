"""Textual's Footer without its leak of old key widgets.

In Textual 8.2.8 ``Footer.compose`` yields each ``FooterKey`` with
``.data_bind(compact=Footer.compact)``, which registers the key as a watcher of the
footer's ``compact`` reactive (a ``(node, callback)`` pair in the footer's ``__watchers``
dict). The footer recomposes whenever its screen's bindings change (focus moves, a
screen opens or closes over it), removing the old keys and mounting new ones, but the
watcher list is pruned only inside ``Reactive._check_watchers``, that is only when
``compact`` itself changes, which it never does here. So a long-lived screen such as the
policy list kept every key it ever showed alive, with its styles and render caches:
the soak (bench/soak.py) saw the heap grow with each screen opened and closed over it.

This Footer drops, after each recompose, the watchers whose widget is no longer in the
DOM. Remove it when Textual prunes those watchers itself (check on upgrade).
"""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.widgets import Footer as TextualFooter

#: Where Textual's ``reactive._watch`` keeps a node's watchers (set with ``setattr``,
#: so the name is not mangled).
WATCHERS_ATTRIBUTE = "__watchers"


class Footer(TextualFooter):
    """A drop-in ``textual.widgets.Footer`` that frees the keys it recomposes away."""

    async def recompose(self) -> None:
        await super().recompose()
        self.drop_detached_watchers()

    def drop_detached_watchers(self) -> int:
        """Forget watchers of this footer's reactives whose widget has been removed.
        Returns how many were dropped (for tests)."""
        watchers: dict[str, list[tuple[MessagePump, object]]] = getattr(
            self, WATCHERS_ATTRIBUTE, {}
        )
        dropped = 0
        for entries in watchers.values():
            alive = [
                (node, callback)
                for node, callback in entries
                if node.is_attached and not node._closing and not node._closed
            ]
            dropped += len(entries) - len(alive)
            # In place: Textual holds on to this very list.
            entries[:] = alive
        return dropped
