"""Every action the user can take, once: the source of the help screen and the palette.

The palette (Ctrl+P) offers each of these by name; the help screen (``?``) lists them
with their keys, so the two can never disagree about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True, slots=True)
class UiCommand:
    section: str
    keys: str
    title: str
    help: str
    #: An action of the list screen (``"next_page"``) or of the app (``"app.help"``).
    action: str
    #: False for plain movement keys that make no sense as a palette entry.
    in_palette: bool = True


COMMANDS: tuple[UiCommand, ...] = (
    UiCommand("Move", "↑ ↓  j k", "Previous / next row", "", "", in_palette=False),
    UiCommand("Move", "g G  Home End", "First / last row", "", "", in_palette=False),
    UiCommand("Move", "PgUp PgDn", "A screen up / down", "", "", in_palette=False),
    UiCommand("Move", "Enter", "Open the policy", "Show every detail of the policy", "open"),
    UiCommand("Pages", "] → ", "Next page", "Show the next page of policies", "next_page"),
    UiCommand("Pages", "[ ←", "Previous page", "Show the previous page", "prev_page"),
    UiCommand("Pages", "<", "First page", "Jump to page 1", "first_page"),
    UiCommand("Pages", ">", "Last page", "Jump to the last page", "last_page"),
    UiCommand(
        "View",
        "f",
        "Fired policies",
        "Only fired policies, across all pages, newest firing first (toggle)",
        "toggle_fired",
    ),
    UiCommand("View", "o", "Filter by offering", "Pick an offering you manage", "pick_offering"),
    UiCommand("View", "x", "Clear offering filter", "Show every offering again", "clear_offering"),
    UiCommand(
        "View",
        "/",
        "Quick filter",
        "Filter loaded rows by offering, action, component, creator",
        "quick_filter",
    ),
    UiCommand("View", "Esc", "Clear quick filter", "Drop the / filter", "clear_quick_filter"),
    UiCommand("View", "s", "Sort by next column", "Cycle the sort column", "sort_next"),
    UiCommand("View", "S", "Reverse sort", "Flip the sort order", "sort_reverse"),
    UiCommand("View", "r", "Refresh", "Reload from the server (keeps the cursor)", "refresh"),
    UiCommand(
        "View",
        "w",
        "Toggle auto-refresh",
        "Refresh on a timer and mark policies whose fired state changed",
        "toggle_watch",
    ),
    UiCommand("Policy", "n", "New policy", "Create a usage policy", "new_policy"),
    UiCommand("Policy", "e", "Edit policy", "Edit the highlighted policy", "edit_policy"),
    UiCommand(
        "Policy",
        "u",
        "Duplicate policy",
        "A new policy filled in from this one",
        "duplicate_policy",
    ),
    UiCommand("Policy", "d", "Delete policy", "Delete after a confirmation", "delete_policy"),
    UiCommand("Policy", "y", "Raw JSON", "The policy exactly as the server sent it", "raw"),
    UiCommand("Policy", "c", "Copy uuid", "Copy the policy uuid (OSC 52)", "copy_uuid"),
    UiCommand("Policy", "C", "Copy URL", "Copy the policy API URL (OSC 52)", "copy_url"),
    UiCommand("App", "?", "Help", "List every key", "app.help"),
    UiCommand("App", "Ctrl+P", "Command palette", "Search every action", "", in_palette=False),
    UiCommand(
        "App", "t", "Light / dark theme", "Switch between light and dark", "app.toggle_theme"
    ),
    UiCommand("App", "q", "Quit", "Leave policytui", "app.quit"),
)


class PolicyCommands(Provider):
    """Offers every :data:`COMMANDS` entry in the command palette."""

    def _target(self):
        from policytui.tui.screens.policy_list import PolicyListScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, PolicyListScreen):
                return screen
        return None

    async def _run(self, action: str) -> None:
        if action.startswith("app."):
            await self.app.run_action(action.removeprefix("app."))
            return
        target = self._target()
        if target is None:
            self.app.notify("Sign in first: there is no policy list yet.", severity="warning")
            return
        from policytui.tui.screens.detail import DetailScreen
        from policytui.tui.screens.help import HelpScreen
        from policytui.tui.screens.raw import RawScreen

        # The palette may sit over a read-only view: bring the list back for list actions.
        # Anything else (an editor with typing in it) is never closed behind the user's back.
        while self.app.screen is not target:
            if not isinstance(self.app.screen, DetailScreen | RawScreen | HelpScreen):
                self.app.notify(
                    "Finish or close this screen first, then run the command again.",
                    severity="warning",
                )
                return
            self.app.pop_screen()
        await target.run_action(action)

    def _usable(self) -> list[UiCommand]:
        return [c for c in COMMANDS if c.in_palette and c.action]

    async def discover(self) -> Hits:
        for command in self._usable():
            yield DiscoveryHit(
                f"{command.title}  [dim]{command.keys}[/]",
                partial(self._run, command.action),
                text=command.title,
                help=command.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._usable():
            score = max(matcher.match(command.title), matcher.match(command.help) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self._run, command.action),
                    text=command.title,
                    help=f"{command.help}  ({command.keys.strip()})",
                )
