"""`policytui demo-server`: serve the demo on a fixed port and print how to sign in."""

from __future__ import annotations

import argparse

import uvicorn

from policytui.demo.app import create_app
from policytui.demo.settings import DemoSettings
from policytui.demo.users import SAMPLE_USERS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="demo-server", description="Serve a Waldur-compatible demo API with sample policies."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--policies", type=int, default=60, help="number of sample policies")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample data")
    parser.add_argument("--quirks", action="store_true",
                        help="behave like the 2024 server (one limit stored, 500 on bad types)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="delay added to every API request")
    return parser


def serve(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = DemoSettings(policies=args.policies, seed=args.seed, quirks=args.quirks,
                            latency_ms=args.latency_ms)
    app = create_app(settings)
    print(f"policytui demo server: http://{args.host}:{args.port}/api/", flush=True)
    print("Sample users (these demo tokens are public):", flush=True)
    for key, user in SAMPLE_USERS.items():
        print(f"  {key:<6} {user['username']:<11} {user['full_name']:<12} token {user['token']}",
              flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
