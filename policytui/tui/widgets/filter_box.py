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
