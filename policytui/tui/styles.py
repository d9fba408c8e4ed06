"""Where the Textual stylesheets live, for editable and wheel installs alike.

``styles/`` sits at the top of the repository and ships in the wheel as the resource
package ``policytui.styles``; every screen's ``CSS_PATH`` goes through :func:`style_path`.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2] / "styles"


def style_path(name: str) -> Path:
    """The path of ``styles/<name>`` (e.g. ``"list.tcss"``)."""
    try:
        resource = files("policytui.styles") / name
        with as_file(resource) as path:
            if Path(path).is_file():
                return Path(path)
    except (ModuleNotFoundError, FileNotFoundError):
        # A source checkout that was never installed has no `policytui.styles` package.
        pass
    return _ROOT / name
