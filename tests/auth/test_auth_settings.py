"""The command line is read once, into one Settings object the app and the commands get."""

from __future__ import annotations

import dataclasses

import pytest

from policytui.auth.settings import Settings
from policytui.cli import build_parser, settings_from


def settings(*argv: str) -> Settings:
    return settings_from(build_parser().parse_args(list(argv)))


def test_the_run_options_land_in_the_settings(tmp_path):
    bundle = tmp_path / "ca.pem"  # --ca-bundle must name a file that exists
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    got = settings(
        "--profile", "lab", "--url", "https://w.example/api/", "--ca-bundle", str(bundle),
        "--insecure", "--page-size", "5", "--watch", "30", "--insecure-storage",
    )  # fmt: skip
    assert got == Settings(
        profile="lab", url="https://w.example/api/", ca_bundle=str(bundle), insecure=True,
        page_size=5, watch=30.0, insecure_storage=True,
    )  # fmt: skip


def test_a_subcommand_without_an_option_keeps_its_default():
    # `status` and `logout` have no --url, --with-token...: nothing is missing, all default.
    assert settings("status") == Settings()
    assert settings("logout", "-p", "lab") == Settings(profile="lab")
    login = settings("login", "--url", "https://w.example/api/", "--with-token")
    assert (login.url, login.with_token, login.insecure_storage) == (
        "https://w.example/api/", True, False,
    )  # fmt: skip


def test_settings_cannot_change_once_resolved():
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings().url = "https://elsewhere.example/api/"  # type: ignore[misc]
