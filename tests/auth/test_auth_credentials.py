"""Where the token lives: keyring, plain file (only when asked), env; and keyrings that fail."""

from __future__ import annotations

import os
import stat
import time

import fake_keyrings
import pytest

from policytui.auth import credentials
from policytui.auth.secret import Secret

URL = "https://waldur.example.com/api/"
TOKEN = "0123456789abcdef0123456789abcdef01234567"


def test_token_round_trips_through_the_keyring_one_entry_per_profile_and_url(memory_keyring):
    stored = credentials.store_token("prod", URL, Secret(TOKEN))
    assert stored.where == "keyring" and not stored.plaintext
    assert memory_keyring.entries == {("policytui", f"prod@{URL}"): TOKEN}
    other = "https://other.example.com/api/"
    credentials.store_token("prod", other, Secret("f" * 40))
    assert len(memory_keyring.entries) == 2

    loaded = credentials.load_token("prod", URL)
    assert loaded is not None and loaded.token.get_secret_value() == TOKEN
    assert credentials.delete_token("prod", URL) == ["OS keyring"]
    assert credentials.load_token("prod", URL) is None
    assert credentials.load_token("prod", other) is not None


def test_fail_backend_is_reported_at_once_in_plain_words():
    # conftest installs keyring's fail backend: what a bare SSH host has.
    started = time.monotonic()
    with pytest.raises(credentials.KeyringUnavailable) as caught:
        credentials.store_token("prod", URL, Secret(TOKEN))
    assert time.monotonic() - started < 1
    assert "no OS keyring is available" in str(caught.value)
    advice = caught.value.advice(profile="prod", url=URL)
    assert f"export WALDUR_API_URL={URL}" in advice
    assert "read -rs WALDUR_ACCESS_TOKEN && export WALDUR_ACCESS_TOKEN" in advice
    assert "dbus-run-session" in advice and "gnome-keyring-daemon --unlock" in advice
    assert f"policytui login --profile prod --url {URL} --insecure-storage" in advice
    assert TOKEN not in advice
    assert not credentials.token_dir().exists(), "nothing may be written without opt-in"


def test_locked_keyring_is_explained(use_keyring):
    use_keyring(fake_keyrings.LockedKeyring())
    problem = credentials.check_keyring()
    assert problem is not None and "locked" in str(problem)
    with pytest.raises(credentials.KeyringUnavailable, match="locked"):
        credentials.load_token("prod", URL)


def test_blocking_keyring_gives_up_within_about_two_seconds_and_then_fails_fast(use_keyring):
    use_keyring(fake_keyrings.SlowKeyring())
    started = time.monotonic()
    with pytest.raises(credentials.KeyringUnavailable, match="did not answer within 2 s"):
        credentials.store_token("prod", URL, Secret(TOKEN))
    assert 1.5 < time.monotonic() - started < 3.5
    # The next call does not wait another two seconds for the same hung backend.
    started = time.monotonic()
    with pytest.raises(credentials.KeyringUnavailable):
        credentials.load_token("prod", URL)
    assert time.monotonic() - started < 0.5


def test_insecure_file_only_with_opt_in_and_0600_in_a_0700_directory():
    stored = credentials.store_token("prod", URL, Secret(TOKEN), allow_file=True)
    assert stored.where == "file" and stored.plaintext
    path = credentials.token_file("prod", URL)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text().strip() == TOKEN
    assert credentials.file_mode_warning(path) is None
    loaded = credentials.load_token("prod", URL)
    assert loaded is not None and loaded.where == "file"
    assert loaded.token.get_secret_value() == TOKEN
    # The directory existed with loose permissions before: it is tightened on write.
    os.chmod(path.parent, 0o755)
    credentials.file_set("prod", URL, Secret(TOKEN))
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    os.chmod(path, 0o644)
    assert "others can read the token" in (credentials.file_mode_warning(path) or "")
    assert credentials.delete_token("prod", URL) == [f"plain file {path}"]
    assert not path.exists()


def test_keyring_entry_replaces_an_older_plain_file(memory_keyring):
    credentials.file_set("prod", URL, Secret("old" * 10))
    credentials.store_token("prod", URL, Secret(TOKEN))
    assert not credentials.token_file("prod", URL).exists()


def test_env_token_wins_access_token_before_waldur_token(monkeypatch):
    assert credentials.env_token() is None
    monkeypatch.setenv("WALDUR_TOKEN", "b" * 40)
    found = credentials.env_token()
    assert found is not None and found.detail == "$WALDUR_TOKEN"
    monkeypatch.setenv("WALDUR_ACCESS_TOKEN", "a" * 40)
    found = credentials.env_token()
    assert found is not None and found.token.get_secret_value() == "a" * 40
    assert "a" * 40 not in repr(found)


def test_logout_with_an_unusable_keyring_does_not_claim_the_token_is_gone(use_keyring):
    use_keyring(fake_keyrings.LockedKeyring())
    with pytest.raises(credentials.KeyringUnavailable):
        credentials.delete_token("prod", URL)


def test_time_limit_is_longer_when_a_desktop_can_show_an_unlock_prompt(monkeypatch):
    assert credentials.keyring_timeout() == 2.0
    monkeypatch.setenv("DISPLAY", ":0")
    assert credentials.keyring_timeout() == 60.0
    monkeypatch.setenv("POLICYTUI_KEYRING_TIMEOUT", "5")
    assert credentials.keyring_timeout() == 5.0
