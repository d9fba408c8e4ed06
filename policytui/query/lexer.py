"""The filter text cut into terms, each with where it stands in the input.

A term is a run of characters up to the next unquoted space. ``-`` in front negates
it; ``name:`` in front (letters only, outside quotes) makes it a field term; double
quotes group words and may sit anywhere in a term (``group:"Nordic Uni"``), with
``\\"`` and ``\\\\`` inside them for a quote or a backslash. A quote left open runs to the
end of the input, so a half-typed ``group:"Nor`` already filters. Nothing here raises:
the only thing the lexer cannot read (a ``-`` with nothing after it) comes back as a
problem.
"""

from __future__ import annotations

from dataclasses import dataclass

QUOTE = '"'
ESCAPE = "\\"
NEGATE = "-"
FIELD_MARK = ":"


@dataclass(frozen=True, slots=True)
class Value:
    """What follows a term's ``field:`` (or the whole word of a free term), unquoted.

    ``quoted`` says per character whether it stood inside quotes, so a reader can tell
    an operator typed (``limit:cpu>10``) from one inside a quoted name.
    """

    text: str
    quoted: tuple[bool, ...]
    #: Where the value stands in the input (quotes included).
    start: int
    end: int

    def split_at_operator(self) -> tuple[str, str, str] | None:
        """(before, operator, after) at the first unquoted ``<``, ``<=``, ``>``, ``>=``
        or ``=``; None when there is none."""
        for i, char in enumerate(self.text):
            if char in "<>=" and not self.quoted[i]:
                width = 2 if char in "<>" and self.text[i + 1 : i + 2] == "=" else 1
                return self.text[:i], self.text[i : i + width], self.text[i + width :]
        return None


@dataclass(frozen=True, slots=True)
class RawTerm:
    start: int
    end: int
    negated: bool
    #: Lower-cased field name, or None for a free word.
    field: str | None
    value: Value


@dataclass(frozen=True, slots=True)
class LexProblem:
    start: int
    end: int
    message: str


def lex(text: str) -> tuple[list[RawTerm], list[LexProblem]]:
    terms: list[RawTerm] = []
    problems: list[LexProblem] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == NEGATE
        if negated:
            i += 1
            if i == n or text[i].isspace():
                problems.append(
                    LexProblem(start, i, "- expects a term right after it, e.g. -fired:yes")
                )
                continue
        word_start = i
        chars, quoted, i = _read_word(text, i)
        field, value = _split_field(chars, quoted, word_start, i)
        if field is None and not value.text:
            continue  # `""`: an empty phrase asks for nothing
        terms.append(RawTerm(start, i, negated, field, value))
    return terms, problems


def _read_word(text: str, i: int) -> tuple[list[str], list[bool], int]:
    """The characters of one term from ``i``, quotes removed; and where it ended."""
    chars: list[str] = []
    quoted: list[bool] = []
    n = len(text)
    while i < n and not text[i].isspace():
        if text[i] != QUOTE:
            chars.append(text[i])
            quoted.append(False)
            i += 1
            continue
        i += 1  # the opening quote
        while i < n and text[i] != QUOTE:
            if text[i] == ESCAPE and i + 1 < n and text[i + 1] in (QUOTE, ESCAPE):
                i += 1
            chars.append(text[i])
            quoted.append(True)
            i += 1
        i += 1  # the closing quote (or past the end when it was left open)
    return chars, quoted, min(i, n)


def _split_field(
    chars: list[str], quoted: list[bool], start: int, end: int
) -> tuple[str | None, Value]:
    """``name:rest`` when the word opens with unquoted letters and a colon."""
    k = 0
    while k < len(chars) and not quoted[k] and (chars[k].isascii() and chars[k].isalpha()):
        k += 1
    if 0 < k < len(chars) and chars[k] == FIELD_MARK and not quoted[k]:
        # The value's span starts after the colon: the field's letters are unquoted,
        # so they are exactly k characters of the input.
        value = Value("".join(chars[k + 1 :]), tuple(quoted[k + 1 :]), start + k + 1, end)
        return "".join(chars[:k]).lower(), value
    return None, Value("".join(chars), tuple(quoted), start, end)


def quote(value: str) -> str:
    """``value`` as a term's text that reads back as exactly ``value``: bare when that is
    safe, else in double quotes with ``"`` and ``\\`` escaped."""
    if value and not _needs_quotes(value):
        return value
    escaped = value.replace(ESCAPE, ESCAPE * 2).replace(QUOTE, ESCAPE + QUOTE)
    return QUOTE + escaped + QUOTE


def _needs_quotes(value: str) -> bool:
    return value.startswith(NEGATE) or any(c.isspace() or c in '"\\:<>=' for c in value)
