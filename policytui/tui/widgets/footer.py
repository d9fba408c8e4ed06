"""Textual's Footer showing each screen's most used keys that fit, without its leak.

Textual's Footer lays every shown key out in a row and lets the row run off the right
edge, so at 80 columns the detail lost ``d`` and the list could show none of ``e d r``.
This one ranks the keys (:data:`FOOTER_RANK`, from the ranks in
:mod:`policytui.tui.actions`: the way out, help and the screen's most used actions
first), keeps as many whole keys as fit the width, in the screen's order, and lays them
out again when the width changes.

The leak of old key widgets:

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

Recomposed only when the keys shown change: Textual's Footer recomposes (every key
removed and mounted again, then a layout of the screen) on each ``refresh_bindings``,
which the list screen calls as the first `/` keystroke greys out the page keys, and
focus moves call too. When the same keys stay, only greyed out or back, this one sets
their ``-disabled`` class in place (issue 13: a recompose was ~8 ms of a keystroke).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Which keys a footer keeps first when not all fit, by action: the way out and help, then
# each screen's most used actions, as each action's ``rank`` in the table says. Keys of
# actions without a rank come after these, in the screen's order; the command palette's
# key is the first to go (``?`` and the help screen name it).
from policytui.tui.actions import FOOTER_RANK

#: Where Textual's ``reactive._watch`` keeps a node's watchers (set with ``setattr``,
#: so the name is not mangled).
WATCHERS_ATTRIBUTE = "__watchers"


def _rank(key: FooterKey) -> int:
    action = key.action.rsplit(".", 1)[-1]
    if key.has_class("-command-palette"):
        return len(FOOTER_RANK) + 1
    return FOOTER_RANK.index(action) if action in FOOTER_RANK else len(FOOTER_RANK)


def key_width(key: FooterKey, compact: bool) -> int:
    """Cells one key takes in the footer, margins included (Textual's footer CSS)."""
    cells = Text(key.key_display).cell_len
    if key.has_class("-command-palette"):
        # Docked right, after a one-cell border; one cell of padding unless compact.
        return 1 + cells + 1 + Text(key.description).cell_len + (0 if compact else 1)
    if compact:
        # "key description" and a one-cell margin after it.
        return cells + (1 + Text(key.description).cell_len if key.description else 0) + 1
    # " key " then "description ".
    return cells + 2 + (Text(key.description).cell_len + 1 if key.description else 0)


def keys_that_fit(keys: Iterable[FooterKey], width: int, compact: bool) -> set[int]:
    """The ids of the keys to show: the best ranked first, as long as they fit."""
    chosen: set[int] = set()
    used = 0
    for key in sorted(keys, key=_rank):  # a stable sort: ties keep the screen's order
        cells = key_width(key, compact)
        if used + cells <= width:
            chosen.add(id(key))
            used += cells
    return chosen


class Footer(TextualFooter):
    """A drop-in ``textual.widgets.Footer`` showing the keys that fit, ranked, and
    freeing the keys it recomposes away."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._laid_out_for = 0
        #: What the keys on show were composed from, enabled or not (None: nothing yet).
        self._composed_from: tuple[Any, ...] | None = None

    def _bindings_shown(self) -> tuple[tuple[Any, ...], dict[tuple[str, str], bool]]:
        """The keys the footer would compose from the screen's bindings, without whether
        each is enabled; and that, by (key, action)."""
        active = self.screen.active_bindings
        shown: list[tuple[Any, ...]] = []
        enabled: dict[tuple[str, str], bool] = {}
        palette = self.app.COMMAND_PALETTE_BINDING
        for name, (_, binding, is_enabled, tooltip) in active.items():
            on_palette = name == palette and self.show_command_palette
            if binding.show or on_palette:
                shown.append(
                    (binding.key, binding.action, binding.description, binding.group, tooltip)
                )
                enabled[(binding.key, binding.action)] = is_enabled
        return (tuple(shown), self.compact, self.show_command_palette), enabled

    def bindings_changed(self, screen: Any) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._show_bindings)

    async def _show_bindings(self) -> None:
        """Recompose when other keys are to be shown; else grey out or back in place."""
        if not self.is_attached:
            return
        composed_from, enabled = self._bindings_shown()
        if composed_from != self._composed_from:
            await self.recompose()
            return
        for key in self.query(FooterKey):
            disabled = not enabled.get((key.key, key.action), not key._disabled)
            if disabled != key._disabled:
                key._disabled = disabled  # FooterKey's own flag: a click on it rings the bell
                key.set_class(disabled, "-disabled")

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_from = self._bindings_shown()[0]
        items: list[Widget] = list(super().compose())
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        keys = [item for item in items if isinstance(item, FooterKey)]
        shown = keys_that_fit(keys, width, self.compact)
        # Key groups and labels (none in this app) are kept as Textual lays them out.
        yield from (i for i in items if not isinstance(i, FooterKey) or id(i) in shown)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self._laid_out_for = event.size.width
            self.call_after_refresh(self.recompose)

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
