"""Soak: drive the TUI with random keys against a demo server with faults switched on.

    python bench/soak.py                 # 10 minutes
    python bench/soak.py --seconds 30    # the CI version (tests/faults/test_fault_soak.py)

The demo server runs in a child process, so the memory measured here is the app's alone.
Every few seconds the fault mix changes (5xx, 429, timeouts, dropped connections, broken
JSON, HTML, wrong shapes, huge pages, stripped pagination headers, a revoked token, added
latency, random errors), while keys are pressed as a user would in whichever screen is on
top. The run fails if the app crashes or exits, or if its memory grows: resident size
(RSS) and the live Python heap (``sys.getallocatedblocks``) are read at rest before and
after the run, in the same state each time (the list, first page, freshly loaded, nothing
on top), so the comparison shows growth rather than whatever the last key opened. RSS is
also sampled once a second for the peak. RSS keeps memory the C allocator holds after a
spike, so its bound is loose; the live heap is what a leak would grow. The report lists
the kinds of object whose count grew; ``--trace`` adds allocation sites (tracemalloc; slow).

Prints a summary (``--json`` for one machine-readable line) and exits 0 when it passed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
import traceback
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Keys that leave the app or the terminal: a soak must not press them.
NEVER = {"q", "Q", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+o", "ctrl+d"}


def _keys(text: str) -> list[str]:
    """Keys as Textual names them; repeats make a key likelier."""
    return text.split()


LIST_KEYS = _keys(
    "j j j k k g G ] ] [ < > enter enter f f s S r slash y c C o x n e u d question_mark "
    "escape tab down down up pagedown pageup t"
)
DETAIL_KEYS = _keys("j k y r escape escape e u d c")
RAW_KEYS = _keys("j k r c escape escape")
FORM_KEYS = _keys(
    "a b c x 1 2 3 0 9 at full_stop comma space backspace backspace tab tab tab shift+tab "
    "down up enter ctrl+n ctrl+r ctrl+s escape escape escape escape"
)
MODAL_KEYS = _keys("enter escape escape tab y n b o r d k down up")
PICKER_KEYS = _keys("a c down down up enter escape backspace")
HELP_KEYS = _keys("j k escape escape")


#: A tour of every screen: help, side pane or detail, raw, offering picker, fired view,
#: quick filter, editor.
WARM_UP = _keys(
    "question_mark escape enter enter escape y escape o escape f f slash a escape escape "
    "n escape d escape"
)


def keys_for(screen_name: str) -> list[str]:
    name = screen_name.lower()
    if "list" in name:
        return LIST_KEYS
    if "detail" in name:
        return DETAIL_KEYS
    if "raw" in name:
        return RAW_KEYS
    if "editor" in name:
        return FORM_KEYS
    if "picker" in name or "offering" in name:
        return PICKER_KEYS
    if "help" in name:
        return HELP_KEYS
    if "login" in name:
        return ["escape"]
    return MODAL_KEYS


def fault_mixes(rng: random.Random) -> dict[str, Any]:
    """One random fault mix for the demo server's control endpoint."""
    choices: list[list[dict[str, Any]]] = [
        [],
        [{"name": "status", "times": 3, "params": {"status": rng.choice([502, 503, 504])}}],
        [{"name": "status", "times": 2, "params": {"status": 500}}],
        [{"name": "rate_limit", "times": 2, "params": {"retry_after": 1}}],
        [{"name": "timeout", "times": 1, "params": {"seconds": 4}}],
        [{"name": "drop", "times": 2}],
        [{"name": "malformed_json", "times": 1}],
        [{"name": "html", "times": 1}],
        [{"name": "wrong_types", "times": 1}],
        [{"name": "missing_fields", "times": 1}],
        [{"name": "huge", "times": 1, "params": {"count": 3000}}],
        [{"name": "no_link", "times": 4}, {"name": "bad_count", "times": 4}],
        [{"name": "revoke_token", "times": 1}],
    ]
    return {
        "faults": rng.choice(choices),
        "latency_ms": rng.choice([0, 0, 50, 200, 600]),
        "error_rate": rng.choice([0, 0, 0.05, 0.2]),
    }


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc; ru_maxrss elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Report:
    seconds: float = 0.0
    keys: int = 0
    fault_mixes: int = 0
    screens: Counter[str] = field(default_factory=Counter)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_growth_mb: float = 0.0
    allowed_growth_mb: float = 0.0
    crashed: str | None = None
    passed: bool = False
    #: Kinds of live object whose count grew most (widgets, messages, models...).
    object_growth: list[str] = field(default_factory=list)
    #: Widgets no longer in the DOM but still alive at the end (a leak if many).
    detached_widgets: list[str] = field(default_factory=list)
    #: With --trace: where the Python heap grew most during the run.
    growth_sites: list[str] = field(default_factory=list)
    #: Live Python objects' blocks (sys.getallocatedblocks), first and last fifth: RSS
    #: also holds memory the allocator keeps after a spike, this counts only what lives.
    heap_blocks_start: int = 0
    heap_blocks_end: int = 0
    heap_growth_pct: float = 0.0
    allowed_heap_growth_pct: float = 0.0
    #: (seconds into the run, RSS MB, heap blocks), one a second.
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        top = ", ".join(f"{k} {v}" for k, v in self.screens.most_common(8))
        return [
            f"soak: {self.seconds:.0f} s, {self.keys} keys, {self.fault_mixes} fault mixes",
            f"screens on top when keys were pressed: {top}",
            f"memory (RSS): start {self.rss_start_mb:.1f} MB, end {self.rss_end_mb:.1f} MB, "
            f"peak {self.rss_peak_mb:.1f} MB, growth {self.rss_growth_mb:+.1f} MB "
            f"(allowed {self.allowed_growth_mb:.1f} MB)",
            f"live Python heap: {self.heap_blocks_start} → {self.heap_blocks_end} blocks "
            f"({self.heap_growth_pct:+.1f} %, allowed {self.allowed_heap_growth_pct:.0f} %)",
            f"crash: {self.crashed or 'none'}",
            *(
                ["live objects that grew in number:", *self.object_growth]
                if self.object_growth
                else []
            ),
            *(
                ["heap growth by allocation site (--trace):", *self.growth_sites]
                if self.growth_sites
                else []
            ),
            "PASS" if self.passed else "FAIL",
        ]


class DemoProcess:
    """``soak.py --serve-demo`` in a child process; stops when its stdin closes."""

    def __init__(self, policies: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve-demo", "--policies", str(policies)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # uvicorn logs each deliberately dropped connection: noise, not the app's.
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.stop()
            raise RuntimeError("the demo server did not start")

    def control(self, mix: dict[str, Any]) -> None:
        import httpx

        httpx.post(f"{self.url}/__demo__/faults", json=mix, timeout=5).raise_for_status()
        # The server's request log would grow for ten minutes: it is not the app's memory,
        # but keep the child small too.
        httpx.delete(f"{self.url}/__demo__/requests", timeout=5)

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve_demo(policies: int) -> None:
    from policytui.demo import DemoServer, DemoSettings

    with DemoServer(DemoSettings(policies=policies)) as server:
        print(server.url, flush=True)
        sys.stdin.read()


async def soak(args: argparse.Namespace) -> Report:
    from pydantic import SecretStr

    from policytui.demo import STAFF_TOKEN
    from policytui.session import Session
    from policytui.tui.app import PolicyApp

    rng = random.Random(args.seed)
    report = Report()
    demo = DemoProcess(args.policies)
    samples: list[tuple[float, float, int]] = []
    try:
        session = Session(
            url=demo.url, token=SecretStr(STAFF_TOKEN), token_source="demo", demo=True
        )
        app = PolicyApp(session)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause(1.0)
            # Warm-up: open each screen twice, so first-use imports, stylesheet caches
            # and Textual's bounded render caches are not counted as growth.
            for _ in range(2):
                for key in WARM_UP:
                    await pilot.press(key)
                    await pilot.pause(0.25)
                while len(app.screen_stack) > 2:
                    app.pop_screen()
                    await pilot.pause(0.1)
            baseline = await measure_at_rest(pilot, app)
            live_before = live_objects()
            if args.trace:
                tracemalloc.start(8)
                before = tracemalloc.take_snapshot()
            start = time.monotonic()
            next_mix = start
            next_sample = start
            while (now := time.monotonic()) - start < args.seconds:
                if not app.is_running:
                    report.crashed = f"the app exited (return code {app.return_code})"
                    break
                if now >= next_mix:
                    await asyncio.to_thread(demo.control, fault_mixes(rng))
                    report.fault_mixes += 1
                    next_mix = now + args.fault_every
                if now >= next_sample:
                    samples.append((now - start, rss_mb(), sys.getallocatedblocks()))
                    next_sample = now + 1.0
                name = type(app.screen).__name__
                report.screens[name] += 1
                key = rng.choice(keys_for(name))
                if key in NEVER:
                    continue
                await pilot.press(key)
                report.keys += 1
                await pilot.pause(rng.choice([0.0, 0.02, 0.05, 0.2]))
            report.seconds = time.monotonic() - start
            await asyncio.to_thread(demo.control, {"faults": [], "latency_ms": 0, "error_rate": 0})
            if app.is_running:
                final = await measure_at_rest(pilot, app)
                report.rss_start_mb, report.heap_blocks_start = baseline
                report.rss_end_mb, report.heap_blocks_end = final
            report.object_growth = object_growth(live_before, live_objects())
            report.detached_widgets = detached_widgets(app)
            if args.trace:
                report.growth_sites = growth_sites(before, tracemalloc.take_snapshot())
                tracemalloc.stop()
    except Exception as exc:  # the crash is the finding: report it, no locals printed
        report.crashed = "".join(traceback.format_exception_only(exc)).strip()
        report.crashed += "\n" + "".join(traceback.format_tb(exc.__traceback__)[-6:])
    finally:
        demo.stop()
    judge_memory(report, samples, args.max_growth_mb, args.max_heap_growth_pct)
    report.passed = (
        report.crashed is None
        and report.heap_blocks_end > 0
        and report.rss_growth_mb <= report.allowed_growth_mb
        and report.heap_growth_pct <= report.allowed_heap_growth_pct
    )
    return report


def live_objects() -> Counter[str]:
    """Live objects by class, for the classes of this app, Textual, Rich and pydantic."""
    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        cls = type(obj)
        module = cls.__module__ or ""
        if module.startswith(("policytui", "textual", "rich", "pydantic", "httpx")):
            counts[f"{module}.{cls.__qualname__}"] += 1
    return counts


def detached_widgets(app: Any, top: int = 10) -> list[str]:
    """Widgets alive after a full collection that are not in the app's DOM any more."""
    from textual.widget import Widget

    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        if isinstance(obj, Widget) and not obj.is_attached and obj is not app:
            counts[type(obj).__qualname__] += 1
    return [f"  {n:6d} {name}" for name, n in counts.most_common(top)]


def object_growth(before: Counter[str], after: Counter[str], top: int = 10) -> list[str]:
    diff = Counter({k: after[k] - before.get(k, 0) for k in after})
    return [f"  {n:+6d} {name}" for name, n in diff.most_common(top) if n > 0]


def growth_sites(before: Any, after: Any, top: int = 12) -> list[str]:
    """The allocation sites whose live memory grew most between two snapshots."""
    stats = after.compare_to(before, "traceback")
    lines = []
    for stat in stats[:top]:
        frames = [f for f in stat.traceback if "tracemalloc" not in f.filename][-3:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        lines.append(f"  {stat.size_diff / 2**20:+7.2f} MB {stat.count_diff:+8d} blocks  {where}")
    return lines


async def measure_at_rest(pilot: Any, app: Any) -> tuple[float, int]:
    """Bring the app to the same state each time (the list, first page, freshly loaded,
    no filter, nothing on top) and read RSS and live heap blocks there: comparing two
    such readings shows growth, not whatever the last key happened to open."""
    from policytui.tui.screens.policy_list import PolicyListScreen

    await pilot.pause(2.0)  # in-flight workers finish with the faults off
    app.clear_notifications()  # toasts of the last faults are widgets too
    while len(app.screen_stack) > 2 or not isinstance(app.screen, PolicyListScreen):
        app.pop_screen()
        await pilot.pause(0.1)
    screen = app.screen
    for key in ["escape", "escape", "x", "g", "r"]:
        await pilot.press(key)
        await pilot.pause(0.1)
    if getattr(screen, "mode", "pages") != "pages":
        await pilot.press("f")
    await pilot.pause(1.5)
    readings = []
    for _ in range(3):
        gc.collect()
        readings.append((rss_mb(), sys.getallocatedblocks()))
        await pilot.pause(0.3)
    return (
        statistics.median(r[0] for r in readings),
        int(statistics.median(r[1] for r in readings)),
    )


def judge_memory(
    report: Report, samples: list[tuple[float, float, int]], allowed_mb: float, allowed_pct: float
) -> None:
    """Growth from the reading at rest before the run to the one after it; the samples
    taken during the run give the peak."""
    report.samples = [(round(t, 1), round(mb, 1), blocks) for t, mb, blocks in samples]
    report.rss_peak_mb = max([mb for _, mb, _ in samples] + [report.rss_end_mb])
    report.rss_growth_mb = report.rss_end_mb - report.rss_start_mb
    report.allowed_growth_mb = allowed_mb
    if report.heap_blocks_start:
        report.heap_growth_pct = 100 * (report.heap_blocks_end / report.heap_blocks_start - 1)
    report.allowed_heap_growth_pct = allowed_pct


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policies", type=int, default=300)
    parser.add_argument("--fault-every", type=float, default=3.0, help="seconds per fault mix")
    parser.add_argument(
        "--max-growth-mb",
        type=float,
        default=40.0,
        help="allowed RSS growth between the first and the last fifth of the run",
    )
    parser.add_argument(
        "--max-heap-growth-pct",
        type=float,
        default=15.0,
        help="allowed growth of live Python heap blocks, first fifth to last fifth",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--trace", action="store_true", help="report where the heap grew (tracemalloc; slower)"
    )
    parser.add_argument("--serve-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_demo:
        serve_demo(args.policies)
        return 0
    report = asyncio.run(soak(args))
    if args.json:
        print(json.dumps({**asdict(report), "screens": dict(report.screens)}))
    else:
        print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
