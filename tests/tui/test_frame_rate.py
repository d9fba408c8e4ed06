"""The app paints at 120 frames a second (policytui/tui/__init__.py), as the console
script starts it, unless the user set ``TEXTUAL_FPS`` themselves."""

from __future__ import annotations

import os
import subprocess
import sys

# What `policytui` imports before its first screen, then what Textual read.
PROBE = "import policytui.cli, policytui.tui.app, textual.constants as c; print(c.MAX_FPS)"


def _frame_rate(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout.strip())


def test_the_app_paints_at_120_frames_a_second() -> None:
    assert _frame_rate() == 120


def test_a_frame_rate_the_user_set_is_kept() -> None:
    assert _frame_rate(TEXTUAL_FPS="30") == 30
