"""Run a demo server in this process: print its URL, serve until stdin closes.

Used by the benchmarks so the measured process holds only the client or the app.
``--all-fired`` gives every policy a ``fired_datetime``: the official SDK cannot parse the
null that real servers (and the demo) send for policies that never fired.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def _all_fired_db(directory: str, policies: int, seed: int) -> str:
    """Pre-fill an SQLite file with the demo's sample data, every policy fired."""
    from policytui.demo import DemoSettings
    from policytui.demo.sample import COLUMNS, generate
    from policytui.demo.store import Store

    path = str(Path(directory) / "all-fired.sqlite3")
    fired, when, created = (COLUMNS.index(c) for c in ("has_fired", "fired_datetime", "created"))
    rows = []
    for row in generate(DemoSettings(policies=policies, seed=seed)):
        values = list(row)
        values[fired] = 1
        values[when] = values[when] or values[created]
        rows.append(tuple(values))
    store = Store(path)
    store.insert_many(rows)
    store.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--page-size-cap", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--all-fired", action="store_true")
    # The headroom benchmark's shape (issue 14): many customers, one offering, one period.
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--offering", default=None)
    parser.add_argument("--period", type=int, default=None)
    args = parser.parse_args()

    from policytui.demo import DemoServer, DemoSettings

    with tempfile.TemporaryDirectory(prefix="policytui-bench-") as tmp:
        db_path = _all_fired_db(tmp, args.policies, args.seed) if args.all_fired else None
        settings = DemoSettings(
            policies=args.policies,
            seed=args.seed,
            latency_ms=args.latency_ms,
            page_size_cap=args.page_size_cap,
            db_path=db_path,
            customers=args.customers,
            offering=args.offering,
            period=args.period,
        )
        with DemoServer(settings) as server:
            print(server.url, flush=True)
            sys.stdin.read()  # the parent closes stdin to stop the server


if __name__ == "__main__":
    main()
