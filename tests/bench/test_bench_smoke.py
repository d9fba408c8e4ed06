"""The benchmarks still run and print their figures (a --quick run of each).

Speed is not judged here (CI machines are noisy; the figures live in docs/performance.md):
these only keep bench/ from rotting. Each benchmark runs as a script in a fresh process,
as a developer runs it, and must end with a RESULT line whose rows carry numbers.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"
SDK_WHEEL = Path(
    os.environ.get("POLICYTUI_SDK_WHEEL", "/tmp/sdk/waldur_api_client-8.1.3-py3-none-any.whl")
)
SDK_VENV = Path(os.environ.get("POLICYTUI_SDK_VENV", BENCH / ".venv-sdk"))


def _sdk_available() -> str | None:
    """Why the SDK baseline cannot run here, or None when it can.

    The smoke run does not make the SDK's venv (a pip install from the package index, a
    minute or more): a developer makes it once with ``bench/import_cost.py``.
    """
    if (SDK_VENV / "bin" / "python").exists():
        return None
    if not SDK_WHEEL.exists():
        return f"official SDK wheel not found at {SDK_WHEEL} (set POLICYTUI_SDK_WHEEL)"
    return (
        f"the official SDK's venv {SDK_VENV} is absent; the smoke run does not create it "
        "(run .venv/bin/python bench/import_cost.py once)"
    )


def run_bench(name: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{name} printed no RESULT line:\n{done.stdout[-3000:]}"
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["machine"], "the machine line is missing"
    assert result["rows"], "no figures"
    for row in result["rows"]:
        assert math.isfinite(row["policytui"]) and row["policytui"] >= 0, row
    return result


def _ratios(result: dict) -> list[float]:
    return [row["ratio"] for row in result["rows"] if row["ratio"] is not None]


@pytest.mark.parametrize("name", ["import_cost", "listing"])
def test_sdk_comparisons_print_a_ratio(name: str) -> None:
    reason = _sdk_available()
    if reason:
        pytest.skip(reason)
    result = run_bench(name)
    ratios = _ratios(result)
    assert ratios and all(math.isfinite(r) and r > 0 for r in ratios)
    assert "SDK" in result["title"]


def test_first_page_prints_a_ratio_against_the_bare_app() -> None:
    result = run_bench("first_page")
    (row,) = result["rows"]
    assert row["baseline"] > 0 and math.isfinite(row["ratio"]) and row["ratio"] > 0


def test_first_page_from_outside_prints_a_ratio_against_the_bare_app() -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: the outside measurement needs it")
    result = run_bench("first_page_tmux")
    (row,) = result["rows"]
    # Both apps reached the screen: each took more than one 20 ms capture beat and less
    # than the 60 s a run may wait.
    assert 20 < row["baseline"] < 60_000 and 20 < row["policytui"] < 60_000
    assert math.isfinite(row["ratio"]) and row["ratio"] > 0
    assert "tmux" in row["metric"]


def test_terminal_bytes_counts_what_a_keypress_writes() -> None:
    result = run_bench("terminal_bytes")
    cursor, page = result["rows"]
    # A cursor move writes something, and less than a page change does.
    assert 0 < cursor["policytui"] < page["policytui"]
    assert cursor["baseline"] > 0


def test_fired_scale_reports_first_row_scan_and_memory() -> None:
    result = run_bench("fired_scale")
    first, done, app_rss, helper_rss, both = (row["policytui"] for row in result["rows"])
    assert 0 < first <= done
    assert app_rss > 10  # MB: a live Textual app, not a missing figure
    assert helper_rss > 10  # the helper process that ran the scan was found and measured
    assert both == app_rss + helper_rss


def test_responsiveness_times_keys_during_the_scan() -> None:
    result = run_bench("responsiveness")
    p50, p95 = result["rows"]
    assert 0 < p50["policytui"] <= p95["policytui"]
    assert p50["ratio"] > 0


def test_index_scale_reports_floor_keystrokes_sort_and_memory() -> None:
    result = run_bench("index_scale")
    index, filling, complete, sort, app_rss, helper_rss = result["rows"]
    assert index["baseline"] > 0 and index["policytui"] > 0  # the floor, in the same run
    assert filling["policytui"] > 0 and complete["policytui"] > 0  # keystrokes were seen
    assert sort["policytui"] > 0
    assert app_rss["policytui"] > 10 and helper_rss["policytui"] > 10
    # The fill's end as the probe noted it, and the first frame that showed it.
    assert any("first frame showing it" in note for note in result["notes"])


def test_headroom_scale_counts_the_same_requests_as_the_server() -> None:
    result = run_bench("headroom_scale")
    rows = {row["metric"].strip(): row for row in result["rows"]}
    reader = rows["requests (reader)"]["policytui"]
    # Every request the reader counted reached the server, and no other: never a request
    # per policy (200 policies in the quick run, a handful of pages).
    assert reader == rows["requests (server's log)"]["policytui"]
    assert 2 <= reader < 50
    headless = next(row for name, row in rows.items() if name.startswith("every policy"))
    assert headless["baseline"] > 0 and headless["ratio"] > 0  # the floor, in the same run
    assert rows["computing, vs headroom() per policy"]["ratio"] > 0
    assert rows["TUI: first page painted to first Usage cell"]["policytui"] > 0
