"""Benchmark 4: the fired view at scale (100 000 policies on the server).

policytui runs under a 120x40 pty (real driver) with bench/_tui_probe.py logging each frame
it paints. After the first page is on screen the harness presses ``f``; the figures are the
time from that keypress to the first frame showing a fired policy, the time until the scan
of every page has finished, and the peak resident memory of the app process. The demo
server runs in a process of its own. The official SDK has no streaming scan to compare
with (its ``*_all`` functions return only when every page is read, and fail on the null
``fired_datetime`` of policies that never fired), so the targets are absolute.

    .venv/bin/python bench/fired_scale.py [--policies 100000] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    BENCH_DIR,
    ROW_MARKER,
    ProbeLog,
    absolute_row,
    demo_process,
    median,
    policytui_env,
    report,
)
from _pty import PtyApp

SIZE = (120, 40)


def helper_pids(app_pid: int) -> list[int]:
    """The app's child processes: its helper (policytui.helper.fork), if it has one."""
    try:
        children = Path(f"/proc/{app_pid}/task/{app_pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in children]


def helper_peak_mb(app_pid: int) -> float:
    """Peak RSS (VmHWM) of the app's helper process (policytui.helper.fork), 0 without one."""
    peak = 0.0
    for child in helper_pids(app_pid):
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def one_scan(
    url: str, env: dict[str, str], timeout: float
) -> tuple[float, float, float, float, float]:
    """(first fired row s, scan complete s, peak RSS MB, RSS at first page MB, helper's
    peak RSS MB)."""
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        log_path = handle.name
    argv = [sys.executable, str(BENCH_DIR / "_tui_probe.py"), "--url", url]
    try:
        with PtyApp(argv, {**env, "POLICYTUI_PROBE_LOG": log_path}, size=SIZE) as app:
            probe = ProbeLog(log_path)
            app.wait_for(ROW_MARKER, timeout=60)
            app.settle(0.5)
            rss_first_page = max(float(f.get("rss", 0)) for f in probe.update())
            seen = len(probe.frames)
            pressed = app.send(b"f")
            first = done = None
            deadline = time.monotonic() + timeout
            while done is None and time.monotonic() < deadline:
                time.sleep(0.05)
                frames = probe.update()
                for frame in frames[seen:]:
                    if frame.get("mode") != "fired" or frame["t"] < pressed:
                        continue
                    if first is None and frame.get("rows", 0) > 0:
                        first = frame["t"] - pressed
                    if done is None and frame.get("done"):
                        done = frame["t"] - pressed
                seen = len(frames)
            if first is None or done is None:
                raise SystemExit(f"the fired scan did not finish in {timeout:g} s")
            app.settle(0.5)
            peak = max(float(f.get("rss", 0)) for f in probe.update())
            return first, done, peak, rss_first_page, helper_peak_mb(app.process.pid)
    finally:
        os.unlink(log_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 run, 1500 policies: smoke test")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    policies = 1500 if args.quick else args.policies

    results = []
    with demo_process(policies) as server, tempfile.TemporaryDirectory() as home:
        env = policytui_env(server, home)
        for _ in range(runs):
            results.append(one_scan(server.url, env, timeout=300))
    first = median([r[0] for r in results])
    done = median([r[1] for r in results])
    peak = max(r[2] for r in results)
    helper = max(r[4] for r in results)
    rows = [
        absolute_row(
            f"first fired row on screen after f ({policies} policies)", first, "s", limit=1.0
        ),
        absolute_row("fired scan complete (every page read)", done, "s", limit=float("inf")),
        absolute_row("peak RSS of the app process", peak, "MB", limit=float("inf")),
        absolute_row(
            "peak RSS of its helper process (runs the scan)", helper, "MB", limit=float("inf")
        ),
        absolute_row("peak RSS, app + helper (upper bound)", peak + helper, "MB", limit=300),
    ]
    for row in rows[1:4]:
        row.target = "(reported)"
    report(
        "Fired view at scale",
        rows,
        runs=runs,
        notes=[
            "times from the f keypress (written to the pty) to the frame handed to the driver",
            f"RSS at first page, before the scan: {median([r[3] for r in results]):.0f} MB; "
            f"peak is the max over runs",
            "scan: " + ", ".join(f"{r[1]:.2f} s" for r in results),
        ],
    )


if __name__ == "__main__":
    main()
