"""``--notify``: what the terminal is sent when a refresh sees policies fire (issue 14).

A bell (BEL) and a desktop notification as escape sequences, which pass through SSH to
the terminal the user sits at: OSC 9 (iTerm2, WezTerm, Ghostty, kitty…) and OSC 777
(foot, urxvt, VTE's patched builds…). No Textual here: the app writes the string this
module builds, once, through its driver.

The names come from the server (offerings and organization groups are named by whoever
manages them), so every control character is removed before it is put into a sequence:
a name holding ``ESC ] 52 ; …`` must not set the user's clipboard, nor a ``BEL`` end the
notification early and let the rest reach the terminal as commands.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

BEL = "\a"
ESC = "\x1b"
#: The notification's title (OSC 777 has one; OSC 9 starts its text with it).
TITLE = "policytui"
#: The body's longest length, in characters: a notification shows a line or two, and a
#: terminal may drop an overlong OSC altogether.
MAX_BODY = 200
#: How many policies are named; the rest are counted ("+4").
NAMED = 3
#: A policy's label's longest length (its offering and every group can be long).
MAX_NAME = 60
#: Characters that must never reach a sequence: C0 and C1 controls (ESC, BEL, CR, the
#: C1 string terminators) are category Cc; format characters (Cf: bidi overrides,
#: zero-width ones) could disguise the text; line and paragraph separators break it.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean(text: str, *, limit: int = MAX_BODY, extra: str = "") -> str:
    """``text`` with every control character (and each of ``extra``) removed, runs of
    white space made one space, and cut to ``limit`` characters with an ellipsis."""
    # A line break or tab between words becomes a space; every other control goes.
    kept = "".join(
        ch if unicodedata.category(ch) not in _DROPPED else (" " if ch.isspace() else "")
        for ch in text
        if ch not in extra
    )
    kept = " ".join(kept.split())
    if len(kept) > limit:
        kept = kept[: max(0, limit - 1)].rstrip() + "…"
    return kept


def _listed(labels: Sequence[str]) -> str:
    names = [clean(label, limit=MAX_NAME) or "?" for label in labels[:NAMED]]
    rest = len(labels) - len(names)
    return ", ".join(names) + (f" +{rest}" if rest > 0 else "")


def _policies(count: int) -> str:
    return f"{count} {'policy' if count == 1 else 'policies'}"


def alert_body(fired: Sequence[str], over: Sequence[str]) -> str:
    """What the notification says: the policies that fired, then those whose usage went
    over a limit without the server firing them (yet), each named up to three.

    ``policytui: 2 policies fired: GPU partition (Nordics), CPU (All organizations)``
    """
    parts = []
    if fired:
        parts.append(f"{_policies(len(fired))} fired: {_listed(fired)}")
    if over:
        parts.append(f"{_policies(len(over))} over a limit: {_listed(over)}")
    return "; ".join(parts)


def osc9(text: str) -> str:
    # The text starts with the title, never a digit: "ESC ] 9 ; 4 ;" is a progress bar to
    # Windows Terminal and "ESC ] 9 ; 2 ;" a message box to ConEmu.
    return f"{ESC}]9;{TITLE}: {clean(text)}{BEL}"


def osc777(title: str, body: str) -> str:
    # ";" separates the fields: one in the title would move part of it into the body.
    # The body is the last field, where a ";" is only text.
    return f"{ESC}]777;notify;{clean(title, limit=40, extra=';')};{clean(body)}{BEL}"


def tmux_passthrough(sequence: str) -> str:
    """``sequence`` wrapped for tmux to hand to the terminal it runs in (tmux 3.3 and later
    need ``set -g allow-passthrough on``): every ESC inside is doubled."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


#: Terminals known to show both OSCs, which would show each notification twice: told by
#: the TERM_PROGRAM they set (not forwarded by SSH: there, and anywhere unknown, both go).
_OSC9_TERMINALS = frozenset({"iTerm.app", "WezTerm", "ghostty"})
#: TERM values of terminals that show OSC 777 only.
_OSC777_TERMS = ("foot", "rxvt-unicode")


def kinds_for(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Which notifications to send ("9", "777"): both unless the terminal is known."""
    if environ.get("TMUX"):
        return ("9", "777")  # tmux sets TERM_PROGRAM=tmux: the outer terminal is unknown
    if environ.get("TERM_PROGRAM") in _OSC9_TERMINALS:
        return ("9",)
    if environ.get("TERM", "").startswith(_OSC777_TERMS):
        return ("777",)
    return ("9", "777")


def alert_sequence(body: str, *, in_tmux: bool, kinds: Sequence[str] = ("9", "777")) -> str:
    """The bell and the notifications ``kinds`` for ``body``, as one string to write.

    Inside tmux the bell stays plain (tmux marks the window and passes it on as the user
    configured), and the notifications are wrapped so they reach the outer terminal.
    """
    built = {"9": osc9(body), "777": osc777(TITLE, body)}
    notices = [built[kind] for kind in kinds]
    if in_tmux:
        notices = [tmux_passthrough(notice) for notice in notices]
    return BEL + "".join(notices)
