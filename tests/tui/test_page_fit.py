"""The list screen's page fits the terminal: the size the start-up asks for before Textual
is imported, and the one the screen uses after a resize."""

from __future__ import annotations

import pytest

from policytui.tui.page_fit import fitted_page_size


@pytest.mark.parametrize(("lines", "size"), [(24, 20), (40, 36), (5, 3), (1, 3)])
def test_the_page_fits_the_terminal(lines: int, size: int) -> None:
    assert fitted_page_size(lines) == size
