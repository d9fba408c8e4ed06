"""Loading, empty and error states: a centred message that says what to do next."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StateMessage(Static):
    """Shown in place of a table or a detail while there is nothing (yet) to show."""

    DEFAULT_CSS = """
    StateMessage {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: center;
        padding: 1 2;
    }
    StateMessage.-error { color: $text-error; }
    StateMessage.-empty { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.kind = ""

    def show(self, kind: str, title: str, hint: str = "") -> None:
        """``kind`` is ``loading``, ``empty`` or ``error``."""
        self.kind = kind
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "empty", "-empty")
        self.set_class(kind == "loading", "-loading")
        text = Text(title, style="bold")
        if hint:
            text.append("\n\n")
            text.append(hint, style="not bold")
        self.update(text)
        self.display = True

    def hide(self) -> None:
        self.kind = ""
        self.display = False


def describe_error(exc: BaseException, *, what: str = "policies") -> tuple[str, str]:
    """A title and a what-to-do hint for a failure; the text never carries the token
    (client errors are written token-free, and unknown errors show only their type)."""
    from policytui.api import errors

    retry = "Press r to retry."
    if isinstance(exc, errors.AuthenticationError):
        return (f"Not signed in: cannot load {what}", f"{exc}\n\nPress r after signing in.")
    if isinstance(exc, errors.PermissionDenied):
        return (
            f"You may not see these {what}",
            f"{exc}\n\nAsk an organization owner or staff for access. {retry}",
        )
    if isinstance(exc, errors.TLSError):
        return ("TLS check failed", f"{exc}\n\n{retry}")
    if isinstance(exc, errors.Timeout):
        return ("The server did not answer in time", f"{exc}\n\n{retry}")
    if isinstance(exc, errors.ConnectionFailed):
        return (
            "Cannot reach the server",
            f"{exc}\n\nCheck the URL and your network or VPN. {retry}",
        )
    if isinstance(exc, errors.RateLimited):
        return ("The server is rate limiting", f"{exc}\n\n{retry}")
    if isinstance(exc, errors.ServerError):
        return (f"The server failed ({exc.status_code})", f"{exc}\n\n{retry}")
    if isinstance(exc, errors.InvalidResponse):
        return ("The server sent something unreadable", f"{exc}\n\n{retry}")
    if isinstance(exc, errors.WaldurError):
        return (f"Cannot load {what}", f"{exc}\n\n{retry}")
    # Plain words only: an exception's class name means nothing to the user.
    return (f"Cannot load {what}", f"Something unexpected went wrong. {retry}")
