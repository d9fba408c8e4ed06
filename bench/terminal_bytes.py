"""Benchmark 6: bytes written to the terminal for one cursor move and one page change.

What an SSH link carries per keypress. policytui runs under a 120x40 pty against a demo
server (10 000 policies, own process); after the first page is painted and the screen has
gone quiet, a key is typed and every byte the app writes until it is quiet again is
counted. The baseline is the bare Textual DataTable app (bench/_bare_table.py) doing the
same: a cursor move (down) and a page change (page down).

    .venv/bin/python bench/terminal_bytes.py [--runs 9] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from _common import (
    BENCH_DIR,
    ROW_MARKER,
    Row,
    child_env,
    demo_process,
    median,
    policytui_argv,
    policytui_env,
    report,
)
from _pty import PtyApp

SIZE = (120, 40)
QUIET = 0.35
#: The top bar once the user's name is in (``… · staff · Policies``).
SIGNED_IN_AS_STAFF = rb"\xc2\xb7 staff \xc2\xb7"


def measure(
    argv: list[str],
    env: dict[str, str],
    keys: list[tuple[bytes, bytes]],
    runs: int,
    *,
    quiet: float = QUIET,
    settle: float = 1.0,
    ready: bytes = ROW_MARKER,
):
    """Per (forward, back) key pair: bytes written for each forward press (the back press
    returns to where it started, so every run starts from the same screen).

    ``ready`` is what shows once the app has loaded everything it loads by itself (for
    policytui the user's name, asked for after the rows are named): bytes still being
    written for the start-up are not counted as a keypress's."""
    results: list[list[int]] = [[] for _ in keys]
    with PtyApp(argv, env, size=SIZE) as app:
        app.wait_for(ROW_MARKER, timeout=60)
        app.wait_for(ready, timeout=60)
        app.settle(settle)
        for index, (forward, back) in enumerate(keys):
            for _ in range(runs):
                results[index].append(app.press(forward, quiet=quiet))
                app.press(back, quiet=quiet)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1 run, 300 policies, short waits"
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    policies = 300 if args.quick else args.policies
    waits = {"quiet": 0.2, "settle": 0.4} if args.quick else {}

    bare_cursor, bare_page = measure(
        [sys.executable, str(BENCH_DIR / "_bare_table.py")],
        child_env(),
        [(b"\x1b[B", b"\x1b[A"), (b"\x1b[6~", b"\x1b[5~")],  # down/up, pgdn/pgup
        runs,
        **waits,
    )
    with demo_process(policies) as server, tempfile.TemporaryDirectory() as home:
        ours_cursor, ours_page = measure(
            policytui_argv(server.url),
            policytui_env(server, home),
            [(b"j", b"k"), (b"]", b"[")],  # cursor down/up, next/previous page
            runs,
            ready=SIGNED_IN_AS_STAFF,
            **waits,
        )
    rows = [
        Row(
            "bytes per cursor move (j / down)",
            median(bare_cursor),
            median(ours_cursor),
            "B",
            "< 2048 B",
            median(ours_cursor) < 2048,
            "bare Textual DataTable, 300 rows, down",
            median(ours_cursor) / median(bare_cursor) if median(bare_cursor) else None,
        ),
        Row(
            "bytes per page change (] / page down)",
            median(bare_page),
            median(ours_page),
            "B",
            "(reported)",
            True,
            "bare Textual DataTable, 300 rows, page down",
            median(ours_page) / median(bare_page) if median(bare_page) else None,
        ),
    ]
    report(
        "Terminal bytes per keypress (120x40)",
        rows,
        runs=runs,
        notes=[
            f"{policies} policies on the server; bytes read from the pty until "
            f"{QUIET * 1000:.0f} ms of quiet",
            f"policytui cursor moves {sorted(ours_cursor)}, page changes {sorted(ours_page)}",
            f"bare cursor moves {sorted(bare_cursor)}, page downs {sorted(bare_page)}",
        ],
    )


if __name__ == "__main__":
    main()
