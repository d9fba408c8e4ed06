"""Soak: drive the TUI with random keys against a demo server with faults switched on.

    python bench/soak.py                 # 10 minutes
    python bench/soak.py --seconds 30    # the CI version (tests/faults/test_fault_soak.py)
    python bench/soak.py --seconds 150 --rest-every 30   # readings every 30 s too
    python bench/soak.py --terminal --seconds 60   # the console script in tmux, helper on

The demo server runs in a child process, so the memory measured here is the app's alone.
Every few seconds the fault mix changes (5xx, 429, timeouts, dropped connections, broken
JSON, HTML, wrong shapes, huge pages, stripped pagination headers, a revoked token, added
latency, random errors), while keys are pressed as a user would in whichever screen is on
top.

What is judged. The run fails if the app crashes or exits, or if its memory grows after
the warm-up. Memory is read *at rest*: faults off, the list on its first page, freshly
loaded, nothing on top, after a full collection of everything, what the app has frozen
included (the same state each time, so a reading shows what stays alive, not what the
last key opened, nor garbage the app's idle collector has not reached yet). There are
three readings, all after a warm-up of the first 20 % of the driving time
(``--warm-up``): B right after the warm-up, M half-way from B to the end, E at the end
(time at rest is not driving time).
It passes only if

* the live Python heap (``sys.getallocatedblocks``) grows at most 15 % from B to E
  (``--max-heap-growth-pct``), and
* from M to E alone it grows at most half that, 7.5 % of B: memory still rising in the
  second half is a leak; bounded caches that were filling have levelled off by then, and
* RSS grows at most 40 MB from B to E (``--max-growth-mb``; loose, because RSS also keeps
  what the C allocator holds after a spike), and
* widgets alive but out of the DOM grow by at most 50 from B to E
  (``--max-detached-growth``): a closed screen kept alive is the leak a Textual app has,
  and it is tens of widgets each time but only a few hundred heap blocks. Every popped
  screen kept on purpose: +114 and +156 in 25 s, where the heap measure passed it
  (+10 % and +22 %); the leak-free app: +1, +1, +9.

Why a warm-up: Textual and Rich keep bounded caches (``functools.lru_cache`` up to 16 384
entries, Strip and widget ``FIFOCache``/``LRUCache``, and ``StylesCache.get_inner_outer``,
an ``lru_cache(1024)`` on a method that keeps up to 1 024 dead widgets' ``StylesCache``
with their rendered lines alive). With no leak they fill in the first 30 to 60 s (+15 to
+20 % of heap blocks) and then stay level (+/- 3 %): measured with ``--rest-every 30``
over 150 s, 487 627 -> 502 055 -> 521 631 -> 508 912 -> 518 194 blocks after the 30 s
warm-up. A leak keeps rising: checked against an injected one (Textual 8.2.8's stock
Footer back on the policy list, whose recomposed keys are never freed), the same 150 s
run FAILS both tests: +33.9 % from B to E and +11.0 % from M to E (1 476 detached
widgets alive at the end), where the leak-free app passed with +6.3 % and -0.7 %.

Each reading also reports the widgets alive (and how many are detached from the DOM),
objects frozen by ``gc.freeze`` (invisible to ``gc.get_objects`` and, if they end up in
reference cycles, never freed), cache fill, and the kinds of object that grew since the
previous reading; ``--trace`` adds allocation sites (tracemalloc; slow).

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
    #: Live Python objects' blocks (sys.getallocatedblocks) after the warm-up and at the
    #: end: RSS also holds memory the allocator keeps after a spike, this counts only what
    #: lives.
    heap_blocks_start: int = 0
    heap_blocks_end: int = 0
    heap_growth_pct: float = 0.0
    allowed_heap_growth_pct: float = 0.0
    #: Heap blocks at the reading half-way between the baseline and the end, and the
    #: growth from there to the end in % of the baseline (a leak keeps growing there;
    #: caches that were still filling have stopped).
    heap_blocks_middle: int = 0
    late_heap_growth_pct: float = 0.0
    allowed_late_growth_pct: float = 0.0
    #: Widgets alive but out of the DOM, from the reading after the warm-up to the end:
    #: the leak Textual apps have (a closed screen kept), which the heap's blocks hide
    #: at 25 s among caches still filling (a kept screen is a few hundred blocks).
    detached_growth: int = 0
    allowed_detached_growth: int = 0
    #: (seconds into the run, RSS MB, heap blocks), one a second.
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    #: Driving seconds before the baseline reading.
    warm_up_s: float = 0.0
    #: Readings at rest (same state each time): the baseline, any extra, the end.
    readings: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        top = ", ".join(f"{k} {v}" for k, v in self.screens.most_common(8))
        return [
            f"soak: {self.seconds:.0f} s, {self.keys} keys, {self.fault_mixes} fault mixes",
            f"screens on top when keys were pressed: {top}",
            f"memory (RSS): start {self.rss_start_mb:.1f} MB, end {self.rss_end_mb:.1f} MB, "
            f"peak {self.rss_peak_mb:.1f} MB, growth {self.rss_growth_mb:+.1f} MB "
            f"(allowed {self.allowed_growth_mb:.1f} MB)",
            f"live Python heap after the {self.warm_up_s:.0f} s warm-up: "
            f"{self.heap_blocks_start} → {self.heap_blocks_end} blocks "
            f"({self.heap_growth_pct:+.1f} %, allowed {self.allowed_heap_growth_pct:.0f} %); "
            f"second half alone {self.late_heap_growth_pct:+.1f} % "
            f"(allowed {self.allowed_late_growth_pct:.1f} %)",
            f"widgets out of the DOM but alive: {self.detached_growth:+d} after the warm-up "
            f"(allowed {self.allowed_detached_growth:+d})",
            f"crash: {self.crashed or 'none'}",
            "readings at rest (driving s: heap blocks, RSS MB, widgets, lru/Textual "
            "cache entries):",
            *(
                f"  {r['at_s']:6.0f} s: {r['heap_blocks']:8d} blocks, {r['rss_mb']:6.1f} MB, "
                f"{r['widgets']} widgets ({r['detached_widgets']} detached), "
                f"{r['frozen']} frozen, lru {r['lru_entries']}/{r['lru_capacity']}, "
                f"cache {r['textual_cache_entries']}; grew: {', '.join(r['grew_since_last'])}"
                for r in self.readings
            ),
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
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.demo import STAFF_TOKEN
    from policytui.tui.app import PolicyApp

    rng = random.Random(args.seed)
    report = Report()
    demo = DemoProcess(args.policies)
    samples: list[tuple[float, float, int]] = []
    rest_at = reading_times(args.seconds, args.warm_up, args.rest_every)
    try:
        session = Session(url=demo.url, token=Secret(STAFF_TOKEN), token_source="demo", demo=True)
        app = PolicyApp(session)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause(1.0)
            # A tour of every screen twice: first-use imports and stylesheets are loaded
            # before anything is read.
            for _ in range(2):
                for key in WARM_UP:
                    await pilot.press(key)
                    await pilot.pause(0.25)
                while len(app.screen_stack) > 2:
                    app.pop_screen()
                    await pilot.pause(0.1)
            previous: dict[str, Any] | None = None
            live_before = live_objects()
            if args.trace:
                tracemalloc.start(8)
                before = tracemalloc.take_snapshot()
            # Time at rest (the readings) is not driving time: `driven` counts only keys.
            driven = 0.0
            last = time.monotonic()
            next_mix = 0.0
            next_sample = 0.0
            while driven < args.seconds:
                if not app.is_running:
                    report.crashed = f"the app exited (return code {app.return_code})"
                    break
                if rest_at and driven >= rest_at[0]:
                    rest_at.pop(0)
                    previous = await take_reading(pilot, app, demo, report, driven, previous)
                    next_mix = driven
                    last = time.monotonic()
                    continue
                if driven >= next_mix:
                    await asyncio.to_thread(demo.control, fault_mixes(rng))
                    report.fault_mixes += 1
                    next_mix = driven + args.fault_every
                if driven >= next_sample:
                    samples.append((driven, rss_mb(), sys.getallocatedblocks()))
                    next_sample = driven + 1.0
                name = type(app.screen).__name__
                report.screens[name] += 1
                key = rng.choice(keys_for(name))
                if key not in NEVER:
                    await pilot.press(key)
                    report.keys += 1
                    await pilot.pause(rng.choice([0.0, 0.02, 0.05, 0.2]))
                now = time.monotonic()
                driven += now - last
                last = now
            report.seconds = driven
            if app.is_running and report.crashed is None:
                await take_reading(pilot, app, demo, report, driven, previous)
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
    judge_memory(report, samples, args)
    report.passed = (
        report.crashed is None
        and report.heap_blocks_end > 0
        and report.rss_growth_mb <= report.allowed_growth_mb
        and report.heap_growth_pct <= report.allowed_heap_growth_pct
        and report.late_heap_growth_pct <= report.allowed_late_growth_pct
        and report.detached_growth <= report.allowed_detached_growth
    )
    return report


def reading_times(seconds: float, warm_up: float, every: float | None) -> list[float]:
    """Driving times (s) of the readings at rest before the last one (at the end): after
    the warm-up, half-way from there to the end, and every ``every`` seconds if asked."""
    times = {round(seconds * warm_up, 1), round(seconds * (1 + warm_up) / 2, 1)}
    if every:
        times.update(round(every * i, 1) for i in range(1, int(seconds / every) + 1))
    return sorted(t for t in times if t < seconds)


async def take_reading(
    pilot: Any, app: Any, demo: DemoProcess, report: Report, at: float, previous: Any
) -> dict[str, Any]:
    """One reading at rest with the faults off, appended to ``report.readings``."""
    await asyncio.to_thread(demo.control, {"faults": [], "latency_ms": 0, "error_rate": 0})
    rss, blocks, frozen = await measure_at_rest(pilot, app)
    seen = census()
    grew: list[str] = []
    if previous is not None:
        diff = Counter({k: n - previous["types"].get(k, 0) for k, n in seen["types"].items()})
        grew = [f"{name} {n:+d}" for name, n in diff.most_common(6) if n > 0]
    report.readings.append(
        {
            "at_s": round(at, 1),
            "rss_mb": round(rss, 1),
            "heap_blocks": blocks,
            "widgets": sum(seen["widgets"].values()),
            "detached_widgets": sum(
                n for k, n in seen["widgets"].items() if k.endswith("(detached)")
            ),
            # Objects moved out of the collector's sight (gc.freeze): cycles among them
            # are never freed and gc.get_objects() does not list them.
            "frozen": frozen,
            "lru_entries": seen["lru_entries"],
            "lru_capacity": seen["lru_capacity"],
            "textual_cache_entries": seen["textual_cache_entries"],
            "grew_since_last": grew,
        }
    )
    return seen


def live_objects() -> Counter[str]:
    """Live objects by class, for the classes of this app, Textual, Rich and pydantic."""
    full_collection()  # the frozen too: gc.get_objects() lists no frozen object
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        cls = type(obj)
        module = cls.__module__ or ""
        if module.startswith(("policytui", "textual", "rich", "pydantic", "httpx")):
            counts[f"{module}.{cls.__qualname__}"] += 1
    return counts


def census() -> dict[str, Any]:
    """What lives now, for the readings at rest: every gc-tracked object by type, widgets
    by class (in the DOM or not), and how full the bounded caches of Textual and Rich are
    (``functools.lru_cache`` entries and Textual's ``LRUCache``/``FIFOCache`` entries)."""
    import functools

    from textual.cache import FIFOCache, LRUCache
    from textual.widget import Widget

    full_collection()  # the frozen too: gc.get_objects() lists no frozen object
    types: Counter[str] = Counter()
    widgets: Counter[str] = Counter()
    lru_entries = 0
    lru_capacity = 0
    textual_cache_entries = 0
    for obj in gc.get_objects():
        cls = type(obj)
        types[f"{cls.__module__}.{cls.__qualname__}"] += 1
        if isinstance(obj, Widget):
            where = "" if obj.is_attached else " (detached)"
            widgets[f"{cls.__qualname__}{where}"] += 1
        elif isinstance(obj, functools._lru_cache_wrapper):
            module = getattr(obj, "__module__", "") or ""
            if module.startswith(("textual", "rich")):
                info = obj.cache_info()
                lru_entries += info.currsize
                lru_capacity += info.maxsize or 0
        elif isinstance(obj, (LRUCache, FIFOCache)):
            textual_cache_entries += len(obj)
    return {
        "types": types,
        "widgets": widgets,
        "lru_entries": lru_entries,
        "lru_capacity": lru_capacity,
        "textual_cache_entries": textual_cache_entries,
    }


def detached_widgets(app: Any, top: int = 10) -> list[str]:
    """Widgets alive after a full collection that are not in the app's DOM any more."""
    from textual.widget import Widget

    full_collection()  # the frozen too: gc.get_objects() lists no frozen object
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
    frozen = gc.get_freeze_count()
    for _ in range(3):
        full_collection()
        readings.append((rss_mb(), sys.getallocatedblocks()))
        await pilot.pause(0.3)
    full_collection()  # the census that follows sees every object
    return (
        statistics.median(r[0] for r in readings),
        int(statistics.median(r[1] for r in readings)),
        frozen,
    )


def full_collection() -> None:
    """The full collection the app runs once the user is idle (tui/idle_collect.py):
    the frozen too. A plain ``gc.collect()`` leaves what the app froze alone, and garbage
    frozen while it was alive (a screen open at a freeze, closed since) then counted as
    live heap until the app's next full one, at most once a minute: the 25 s soak's
    readings went up and down with when that had last run (10-32 % in its second half).
    Left unfrozen: the app's collector freezes again at its next collection."""
    gc.unfreeze()
    gc.collect()


def judge_memory(report: Report, samples: list[tuple[float, float, int]], args: Any) -> None:
    """Growth from the reading at rest after the warm-up to the one at the end, and the
    growth of the second half of that span alone; the samples taken while driving give
    the peak."""
    report.samples = [(round(t, 1), round(mb, 1), blocks) for t, mb, blocks in samples]
    report.warm_up_s = round(args.seconds * args.warm_up, 1)
    report.allowed_growth_mb = args.max_growth_mb
    report.allowed_heap_growth_pct = args.max_heap_growth_pct
    report.allowed_late_growth_pct = args.max_heap_growth_pct / 2
    report.allowed_detached_growth = args.max_detached_growth
    after_warm_up = [r for r in report.readings if r["at_s"] >= report.warm_up_s]
    if len(after_warm_up) < 3:
        return
    first, last = after_warm_up[0], after_warm_up[-1]
    middle_s = (first["at_s"] + last["at_s"]) / 2
    middle = min(after_warm_up[1:-1], key=lambda r: abs(r["at_s"] - middle_s))
    report.rss_start_mb, report.heap_blocks_start = first["rss_mb"], first["heap_blocks"]
    report.rss_end_mb, report.heap_blocks_end = last["rss_mb"], last["heap_blocks"]
    report.heap_blocks_middle = middle["heap_blocks"]
    report.rss_peak_mb = max([mb for _, mb, _ in samples] + [report.rss_end_mb])
    report.rss_growth_mb = report.rss_end_mb - report.rss_start_mb
    report.heap_growth_pct = 100 * (last["heap_blocks"] / first["heap_blocks"] - 1)
    report.late_heap_growth_pct = (
        100 * (last["heap_blocks"] - middle["heap_blocks"]) / first["heap_blocks"]
    )
    report.detached_growth = last["detached_widgets"] - first["detached_widgets"]


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
        help="allowed RSS growth from the reading after the warm-up to the last",
    )
    parser.add_argument(
        "--max-heap-growth-pct",
        type=float,
        default=15.0,
        help="allowed growth of live heap blocks after the warm-up (half of it in the "
        "second half alone)",
    )
    parser.add_argument(
        "--max-detached-growth",
        type=int,
        default=50,
        help="allowed growth of widgets alive out of the DOM after the warm-up (a kept "
        "screen is tens of them)",
    )
    parser.add_argument(
        "--warm-up",
        type=float,
        default=0.2,
        help="fraction of the run before the baseline reading at rest",
    )
    parser.add_argument(
        "--rest-every", type=float, default=None, help="also read at rest every so many seconds"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--trace", action="store_true", help="report where the heap grew (tracemalloc; slower)"
    )
    parser.add_argument(
        "--terminal",
        action="store_true",
        help="as users run it: the console script in tmux against `policytui demo-server`, "
        "the helper process on and killed at a random moment (bench/soak_terminal.py)",
    )
    parser.add_argument("--serve-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_demo:
        serve_demo(args.policies)
        return 0
    if args.terminal:
        from soak_terminal import run

        keys = sorted({k for k in LIST_KEYS + DETAIL_KEYS + FORM_KEYS + MODAL_KEYS} - NEVER)
        terminal_report = run(args, keys, fault_mixes)
        if args.json:
            print(json.dumps(asdict(terminal_report)))
        else:
            print("\n".join(terminal_report.lines()))
        return 0 if terminal_report.passed else 1
    report = asyncio.run(soak(args))
    if args.json:
        print(json.dumps({**asdict(report), "screens": dict(report.screens)}))
    else:
        print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
