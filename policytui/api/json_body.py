"""A response body's JSON, decoded by orjson where it gives what ``json.loads`` gives.

The index of every policy decodes ~100 MB of pages; ``json.loads`` was ~9 µs a policy,
a quarter of the helper's CPU in a fill, and orjson decodes the same page in a third of
that. The values must be the ones ``json.loads`` makes (the models, the index's facts and
the packed pages read them), and orjson differs in two ways:

- it refuses what ``json.loads`` takes (NaN and Infinity, numbers past a float's range,
  lone surrogates, a byte-order mark, other encodings than UTF-8): such a body is decoded
  by ``json.loads`` again, which reads it or raises the error the client always reported;
- it reads a whole number past 64 bits as a float, where ``json.loads`` keeps it whole. A
  body with any run of 19 or more digits after a JSON value's delimiter (``:`` ``,``
  ``[``, blanks, ``-``) goes to ``json.loads`` too: every such number has one (a text
  that does only costs the slower decode).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["loads"]

#: Each digit as "0", each byte that may stand before a number's digits as "1", any
#: other byte as "x": a long number is then a plain substring (``bytes.find`` in C,
#: a regular expression was as slow as the decode).
_SHAPES = bytes(
    ord("0") if chr(b).isdigit() and b < 128 else ord("1") if chr(b) in ":,[ \t\r\n-" else ord("x")
    for b in range(256)
)
#: A number of 19 digits or more: -9223372036854775809 is the shortest orjson reads
#: as a float.
_LONG_NUMBER = b"1" + b"0" * 19


def has_long_number(content: bytes) -> bool:
    """Whether ``content`` may hold a whole number orjson reads otherwise than json.loads
    (19 digits or more)."""
    return long_number_in(shapes(content))


def shapes(content: bytes) -> bytes:
    """``content`` with each digit as "0", each byte that may stand before a number's
    digits as "1", any other as "x" (one pass in C: look for several shapes in it)."""
    return content.translate(_SHAPES)


def long_number_in(shaped: bytes) -> bool:
    """:func:`has_long_number` of the content ``shaped`` is the :func:`shapes` of."""
    # (A body that is one number has nothing before it.) rfind, not find: CPython skips
    # ahead on the needle's last byte searching forwards ("0", most of a shaped body) but
    # on its first searching backwards ("1", ~3 % of it): half the time a page.
    return shaped.rfind(_LONG_NUMBER) >= 0 or shaped.startswith(_LONG_NUMBER[1:])


def loads(content: bytes, fallback: Any = None) -> Any:
    """``content`` decoded as ``json.loads(content)`` would; its errors are
    ``json.loads``'s (``fallback()``, when given, decodes instead of ``json.loads``:
    the response's own ``json()``)."""
    if not has_long_number(content):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return fallback() if fallback is not None else json.loads(content)
