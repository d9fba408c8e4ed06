"""A text area that paints nothing once it is removed.

Textual 8.2.8 clears a removed widget's component styles at once, but the screen's next
update can still paint it from the layout of the moment before: a ``TextArea`` then
looks up ``text-area--gutter`` and raises ``KeyError`` (Textual issues #6208, #6528),
and the app ends with a traceback. The editor rebuilds its form (Reload after a conflict)
by removing the fields and mounting new ones, so a user pressing ``r`` could meet it
about one time in ten. Removed, this one paints blank lines until the layout drops it.

Drop this when the pinned Textual no longer paints a removed widget.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea


class FormTextArea(TextArea):
    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.is_attached:
            # Removed: its component styles are gone, and nothing of it is shown again.
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)
