"""Run every benchmark and print the figures as the Markdown table of docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--only first_page,listing] [--save DIR]

Each benchmark runs as its own script (fresh process); its full output is echoed, and the
table is built from the ``RESULT`` line each one prints last.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from _common import BENCH_DIR, machine

#: (name, script, its number in docs/performance.md): time to first page is measured two
#: ways, inside the app's pty (first_page) and from outside in tmux (first_page_tmux).
BENCHMARKS = (
    ("first_page", "bench/first_page.py", 1),
    ("first_page_tmux", "bench/first_page_tmux.py", 1),
    ("import_cost", "bench/import_cost.py", 2),
    ("listing", "bench/listing.py", 3),
    ("fired_scale", "bench/fired_scale.py", 4),
    ("responsiveness", "bench/responsiveness.py", 5),
    ("terminal_bytes", "bench/terminal_bytes.py", 6),
    ("filter_speed", "bench/filter_speed.py", 7),
    ("headroom_scale", "bench/headroom_scale.py", 8),
)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "B":
        return f"{value:,.0f} B"
    return f"{value:g} {unit}"


def table(results: list[tuple[int, str, dict]]) -> str:
    lines = [
        "| # | figure | baseline | policytui | ratio | target | met? | reproduce |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, script, result in results:
        for row in result["rows"]:
            ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "—"
            base = _value(row["baseline"], row["unit"])
            if row["baseline_name"]:
                base += f" ({row['baseline_name']})"
            met = "—" if row["target"] == "(reported)" else ("yes" if row["met"] else "**no**")
            lines.append(
                f"| {number} | {row['metric']} | {base} | {_value(row['policytui'], row['unit'])}"
                f" | {ratio} | {row['target']} | {met} |"
                f" `.venv/bin/python {script}` |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--save", default="", help="a directory for each benchmark's output")
    args = parser.parse_args()
    wanted = set(filter(None, args.only.split(",")))
    results: list[tuple[int, str, dict]] = []
    for name, script, number in BENCHMARKS:
        if wanted and name not in wanted:
            continue
        cmd = [sys.executable, str(BENCH_DIR.parent / script), *(["--quick"] if args.quick else [])]
        done = subprocess.run(cmd, capture_output=True, text=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            Path(args.save, f"{name}.txt").write_text(done.stdout + done.stderr)
        lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            print(f"!! {name} failed (exit {done.returncode})", file=sys.stderr)
            continue
        results.append((number, script, json.loads(lines[-1].removeprefix("RESULT "))))
    print()
    print(f"Machine: {machine()}")
    print()
    print(table(results))


if __name__ == "__main__":
    main()
