"""The `/` box: Textual's Input, without a layout of the whole screen per keystroke.

Textual 8.2.8's ``Input._watch_value`` sets the input's virtual size to the text's
width, a reactive that lays out the screen, so every character typed into `/` laid out
and painted every widget on the screen again (issue 13: a keystroke over 100 000
policies must repaint in 30 ms). The box is one line of fixed size (styles/list.tcss):
only its own horizontal scrolling reads that width, which it does from the widget, not
from a layout. So the width is set here first, quietly, and Input's assignment finds it
unchanged. Check on a Textual upgrade that Input still scrolls a long filter.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import Input

from policytui.tui.widgets.text_input import TextInput


class FilterBox(TextInput):
    #: Esc is the box's own key, so it runs in order (text_input.py): bubbled to the
    #: screen, it ran after the keys behind it, and `/gpu Esc s` typed fast put the `s`
    #: into the box it then cleared. Run here, the focus has moved on to the list when the
    #: `s` comes, and the `s` goes there. (The box is hidden, not removed: nothing waits
    #: on it.)
    BINDINGS = [Binding("escape", "screen.escape", show=False)]

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if (
            event.key.startswith("alt+")
            and character is not None
            and len(character) == 1
            and character.isprintable()
        ):
            # Esc and the key typed right after it come in one read ("\x1bs"), which a
            # terminal app cannot tell from Alt with that key (alt+s): `/gpu Esc s`
            # typed fast put "s" into the box. The box has no Alt keys: it is Esc (run
            # here, in order), then the key, which goes where the focus went.
            event.stop()
            event.prevent_default()
            await self._bound_here("escape")
            plain = events.Key(
                character if character.isalnum() else event.key.removeprefix("alt+"), character
            )
            focused = self.screen.focused
            if focused is None or focused is self:
                await super()._on_key(plain)
                return
            self._moved_on_at = event.time
            focused._forward_event(plain)
            return
        await super()._on_key(event)
