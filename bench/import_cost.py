"""Benchmark 2: import cost of ``policytui.api``'s client against the official SDK.

Each figure is the time an import statement takes in a fresh interpreter (interpreter start
excluded, bytecode caches warm: one untimed run first), median of several runs. The SDK is
``waldur-api-client`` importing its offering-usage-policy list function and client, in its own
venv (bench/.venv-sdk, made on first use).

    .venv/bin/python bench/import_cost.py [--runs 9] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from _common import child_env, median, ratio_row, report, sdk_python

#: What listing policies needs, like the SDK's line: the client and the policy model.
#: (``import policytui.api`` alone loads nothing since its names load on first use.)
POLICYTUI_IMPORT = "from policytui.api import OfferingUsagePolicy, WaldurClient"
SDK_IMPORT = (
    "from waldur_api_client import AuthenticatedClient\n"
    "from waldur_api_client.api.marketplace_offering_usage_policies import "
    "marketplace_offering_usage_policies_list"
)
#: --quick: the SDK's client module only (about a tenth of the list function's import), so
#: the smoke run takes seconds; its ratio is not the figure and the output says so.
SDK_IMPORT_QUICK = "from waldur_api_client import AuthenticatedClient"
_TIMER = "import time\nt0 = time.perf_counter()\n{stmt}\nprint(time.perf_counter() - t0)\n"


def time_import(python: str, stmt: str) -> float:
    out = subprocess.run(
        [python, "-c", _TIMER.format(stmt=stmt)],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 1 run, no warm-up, the SDK's client module only (not the figure)",
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    sdk_import = SDK_IMPORT_QUICK if args.quick else SDK_IMPORT

    sdk = str(sdk_python())
    ours = sys.executable
    if not args.quick:
        # Untimed first runs write the bytecode caches of both.
        time_import(ours, POLICYTUI_IMPORT)
        time_import(sdk, sdk_import)
    ours_times, sdk_times = [], []
    for _ in range(runs):  # interleaved, so a noisy moment hits both
        ours_times.append(time_import(ours, POLICYTUI_IMPORT))
        sdk_times.append(time_import(sdk, sdk_import))
    row = ratio_row(
        "import (fresh interpreter, warm .pyc)",
        median(sdk_times) * 1000,
        median(ours_times) * 1000,
        "ms",
        min_speedup=10,
        baseline_name="waldur-api-client 8.1.3: AuthenticatedClient"
        + ("" if args.quick else " + marketplace_offering_usage_policies_list"),
    )
    report(
        "Import cost: policytui.api vs the official SDK",
        [row],
        runs=runs,
        notes=[
            *(
                ["--quick: SDK client module only, no warm-up run: a smoke run, not the figure"]
                if args.quick
                else []
            ),
            f"policytui: `{POLICYTUI_IMPORT}`",
            "min/max policytui "
            f"{min(ours_times) * 1000:.0f}/{max(ours_times) * 1000:.0f} ms, SDK "
            f"{min(sdk_times) * 1000:.0f}/{max(sdk_times) * 1000:.0f} ms",
        ],
    )


if __name__ == "__main__":
    main()
