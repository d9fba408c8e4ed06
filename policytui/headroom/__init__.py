"""How close each policy is to firing, and why its state differs from its usage, computed
as the server decides (SEMANTICS.md, "How the server decides that a policy fires").

Pure: no HTTP, no clock, no Textual. The caller reads the rows (``policytui.api.usage``)
and passes "today"; the same inputs always give the same answer.
"""

from policytui.headroom.compute import CustomerShare, LimitHeadroom, PolicyHeadroom, headroom
from policytui.headroom.pooled import OfferingUsage
from policytui.headroom.reasons import Reason, reason_words
from policytui.headroom.summary import HeadroomSummary, summarize
from policytui.headroom.windows import Window, policy_window

__all__ = [
    "CustomerShare",
    "HeadroomSummary",
    "LimitHeadroom",
    "OfferingUsage",
    "PolicyHeadroom",
    "Reason",
    "Window",
    "headroom",
    "policy_window",
    "reason_words",
    "summarize",
]
