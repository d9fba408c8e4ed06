"""Argument types with a range: a bad value ends in one line and exit status 2.

argparse turns an ``ArgumentTypeError`` raised by a ``type=`` function into
``policytui: error: argument --page-size: ...`` and exit status 2, so a number out of
range is refused before anything starts (no traceback, nothing silently ignored).
Standard library only: both the app's and the demo server's command lines use it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(text)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if kind is float and value != value:  # NaN compares unequal to itself
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return value


def _grouped(value: float) -> str:
    # 1000000 -> "1 000 000", as the app writes counts.
    if value < 10_000:
        return f"{value:g}"
    whole = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return whole.replace(",", " ")


def int_in(low: int, high: int) -> Callable[[str], int]:
    """A ``type=`` for a whole number from ``low`` to ``high`` (both included)."""

    def parse(text: str) -> int:
        value = int(_number(text, int))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range: use a whole number from {_grouped(low)} "
                f"to {_grouped(high)}"
            )
        return value

    return parse


def float_in(low: float, high: float, unit: str = "") -> Callable[[str], float]:
    """A ``type=`` for a number from ``low`` to ``high`` (both included)."""
    suffix = f" {unit}" if unit else ""

    def parse(text: str) -> float:
        value = float(_number(text, float))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text} is out of range: use {_grouped(low)} to {_grouped(high)}{suffix}"
            )
        return value

    return parse


def readable_file(text: str) -> str:
    """A ``type=`` for a file that must exist and be readable (a CA bundle): a missing
    one is said at once, not met later as a connection that never succeeds."""
    import os

    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    if not os.access(text, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot read {text!r} (permissions)")
    return text


def keep_earlier(parser: argparse.ArgumentParser, dests: tuple[str, ...]) -> None:
    """Options given before the command (``policytui --profile prod login``) survive:
    argparse lets a subcommand's own defaults overwrite them, unless it has none."""
    for action in parser._actions:
        if action.dest in dests:
            action.default = argparse.SUPPRESS


#: The options of every command that talks to a server (``connection_options``).
CONNECTION = ("profile", "url", "ca_bundle", "insecure")


def connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", "-p", help="profile to use (see `policytui profiles`)")
    parser.add_argument("--url", help="Waldur API URL, e.g. https://waldur.example.com/api/")
    parser.add_argument(
        "--ca-bundle", metavar="PEM", type=readable_file, help="CA bundle for a private CA"
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify TLS certificates (a warning is shown all session)",
    )
