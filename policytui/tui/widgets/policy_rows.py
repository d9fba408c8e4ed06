"""Moved to :mod:`policytui.tui.rows` (the row model is not a widget: the helper process
builds and pickles rows too). Kept only for ``widgets/policy_detail.py``, which another
branch is editing now; delete this once it imports ``policytui.tui.rows``."""

from policytui.tui.rows import offering_name

__all__ = ["offering_name"]
