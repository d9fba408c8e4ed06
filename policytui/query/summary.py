"""The words under a filtered list: "12 of 340 match", or that nothing does and how to
clear the filter, and which terms were left out."""

from __future__ import annotations

from policytui.query.parser import Filter

#: Thin space: groups thousands as the rest of the app does ("10 000").
_THIN_SPACE = "\u2009"


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", _THIN_SPACE)


def summary(
    matched: int,
    total: int,
    query: Filter | None = None,
    *,
    clear_hint: str = "Esc clears the filter",
    reading: bool = False,
) -> str:
    """What the filter did: ``matched`` of ``total`` policies (``reading``: the total
    is what has been read so far). ``clear_hint`` says how to clear it where it is shown
    (the shell says "drop --filter")."""
    so_far = " so far" if reading else ""
    noun = "policy" if total == 1 else "policies"
    if query is None or (query.is_empty and not query.problems):
        return f"{_grouped(total)} {noun}{so_far}"
    ignored = _ignored(query)
    if query.is_empty:
        return f"{_grouped(total)} {noun}{so_far} · {ignored}"
    if matched == 0:
        what = " ".join(term.text for term in query.terms)
        # While reading, how much is read is said once, beside the index (the status bar).
        read = "" if reading else f" ({_grouped(total)} read)"
        text = f"No policy matches {what}{so_far}{read} · {clear_hint}"
        return f"{text} · {ignored}" if ignored else text
    text = f"{_grouped(matched)} of {_grouped(total)} match{so_far}"
    return f"{text} · {ignored}" if ignored else text


def _ignored(query: Filter) -> str:
    if not query.problems:
        return ""
    first = query.problems[0]
    more = len(query.problems) - 1
    rest = f" (and {more} more)" if more else ""
    return f"ignored {first.text}: {first.message}{rest}"
