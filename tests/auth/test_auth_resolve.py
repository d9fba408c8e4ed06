"""Which session a run uses: environment first, then the profile's stored token."""

from __future__ import annotations

from policytui.auth import credentials
from policytui.auth.config import Config, Profile
from policytui.auth.resolve import resolve, resolve_session, session_for_profile
from policytui.auth.secret import Secret
from policytui.auth.settings import Settings

URL = "https://waldur.example.com/api/"
STORED = "1" * 40
FROM_ENV = "2" * 40


def args(**kw) -> Settings:
    base = {"profile": None, "url": None, "insecure": False, "ca_bundle": None}
    base.update(kw)
    return Settings(**base)


def save_profile(name="prod", url=URL, storage="file", **kw) -> None:
    config = Config.load()
    config.put(Profile.create(name, url, storage=storage, **kw))
    config.save()


def test_nothing_configured_means_the_sign_in_screen():
    found = resolve(args())
    assert found.session is None and found.reason is None
    assert resolve_session(args()) is None


def test_profile_token_from_the_plain_file(memory_keyring):
    save_profile(verify=False, ca_bundle="/ca.pem")
    credentials.file_set("prod", URL, Secret(STORED))
    session = resolve_session(args())
    assert session is not None
    assert (session.url, session.profile, session.token_source) == (URL, "prod", "file")
    assert session.token.get_secret_value() == STORED
    assert session.verify is False and session.ca_bundle == "/ca.pem"
    assert session.plaintext_token
    assert STORED not in repr(session)


def test_profile_token_from_the_keyring(memory_keyring):
    save_profile(storage="keyring")
    credentials.store_token("prod", URL, Secret(STORED))
    session = resolve_session(args(profile="prod"))
    assert session is not None and session.token_source == "keyring"


def test_env_token_overrides_the_stored_one_and_is_never_written(monkeypatch, memory_keyring):
    save_profile()
    credentials.file_set("prod", URL, Secret(STORED))
    monkeypatch.setenv("WALDUR_ACCESS_TOKEN", FROM_ENV)
    session = resolve_session(args())
    assert session is not None and session.token_source == "env"
    assert session.token.get_secret_value() == FROM_ENV
    assert session.url == URL  # the profile still gives the URL
    monkeypatch.setenv("WALDUR_API_URL", "https://env.example.com")
    session = resolve_session(args())
    assert session is not None and session.url == "https://env.example.com/api/"
    # --url beats WALDUR_API_URL
    session = resolve_session(args(url="cli.example.com"))
    assert session is not None and session.url == "https://cli.example.com/api/"
    assert FROM_ENV not in Config.load().path.read_text()  # type: ignore[union-attr]
    assert memory_keyring.entries == {}


def test_env_token_without_any_url_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("WALDUR_TOKEN", FROM_ENV)
    found = resolve(args())
    assert found.session is None
    assert found.reason == "$WALDUR_TOKEN is set but no API URL is: set WALDUR_API_URL too."


def test_unknown_profile_and_missing_token_give_reasons(memory_keyring):
    save_profile()
    found = resolve(args(profile="nope"))
    assert found.session is None and found.profile == "nope"
    assert found.reason == "There is no profile named 'nope' (profiles: prod)."
    found = session_for_profile("prod")
    assert found.session is None and found.url == URL
    assert found.reason == "No token is stored for profile 'prod'."


def test_unusable_keyring_is_a_reason_not_a_crash():
    save_profile(storage="keyring")
    found = resolve(args())
    assert found.session is None and found.url == URL and found.profile == "prod"
    assert "no OS keyring is available" in (found.reason or "")


def test_insecure_flag_turns_verification_off_for_the_run(memory_keyring):
    save_profile()
    credentials.file_set("prod", URL, Secret(STORED))
    session = resolve_session(args(insecure=True))
    assert session is not None and session.verify is False


def test_a_profile_saved_without_a_token_says_so_and_keeps_its_url():
    # What `policytui login` leaves on a host without a keyring: the URL, no token.
    save_profile(storage=None)
    found = resolve(args())
    assert found.session is None and (found.profile, found.url) == ("prod", URL)
    assert found.reason is not None
    assert found.reason.startswith("No token is stored for profile 'prod': no OS keyring")
