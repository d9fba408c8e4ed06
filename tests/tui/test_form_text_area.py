"""The editor's Options box, removed while the screen paints (Reload after a conflict
rebuilds the form), paints blank lines instead of ending the app with a KeyError."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import TextArea

from policytui.tui.widgets.form_text_area import FormTextArea


class _Form(App[None]):
    def compose(self) -> ComposeResult:
        yield FormTextArea('{"note": "kept"}', id="ours")
        yield TextArea("{}", id="textuals")


async def test_a_removed_options_box_paints_blank_lines_not_a_crash() -> None:
    app = _Form()
    async with app.run_test(size=(40, 10)) as pilot:
        ours = app.query_one("#ours", FormTextArea)
        textuals = app.query_one("#textuals", TextArea)
        crop = Region(0, 0, 20, 3)
        assert "kept" in "".join(s.text for s in ours.render_lines(crop))
        await ours.remove()
        await textuals.remove()
        # What the screen's next update does with a layout from before the removal:
        # Textual's own box raises, which ended the app with a traceback.
        with pytest.raises(KeyError, match="text-area--gutter"):
            textuals.render_lines(crop)
        lines = ours.render_lines(crop)
        assert [line.text for line in lines] == [" " * 20] * 3
        await pilot.pause()
        assert app.return_code is None  # the app runs on
