"""Text boxes whose editing keys keep their place among the characters typed.

Textual 8.2.8 inserts a printable key in ``Input._on_key``, but a bound key (Backspace,
Delete, arrows, Ctrl+U, Ctrl+W, ...) bubbles up to the app, which only then runs the
binding. When keys come in a burst (fast typing over SSH, a paste of keys, tmux
``send-keys``), the characters after a bound key reach the box before it does:
``Ctrl+U abc`` cleared the ``abc`` just typed and left the box empty, and ``jj BS BS kkk``
gave ``jkk`` (Textual issue #6605, an open fix in PR #6631). Here a box runs its own
bindings, and Tab / Shift+Tab, as the key arrives, in order; what they do is Textual's
own actions. And a character that reaches a box after a key behind it moved the focus
away (``url<Tab>token`` typed by a password manager put the token in the URL field, in
clear) goes on to the widget that has the focus now.

Drop this when the pinned Textual runs a focused widget's bindings inline.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

#: Keys that move the focus (the screen's bindings): run in order too.
_FOCUS_KEYS = frozenset({"tab", "shift+tab"})


class OrderedKeys:
    """A mixin for a Textual widget that handles printable keys in ``_on_key``."""

    #: When the key that moved the focus on from here was typed (its event's time): the
    #: characters typed after it, still handed here, go on to the focus.
    _moved_on_at: float | None = None

    async def _on_key(self, event: events.Key) -> None:
        widget = self  # a Widget, by the class this is mixed into
        focused = widget.screen.focused  # type: ignore[attr-defined]
        if focused is widget:
            self._moved_on_at = None
        elif (
            event.is_printable
            and focused is not None
            and self._moved_on_at is not None
            and event.time > self._moved_on_at
        ):
            # Typed behind a key that moved the focus on (Tab in a burst: a password
            # manager's "url<Tab>token"): the app had handed it here before the move, and
            # the token landed in the URL field in clear. It goes where the focus went.
            # (Not a character typed before that key: Enter's priority binding moves the
            # focus before the characters ahead of it are taken here.)
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        if not event.is_printable and await self._bound_here(event.key):
            event.stop()
            event.prevent_default()
            if focused is widget and widget.screen.focused is not widget:  # type: ignore[attr-defined]
                self._moved_on_at = event.time
            return
        await super()._on_key(event)  # type: ignore[misc]

    async def _bound_here(self, key: str) -> bool:
        """Run the binding ``key`` would reach once bubbled to the app, now: the box's own
        (its editing keys), and Tab / Shift+Tab (the focus moves on), as App._on_key
        resolves them; True when one ran. Priority bindings ran before the key got here.
        Not the screen's other keys: one that removes the box (Esc leaving the editor,
        Ctrl+R removing a limit row) would wait here on the box's own handler, for ever."""
        widget: Any = self
        if key in _FOCUS_KEYS:
            return bool(await widget.app._check_bindings(key))
        for binding in widget._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, widget):
                return True
        return False


class TextInput(OrderedKeys, Input):
    """Textual's Input, its editing keys in the order typed."""
