"""Every key of the app, once: the one table the bindings, help, palette and README come from.

Each :class:`Action` names what a key does and where: the Textual keys it is bound to and
how they are shown, its title (help and palette) and longer description (palette and
README), which screens bind it, which screens' help lists it, how the footer shows and
ranks it, and whether it needs a priority binding. From :data:`ACTIONS` are made

- each screen's ``BINDINGS`` (:func:`bindings_for`),
- the help screen's list for each screen (:func:`help_for`, grouped by section),
- the command palette's commands (:func:`palette_actions`),
- the footer's ranking (:data:`FOOTER_RANK`),
- README.md's keys table (:func:`readme_keys`; ``python -m policytui.tui.actions
  --readme`` rewrites it and a test checks it agrees).

The table is kept in blocks, one per screen, each in the order of that screen's footer
(a footer shows its keys in binding order). Keys a widget handles itself (the table's
cursor keys, a scroll view's PgUp) are rows with no ``keys``: help lists them, nothing
binds them. This module imports nothing of the screens, so any of them can import it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

# -- where ---------------------------------------------------------------------------------
#: Screen names as the table uses them. APP is the App's own bindings (on every screen).
APP = "app"
LIST = "list"
DETAIL = "detail"
RAW = "raw JSON"
EDITOR = "editor"
HELP = "help"
OFFERING_PICKER = "offering picker"
SAVE_VIEW = "save view"
CONFIRM = "confirm"
LOGIN = "sign-in"
DIFF_REVIEW = "save review"
REPLACE_REVIEW = "replace review"
CONFLICT = "conflict"
BULK_CHOOSE = "bulk change"
BULK_CONFIRM = "bulk confirmation"
BULK_RUN = "bulk writes"

#: Which table the help screen shows, by the screen's class name: by name so this module
#: need not import the screens (the editor's module loads only when a form opens).
SCREEN_OF_CLASS: dict[str, str] = {
    "PolicyListScreen": LIST,
    "DetailScreen": DETAIL,
    "RawScreen": RAW,
    "PolicyEditor": EDITOR,
}

#: The order of sections in help; a screen's rows keep the table's order within one.
SECTIONS = ("Move", "Form", "Pages", "View", "Policy", "Raw JSON", "Keys", "App")

#: The screens the README's table covers, in its order; a row on all of them is "anywhere".
README_SCREENS = (LIST, DETAIL, RAW, EDITOR)


@dataclass(frozen=True, slots=True)
class Action:
    #: The action a key runs (``"next_page"``, ``"scroll('down')"``); on APP, an action of
    #: the App; "" for a help row of keys a widget handles.
    name: str
    section: str
    #: The keys as help, palette and README show them (``"] →"``).
    shown: str
    #: What help and the palette call it.
    title: str
    #: Textual key names, comma separated (``"right_square_bracket,right"``); "" when no
    #: screen binds it here (a widget's keys, or a help row for a key bound on APP).
    keys: str = ""
    #: The screens whose BINDINGS hold it.
    bound_on: tuple[str, ...] = ()
    #: The screens whose help lists it; None: the screens that bind it.
    help_on: tuple[str, ...] | None = None
    #: The binding's description: the footer's label and Textual's keys panel.
    footer: str = ""
    #: The footer shows it (when it fits).
    show: bool = True
    #: How the footer shows the key when Textual's name for it reads badly (``"]"``).
    key_display: str | None = None
    #: Where the footer ranks it when not every key fits (0 first); None: after the ranked.
    rank: int | None = None
    #: Handled as the key arrives, before the focused widget sees it.
    priority: bool = False
    #: A longer description: the palette's help line and the README; "" for none.
    description: str = ""
    #: Offered by the command palette (a list action, or an App action).
    in_palette: bool = False

    @property
    def listed_on(self) -> tuple[str, ...]:
        return self.bound_on if self.help_on is None else self.help_on

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.name,
            self.footer,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
        )


def _list(name: str, section: str, shown: str, title: str, keys: str, **kw) -> Action:  # type: ignore[no-untyped-def]
    """A key of the policy list (bound there, listed in its help, in the palette)."""
    kw.setdefault("in_palette", True)
    return Action(name, section, shown, title, keys, bound_on=(LIST,), **kw)


def _on(screen: str, name: str, section: str, shown: str, title: str, keys: str, **kw) -> Action:  # type: ignore[no-untyped-def]
    return Action(name, section, shown, title, keys, bound_on=(screen,), **kw)


def _row(screens: tuple[str, ...], section: str, shown: str, title: str) -> Action:
    """A help row only: keys a widget or the App handles."""
    return Action("", section, shown, title, help_on=screens)


ACTIONS: tuple[Action, ...] = (
    # -- the policy list ----------------------------------------------------------------
    # The cursor keys are the policy table's own (widgets/policy_table.py).
    _row((LIST,), "Move", "↑ ↓  j k", "Previous / next row"),
    _row((LIST,), "Move", "g G  Home End", "First / last row"),
    _row((LIST,), "Move", "PgUp PgDn", "A screen up / down"),
    # On the screen, not the table: the detail is pushed as Enter is handled, so a key
    # typed right after it (y, e, d) reaches the detail.
    _list("open", "Move", "Enter", "Open the policy", "enter", footer="Open", show=False,
          description="Show every detail of the policy (a side pane from 100 columns, "
          "a full screen below)"),
    _list("next_page", "Pages", "] →", "Next page", "right_square_bracket,right",
          footer="Next", key_display="]", rank=10,
          description="Show the next page of policies"),
    _list("prev_page", "Pages", "[ ←", "Previous page", "left_square_bracket,left",
          footer="Prev", key_display="[", rank=11, description="Show the previous page"),
    _list("first_page", "Pages", "<", "First page", "less_than_sign", footer="First page",
          show=False, key_display="<", description="Jump to page 1"),
    _list("last_page", "Pages", ">", "Last page", "greater_than_sign", footer="Last page",
          show=False, key_display=">", description="Jump to the last page"),
    _list("toggle_fired", "View", "f", "Fired policies", "f", footer="Fired", rank=12,
          description="Only fired policies, across all pages, newest firing first (toggle)"),
    _list("near_firing", "View", "h", "Near firing", "h", footer="Near", rank=29,
          description="Every policy at or over 80 % of a limit (the last threshold set, "
          "after + or -), nearest first (usage:>=80, "
          "sorted by usage; + / - move the threshold; toggle)"),
    _list("near_more", "View", "+", "Raise the near-firing threshold", "plus",
          footer="Threshold +", show=False, key_display="+",
          description="In the near-firing view: 5 % more"),
    _list("near_less", "View", "-", "Lower the near-firing threshold", "minus",
          footer="Threshold -", show=False, key_display="-",
          description="In the near-firing view: 5 % less"),
    # Priority (like "/"): the picker is up before the next keys are routed, so "ogpu"
    # typed fast searches for "gpu" instead of running g, p and u on the list.
    _list("pick_offering", "View", "o", "Filter by offering", "o", footer="Offering",
          rank=20, priority=True,
          description="Pick an offering you manage (with a / filter on: its offering: term)"),
    _list("clear_offering", "View", "x", "Clear offering filter", "x", footer="Clear offering",
          show=False,
          description="Show every offering again"),
    # Priority: handled as the key arrives, so "/gpu" typed fast lands in the box instead
    # of the keys after "/" going to the table.
    _list("quick_filter", "View", "/", "Filter every policy", "slash", footer="Filter",
          key_display="/", rank=13, priority=True,
          description="Filter every policy as you type: words, offering: group: "
          "limit:cpu>10000 fired:<7d -term (docs/filter.md); in the fired view, its rows"),
    # Enter in the filter box, as the key arrives: the box gives the list the focus before
    # the next key is routed ("/gpu Enter S" typed fast sorts instead of typing an S).
    # Elsewhere it is not handled here and Enter opens the policy.
    Action("filter_done", "View", "Enter", "Done filtering", "enter", bound_on=(LIST,),
           help_on=(), show=False, priority=True),
    # Esc does the nearest "back" (clears the quick filter, closes the pane, leaves the
    # fired view); the palette offers the clearing by name.
    Action("escape", "View", "Esc", "Back", "escape", bound_on=(LIST,), help_on=(),
           footer="Back", show=False),
    Action("clear_quick_filter", "View", "Esc", "Clear quick filter", help_on=(LIST,),
           description="Drop the / filter", in_palette=True),
    # Palette only: a view is named once and opened often (--view NAME, the palette).
    Action("save_view", "View", "Ctrl+P, then \"save\"", "Save view", help_on=(LIST,),
           description="Name the / filter and the sort on screen, kept in the config file "
           "(open it with policytui --view NAME or from the palette)", in_palette=True),
    _list("sort_next", "View", "s", "Sort by next column", "s", footer="Sort", rank=25,
          description="Cycle the sort column (with a / filter: across every match)"),
    _list("sort_reverse", "View", "S", "Reverse sort", "S", footer="Reverse sort", show=False,
          description="Flip the sort order"),
    _list("refresh", "View", "r", "Refresh", "r", footer="Refresh", rank=17,
          description="Reload from the server (keeps the cursor)"),
    _list("toggle_watch", "View", "w", "Toggle auto-refresh", "w", footer="Watch", show=False,
          rank=26,
          description="Refresh on a timer and mark policies whose fired state changed "
          "(--watch SECONDS)"),
    _list("new_policy", "Policy", "n", "New policy", "n", footer="New", rank=15,
          description="Create a usage policy"),
    _list("edit_policy", "Policy", "e", "Edit policy", "e", footer="Edit", rank=14,
          description="Edit the highlighted policy"),
    _list("duplicate_policy", "Policy", "u", "Duplicate policy", "u", footer="Duplicate",
          rank=19, description="A new policy filled in from this one"),
    _list("delete_policy", "Policy", "d", "Delete policy", "d", footer="Delete", rank=16,
          description="Delete after a confirmation"),
    # Marks for a bulk change, as in mc and lazygit: Space marks and moves on.
    _list("toggle_mark", "Policy", "Space", "Mark / unmark", "space", footer="Mark",
          show=False, rank=27,
          description="Mark the policy for a bulk change and move to the next"),
    _list("mark_all", "Policy", "*", "Mark every shown / clear marks", "asterisk",
          footer="Mark all", show=False, key_display="*",
          description="Mark every policy on view (the page, the filter's matches or the "
          "fired view); again to clear every mark"),
    _list("bulk_change", "Policy", "b", "Bulk change", "b", footer="Bulk", show=False,
          rank=28,
          description="Delete, set the period, add or remove a group or an action on "
          "the marked policies (or the highlighted one), after one confirmation"),
    _list("raw", "Policy", "y", "Raw JSON", "y", footer="Raw", rank=18,
          description="The policy exactly as the server sent it"),
    _list("copy_uuid", "Policy", "c", "Copy uuid", "c", footer="Copy uuid", rank=21,
          description="Copy the policy uuid (OSC 52, works over SSH)"),
    _list("copy_url", "Policy", "C", "Copy URL", "C", footer="Copy URL", show=False, rank=24,
          description="Copy the policy API URL (OSC 52)"),
    # -- the detail of one policy (a full screen under 100 columns) ----------------------
    _row((DETAIL,), "Move", "↑ ↓  j k", "Scroll the detail"),
    _row((DETAIL,), "Move", "PgUp PgDn", "A screen up / down"),
    _on(DETAIL, "back", "Policy", "Esc q", "Back to the list", "escape,q", footer="Back",
        rank=0),
    _on(DETAIL, "raw", "Policy", "y", "Raw JSON", "y", footer="Raw JSON", rank=18),
    _on(DETAIL, "copy_uuid", "Policy", "c", "Copy uuid", "c", footer="Copy uuid", rank=21),
    _on(DETAIL, "copy_url", "Policy", "C", "Copy URL", "C", footer="Copy URL", rank=24),
    _on(DETAIL, "edit_policy", "Policy", "e", "Edit policy", "e", footer="Edit", rank=14),
    _on(DETAIL, "duplicate_policy", "Policy", "u", "Duplicate policy", "u",
        footer="Duplicate", rank=19),
    _on(DETAIL, "delete_policy", "Policy", "d", "Delete policy", "d", footer="Delete",
        rank=16),
    _on(DETAIL, "refresh", "Policy", "r", "Refresh", "r", footer="Refresh", rank=17),
    # j and k scroll (listed with the arrows in the "Scroll the detail" row).
    _on(DETAIL, "scroll('down')", "Move", "j", "Down", "j", help_on=(),
        footer="Down", show=False),
    _on(DETAIL, "scroll('up')", "Move", "k", "Up", "k", help_on=(),
        footer="Up", show=False),
    # -- the raw JSON of one policy ------------------------------------------------------
    _row((RAW,), "Move", "↑ ↓  j k", "Scroll the JSON"),
    _row((RAW,), "Move", "PgUp PgDn", "A screen up / down"),
    _on(RAW, "back", "Raw JSON", "Esc q y", "Back", "escape,q,y", footer="Back", rank=0),
    _on(RAW, "copy_json", "Raw JSON", "c", "Copy the JSON", "c", footer="Copy JSON",
        rank=22),
    _on(RAW, "reload", "Raw JSON", "r", "Read it again from the server", "r",
        footer="Refresh", rank=23),
    _on(RAW, "scroll('down')", "Move", "j", "Down", "j", help_on=(),
        footer="Down", show=False),
    _on(RAW, "scroll('up')", "Move", "k", "Up", "k", help_on=(),
        footer="Up", show=False),
    # -- the policy editor (new, edit, duplicate) ----------------------------------------
    _row((EDITOR,), "Form", "Tab Shift+Tab", "Next / previous field"),
    _row((EDITOR,), "Form", "Space", "Tick an action or a group"),
    _row((EDITOR,), "Form", "Enter", "Open a picker / choose"),
    _on(EDITOR, "save", "Policy", "Ctrl+S", "Save the policy (an edit shows old → new)",
        "ctrl+s", footer="Save", rank=6),
    _on(EDITOR, "add_limit", "Policy", "Ctrl+N", "Add a component limit", "ctrl+n",
        footer="Add limit", rank=8),
    _on(EDITOR, "remove_limit", "Policy", "Ctrl+R", "Remove the component limit in focus",
        "ctrl+r", footer="Remove limit", rank=9),
    _on(EDITOR, "edit_options", "Policy", "Ctrl+O", "Edit the options JSON in $EDITOR",
        "ctrl+o", footer="Options in $EDITOR", show=False),
    _on(EDITOR, "retry_load", "Policy", "F5", "Load the form again (after a failed load)",
        "f5", footer="Retry", show=False),
    _on(EDITOR, "leave", "Policy", "Esc", "Back (asks first about unsaved changes)",
        "escape", footer="Back", rank=1),
    _row((EDITOR,), "App", "?", "Help (outside a text field)"),
    _row((EDITOR,), "App", "Ctrl+P", "Command palette"),
    # Shadows the app's plain-q quit so a half-filled form is never lost to a stray q
    # pressed on a picker (inputs keep q as a letter).
    _on(EDITOR, "quit_app", "App", "q", "Quit (outside a text field; asks first)", "q",
        footer="Quit", show=False),
    _row((EDITOR,), "App", "Ctrl+Q", "Quit (asks first about unsaved changes)"),
    # -- the App: on every screen --------------------------------------------------------
    Action("help", "App", "?", "Help", "question_mark", bound_on=(APP,),
           help_on=(LIST, DETAIL, RAW), footer="Help", key_display="?", rank=4,
           description="List the keys of this screen", in_palette=True),
    _row((LIST, DETAIL, RAW), "App", "Ctrl+P", "Command palette"),
    Action("toggle_theme", "App", "t", "Light / dark theme", "t", bound_on=(APP,),
           help_on=(LIST, DETAIL, RAW), footer="Theme", show=False,
           description="Switch between light and dark",
           in_palette=True),
    Action("quit", "App", "q", "Quit", "q", bound_on=(APP,), help_on=(LIST,),
           footer="Quit", rank=5, description="Leave policytui", in_palette=True),
    _row((DETAIL, RAW), "App", "Ctrl+Q", "Quit"),
    # -- small screens: their help lists their bindings (help.bindings_of) ----------------
    _on(HELP, "close", "Keys", "Esc q ?", "Close", "escape,q,question_mark", footer="Close",
        rank=2),
    _on(SAVE_VIEW, "cancel", "Keys", "Esc", "Cancel", "escape", footer="Cancel", rank=3),
    _on(OFFERING_PICKER, "cancel", "Keys", "Esc", "Cancel", "escape", footer="Cancel",
        rank=3),
    _on(OFFERING_PICKER, "focus_options", "Keys", "↓", "Options", "down", help_on=(),
        footer="Options", show=False),
    _on(CONFIRM, "cancel", "Keys", "Esc", "Cancel", "escape", footer="Cancel", rank=3),
    _on(LOGIN, "cancel", "Keys", "Esc", "Cancel", "escape", footer="Cancel", rank=3),
    _on(LOGIN, "sign_in", "Keys", "Ctrl+S", "Sign in", "ctrl+s", footer="Sign in", rank=7),
    # Reaches the screen only when no button or input took the key: e.g. Enter pressed
    # the moment the summary appears, before focus has moved to its button.
    _on(LOGIN, "default", "Keys", "Enter", "Sign in", "enter", help_on=(),
        show=False),
    # Priority: run as the key arrives, before the keys after it are routed. Enter in the
    # clear-text URL field moves on to the hidden token field at once, so a token typed
    # right after Enter never lands (on screen) in the URL field. Anywhere else the key
    # goes on to the focused widget (LoginScreen.check_action).
    _on(LOGIN, "url_entered", "Keys", "Enter", "Next field", "enter", help_on=(),
        show=False, priority=True),
    _on(DIFF_REVIEW, "send", "Keys", "y Enter", "Save", "y,enter", footer="Save",
        priority=True),
    _on(DIFF_REVIEW, "back", "Keys", "n Esc", "Back to form", "n,escape",
        footer="Back to form", rank=0),
    _on(REPLACE_REVIEW, "replace", "Keys", "r", "Create new, delete old", "r",
        footer="Create new, delete old"),
    _on(REPLACE_REVIEW, "back", "Keys", "n Esc", "Back to form", "n,escape",
        footer="Back to form", rank=0),
    _on(BULK_CHOOSE, "back", "Keys", "Esc", "Back", "escape", footer="Back", rank=0),
    _on(BULK_CONFIRM, "cancel", "Keys", "n Esc", "Cancel", "escape", footer="Cancel",
        rank=3),
    _on(BULK_RUN, "close", "Keys", "Esc", "Stop / close", "escape", footer="Stop / close",
        rank=2),
    _on(CONFLICT, "choose('overwrite')", "Keys", "o", "Overwrite", "o", footer="Overwrite"),
    _on(CONFLICT, "choose('reload')", "Keys", "r", "Reload theirs", "r",
        footer="Reload theirs"),
    _on(CONFLICT, "choose('back')", "Keys", "b Esc", "Back to form", "b,escape",
        footer="Back to form"),
)  # fmt: skip


def bindings_for(screen: str) -> list[Binding]:
    """``BINDINGS`` of ``screen``, in the table's order (the order its footer shows)."""
    return [action.binding() for action in ACTIONS if screen in action.bound_on]


def help_for(screen: str) -> tuple[Action, ...]:
    """The rows ``?`` shows on ``screen``: grouped by section, the table's order within."""
    rows = [action for action in ACTIONS if screen in action.listed_on]
    return tuple(sorted(rows, key=lambda action: SECTIONS.index(action.section)))


def help_for_screen(screen: object) -> tuple[Action, ...]:
    """The help rows of a screen object, by its class (or a base class); () for a screen
    with no table of its own (the help screen then lists its active bindings)."""
    for cls in type(screen).__mro__:
        name = SCREEN_OF_CLASS.get(cls.__name__)
        if name is not None:
            return help_for(name)
    return ()


def palette_actions() -> tuple[Action, ...]:
    return tuple(action for action in ACTIONS if action.in_palette)


def _footer_rank() -> tuple[str, ...]:
    ranks: dict[str, int] = {}
    for action in ACTIONS:
        if action.rank is None:
            continue
        if ranks.setdefault(action.name, action.rank) != action.rank:
            raise ValueError(f"{action.name!r} has two footer ranks in ACTIONS")
    return tuple(sorted(ranks, key=ranks.__getitem__))


#: Which keys a footer keeps first when not all fit, by action: the way out and help,
#: then each screen's most used actions (see widgets/footer.py).
FOOTER_RANK: tuple[str, ...] = _footer_rank()


# -- README.md -----------------------------------------------------------------------------
README_START = "<!-- keys:start -->"
README_END = "<!-- keys:end -->"


def _code(shown: str) -> str:
    """``"↑ ↓  j k"`` as ``` `↑ ↓` `j k` ```: each group of keys (two spaces apart) in code."""
    return " ".join(f"`{group}`" for group in re.split(r"\s{2,}", shown.strip()))


def readme_keys() -> str:
    """The markdown table of README.md's keys section: one row per key and meaning, with
    the screens that have it (the same key and title on several screens is one row)."""
    rows: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for screen in README_SCREENS:
        for action in help_for(screen):
            what, where = rows.setdefault(
                (action.shown, action.title), (action.description or action.title, [])
            )
            where.append(screen)
    lines = ["| Where | Keys | What |", "|---|---|---|"]
    for (shown, _title), (what, where) in rows.items():
        place = "anywhere" if tuple(where) == README_SCREENS else ", ".join(where)
        cell = what.replace("|", "\\|")
        lines.append(f"| {place} | {_code(shown)} | {cell} |")
    return "\n".join(lines) + "\n"


def rewrite_readme(text: str) -> str:
    """``text`` (README.md) with its keys section replaced by :func:`readme_keys`."""
    start = text.index(README_START) + len(README_START)
    end = text.index(README_END)
    return text[:start] + "\n" + readme_keys() + text[end:]


def main(argv: list[str]) -> int:
    if argv != ["--readme"]:
        print("usage: python -m policytui.tui.actions --readme", file=sys.stderr)
        return 2
    readme = Path(__file__).resolve().parents[2] / "README.md"
    readme.write_text(rewrite_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the keys section of {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
