"""Every action the user can take, once: the source of the help screen and the palette.

The palette (Ctrl+P) offers each list action by name; the help screen (``?``) lists the
keys of the screen it is opened on (:func:`keys_for`): the list, the detail, the raw
view and the editor each have their table here, so help and palette never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


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
    UiCommand("App", "?", "Help", "List the keys of this screen", "app.help"),
    UiCommand("App", "Ctrl+P", "Command palette", "Search every action", "", in_palette=False),
    UiCommand(
        "App", "t", "Light / dark theme", "Switch between light and dark", "app.toggle_theme"
    ),
    UiCommand("App", "q", "Quit", "Leave policytui", "app.quit"),
)

#: ``?`` on the detail of one policy (a full screen under 100 columns).
DETAIL_KEYS: tuple[UiCommand, ...] = (
    UiCommand("Move", "↑ ↓  j k", "Scroll the detail", "", "scroll"),
    UiCommand("Move", "PgUp PgDn", "A screen up / down", "", ""),
    UiCommand("Policy", "e", "Edit policy", "", "edit_policy"),
    UiCommand("Policy", "u", "Duplicate policy", "", "duplicate_policy"),
    UiCommand("Policy", "d", "Delete policy", "", "delete_policy"),
    UiCommand("Policy", "y", "Raw JSON", "", "raw"),
    UiCommand("Policy", "c", "Copy uuid", "", "copy_uuid"),
    UiCommand("Policy", "C", "Copy URL", "", "copy_url"),
    UiCommand("Policy", "r", "Refresh", "", "refresh"),
    UiCommand("Policy", "Esc q", "Back to the list", "", "back"),
    UiCommand("App", "?", "Help", "", "app.help"),
    UiCommand("App", "Ctrl+P", "Command palette", "", ""),
    UiCommand("App", "t", "Light / dark theme", "", "app.toggle_theme"),
    UiCommand("App", "Ctrl+Q", "Quit", "", ""),
)

#: ``?`` on the raw JSON of one policy.
RAW_KEYS: tuple[UiCommand, ...] = (
    UiCommand("Move", "↑ ↓  j k", "Scroll the JSON", "", "scroll"),
    UiCommand("Move", "PgUp PgDn", "A screen up / down", "", ""),
    UiCommand("Raw JSON", "c", "Copy the JSON", "", "copy_json"),
    UiCommand("Raw JSON", "r", "Read it again from the server", "", "reload"),
    UiCommand("Raw JSON", "Esc q y", "Back", "", "back"),
    UiCommand("App", "?", "Help", "", "app.help"),
    UiCommand("App", "Ctrl+P", "Command palette", "", ""),
    UiCommand("App", "t", "Light / dark theme", "", "app.toggle_theme"),
    UiCommand("App", "Ctrl+Q", "Quit", "", ""),
)

#: ``?`` in the policy editor (new, edit, duplicate).
EDITOR_KEYS: tuple[UiCommand, ...] = (
    UiCommand("Form", "Tab Shift+Tab", "Next / previous field", "", ""),
    UiCommand("Form", "Space", "Tick an action or a group", "", ""),
    UiCommand("Form", "Enter", "Open a picker / choose", "", ""),
    UiCommand("Policy", "Ctrl+S", "Save the policy (an edit shows old → new)", "", "save"),
    UiCommand("Policy", "Ctrl+N", "Add a component limit", "", "add_limit"),
    UiCommand("Policy", "Ctrl+R", "Remove the component limit in focus", "", "remove_limit"),
    UiCommand("Policy", "Ctrl+O", "Edit the options JSON in $EDITOR", "", "edit_options"),
    UiCommand("Policy", "F5", "Load the form again (after a failed load)", "", "retry_load"),
    UiCommand("Policy", "Esc", "Back (asks first about unsaved changes)", "", "leave"),
    UiCommand("App", "?", "Help (outside a text field)", "", "app.help"),
    UiCommand("App", "Ctrl+P", "Command palette", "", ""),
    UiCommand("App", "q", "Quit (outside a text field; asks first)", "", "quit_app"),
    UiCommand("App", "Ctrl+Q", "Quit (asks first about unsaved changes)", "", ""),
)

#: Which table ``?`` shows, by the screen's class name: looked up by name so this module
#: need not import the screens (the editor's module loads only when a form opens).
SCREEN_KEYS: dict[str, tuple[UiCommand, ...]] = {
    "PolicyListScreen": COMMANDS,
    "DetailScreen": DETAIL_KEYS,
    "RawScreen": RAW_KEYS,
    "PolicyEditor": EDITOR_KEYS,
}


def keys_for(screen: object) -> tuple[UiCommand, ...]:
    """The keys of ``screen`` for the help screen; the list's when it has none of its own
    (a screen without a table here shows its footer's keys, see the help screen)."""
    for cls in type(screen).__mro__:
        keys = SCREEN_KEYS.get(cls.__name__)
        if keys is not None:
            return keys
    return ()


def _markup_literal(text: str) -> str:
    """``text`` to stand as itself in Textual markup: "[ ←" once opened a tag there."""
    return text.replace("[", "\\[")


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
                # Content, not markup: the keys "[ ←" read as a tag and showed a "[/]".
                Content.assemble(command.title, "  ", (command.keys.strip(), "dim")),
                partial(self._run, command.action),
                text=command.title,
                help=_markup_literal(command.help),
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
                    help=_markup_literal(f"{command.help}  ({command.keys.strip()})"),
                )
