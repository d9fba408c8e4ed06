"""Benchmark 7: the filter language over every policy (issue 13), headless.

The policies and the catalog are read from a demo server (in its own process) through
policytui's client, as the every-policy index will hold them; that read is set-up, not
measured. Measured, in this process, side by side:

- building each policy's facts (one ``policytui.query.FactsReader``) against building its table
  row (``build_row``), which the list does for every policy it shows anyway;
- one free word through the language against today's quick filter (the same word in each
  row's search text), the baseline;
- typical filters of several terms, each a median of runs over every policy;
- each keystroke of typing them (parse, then filter what the previous keystroke kept
  when the new filter narrows it: ``Filter.narrows``), the filtering share of the
  30 ms keystroke budget of issue 13;
- a sort of every policy by a limit and by created;
- the memory the facts of every policy take (tracemalloc), per policy: the texts they
  share are counted once, as they are held.

    .venv/bin/python bench/filter_speed.py [--policies 100000] [--runs 7] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

from _common import Row, absolute_row, demo_process, median, percentile, ratio_row, report

#: What an operator types (issue 13's example first).
FILTERS = (
    "group:nordics offering:gpu limit:cpu>10000",
    "fired:<7d -action:block",
    "acme created:>2026-06-01 limits:>1",
    'period:12m -group:"Central Europe" by:staff',
)
WORD = "gpu"


async def _read(url: str, token: str):
    from policytui.api import WaldurClient
    from policytui.tui.catalog import Catalog

    async with WaldurClient(url, token) as client:
        policies = [p async for page in client.policies.walk() for p in page.items]
        catalog = await Catalog().load(client)
    return policies, catalog


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time in ms of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="5 000 policies, 3 runs")
    args = parser.parse_args()
    if args.quick:
        args.policies, args.runs = 5_000, 3

    from policytui.query import FactsReader, parse, parse_sort, sort_policies
    from policytui.tui.rows import build_row

    with demo_process(args.policies) as demo:
        policies, catalog = asyncio.run(_read(demo.url, demo.token_env["WALDUR_TOKEN"]))
    n = len(policies)
    assert n == args.policies, f"read {n} of {args.policies}"
    now = datetime.now(UTC)

    rows_ms, rows = timed(lambda: [build_row(p, catalog, now) for p in policies], args.runs)

    def read_facts() -> list:
        read = FactsReader(catalog)  # one per catalog, as the index makes it
        return [read(p) for p in policies]

    facts_ms, facts = timed(read_facts, args.runs)

    word = WORD.casefold()
    base_ms, base = timed(lambda: [r for r in rows if word in r.search], args.runs)
    free = parse(WORD)
    free_ms, ours = timed(lambda: free.select(facts, now), args.runs)
    notes = [
        f"{n} policies read from the demo server; '{WORD}' matches {len(ours)} "
        f"(today's quick filter: {len(base)}; it searches fewer columns)"
    ]

    filter_ms = []
    for text in FILTERS:
        query = parse(text)
        assert not query.problems, query.problems
        ms, matched = timed(lambda query=query: query.select(facts, now), args.runs)
        filter_ms.append(ms)
        notes.append(f"{text!r}: {len(matched)} match, {ms:.1f} ms")
    parse_ms, _ = timed(lambda: [parse(t) for t in FILTERS], args.runs)
    parse_ms /= len(FILTERS)

    # Typing each filter a character at a time, as `/` sees it: parse, then filter what
    # the previous keystroke kept when the new filter narrows it, else every policy.
    keystrokes: list[float] = []
    for text in FILTERS:
        previous, kept = parse(""), facts
        for end in range(1, len(text) + 1):
            gc.collect()
            start = time.perf_counter()
            query = parse(text[:end])
            kept = query.select(kept if query.narrows(previous) else facts, now)
            keystrokes.append((time.perf_counter() - start) * 1000)
            previous = query

    by_limit = parse_sort("-limit:cpu")
    by_created = parse_sort("created")
    sort_limit_ms, _ = timed(lambda: sort_policies(facts, by_limit), args.runs)
    sort_created_ms, _ = timed(lambda: sort_policies(facts, by_created), args.runs)

    facts = rows = []  # let go of them before measuring a fresh set
    gc.collect()
    tracemalloc.start()
    held = read_facts()
    facts_bytes = tracemalloc.get_traced_memory()[0] / len(held)
    tracemalloc.stop()
    held.clear()

    table: list[Row] = [
        ratio_row(
            f"facts of {n} policies (vs their rows)",
            rows_ms,
            facts_ms,
            "ms",
            max_ratio=1.0,
            baseline_name="build_row for every policy (the table's rows)",
        ),
        ratio_row(
            f"one word over {n} policies",
            base_ms,
            free_ms,
            "ms",
            max_ratio=1.5,
            baseline_name="today's quick filter: the word in each row's search text",
        ),
        absolute_row(
            f"slowest filter of {len(FILTERS)} (every policy)", max(filter_ms), "ms", limit=100
        ),
        absolute_row("parse one filter (mean of the 4)", parse_ms, "ms", limit=2),
        absolute_row(
            f"keystroke p95, typing the filters ({len(keystrokes)})",
            percentile(keystrokes, 95),
            "ms",
            limit=30,
        ),
        absolute_row(f"sort {n} by limit:cpu", sort_limit_ms, "ms", limit=150),
        absolute_row(f"sort {n} by created", sort_created_ms, "ms", limit=150),
        absolute_row("memory per policy's facts", facts_bytes, "B", limit=350),
    ]
    notes.append(f"CPU: {os.cpu_count()} cores shared with other work; medians of {args.runs}")
    report("the filter language over every policy", table, notes=notes, runs=args.runs)


if __name__ == "__main__":
    main()
