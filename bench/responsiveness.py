"""Benchmark 5: keypress-to-repaint latency while the 100 000-policy fired scan streams in.

policytui runs under a 120x40 pty (real driver) with bench/_tui_probe.py logging each frame.
The harness presses ``f`` and, once the first fired rows show, types ``j`` and ``k`` in
turn every ``--interval`` ms for as long as the scan runs. A key's latency is the time from
writing it to the pty to the first frame painted after the app handled it (the probe counts
handled cursor moves). Baseline: the same keys on the same screen after the scan has
finished (the app idle), so the ratio shows what the streaming scan costs.

    .venv/bin/python bench/responsiveness.py [--policies 100000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from typing import Any

from _common import (
    BENCH_DIR,
    ROW_MARKER,
    ProbeLog,
    Row,
    demo_process,
    percentile,
    policytui_env,
    report,
)
from _pty import PtyApp

SIZE = (120, 40)


def latencies(frames: list[dict[str, Any]], sent: list[tuple[float, int]]) -> list[float]:
    """For each key (sent at t, the n-th cursor move): first frame with keys >= n, minus t."""
    out = []
    for t, n in sent:
        for frame in frames:
            if frame["keys"] >= n and frame["t"] >= t:
                out.append((frame["t"] - t) * 1000)
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=100.0, help="ms between keys")
    parser.add_argument("--idle-keys", type=int, default=40)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added per request")
    parser.add_argument(
        "--profile", metavar="FILE", help="write a pyinstrument profile of the UI thread here"
    )
    parser.add_argument(
        "--series", action="store_true", help="also print every key's latency, in order"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 3000 policies, +150 ms per request (so the scan lasts), 5 keys after",
    )
    args = parser.parse_args()
    policies = 3000 if args.quick else args.policies
    latency = 150.0 if args.quick else args.latency_ms
    idle_keys = 5 if args.quick else args.idle_keys
    gap = args.interval / 1000

    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        log_path = handle.name
    streaming: list[tuple[float, int]] = []
    idle: list[tuple[float, int]] = []
    try:
        with (
            demo_process(policies, latency_ms=latency) as server,
            tempfile.TemporaryDirectory() as home,
        ):
            env = {
                **policytui_env(server, home),
                "POLICYTUI_PROBE_LOG": log_path,
                **({"POLICYTUI_PROBE_PROFILE": args.profile} if args.profile else {}),
            }
            argv = [sys.executable, str(BENCH_DIR / "_tui_probe.py"), "--url", server.url]
            with PtyApp(argv, env, size=SIZE) as app:
                probe = ProbeLog(log_path)
                app.wait_for(ROW_MARKER, timeout=60)
                app.settle(0.5)
                app.send(b"f")
                deadline = time.monotonic() + 300
                keys = 0
                shown = done = False
                seen = len(probe.update())
                while not done and time.monotonic() < deadline:
                    time.sleep(gap)
                    frames = probe.update()
                    for frame in frames[seen:]:
                        if frame.get("mode") == "fired":
                            shown = shown or frame.get("rows", 0) > 1
                            done = done or bool(frame.get("done"))
                    seen = len(frames)
                    if shown and not done:
                        keys += 1
                        streaming.append((app.send(b"j" if keys % 2 else b"k"), keys))
                if not done:
                    raise SystemExit("the fired scan did not finish in 300 s")
                app.settle(0.5)
                for _ in range(idle_keys):
                    keys += 1
                    idle.append((app.send(b"j" if keys % 2 else b"k"), keys))
                    time.sleep(gap)
                app.settle(0.5)
                frames = probe.update()
    finally:
        os.unlink(log_path)

    during = latencies(frames, streaming)
    after = latencies(frames, idle)
    if args.series:
        print("during (ms, in order):", " ".join(f"{x:.0f}" for x in during))
    if not during:
        raise SystemExit("the scan finished before any key could be timed: use more policies")
    rows = [
        Row(
            f"keypress to repaint p50, scan of {policies} streaming",
            percentile(after, 50),
            percentile(during, 50),
            "ms",
            "(reported)",
            True,
            "same keys, scan finished",
            percentile(during, 50) / percentile(after, 50),
        ),
        Row(
            f"keypress to repaint p95, scan of {policies} streaming",
            percentile(after, 95),
            percentile(during, 95),
            "ms",
            "< 50 ms",
            percentile(during, 95) < 50,
            "same keys, scan finished",
            percentile(during, 95) / percentile(after, 95),
        ),
    ]
    report(
        "Responsiveness while the fired scan streams",
        rows,
        runs=len(during),
        notes=[
            f"{len(during)} keys timed during the scan, {len(after)} after; one key every "
            f"{gap * 1000:g} ms; key written to the pty -> frame handed to the driver; "
            f"server latency +{latency:g} ms per request",
            f"during: max {max(during):.1f} ms; after: max {max(after):.1f} ms",
        ],
    )


if __name__ == "__main__":
    main()
