"""A number out of range on the command line: one line naming the option and the range,
exit status 2, no traceback. Run as users run it: the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

POLICYTUI = Path(sys.executable).with_name("policytui")


@pytest.mark.parametrize(
    ("argv", "option", "accepted"),
    [
        (["--demo", "--demo-policies", "-1"], "--demo-policies", "from 0 to 1 000 000"),
        (["--demo", "--demo-policies", "10000000"], "--demo-policies", "from 0 to 1 000 000"),
        (["--demo", "--page-size", "0"], "--page-size", "from 1 to 300"),
        (["--demo", "--page-size", "-5"], "--page-size", "from 1 to 300"),
        (["--demo", "--page-size", "five"], "--page-size", "is not a whole number"),
        (["--demo", "--watch", "0"], "--watch", "use 1 to 86 400 seconds"),
        (["--demo", "--watch", "-2"], "--watch", "use 1 to 86 400 seconds"),
        (["--demo", "--watch", "nan"], "--watch", "is not a number"),
        (["demo-server", "--policies", "-1"], "--policies", "from 0 to 1 000 000"),
        (["demo-server", "--port", "99999"], "--port", "from 1 to 65 535"),
        (["demo-server", "--port", "0"], "--port", "from 1 to 65 535"),
        (["demo-server", "--latency-ms", "-1"], "--latency-ms", "use 0 to 60 000"),
        (["demo-server", "--customers", "5"], "--customers", "from 16 to 100 000"),
        (["demo-server", "--offering", "nope"], "--offering", "no demo offering 'nope'"),
        # A CA bundle that is not there hung start-up on "Loading policies…".
        (
            ["--url", "https://x.invalid/api/", "--ca-bundle", "/nonexistent.pem"],
            "--ca-bundle",
            "no such file: '/nonexistent.pem'",
        ),
        (["login", "--ca-bundle", "/nonexistent.pem"], "--ca-bundle", "no such file"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_bad_number_is_one_line_and_exit_status_2(argv, option, accepted):
    done = subprocess.run(
        [str(POLICYTUI), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, done.stderr
    assert f"argument {option}: " in errors[0] and accepted in errors[0], errors[0]


def test_numbers_in_range_are_taken():
    from policytui.cli import build_parser

    args = build_parser().parse_args(
        ["--page-size", "300", "--watch", "1.5", "--demo-policies", "0"]
    )
    assert (args.page_size, args.watch, args.demo_policies) == (300, 1.5, 0)


def test_notify_reaches_the_settings_with_or_without_watch():
    """`--notify` is taken alone too: `r` still refreshes, and a refresh tells."""
    from policytui.cli import build_parser, settings_from

    parser = build_parser()
    assert settings_from(parser.parse_args(["--notify"])).notify is True
    assert settings_from(parser.parse_args(["--watch", "5", "--notify"])).notify is True
    assert settings_from(parser.parse_args([])).notify is False
    assert "--notify" in parser.format_help() and "allow-passthrough" in parser.format_help()


def test_a_busy_port_is_one_line_and_exit_status_2():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [str(POLICYTUI), "demo-server", "--port", str(port)],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "demo server: http" not in done.stdout
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert (
        len(errors) == 1
        and f"cannot listen on 127.0.0.1:{port}: address already in use" in (errors[0])
    ), done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "prod", "login"],
        ["login", "--profile", "prod"],
        ["--profile", "prod", "logout"],
        ["--profile", "prod", "export"],
        ["--profile", "prod", "list"],
    ],
)
def test_a_profile_given_before_or_after_the_command_is_the_one_used(argv):
    """argparse lets a subcommand's default overwrite an option typed before it: the
    sign-in went to the default profile when asked `policytui --profile prod login`."""
    from policytui.cli import build_parser, settings_from

    assert settings_from(build_parser().parse_args(argv)).profile == "prod"
