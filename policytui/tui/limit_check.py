"""Which component limit of a policy the server evaluates.

The server's ``OfferingUsagePolicy.is_triggered`` returns on its first pass through the
limits (2024 and newer; SEMANTICS.md, "How the server decides"): only the **first**
limit, in the order the server lists them, decides whether the policy fires. A policy
over on its second limit alone never fires, so the detail marks which is which.
No Textual here: the detail widget calls it for each limit line.
"""

from __future__ import annotations

CHECKED = "(checked)"
NOT_CHECKED = "(not checked)"


def limit_check_label(count: int, index: int) -> str:
    """The mark after limit ``index`` of ``count``: nothing when there is one limit."""
    if count < 2:
        return ""
    return f"  {CHECKED}" if index == 0 else f"  {NOT_CHECKED}"
