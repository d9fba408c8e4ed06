"""What the list says about itself: position, scan progress and empty states.

Pure functions of plain values, so the wording is tested without a terminal.
"""

from __future__ import annotations

from policytui.tui.format import count_noun, group_thousands


def _policies(count: int) -> str:
    return count_noun(count, "policy", "policies")


def page_position(
    page: int, page_count: int | None, total: int | None, *, loading: bool = False
) -> str:
    """``page 3 of 17 · 512 policies``; ``?`` where the server sent no count or links."""
    pages = group_thousands(page_count) if page_count else "?"
    policies = _policies(total) if total is not None else "? policies"
    text = f"page {group_thousands(page)} of {pages} · {policies}"
    return f"{text} · loading…" if loading else text


def fired_headline(
    fired: int,
    total: int | None,
    read: tuple[int, int] | None = None,
    *,
    scanning: bool = False,
) -> str:
    """``7 fired of 512`` for the top bar (``scanning…`` before the first page).

    ``read`` is ``(pages read, pages)`` of a scan that stopped before the end: what it
    found is then not the answer, and the bar says so; nor is the count of a scan still
    under way (``scanning… 1 455 fired so far``).
    """
    if read is not None:
        return f"{group_thousands(fired)} fired in {pages_read(*read)} (incomplete)"
    if total is None:
        return "scanning…"
    if scanning:
        return f"scanning… {group_thousands(fired)} fired so far"
    return f"{group_thousands(fired)} fired of {group_thousands(total)}"


def pages_read(pages: int, page_count: int) -> str:
    """``223 of 5 000 pages read``."""
    return f"{group_thousands(pages)} of {count_noun(page_count, 'page')} read"


def scan_position(
    done: bool,
    pages: int,
    page_count: int,
    fired: int,
    total: int | None,
    *,
    complete: bool = True,
) -> str:
    """``scanning 37 % · 7 fired so far`` while the walk runs, the tally when it is done;
    a scan that stopped before reading every page (``complete`` false) says what it read:
    ``4 456 fired in 223 of 5 000 pages read``."""
    if done and not complete:
        if page_count:
            return f"{group_thousands(fired)} fired in {pages_read(pages, page_count)}"
        return f"scan stopped · {group_thousands(fired)} fired so far"
    if done:
        return f"{group_thousands(fired)} fired of {_policies(total or 0)}"
    percent = int(100 * pages / page_count) if page_count else 0
    return f"scanning {percent} % · {group_thousands(fired)} fired so far"


def empty_state(fired_view: bool, offering: str, scanned: int | None) -> tuple[str, str]:
    """Title and what-to-do-next for a list with nothing in it."""
    if fired_view:
        where = f" for {offering}" if offering else ""
        return (
            f"No fired policies{where}",
            f"None of {_policies(scanned or 0)} has fired. "
            "Press f to go back to every policy, r to scan again.",
        )
    if offering:
        return (
            "No usage policies for this offering",
            f"{offering} has no usage policies yet.\n"
            "Press n to create one, o to pick another offering, x to show every offering.",
        )
    return (
        "No usage policies",
        "There are none in the offerings you manage (or you manage none).\n"
        "Press n to create one, r to refresh.",
    )
