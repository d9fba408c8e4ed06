"""The API URL in its one form, ``https://host/api/``: light (standard library only), so
the config and the start-up path can normalise a URL without importing the client."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def normalize_base_url(url: str) -> str:
    """``https://host``, ``https://host/api`` and ``https://host/api/`` -> ``https://host/api/``."""
    text = url.strip()
    if not text:
        raise ValueError("The API URL is empty.")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"Not an http(s) URL: {url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/api"):
        path = f"{path}/api"
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))
