"""What a running app shows, read through Textual's public API only.

- :func:`screen_text`: the screen as text lines, from ``App.export_screenshot()`` (the
  SVG the snapshot tests compare): what a user sees, modal screens with what shows of
  the screens beneath them.
- :func:`notifications_shown`: the text of each notification on screen, from the
  ``Toast`` widgets Textual mounts for them (queried by type name; the class lives in a
  private module).

Tests read these instead of Textual's internals (a screen's compositor, the app's list
of notifications), which change between Textual versions and hold things that never
reached the screen (a notification already expired, a screen not composited).
"""

from __future__ import annotations

import html
import re
from typing import Any

from rich.cells import cell_len

#: One run of text in Rich's SVG export: its column (x) and its line (the clip path).
_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?-line-(\d+)\)">(.*?)</text>', re.S)
#: Rich's SVG export: 20-pixel characters at an aspect ratio of 0.61.
_CHAR_WIDTH = 20 * 0.61


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text lines (trailing blanks dropped)."""
    height = app.size.height
    lines: list[list[str]] = [[] for _ in range(height)]
    widths = [0] * height
    for x, line, text in _TEXT.findall(app.export_screenshot()):
        row, column = int(line), round(float(x) / _CHAR_WIDTH)
        if row >= height:
            continue
        text = html.unescape(text).replace("\xa0", " ")
        if column > widths[row]:  # the blanks before it are not in the SVG
            lines[row].append(" " * (column - widths[row]))
            widths[row] = column
        lines[row].append(text)
        widths[row] += cell_len(text)
    return "\n".join("".join(parts).rstrip() for parts in lines)


def notifications_shown(app: Any) -> list[str]:
    """The text of every notification on screen now (a title, if any, on its own line
    before the message), oldest first. ``App.run_test`` shows none unless it is given
    ``notifications=True``."""
    if not app.screen.query("ToastRack"):
        raise AssertionError("notifications are off: run the app with run_test(notifications=True)")
    return [str(toast.render()) for toast in app.screen.query("Toast")]
