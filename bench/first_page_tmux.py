"""Benchmark 1 from outside: time to first page in tmux, the installed console script
against a bare Textual app.

bench/first_page.py reads the bytes an app writes to a pty; this looks at what a user
sees. Each app starts in a 120x40 tmux pane (a private tmux server for each run: the
end-to-end harness's ``Terminal``, tests/e2e/e2e_terminal.py), and the pane is captured
(``tmux capture-pane``) every 20 ms until the first policy row is on screen. The clock
starts just before the tmux session is made and stops when a capture that shows a row
returns, so both sides include starting tmux and a shell, as a user's terminal would.
policytui is the installed console script (``.venv/bin/policytui``) with
``WALDUR_API_URL`` and ``WALDUR_ACCESS_TOKEN`` in its environment (through the harness's
0600 file, never a command line), against ``policytui demo-server --policies 10000``
over HTTP in a process of its own. The baseline is bench/_bare_table.py (a 300-row
DataTable). Runs are interleaved, after one untimed run of each.

    .venv/bin/python bench/first_page_tmux.py [--runs 5] [--policies 10000] [--quick]
        [--before PATH]

``--before PATH`` times another build's console script too (e.g. the previous release's,
``git worktree add ../before v1 && ../before/.venv/bin/pip install -e ../before``), in the
same interleaved runs against the same server, so a change is judged in one run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    BENCH_DIR,
    REPO,
    ROW_MARKER,
    child_env,
    median,
    ratio_row,
    report,
    token_env,
)

# The end-to-end harness is the one way this project drives the app in tmux.
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "e2e")]
from e2e_terminal import POLICYTUI, Terminal, demo_server_process  # noqa: E402

SIZE = (120, 40)
#: Seconds between two captures of the pane.
POLL = 0.02
ROW = re.compile(ROW_MARKER.decode())
TERM = "xterm-256color"


def time_to_rows(argv: list[str], env: dict[str, str], *, secret: str = "") -> float:
    """Seconds from starting ``argv`` in a fresh tmux pane to a capture showing a row;
    with ``secret``, then check it is on no screen and no command line."""
    seen_at = 0.0

    def shows_a_row(screen: str) -> bool:
        nonlocal seen_at
        seen_at = time.monotonic()  # the capture has just returned
        return ROW.search(screen) is not None

    started = time.monotonic()
    term = Terminal(argv, env, SIZE, name="bench")
    try:
        term.wait_until(shows_a_row, timeout=60, what="a policy row", every=POLL)
        if secret:
            term.assert_no_secret(secret)
    finally:
        term.close()
    return seen_at - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1 run, 300 policies, no warm-up"
    )
    parser.add_argument(
        "--before", metavar="PATH", help="another build's console script, timed alongside"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("bench/first_page_tmux.py needs tmux (scripts/test installs it)")
    if not Path(POLICYTUI).exists():
        raise SystemExit(f"no console script at {POLICYTUI}: pip install -e . first")
    runs = 1 if args.quick else args.runs
    policies = 300 if args.quick else args.policies

    from policytui.demo import STAFF_TOKEN

    bare_argv = [sys.executable, str(BENCH_DIR / "_bare_table.py")]
    bare_env = child_env(TERM=TERM)
    bare: list[float] = []
    ours: list[float] = []
    before: list[float] = []
    with (
        demo_server_process("--policies", str(policies)) as server,
        tempfile.TemporaryDirectory() as home,
    ):
        ours_argv = [POLICYTUI]
        ours_env = token_env(STAFF_TOKEN, home, WALDUR_API_URL=server.api_url, TERM=TERM)
        if not args.quick:
            # One untimed run of each warms the bytecode caches and the server.
            time_to_rows(bare_argv, bare_env)
            time_to_rows(ours_argv, ours_env, secret=STAFF_TOKEN)
            if args.before:
                time_to_rows([args.before], ours_env)
        for run in range(runs):
            bare.append(time_to_rows(bare_argv, bare_env))
            ours.append(time_to_rows(ours_argv, ours_env, secret=STAFF_TOKEN if run == 0 else ""))
            if args.before:
                before.append(time_to_rows([args.before], ours_env))
    rows = []
    if before:
        rows.append(
            ratio_row(
                f"the other build ({args.before}) from outside",
                median(bare) * 1000,
                median(before) * 1000,
                "ms",
                max_ratio=1.3,
                baseline_name="bare Textual app painting a 300-row DataTable, in tmux",
            )
        )
        rows.append(
            ratio_row(
                "this build against the other one",
                median(before) * 1000,
                median(ours) * 1000,
                "ms",
                max_ratio=1.0,
                baseline_name=f"{args.before}",
            )
        )
    row = ratio_row(
        f"time to first page from outside (tmux, {policies} policies)",
        median(bare) * 1000,
        median(ours) * 1000,
        "ms",
        max_ratio=1.3,
        baseline_name="bare Textual app painting a 300-row DataTable, in tmux",
    )
    report(
        "Time to first page from outside: the console script in tmux vs a bare Textual app",
        [row, *rows],
        runs=runs,
        notes=[
            f"tmux session created to a {SIZE[0]}x{SIZE[1]} pane capture showing a row, "
            f"captured every {POLL * 1000:.0f} ms; policytui is {POLICYTUI}",
            f"bare min/max {min(bare) * 1000:.0f}/{max(bare) * 1000:.0f} ms, "
            f"policytui {min(ours) * 1000:.0f}/{max(ours) * 1000:.0f} ms",
        ],
    )


if __name__ == "__main__":
    main()
