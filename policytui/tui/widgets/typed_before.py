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

It runs after the later key, though, not before, and alongside the keys typed after
that one: so only a key whose action leaves the box and the focus alone runs (the
screen says which, :class:`LateKeys`); one that would clear, fill or hide the box, move
the focus or open a screen (Esc, h, Enter) is dropped (Textual dropped such a printable
key, but ran Esc and Enter against the box's bindings), and what was typed after ``/``
is in the box, shown. (Run late, Esc hid the box ``/`` had just
opened, and the text typed next filtered the list out of sight.)
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual import events


@runtime_checkable
class LateKeys(Protocol):
    def late_key_allowed(self, action: str) -> bool:
        """Whether ``action``, of a key typed before the one that moved the focus, may
        still run now."""


class BoundWhereTyped:
    """A mixin for a focusable Textual widget whose keys reach bindings of its screen
    (a :class:`LateKeys` screen)."""

    async def _on_key(self, event: events.Key) -> None:
        widget: Any = self  # a Widget, by the class this is mixed into
        screen = widget.screen
        if (
            screen.focused is not widget
            and screen is widget.app.screen
            and isinstance(screen, LateKeys)
        ):
            # The focus moved on, within this screen, after the key was handed here (a
            # screen pushed since is another matter: the key is that screen's now).
            bound = False
            for node in widget.ancestors_with_self:
                for binding in node._bindings.key_to_bindings.get(event.key, ()):
                    if binding.priority:
                        continue  # run as the key arrived
                    bound = True
                    if screen.late_key_allowed(binding.action) and await widget.app.run_action(
                        binding.action, node
                    ):
                        event.stop()
                        event.prevent_default()
                        return
            if bound:
                # A key of this chain that may not run now is dropped here: left to
                # bubble, Textual would resolve it against the box's chain, where Esc
                # and Enter find the screen's (and the box's) bindings and run late.
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)  # type: ignore[misc]
