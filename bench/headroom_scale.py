"""Benchmark 8: every policy's headroom on one offering with 2 000 policies (issue 14).

The shape the issue names: one offering (Acme HPC Cluster) with 2 000 policies, all with
12-month windows, 500 customers, a demo server in a process of its own adding 20 ms to
every request. Measured:

(a) headless, every policy's headroom: an ``api.usage.UsageReader`` reads the offering's
    usage rows for the 12-month window and its customers (concurrently, each page once
    however many policies share it), then ``headroom.OfferingUsage`` computes the 2 000.
    Baseline in the same run: the same pages fetched concurrently with plain httpx (the
    floor: the requests are the server's log of the reader's, replayed). Requests are
    counted by the reader and by the server's log; the extra memory is the growth of the
    process's peak RSS in the first run (and tracemalloc's peak for the computing alone).
    The old per-policy ``headroom()`` over every row is timed on a share of the policies
    and scaled up (all 2 000 take minutes).
(b) ``policytui list --near 0 --output json`` end to end, every policy's headroom.
(c) in the TUI (a 120x40 pty), from the first page painted to the first filled Usage
    cell ("CPU 96 %").

    .venv/bin/python bench/headroom_scale.py [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import httpx
from _common import (
    DemoProcess,
    absolute_row,
    demo_process,
    median,
    policytui_argv,
    policytui_env,
    ratio_row,
    report,
)
from _pty import PtyApp

HPC = "f2f7197ac8c95301bba4cceb22b7d108"  # Acme HPC Cluster: cpu, ram, storage
TWELVE_MONTHS = 4  # the server's period code
SIZE = (120, 40)
#: A filled Usage cell: the component's name and a percentage ("CPU 96 %").
USAGE_CELL = rb"(CPU|RAM|Storage) +\d+ %"
FIRST_ROW = rb"Acme HPC"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_log(url: str) -> list[dict[str, Any]]:
    entries = httpx.get(f"{url}/__demo__/requests", timeout=30).json()
    return [e for e in entries if e["path"].startswith("/api/")]


def _clear_log(url: str) -> None:
    httpx.delete(f"{url}/__demo__/requests", timeout=30).raise_for_status()


async def _inputs(server: DemoProcess) -> tuple[list[Any], list[Any]]:
    """The offering's policies and components: read before the clock starts."""
    from policytui.api import WaldurClient
    from policytui.api.models import ComponentUsage
    from policytui.api.usage import USAGES
    from policytui.cli.reading import load_catalog, walk_policies

    async with WaldurClient(server.url + "/api/", server.token_env["WALDUR_TOKEN"]) as client:
        listed = await walk_policies(client, scope_uuid=HPC)
        catalog = await load_catalog(client)
        # The demo makes its usage rows on the first request for them: not to be timed.
        await client.get_page(ComponentUsage, USAGES, page=1, page_size=1, params=[])
    known = catalog.offering(HPC)
    return [x.policy for x in listed], list(known.components if known else [])


async def _headless(server: DemoProcess, policies: list[Any], components: list[Any]) -> dict:
    """(a): read the offering's inputs and compute every policy's headroom."""
    from policytui.api import WaldurClient
    from policytui.api.usage import UsageReader
    from policytui.headroom import OfferingUsage

    today = datetime.now(UTC).date()
    async with WaldurClient(server.url + "/api/", server.token_env["WALDUR_TOKEN"]) as client:
        rss_before = _peak_rss_mb()
        started = time.perf_counter()
        reader = UsageReader(client, today)
        usage, customers = await asyncio.gather(reader.usage(HPC, 12), reader.customers(HPC))
        read = time.perf_counter()
        groups = {c.uuid: c.organization_group_uuid for c in customers}
        pooled = OfferingUsage(HPC, usage.rows, groups)
        results = [pooled.headroom(p, components, today) for p in policies]
        done = time.perf_counter()
    return {
        "wall": done - started,
        "read": read - started,
        "compute": done - read,
        "requests": reader.requests,
        "rows": len(usage.rows),
        "customers": len(customers),
        "rss_mb": _peak_rss_mb() - rss_before,
        "computed": sum(1 for r in results if not r.unavailable),
        "inputs": (usage.rows, groups, today),
    }


async def _floor(server: DemoProcess, log: list[dict[str, Any]], concurrency: int) -> float:
    """The same requests with plain httpx, concurrently under the same bound."""
    limit = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Token {server.token_env['WALDUR_TOKEN']}"}
    base = server.url

    async with httpx.AsyncClient(headers=headers, timeout=60) as client:

        async def one(entry: dict[str, Any]) -> None:
            async with limit:
                r = await client.get(f"{base}{entry['path']}?{entry['query']}")
                r.raise_for_status()
                r.json()

        started = time.perf_counter()
        # The reader's page 1 comes before the rest (it tells the count): so here.
        firsts = [e for e in log if "page=1&" in e["query"] + "&"]
        await asyncio.gather(*(one(e) for e in firsts))
        await asyncio.gather(*(one(e) for e in log if e not in firsts))
        return time.perf_counter() - started


def _old_loop(inputs: tuple, policies: list[Any], components: list[Any], share: int) -> float:
    """headroom() per policy over every row, on ``share`` policies, scaled to all."""
    from policytui.headroom import headroom

    rows, groups, today = inputs
    some = policies[:share]
    started = time.perf_counter()
    for p in some:
        headroom(p, components, groups, rows, today)
    return (time.perf_counter() - started) * len(policies) / max(len(some), 1)


def _computing_memory(inputs: tuple, policies: list[Any], components: list[Any]) -> float:
    """What OfferingUsage and the 2 000 headrooms hold at their peak, MB (untimed)."""
    from policytui.headroom import OfferingUsage

    rows, groups, today = inputs
    tracemalloc.start()
    pooled = OfferingUsage(HPC, rows, groups)
    kept = [pooled.headroom(p, components, today) for p in policies]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del kept
    return peak / 1e6


def _cli(server: DemoProcess, home: str) -> tuple[float, int]:
    argv = policytui_argv(server.url, "list", "--near", "0", "--output", "json")
    started = time.perf_counter()
    done = subprocess.run(argv, env=policytui_env(server, home), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some policy is near, as asked
        raise RuntimeError(f"policytui list failed ({done.returncode}): {done.stderr[-500:]}")
    listed = json.loads(done.stdout)
    return elapsed, sum(1 for x in listed if x.get("headroom") is not None)


def _tui(server: DemoProcess, home: str) -> float:
    """(c): first page painted to the first filled Usage cell, seconds."""
    with PtyApp(policytui_argv(server.url), policytui_env(server, home), size=SIZE) as app:
        painted = app.wait_for(FIRST_ROW, timeout=60)
        filled = app.wait_for(USAGE_CELL, timeout=120)
    return filled - painted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--policies", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1 run, 200 policies, 60 customers"
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    n = 200 if args.quick else args.policies
    customers = 60 if args.quick else args.customers
    shape = ["--customers", str(customers), "--offering", HPC, "--period", str(TWELVE_MONTHS)]

    heads, floors, olds, clis, tuis, server_counts = [], [], [], [], [], []
    with (
        demo_process(n, latency_ms=args.latency_ms, extra=shape) as server,
        tempfile.TemporaryDirectory() as home,
    ):
        from policytui.api import WaldurClient

        concurrency = WaldurClient(server.url + "/api/", "x").concurrency
        policies, components = asyncio.run(_inputs(server))
        assert len(policies) == n, f"the server holds {len(policies)} policies, not {n}"
        if not args.quick:
            _cli(server, home)  # untimed: warms the bytecode caches and the server
        for _ in range(runs):
            _clear_log(server.url)
            head = asyncio.run(_headless(server, policies, components))
            log = _server_log(server.url)
            server_counts.append(len(log))
            heads.append(head)
            floors.append(asyncio.run(_floor(server, log, concurrency)))
            clis.append(_cli(server, home))
            tuis.append(_tui(server, home))
        olds.append(_old_loop(heads[0]["inputs"], policies, components, max(20, n // 20)))
        computing_mb = _computing_memory(heads[0]["inputs"], policies, components)

    head = heads[-1]
    rows = [
        ratio_row(
            f"every policy's headroom, headless ({n} policies)",
            median(floors) * 1000,
            median([h["wall"] for h in heads]) * 1000,
            "ms",
            max_ratio=1.5,
            baseline_name="the same pages with plain httpx, concurrently",
        ),
        absolute_row(
            "  the same, against the issue's figure",
            median([h["wall"] for h in heads]) * 1000,
            "ms",
            limit=2000,
        ),
        absolute_row(
            "  of which computing (OfferingUsage)",
            median([h["compute"] for h in heads]) * 1000,
            "ms",
            limit=2000,
        ),
        ratio_row(
            "  computing, vs headroom() per policy",
            olds[0] * 1000,
            median([h["compute"] for h in heads]) * 1000,
            "ms",
            min_speedup=10,
            baseline_name="headroom() over every row for each policy (a share, scaled)",
        ),
        absolute_row("  requests (reader)", float(head["requests"]), "requests", limit=10_000),
        absolute_row(
            "  requests (server's log)", float(median(server_counts)), "requests", limit=10_000
        ),
        absolute_row(
            "  extra memory (peak RSS growth, first run)", heads[0]["rss_mb"], "MB", limit=200
        ),
        absolute_row("  of which computing (tracemalloc peak)", computing_mb, "MB", limit=100),
        absolute_row(
            "`policytui list --near 0 --output json`",
            median([c[0] for c in clis]),
            "s",
            limit=10,
        ),
        absolute_row(
            "TUI: first page painted to first Usage cell",
            median(tuis) * 1000,
            "ms",
            limit=2000,
        ),
    ]
    report(
        "Headroom of every policy of one offering (issue 14)",
        rows,
        runs=runs,
        notes=[
            f"{n} policies on Acme HPC Cluster, 12-month windows, {head['customers']} "
            f"customers, {head['rows']} usage rows read, +{args.latency_ms:g} ms "
            "per request, demo server in its own process",
            f"headless: reading {median([h['read'] for h in heads]) * 1000:.0f} ms, "
            f"{head['computed']} of {n} policies with a figure; the CLI gave "
            f"{clis[-1][1]} headrooms",
            f"server log per run: {server_counts} API requests (the reader's own count: "
            f"{[h['requests'] for h in heads]})",
            f"old loop timed on {max(20, n // 20)} policies and scaled to {n}",
        ],
    )


if __name__ == "__main__":
    main()
