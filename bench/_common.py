"""What every benchmark shares: statistics, machine facts, the result table, a demo server
in a process of its own, and the official SDK's private venv.

Benchmarks print human-readable tables and, last, one ``RESULT {json}`` line that the smoke
tests (tests/bench/) and docs/performance.md are built from.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: no interpolation, so p95 is a latency that really happened."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine() -> str:
    """One line: CPU, cores, memory, OS, Python, Textual."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) // 1024 // 1024} GiB"
                break
    except (OSError, ValueError):
        pass
    try:
        from importlib.metadata import version

        textual = f", textual {version('textual')}"
    except Exception:  # the machine line must never stop a benchmark
        textual = ""
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{textual}"
    )


@dataclass
class Row:
    """One figure: what was measured, the baseline, policytui, and the target."""

    metric: str
    baseline: float | None
    policytui: float
    unit: str
    #: "x" targets compare ratios, the others compare policytui's absolute value.
    target: str
    met: bool
    baseline_name: str = ""
    #: policytui / baseline, or baseline / policytui when bigger is better for policytui.
    ratio: float | None = None


def ratio_row(
    metric: str,
    baseline: float,
    ours: float,
    unit: str,
    *,
    max_ratio: float | None = None,
    min_speedup: float | None = None,
    baseline_name: str = "",
) -> Row:
    """A comparison: ``max_ratio`` means ours/baseline <= max_ratio (we may be slower by that
    much); ``min_speedup`` means baseline/ours >= min_speedup (we must be that much faster)."""
    if max_ratio is not None:
        ratio = ours / baseline if baseline else float("inf")
        return Row(
            metric,
            baseline,
            ours,
            unit,
            f"<= {max_ratio:g}x",
            ratio <= max_ratio,
            baseline_name,
            ratio,
        )
    assert min_speedup is not None
    speedup = baseline / ours if ours else float("inf")
    return Row(
        metric,
        baseline,
        ours,
        unit,
        f">= {min_speedup:g}x faster",
        speedup >= min_speedup,
        baseline_name,
        speedup,
    )


def absolute_row(metric: str, ours: float, unit: str, *, limit: float) -> Row:
    return Row(metric, None, ours, unit, f"< {limit:g} {unit}", ours < limit)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:g} {unit}"


def report(title: str, rows: list[Row], *, notes: Sequence[str] = (), runs: int) -> None:
    """Print the table and the machine-readable RESULT line."""
    print()
    print(f"== {title}  ({runs} runs each, medians) ==")
    print(f"machine: {machine()}")
    for note in notes:
        print(f"note: {note}")
    header = f"{'metric':<44} {'baseline':>14} {'policytui':>14} {'ratio':>9}  {'target':<18} met"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        print(
            f"{row.metric:<44} {_fmt(row.baseline, row.unit):>14} "
            f"{_fmt(row.policytui, row.unit):>14} {ratio:>9}  {row.target:<18} "
            f"{'yes' if row.met else 'NO'}"
        )
        if row.baseline_name:
            print(f"{'':<4}baseline: {row.baseline_name}")
    print(
        "RESULT "
        + json.dumps(
            {
                "title": title,
                "runs": runs,
                "machine": machine(),
                "notes": list(notes),
                "rows": [asdict(r) for r in rows],
            }
        )
    )
    sys.stdout.flush()


#: Where measured children keep their bytecode (``PYTHONPYCACHEPREFIX``): one cache for
#: every program measured, warmed by the benchmarks' untimed first runs.
PYCACHE = BENCH_DIR / ".pycache"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for measured children: no TEXTUAL_* from the developer's shell,
    and bytecode cached as an installed program has it.

    Without the cache, ``PYTHONDONTWRITEBYTECODE`` (set on these machines) made every run
    compile policytui's own modules from source while the baseline's libraries came
    precompiled from site-packages: a cost a ``pip install`` (which writes .pyc files)
    never pays, and one the baseline did not pay either. All children share one prefix,
    so the baseline, the SDK and policytui are measured alike.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL_", "WALDUR_", "POLICYTUI_"))
        and k not in ("NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@dataclass
class DemoProcess:
    url: str
    token_env: dict[str, str]
    process: subprocess.Popen[str]


@contextmanager
def demo_process(
    policies: int,
    *,
    latency_ms: float = 0.0,
    all_fired: bool = False,
    page_size_cap: int = 300,
    extra: Sequence[str] = (),
) -> Iterator[DemoProcess]:
    """A demo server in its own process, so the measured process is only the client.

    The staff token goes to children through the environment (``WALDUR_TOKEN``), never on a
    command line.
    """
    args = [
        sys.executable,
        str(BENCH_DIR / "_demo_process.py"),
        "--policies",
        str(policies),
        "--latency-ms",
        str(latency_ms),
        "--page-size-cap",
        str(page_size_cap),
    ]
    if all_fired:
        args.append("--all-fired")
    args.extend(extra)
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=child_env()
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("http"):
            raise RuntimeError(f"the demo server did not start (said {line!r})")
        from policytui.demo import STAFF_TOKEN

        yield DemoProcess(line, {"WALDUR_TOKEN": STAFF_TOKEN}, proc)
    finally:
        if proc.stdin:
            proc.stdin.close()  # the server stops when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def set_latency(url: str, latency_ms: float) -> None:
    """Change the demo server's added latency at run time (its control endpoint)."""
    import httpx

    httpx.post(
        f"{url}/__demo__/faults", json={"latency_ms": latency_ms}, timeout=10
    ).raise_for_status()


SDK_WHEEL = Path(
    os.environ.get("POLICYTUI_SDK_WHEEL", "/tmp/sdk/waldur_api_client-8.1.3-py3-none-any.whl")
)
SDK_VENV = Path(os.environ.get("POLICYTUI_SDK_VENV", BENCH_DIR / ".venv-sdk"))


def sdk_python() -> Path:
    """The interpreter of a private venv holding the official SDK (made on first use).

    The SDK stays out of the project's venv: it is a baseline, not a dependency.
    """
    python = SDK_VENV / "bin" / "python"
    ok = (
        python.exists()
        and subprocess.run(
            [str(python), "-c", "import waldur_api_client"], capture_output=True
        ).returncode
        == 0
    )
    if ok:
        return python
    if not SDK_WHEEL.exists():
        raise SystemExit(
            f"The official SDK wheel is not at {SDK_WHEEL}: set POLICYTUI_SDK_WHEEL to it."
        )
    print(
        f"bench: creating {SDK_VENV} with the official SDK ({SDK_WHEEL.name}), once",
        file=sys.stderr,
    )
    subprocess.run([sys.executable, "-m", "venv", str(SDK_VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(SDK_WHEEL),
        ],
        check=True,
    )
    return python


def now() -> float:
    """A clock shared by parent and child processes (CLOCK_MONOTONIC is system-wide)."""
    return time.monotonic()


#: Text only policy rows contain (offering names of the demo's sample data).
ROW_MARKER = rb"(Acme|Nordic) [A-Z]"


def policytui_argv(url: str, *extra: str) -> list[str]:
    """The real command line, as a user types it (the token comes from the environment)."""
    return [sys.executable, "-m", "policytui", "--url", url, *extra]


def policytui_env(server: DemoProcess, home: str) -> dict[str, str]:
    """A clean home (no profiles), the staff token in ``WALDUR_ACCESS_TOKEN``, no keyring."""
    return token_env(server.token_env["WALDUR_TOKEN"], home)


def token_env(token: str, home: str, **extra: str) -> dict[str, str]:
    """:func:`child_env` for policytui: a clean home under ``home`` (no profiles), ``token``
    in ``WALDUR_ACCESS_TOKEN``, no keyring, and ``extra``."""
    return child_env(
        WALDUR_ACCESS_TOKEN=token,
        XDG_CONFIG_HOME=f"{home}/config",
        XDG_DATA_HOME=f"{home}/data",
        XDG_STATE_HOME=f"{home}/state",
        XDG_CACHE_HOME=f"{home}/cache",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **extra,
    )


class ProbeLog:
    """The frames bench/_tui_probe.py logs, read incrementally (the log grows to thousands
    of lines during a scan; re-reading it whole would make the harness the bottleneck)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.frames: list[dict[str, Any]] = []
        self._offset = 0
        self._partial = ""

    def update(self) -> list[dict[str, Any]]:
        """Read what was appended; every frame so far."""
        try:
            with open(self.path) as handle:
                handle.seek(self._offset)
                text = handle.read()
                self._offset = handle.tell()
        except FileNotFoundError:
            return self.frames
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()  # an unfinished last line waits for the next read
        self.frames.extend(json.loads(line) for line in lines if line)
        return self.frames
