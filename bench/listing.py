"""Benchmark 3: list all 10 000 policies, policytui's client against the official SDK.

The SDK (``sync_all`` and ``asyncio_all``, sequential pages of 100) runs in its own venv's
interpreter; policytui's ``policies.walk()`` runs in this venv's; each times itself, so
neither pays for the other's imports. One demo server, in its own process, serves both; its
added latency per request is switched between rounds (0 ms and 20 ms).

The SDK cannot parse a policy whose ``fired_datetime`` is null (real servers send null until
a policy first fires), so this runs on a data set where every policy has fired.

    .venv/bin/python bench/listing.py [--policies 10000] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _common import (
    BENCH_DIR,
    Row,
    child_env,
    demo_process,
    median,
    ratio_row,
    report,
    sdk_python,
    set_latency,
)


def _run(cmd: list[str], env: dict[str, str]) -> tuple[list[float], int]:
    done = subprocess.run(cmd, capture_output=True, text=True, env=child_env(**env))
    if done.returncode != 0:
        raise SystemExit(f"{cmd[1]} failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["times"], data["count"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latencies", default="0,20", help="added ms per request, e.g. 0,20")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 1 run, 300 policies, +0 ms only, sync_all only (not the figure)",
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    policies = 300 if args.quick else args.policies
    latencies = [0.0] if args.quick else [float(x) for x in args.latencies.split(",")]

    sdk = str(sdk_python())
    rows: list[Row] = []
    notes = [
        f"{policies} policies, every one fired: the SDK raises on a null fired_datetime",
        "policytui: WaldurClient.policies.walk() (page_size 300, 6 concurrent, one pool)",
        *(["--quick: a smoke run on a tiny data set, not the figure"] if args.quick else []),
    ]
    with demo_process(policies, all_fired=True) as server:
        for latency in latencies:
            set_latency(server.url, latency)
            ours, n_ours = _run(
                [sys.executable, str(BENCH_DIR / "_list_policytui.py"), server.url, str(runs)],
                server.token_env,
            )
            modes = ("sync_all", "asyncio_all")
            if args.quick:  # each SDK run pays its ~4 s import: one keeps the smoke short
                modes = modes[:1]
            for mode in modes:
                theirs, n_theirs = _run(
                    [sdk, str(BENCH_DIR / "_list_sdk.py"), server.url, mode, str(runs)],
                    server.token_env,
                )
                if n_theirs != n_ours or n_ours != policies:
                    raise SystemExit(f"counts differ: SDK {n_theirs}, policytui {n_ours}")
                # At 0 ms the target is "no slower", at 20 ms "5x faster".
                speedup = 5.0 if latency >= 20 else 1.0
                rows.append(
                    ratio_row(
                        f"list {policies}, +{latency:g} ms/request vs {mode}",
                        median(theirs),
                        median(ours),
                        "s",
                        baseline_name=f"waldur-api-client 8.1.3 {mode} (pages of 100)",
                        min_speedup=speedup,
                    )
                )
    report("Listing all policies: policytui vs the official SDK", rows, runs=runs, notes=notes)


if __name__ == "__main__":
    main()
