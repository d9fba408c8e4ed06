"""The bytes ``--notify`` sends (policytui/tui/notify.py): the bell, OSC 9 and OSC 777,
wrapped for tmux; names from the server cannot smuggle escape sequences in."""

from __future__ import annotations

import re

from policytui.tui.notify import (
    MAX_BODY,
    alert_body,
    alert_sequence,
    clean,
    kinds_for,
    osc9,
    osc777,
    tmux_passthrough,
)

ESC, BEL = "\x1b", "\a"
#: A name an offering's manager could give it: set the user's clipboard (OSC 52), end
#: the notification early with BEL, then a CSI and a C1 OSC (U+009D) and ST (U+009C).
HOSTILE = "GPU\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9d0;owned\x9c\r\nnext; line\u202e"


def _controls(text: str) -> set[str]:
    return {ch for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F}


def test_the_body_names_up_to_three_policies_and_counts_the_rest() -> None:
    assert alert_body(["GPU partition (Nordics)"], []) == "1 policy fired: GPU partition (Nordics)"
    five = [f"P{n}" for n in range(1, 6)]
    assert alert_body(five, []) == "5 policies fired: P1, P2, P3 +2"
    assert alert_body(["A"], ["B", "C"]) == "1 policy fired: A; 2 policies over a limit: B, C"


def test_osc9_and_osc777_carry_the_title_and_body() -> None:
    assert osc9("1 policy fired: A") == f"{ESC}]9;policytui: 1 policy fired: A{BEL}"
    assert osc777("policytui", "1 policy fired: A") == (
        f"{ESC}]777;notify;policytui;1 policy fired: A{BEL}"
    )
    sequence = alert_sequence("1 policy fired: A", in_tmux=False)
    assert sequence == BEL + osc9("1 policy fired: A") + osc777("policytui", "1 policy fired: A")


def test_a_hostile_name_leaves_no_control_character_in_the_sequence() -> None:
    body = alert_body([HOSTILE], [HOSTILE])
    assert _controls(body) == set() and "\u202e" not in body
    sequence = alert_sequence(body, in_tmux=False)
    # Exactly the sequences built here: one BEL, two OSCs each ended by its own BEL.
    assert sequence.count(ESC) == 2 and sequence.count(BEL) == 3
    assert "\x1b]52" not in sequence and "\x1b[" not in sequence
    assert re.fullmatch(
        rf"{BEL}{ESC}\]9;[^{ESC}{BEL}]*{BEL}{ESC}\]777;[^{ESC}{BEL}]*{BEL}", sequence
    )
    # The text survives, harmlessly: what was readable is still there.
    assert "GPU]52;c;cm0gLXJmIH4=[2J0;owned next; line" in body


def test_the_777_title_has_no_field_separator_and_everything_is_capped() -> None:
    assert osc777("a;b", "c;d") == f"{ESC}]777;notify;ab;c;d{BEL}"
    long = alert_body(["x" * 500] * 3, [])
    assert len(clean(long)) <= MAX_BODY
    assert len(osc9(long)) <= MAX_BODY + len("\x1b]9;policytui: \a")
    assert clean("a  \t b " + "y" * 300).endswith("…")


def test_inside_tmux_the_notifications_pass_through_and_the_bell_stays_plain() -> None:
    body = "1 policy fired: A"
    sequence = alert_sequence(body, in_tmux=True)
    assert sequence.startswith(BEL + f"{ESC}Ptmux;")
    assert tmux_passthrough(osc9(body)) == f"{ESC}Ptmux;{ESC}{ESC}]9;policytui: {body}{BEL}{ESC}\\"
    assert sequence == BEL + tmux_passthrough(osc9(body)) + tmux_passthrough(
        osc777("policytui", body)
    )


def test_a_terminal_known_to_show_both_gets_one_and_an_unknown_one_both() -> None:
    """WezTerm and Ghostty show OSC 9 and OSC 777 alike: each notification would pop up
    twice. Over SSH (no TERM_PROGRAM) or in tmux the terminal is unknown: both go."""
    assert kinds_for({"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}) == ("9",)
    assert kinds_for({"TERM": "foot"}) == ("777",)
    assert kinds_for({"TERM": "xterm-256color"}) == ("9", "777")
    assert kinds_for({"TMUX": "/tmp/tmux-1/default,1,0", "TERM_PROGRAM": "tmux"}) == ("9", "777")
    only9 = alert_sequence("1 policy fired: A", in_tmux=False, kinds=("9",))
    assert only9 == BEL + osc9("1 policy fired: A")
