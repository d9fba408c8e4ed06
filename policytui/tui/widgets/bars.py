"""The one-line bars above and below the list: where you are, and what is on view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from policytui.api.tls import PLAIN_HTTP

if TYPE_CHECKING:
    from policytui.auth.session import Session

#: Said when the token is kept in a 0600 file (`--insecure-storage`) instead of a keyring.
PLAIN_FILE = "token in plain file"
WARNING_SEPARATOR = " · "


class TopBar(Static):
    """``policytui  DEMO  staff · Policies · Acme HPC Cluster``: mode, user and view.

    The API URL is shown as its host only (a demo shows DEMO instead), so snapshots
    never carry a port and a screen-share never shows a path with a tenant in it.
    """

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(
        self, session: Session | None = None, username: str = "", *, id: str | None = None
    ) -> None:
        super().__init__("", id=id)
        self._session = session
        self._username = username
        self.where = ""
        self.demo = False
        self.user = ""
        self.view = "Policies"
        self.detail = ""
        #: Said after the detail when there is room ("2 still over · 5 now under"): it
        #: gives way before a warning is shortened.
        self.extra = ""
        self.warning = ""

    def on_mount(self) -> None:
        self.show_session(self._session, self._username)

    def show_session(self, session: Session | None, username: str = "") -> None:
        """Mode, host, user and warnings of the session the screen works in."""
        from urllib.parse import urlsplit

        warnings: list[str] = []
        where = ""
        if session is not None:
            parts = urlsplit(session.url)
            where = parts.hostname or ""
            if parts.scheme == "http" and not session.demo:
                # The token and every answer cross the network readable by anyone on it.
                warnings.append(PLAIN_HTTP)
            elif not session.verify:
                warnings.append("TLS NOT VERIFIED")
            # Not instead of the others: each is its own risk, and each is said.
            if session.plaintext_token:
                warnings.append(PLAIN_FILE)
        self.update_bar(
            demo=bool(session and session.demo),
            where=where,
            warning=WARNING_SEPARATOR.join(warnings),
            user=username,
        )

    def update_bar(self, **fields: object) -> None:
        changed = False
        for name, value in fields.items():
            if getattr(self, name, None) != value:
                setattr(self, name, value)
                changed = True
        if changed or not self.renderable_set:
            self.renderable_set = True
            # One line, fixed height: no layout pass (a scan updates this many times).
            self.update(self._text(), layout=False)

    renderable_set = False

    #: What gives way, in order, when the bar is too narrow for all of it: the view and its
    #: figures ("43 fired in 1 of 100 pages read (incomplete)") matter most.
    SHEDDING = ("where", "brand", "user", "extra", "long warning")

    def _text(self) -> Text:
        width = self.size.width
        text = self._bar_text(frozenset())
        for count in range(1, len(self.SHEDDING) + 1):
            if not width or text.cell_len <= width:
                break
            text = self._bar_text(frozenset(self.SHEDDING[:count]))
        if width and text.cell_len > width:
            # Still too long: say so with an ellipsis rather than cut a figure silently.
            text.truncate(width, overflow="ellipsis")
        return text

    def _bar_text(self, shed: frozenset[str]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if "brand" not in shed:
            text.append(" policytui ", style="bold")
        else:
            text.append(" ")
        if self.demo:
            text.append(" DEMO ", style="bold reverse")
            text.append(" ")
        if self.warning:
            warning = self.warning
            if "long warning" in shed:
                # "plain HTTP: not encrypted" -> "plain HTTP", each warning kept
                warning = WARNING_SEPARATOR.join(
                    part.split(":")[0] for part in warning.split(WARNING_SEPARATOR)
                )
            text.append(f" {warning} ", style="bold reverse")
            text.append(" ")
        parts: list[tuple[str, str]] = []
        if self.where and not self.demo and "where" not in shed:
            parts.append((self.where, "dim"))
        if self.user and "user" not in shed:
            parts.append((self.user, "italic"))
        parts.append((self.view, "bold"))
        if self.detail:
            parts.append((self.detail, ""))
        if self.extra and "extra" not in shed:
            parts.append((self.extra, ""))
        for index, (part, style) in enumerate(parts):
            if index:
                text.append(" · ", style="dim")
            text.append(part, style=style)
        return text

    def on_resize(self) -> None:
        if self.renderable_set:
            self.update(self._text(), layout=False)


class StatusBar(Static):
    """``page 3 of 17 · 512 policies`` on the left, filters and modes on the right."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.left = ""
        self.right = ""

    def set_parts(self, left: str | None = None, right: str | None = None) -> None:
        before = (self.left, self.right)
        if left is not None:
            self.left = left
        if right is not None:
            self.right = right
        if (self.left, self.right) != before or not self.renderable_set:
            self.renderable_set = True
            # One line, fixed height: no layout pass (a scan updates this many times).
            self.update(self._text(), layout=False)

    renderable_set = False

    def on_resize(self) -> None:
        self.update(self._text(), layout=False)

    def _text(self) -> Text:
        width = max(0, self.size.width)
        left = Text(f" {self.left}", style="bold", no_wrap=True)
        right = Text(f"{self.right} ", no_wrap=True)
        gap = width - left.cell_len - right.cell_len
        if gap < 1:
            # Narrow: the position ("page 3 of 17 · 512 policies") matters most.
            left.append("  ")
            left.append_text(right)
            left.truncate(max(1, width), overflow="ellipsis")
            return left
        left.append(" " * gap)
        left.append_text(right)
        return left
