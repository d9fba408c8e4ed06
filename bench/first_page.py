"""Benchmark 1: time to first page, policytui against a bare Textual app.

"Painted" means: the first policy row's text has been written to the terminal. Both apps
run under a 120x40 pseudo-terminal with their real drivers; the clock starts just before
the process is spawned and stops when the harness reads row text from the pty. policytui
is started as a user starts it (``python -m policytui --url ...``, token in the
environment) against a demo server holding 10 000 policies in a process of its own. The
baseline is ``bench/_bare_table.py``: a Textual app that paints a 300-row DataTable.
Runs are interleaved so a noisy moment hits both.

    .venv/bin/python bench/first_page.py [--runs 9] [--policies 10000] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from _common import (
    BENCH_DIR,
    ROW_MARKER,
    child_env,
    demo_process,
    median,
    policytui_argv,
    policytui_env,
    ratio_row,
    report,
)
from _pty import PtyApp

SIZE = (120, 40)


def time_to_rows(argv: list[str], env: dict[str, str]) -> float:
    with PtyApp(argv, env, size=SIZE) as app:
        return app.wait_for(ROW_MARKER, timeout=60) - app.started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1 run, 300 policies, no warm-up"
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    policies = 300 if args.quick else args.policies

    bare_argv = [sys.executable, str(BENCH_DIR / "_bare_table.py")]
    bare, ours = [], []
    with demo_process(policies) as server, tempfile.TemporaryDirectory() as home:
        ours_argv = policytui_argv(server.url)
        ours_env = policytui_env(server, home)
        if not args.quick:
            # One untimed run of each warms the bytecode caches and the server.
            time_to_rows(bare_argv, child_env())
            time_to_rows(ours_argv, ours_env)
        for _ in range(runs):
            bare.append(time_to_rows(bare_argv, child_env()))
            ours.append(time_to_rows(ours_argv, ours_env))
    row = ratio_row(
        f"time to first page ({policies} policies on server)",
        median(bare) * 1000,
        median(ours) * 1000,
        "ms",
        max_ratio=1.3,
        baseline_name="bare Textual app painting a 300-row DataTable",
    )
    report(
        "Time to first page: policytui vs a bare Textual app",
        [row],
        runs=runs,
        notes=[
            "process spawn to first row text read from a 120x40 pty, real drivers",
            f"bare min/max {min(bare) * 1000:.0f}/{max(bare) * 1000:.0f} ms, "
            f"policytui {min(ours) * 1000:.0f}/{max(ours) * 1000:.0f} ms",
        ],
    )


if __name__ == "__main__":
    main()
