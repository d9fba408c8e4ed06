"""Profiles in config.toml: round trips, bad files, and never a token."""

from __future__ import annotations

import stat

import pytest

from policytui.auth.config import Config, ConfigError, Profile, config_path, profile_names


def test_profiles_round_trip_atomically_with_mode_0600():
    config = Config.load()
    assert config.profiles == {} and config.default_profile is None
    config.put(Profile.create("prod", "waldur.example.com", ca_bundle="/etc/ca.pem"))
    config.put(Profile.create("lab", "http://127.0.0.1:8000", verify=False))
    path = config.save()
    assert path == config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Config.load()
    assert again.default_profile == "prod"  # the first one became the default
    assert again.get() == Profile("prod", "https://waldur.example.com/api/", True, "/etc/ca.pem")
    assert again.get("lab") == Profile("lab", "http://127.0.0.1:8000/api/", False, None)
    assert list(path.parent.glob(".config-*")) == [], "no temp file is left behind"
    assert profile_names() == ["prod", "lab"]


def test_removing_the_default_profile_picks_another():
    config = Config()
    config.put(Profile.create("a", "https://a.example.com"))
    config.put(Profile.create("b", "https://b.example.com"))
    config.remove("a")
    assert config.default_profile == "b"


@pytest.mark.parametrize("name", ["", "has space", "-dash-first", "x" * 64, "semi;colon"])
def test_bad_profile_names_are_refused_with_a_reason(name):
    with pytest.raises(ConfigError, match="not a usable profile name"):
        Profile.create(name, "https://waldur.example.com")


def test_broken_toml_is_a_clear_error_and_profile_names_stays_quiet():
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text("default_profile = [oops\n")
    with pytest.raises(ConfigError, match=r"is not valid TOML.*Fix or remove it"):
        Config.load()
    assert profile_names() == []


def test_a_token_written_into_the_file_by_hand_is_never_written_back():
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.prod]\nurl = "https://w.example.com/api/"\ntoken = "SECRET42"\n')
    config = Config.load()
    config.put(Profile.create("lab", "https://lab.example.com"))
    config.save()
    assert "SECRET42" not in path.read_text()
    assert "token" not in path.read_text()
