"""The soak's CI version: bench/soak.py for ~25 s, random keys in the real TUI against a
demo server whose faults change every few seconds. It must not crash or exit.

Memory is read at rest after a 5 s warm-up, half-way and at the end (see the docstring of
bench/soak.py), after a full collection of everything, the app's frozen objects too. In
25 s Textual's bounded render caches are still filling (they level off after 30 to 60 s),
so the heap bounds here only catch a runaway leak: more than 40 % growth of live heap
blocks, or more than 20 % in the second half alone (measured on a busy machine: +8 to
+15 %, +3 to +7 % in the second half). A closed screen kept alive is caught by the count
of widgets alive out of the DOM (more than 50 more). Flatness is judged by the ten-minute
run (``python bench/soak.py``: 15 %, 7.5 % in the second half)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOAK = ROOT / "bench" / "soak.py"


@pytest.mark.skipif(not SOAK.exists(), reason="bench/soak.py is missing")
def test_a_short_soak_with_faults(fault_row) -> None:
    fault_row.describe(
        "TUI",
        "every fault, changing every 2 s",
        "random keys for 25 s (bench/soak.py)",
        expected="no crash, no exit, memory within bounds",
    )
    done = subprocess.run(
        [
            sys.executable,
            str(SOAK),
            "--seconds",
            "25",
            "--fault-every",
            "2",
            "--policies",
            "120",
            "--max-heap-growth-pct",
            "40",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"soak printed nothing; stderr:\n{done.stderr[-2000:]}"
    report = json.loads(lines[-1])
    fault_row.observed = (
        f"{report['keys']} keys over {report['fault_mixes']} fault mixes, "
        f"{len(report['screens'])} kinds of screen; crash: {report['crashed'] or 'none'}; "
        f"RSS {report['rss_start_mb']:.0f} → {report['rss_end_mb']:.0f} MB "
        f"(peak {report['rss_peak_mb']:.0f}), live heap after the warm-up "
        f"{report['heap_growth_pct']:+.0f} % ({report['late_heap_growth_pct']:+.0f} % in the "
        f"second half), {report['detached_growth']:+d} widgets out of the DOM"
    )
    assert report["crashed"] is None, report["crashed"]
    assert report["keys"] >= 50 and report["fault_mixes"] >= 5
    assert report["rss_growth_mb"] <= report["allowed_growth_mb"]
    assert report["heap_growth_pct"] <= report["allowed_heap_growth_pct"]
    assert report["late_heap_growth_pct"] <= report["allowed_late_growth_pct"]
    assert report["detached_growth"] <= report["allowed_detached_growth"]
    assert done.returncode == 0


@pytest.mark.e2e
@pytest.mark.skipif(not SOAK.exists(), reason="bench/soak.py is missing")
def test_a_short_soak_in_a_terminal_with_the_helper_killed(fault_row) -> None:
    """bench/soak.py --terminal: the console script in tmux against `policytui
    demo-server`, the helper on and SIGKILLed at a moment drawn from the seed."""
    fault_row.describe(
        "e2e",
        "every fault, changing every 2 s; helper killed",
        "random keys for 20 s in tmux (bench/soak.py --terminal)",
        expected="no crash, no exit, back on the list once faults are off",
    )
    done = subprocess.run(
        [
            sys.executable,
            str(SOAK),
            "--terminal",
            *("--seconds", "20", "--fault-every", "2", "--policies", "3000", "--json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"soak printed nothing; stderr:\n{done.stderr[-2000:]}"
    report = json.loads(lines[-1])
    killed = report["helper_killed_at"]
    fault_row.observed = (
        f"{report['keys']} keys over {report['fault_mixes']} fault mixes, helper killed at "
        f"{killed:.0f} s; crash: {report['crashed'] or 'none'}; back on the list: "
        f"{report['recovered']}"
        if killed is not None
        else f"helper not killed; crash: {report['crashed'] or 'none'}"
    )
    assert report["crashed"] == "", report["crashed"]
    assert killed is not None and report["keys"] >= 50
    assert report["recovered"]
    assert done.returncode == 0
