"""The command palette's policy commands (Ctrl+P), made from :mod:`policytui.tui.actions`.

Each action the table marks ``in_palette`` is offered by its title; one the App binds
runs on the App, the others on the policy list (brought back from a read-only view first).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from policytui.tui.actions import APP, Action, palette_actions

if TYPE_CHECKING:
    from policytui.auth.config import SavedView


def _markup_literal(text: str) -> str:
    """``text`` to stand as itself in Textual markup: "[ ←" once opened a tag there."""
    return text.replace("[", "\\[")


class PolicyCommands(Provider):
    """Offers every palette action of :data:`policytui.tui.actions.ACTIONS`."""

    def _target(self):
        from policytui.tui.screens.policy_list import PolicyListScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, PolicyListScreen):
                return screen
        return None

    async def _run(self, action: Action) -> None:
        if APP in action.bound_on:
            await self.app.run_action(action.name)
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
        await target.run_action(action.name)

    def _usable(self) -> tuple[Action, ...]:
        return palette_actions()

    async def discover(self) -> Hits:
        for command in self._usable():
            yield DiscoveryHit(
                # Content, not markup: the keys "[ ←" read as a tag and showed a "[/]".
                Content.assemble(command.title, "  ", (command.shown, "dim")),
                partial(self._run, command),
                text=command.title,
                help=_markup_literal(command.description),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._usable():
            score = max(matcher.match(command.title), matcher.match(command.description) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self._run, command),
                    text=command.title,
                    help=_markup_literal(f"{command.description}  ({command.shown})"),
                )


class SavedViewCommands(Provider):
    """Offers each saved view of the config file (``[views.NAME]``) by name."""

    def _views(self) -> list[SavedView]:
        from policytui.auth.config import Config, ConfigError

        try:
            return sorted(Config.load().views.values(), key=lambda v: v.name)
        except ConfigError:
            return []  # a broken config gives no views, never an exception in the palette

    async def _open(self, view: SavedView) -> None:
        from policytui.tui.screens.policy_list import PolicyListScreen

        target = next(
            (s for s in reversed(self.app.screen_stack) if isinstance(s, PolicyListScreen)),
            None,
        )
        if target is None:
            self.app.notify("Sign in first: there is no policy list yet.", severity="warning")
            return
        while self.app.screen is not target and len(self.app.screen_stack) > 1:
            from policytui.tui.screens.detail import DetailScreen
            from policytui.tui.screens.help import HelpScreen
            from policytui.tui.screens.raw import RawScreen

            if not isinstance(self.app.screen, DetailScreen | RawScreen | HelpScreen):
                self.app.notify(
                    "Finish or close this screen first, then open the view again.",
                    severity="warning",
                )
                return
            self.app.pop_screen()
        target.open_view(view)

    def _title(self, view: SavedView) -> str:
        return f"View {view.name}"

    def _help(self, view: SavedView) -> str:
        sort = f" · sort {view.sort}" if view.sort else ""
        return _markup_literal(f"{view.filter}{sort}")

    async def discover(self) -> Hits:
        for view in self._views():
            yield DiscoveryHit(
                self._title(view), partial(self._open, view), text=self._title(view),
                help=self._help(view),
            )  # fmt: skip

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for view in self._views():
            title = self._title(view)
            score = max(matcher.match(title), matcher.match(view.filter) * 0.5)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._open, view), text=title,
                    help=self._help(view),
                )  # fmt: skip
