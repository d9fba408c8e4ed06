"""httpx, imported without its command-line front end.

``import httpx`` also imports ``httpx._main`` (its CLI), which pulls in rich, click and
pygments whenever they are installed: a tenth of a second and a UI library in a layer
that must stay headless. Marking the module absent makes httpx fall back to its stub.
"""

import sys

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

__all__ = ["httpx"]
