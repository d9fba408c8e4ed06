"""Child of bench/listing.py, run by the SDK's own venv: list every policy with the official
SDK (``sync_all`` or ``asyncio_all``: sequential pages of 100) and print the times as JSON.

Reads the server URL from argv and the token from ``WALDUR_TOKEN`` (never the command line).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from waldur_api_client import AuthenticatedClient
from waldur_api_client.api.marketplace_offering_usage_policies import (
    marketplace_offering_usage_policies_list as policies_list,
)


def main() -> None:
    url, mode, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    token = os.environ["WALDUR_TOKEN"]
    times: list[float] = []
    count = 0
    for _ in range(runs):
        # A new client per run, as a script would make: connection set-up is part of listing.
        client = AuthenticatedClient(base_url=url, token=token, timeout=60)
        t0 = time.perf_counter()
        if mode == "sync_all":
            with client:
                items = policies_list.sync_all(client=client)
        else:

            async def run(client: AuthenticatedClient = client) -> list:
                async with client:
                    return await policies_list.asyncio_all(client=client)

            items = asyncio.run(run())
        times.append(time.perf_counter() - t0)
        count = len(items)
    print(json.dumps({"times": times, "count": count}))


if __name__ == "__main__":
    main()
