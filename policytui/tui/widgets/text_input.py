"""Text boxes whose editing keys keep their place among the characters typed.

Textual 8.2.8 inserts a printable key in ``Input._on_key``, but a bound key (Backspace,
Delete, arrows, Ctrl+U, Ctrl+W, ...) bubbles up to the app, which only then runs the
binding. When keys come in a burst (fast typing over SSH, a paste of keys, tmux
``send-keys``), the characters after a bound key reach the box before it does:
``Ctrl+U abc`` cleared the ``abc`` just typed and left the box empty, and ``jj BS BS kkk``
gave ``jkk`` (Textual issue #6605, an open fix in PR #6631). Here a box runs its own
bindings as the key arrives, in order; what they do is Textual's own actions.

Drop this when the pinned Textual runs a focused widget's bindings inline.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedKeys:
    """A mixin for a Textual widget that handles printable keys in ``_on_key``."""

    async def _on_key(self, event: events.Key) -> None:
        widget = self  # a Widget, by the class this is mixed into
        if not event.is_printable:
            for binding in widget._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
                # Priority bindings ran before the key reached the box (App.on_event).
                if not binding.priority and await widget.app.run_action(binding.action, widget):  # type: ignore[attr-defined]
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


class TextInput(OrderedKeys, Input):
    """Textual's Input, its editing keys in the order typed."""
