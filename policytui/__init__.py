"""policytui: a terminal UI for Waldur offering usage policies."""

__version__ = "0.1.0"
