"""Soak: drive the TUI with random keys against a demo server with faults switched on.

    python bench/soak.py                 # 10 minutes
    python bench/soak.py --seconds 30    # the CI version (tests/faults/test_fault_soak.py)

The demo server runs in a child process, so the memory measured here is the app's alone.
Every few seconds the fault mix changes (5xx, 429, timeouts, dropped connections, broken
JSON, HTML, wrong shapes, huge pages, stripped pagination headers, a revoked token, added
latency, random errors), while keys are pressed as a user would in whichever screen is on
top. The run fails if the app crashes or exits, or if its memory keeps growing: resident
size is sampled every second and the median of the last fifth of the run is compared with
the median of the first fifth after a warm-up that opened every screen once.

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
    #: (seconds into the run, RSS MB), one a second.
    samples: list[tuple[float, float]] = field(default_factory=list)

    def lines(self) -> list[str]:
        top = ", ".join(f"{k} {v}" for k, v in self.screens.most_common(8))
        return [
            f"soak: {self.seconds:.0f} s, {self.keys} keys, {self.fault_mixes} fault mixes",
            f"screens on top when keys were pressed: {top}",
            f"memory (RSS): start {self.rss_start_mb:.1f} MB, end {self.rss_end_mb:.1f} MB, "
            f"peak {self.rss_peak_mb:.1f} MB, growth {self.rss_growth_mb:+.1f} MB "
            f"(allowed {self.allowed_growth_mb:.1f} MB)",
            f"crash: {self.crashed or 'none'}",
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
    samples: list[tuple[float, float]] = []
    try:
        session = Session(
            url=demo.url, token=SecretStr(STAFF_TOKEN), token_source="demo", demo=True
        )
        app = PolicyApp(session)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause(1.0)
            # Warm-up: open each screen once, so first-use imports and caches are not
            # counted as growth.
            for key in ["question_mark", "escape", "enter", "y", "escape", "escape", "n"]:
                await pilot.press(key)
                await pilot.pause(0.3)
            for _ in range(4):
                await pilot.press("escape")
                await pilot.pause(0.2)
            gc.collect()
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
                    samples.append((now - start, rss_mb()))
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
            # Let in-flight workers finish with the faults off, then read the final size.
            await pilot.pause(2.0)
            gc.collect()
            samples.append((time.monotonic() - start, rss_mb()))
            if app.is_running:
                await pilot.press("escape")
    except Exception as exc:  # the crash is the finding: report it, no locals printed
        report.crashed = "".join(traceback.format_exception_only(exc)).strip()
        report.crashed += "\n" + "".join(traceback.format_tb(exc.__traceback__)[-6:])
    finally:
        demo.stop()
    judge_memory(report, samples, args.max_growth_mb)
    report.passed = report.crashed is None and report.rss_growth_mb <= report.allowed_growth_mb
    return report


def judge_memory(report: Report, samples: list[tuple[float, float]], allowed: float) -> None:
    if not samples:
        return
    report.samples = [(round(t, 1), round(mb, 1)) for t, mb in samples]
    sizes = [size for _, size in samples]
    fifth = max(1, len(sizes) // 5)
    report.rss_start_mb = statistics.median(sizes[:fifth])
    report.rss_end_mb = statistics.median(sizes[-fifth:])
    report.rss_peak_mb = max(sizes)
    report.rss_growth_mb = report.rss_end_mb - report.rss_start_mb
    report.allowed_growth_mb = allowed


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
    parser.add_argument("--json", action="store_true", help="print one JSON line")
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
