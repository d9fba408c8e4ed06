"""Which session a run starts with: the environment's token, else the profile's stored
one (env > profile), or why there is none (for the sign-in screen).

On the start-up path, before the first page is painted: imports neither pydantic, httpx
nor asyncio (tests/test_light_startup.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from policytui.api.urls import normalize_base_url
from policytui.auth import credentials
from policytui.auth.config import Config, ConfigError, env_url
from policytui.auth.session import Session
from policytui.auth.settings import Settings


@dataclass(frozen=True, slots=True)
class Resolution:
    """What `resolve` found: a session, or why there is none (for the sign-in screen)."""

    session: Session | None
    reason: str | None = None
    profile: str | None = None
    url: str | None = None


def resolve(settings: Settings) -> Resolution:
    """Env > profile: ``WALDUR_ACCESS_TOKEN``/``WALDUR_TOKEN`` with ``--url``,
    ``WALDUR_API_URL`` or the profile's URL; else the profile's stored token.

    Never raises for a missing or unusable token: the reason goes to the sign-in screen.
    """
    try:
        config = Config.load()
        url_from_env = env_url()
    except ConfigError as exc:
        return Resolution(None, str(exc))
    wanted = settings.profile
    profile = config.get(wanted)
    name = wanted or (profile.name if profile else None)
    if wanted and profile is None:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        reason = f"There is no profile named {wanted!r} (profiles: {known})."
        return Resolution(None, reason, profile=wanted, url=url_from_env)
    try:
        arg_url = normalize_base_url(settings.url) if settings.url else None
    except ValueError as exc:
        return Resolution(None, f"--url: {exc}", profile=name)
    url = arg_url or url_from_env or (profile.url if profile else None)
    verify = not settings.insecure and (profile.verify if profile else True)
    ca_bundle = settings.ca_bundle or (profile.ca_bundle if profile else None)

    from_env = credentials.env_token()
    if from_env is not None:
        if url is None:
            return Resolution(
                None,
                f"{from_env.detail} is set but no API URL is: set WALDUR_API_URL too.",
                profile=name,
            )
        return Resolution(
            Session(url, from_env.token, "env", name, verify, ca_bundle), profile=name, url=url
        )
    if profile is None or url is None:
        return Resolution(None, None, profile=name, url=url)
    prefer = profile.storage if url == profile.url else None
    try:
        stored = credentials.load_token(profile.name, url, prefer=prefer)
    except credentials.KeyringUnavailable as exc:
        if profile.storage is None:
            # Saved by a sign-in whose token had nowhere to go: nothing to read, say so.
            reason = f"No token is stored for profile {profile.name!r}: {exc}"
        else:
            reason = f"The stored token cannot be read: {exc}"
        return Resolution(None, reason, profile=profile.name, url=url)
    if stored is None:
        return Resolution(
            None, f"No token is stored for profile {profile.name!r}.", profile=profile.name, url=url
        )
    session = Session(url, stored.token, stored.where, profile.name, verify, ca_bundle)
    return Resolution(session, profile=profile.name, url=url)


def resolve_session(settings: Settings) -> Session | None:
    """The session a run starts with, or None so the app opens the sign-in screen."""
    return resolve(settings).session


def session_for_profile(name: str) -> Resolution:
    """Switch to a profile (the command palette): its session, or why it needs a sign-in.

    May call the keyring (up to ~2 s): call it from a thread worker.
    """
    return resolve(Settings(profile=name))
