"""Child of bench/listing.py: list every policy with policytui's client (a concurrent walk
at the server's page-size cap over one connection pool) and print the times as JSON.

Reads the server URL from argv and the token from ``WALDUR_TOKEN`` (never the command line).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from policytui.api import WaldurClient
from policytui.auth.secret import Secret


async def list_all(url: str, token: Secret) -> int:
    count = 0
    async with WaldurClient(url, token, timeout=60) as client:
        async for page in client.policies.walk():
            count += len(page.items)
    return count


def main() -> None:
    url, runs = sys.argv[1], int(sys.argv[2])
    token = Secret(os.environ["WALDUR_TOKEN"])
    times: list[float] = []
    count = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        count = asyncio.run(list_all(url, token))
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times, "count": count}))


if __name__ == "__main__":
    main()
