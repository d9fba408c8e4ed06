"""`policytui demo-server`: serve the demo on a fixed port and print how to sign in."""

from __future__ import annotations

import argparse
import socket
from datetime import date

import uvicorn

from policytui.cli.argtypes import float_in, int_in
from policytui.demo.app import create_app
from policytui.demo.settings import DemoSettings
from policytui.demo.users import SAMPLE_USERS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policytui demo-server",
        description="Serve a Waldur-compatible demo API with sample policies.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int_in(1, 65535), default=8000, help="1 to 65535")
    parser.add_argument(
        "--policies",
        type=int_in(0, 1_000_000),
        default=60,
        help="number of sample policies (0 to 1,000,000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample data")
    parser.add_argument(
        "--quirks",
        action="store_true",
        help="behave like the 2024 server (one limit stored, 500 on bad types)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float_in(0, 60_000),
        default=0.0,
        help="delay added to every API request (0 to 60000)",
    )
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        help="the server's date for usage windows, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--customers",
        type=int_in(16, 100_000),
        default=None,
        help="customers using the offerings (default: the sample's 16; more are made up)",
    )
    parser.add_argument(
        "--offering",
        type=_offering,
        default=None,
        help="put every sample policy on this offering (uuid), e.g. for a benchmark",
    )
    parser.add_argument(
        "--period",
        choices=sorted(_PERIODS),
        default=None,
        help="give every sample policy this period (months, or total)",
    )
    return parser


#: Period words of the command line -> the server's period codes.
_PERIODS = {"total": 1, "1": 2, "3": 3, "12": 4}


def _offering(text: str) -> str:
    from policytui.demo.catalog import OFFERINGS

    uuid = text.replace("-", "").lower()
    if not any(o.uuid == uuid for o in OFFERINGS):
        names = ", ".join(f"{o.uuid} ({o.name})" for o in OFFERINGS)
        raise argparse.ArgumentTypeError(f"no demo offering {text!r}; there are: {names}")
    return uuid


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed: a busy port or a host
    that does not resolve is an argument error, not a server that claims to be up."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        sock = _listen(args.host, args.port)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        parser.error(
            f"argument --port/--host: cannot listen on {args.host}:{args.port}: {reason} "
            "(choose another --port, or a --host of this machine)"
        )
    settings = DemoSettings(
        policies=args.policies,
        seed=args.seed,
        quirks=args.quirks,
        latency_ms=args.latency_ms,
        today=args.today,
        customers=args.customers,
        offering=args.offering,
        period=None if args.period is None else _PERIODS[args.period],
    )
    app = create_app(settings)
    print(f"policytui demo server: http://{args.host}:{args.port}/api/", flush=True)
    print("Sample users (these demo tokens are public):", flush=True)
    for key, user in SAMPLE_USERS.items():
        print(
            f"  {key:<6} {user['username']:<11} {user['full_name']:<12} token {user['token']}",
            flush=True,
        )
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
    return 0
