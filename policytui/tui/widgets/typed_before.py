"""A key typed while a widget had the focus acts as it would have then, even when it is
handled after a priority key behind it moved the focus.

A terminal delivers a burst of keys (fast typing over SSH, tmux ``send-keys``) at once.
Textual runs a priority binding (``/`` opening the filter box) as its key arrives, but
hands an ordinary key to the focused widget's queue and resolves its binding only once
it has bubbled back to the app, against the focus of that moment. ``f/gpu`` typed fast:
``/`` focused the filter box first, the box consumes printable keys, so the list's ``f``
(the fired view) was dropped, and ``gpu`` filtered every policy instead of the fired
ones. Here the widget the key was handed to resolves it against its own binding chain,
the one that was in force when the key was typed.
"""

from __future__ import annotations

from typing import Any

from textual import events


class BoundWhereTyped:
    """A mixin for a focusable Textual widget whose keys reach bindings of its screen."""

    async def _on_key(self, event: events.Key) -> None:
        widget: Any = self  # a Widget, by the class this is mixed into
        screen = widget.screen
        if screen.focused is not widget and screen is widget.app.screen:
            # The focus moved on, within this screen, after the key was handed here (a
            # screen pushed since is another matter: the key is that screen's now).
            for node in widget.ancestors_with_self:
                for binding in node._bindings.key_to_bindings.get(event.key, ()):
                    if not binding.priority and await widget.app.run_action(binding.action, node):
                        event.stop()
                        event.prevent_default()
                        return
        await super()._on_key(event)  # type: ignore[misc]
