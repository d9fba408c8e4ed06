"""How a shell command says it cannot start a session: the setting named, and the
command that fixes it."""

from __future__ import annotations

from shell_run import run


def test_a_waldur_api_url_that_is_not_a_url_is_a_usage_error_naming_it() -> None:
    done = run(None, "list", env={"WALDUR_API_URL": "not-a-url"})
    assert done.code == 2 and done.out == ""
    assert "WALDUR_API_URL is not a URL: 'not-a-url'" in done.err
    assert "Cannot reach" not in done.err


def test_an_unknown_profile_says_how_to_create_it(tmp_path) -> None:
    # A config directory of its own: no profiles at all.
    done = run(None, "--profile", "staging", "list", token=None,
               env={"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)})  # fmt: skip
    assert done.code == 3
    assert "There is no profile named 'staging'" in done.err
    assert "policytui login --profile staging --url " in done.err
