"""The client is a library a script can use: importing it pulls in no UI library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_policytui_api_imports_neither_textual_nor_rich() -> None:
    probe = (
        "import sys, policytui.api\n"
        "ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(ui))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"policytui.api imported: {done.stdout.strip()}"


def test_the_probe_would_see_a_ui_import() -> None:
    # Guards the test above: the same probe does report textual when it is imported.
    probe = "import sys, textual.app\nprint('textual' in sys.modules)\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "True"
