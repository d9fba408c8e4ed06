"""Run policytui exactly as ``python -m policytui`` does, with a probe that logs every frame.

Used under a pty by bench/fired_scale.py and bench/responsiveness.py. Each frame the app
hands to its terminal driver appends one JSON line to ``$POLICYTUI_PROBE_LOG``:
``t`` (CLOCK_MONOTONIC, comparable with the harness's clock), the list screen's ``mode``,
its table's ``rows``, ``done`` (the fired scan finished), ``index_read`` /
``index_complete`` (the index of every policy), ``index_finished_at`` (when its last
fill took its last batch, on the same clock: a frame shows it only once something on
screen changes), ``filter`` (the `/` filter's text, null
without one), ``keys`` (cursor moves handled so far), ``rss`` (peak resident memory so
far, MB) and ``cpu`` (process CPU seconds so far).
The probe only observes: it wraps ``App._display`` and the table's cursor actions and
changes no behaviour.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

# The app's own package before Textual, as `python -m policytui` imports it: it sets the
# frame rate Textual reads when it is first imported (policytui/tui/__init__.py).
import policytui.tui  # noqa: F401


def install(log_path: str) -> None:
    from textual.app import App

    from policytui.tui.screens.policy_list import PolicyListScreen
    from policytui.tui.widgets.policy_table import PolicyTable

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
    state: dict[str, object] = {"screen": None, "keys": 0}

    original_mount = PolicyListScreen.on_mount

    def on_mount(self: PolicyListScreen) -> None:
        state["screen"] = self
        original_mount(self)

    PolicyListScreen.on_mount = on_mount  # type: ignore[method-assign]

    def counting(action):  # type: ignore[no-untyped-def]
        def wrapper(self: PolicyTable) -> None:
            state["keys"] = int(state["keys"]) + 1  # type: ignore[call-overload]
            action(self)

        return wrapper

    PolicyTable.action_cursor_down = counting(PolicyTable.action_cursor_down)  # type: ignore[method-assign]
    PolicyTable.action_cursor_up = counting(PolicyTable.action_cursor_up)  # type: ignore[method-assign]

    from policytui.tui.policy_index import PolicyIndex

    original_finished = PolicyIndex.finished

    def finished(self: PolicyIndex, generation: int, total: int | None) -> bool:
        ended = original_finished(self, generation, total)
        if ended:
            state["finished_at"] = time.monotonic()
        return ended

    PolicyIndex.finished = finished  # type: ignore[method-assign]

    original_display = App._display

    def display(self: App, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        original_display(self, screen, renderable)
        if renderable is None:
            return
        listing = state["screen"]
        record: dict[str, object] = {"t": time.monotonic(), "keys": state["keys"]}
        if listing is not None:
            try:
                mode = getattr(listing, "mode", None)
                record["mode"] = getattr(mode, "value", mode)  # ListMode.FIRED -> "fired"
                record["rows"] = listing.table.row_count  # type: ignore[attr-defined]
                record["done"] = bool(listing.scan.done)  # type: ignore[attr-defined]
                index = listing.index  # type: ignore[attr-defined]
                record["index_read"] = index.read
                record["index_complete"] = bool(index.complete and not index.filling)
                record["index_finished_at"] = state.get("finished_at")
                query = listing.query_filter  # type: ignore[attr-defined]
                record["filter"] = query.text if query is not None else None
            except Exception:  # the screen may be closing
                pass
        usage = resource.getrusage(resource.RUSAGE_SELF)
        record["rss"] = usage.ru_maxrss / 1024
        record["cpu"] = usage.ru_utime + usage.ru_stime
        log.write(json.dumps(record) + "\n")
        if profiler is not None and record.get("done") and record.get("mode") == "fired":
            _write_profile(profiler)

    profiler = _start_profile()

    App._display = display  # type: ignore[method-assign]


_PROFILE = os.environ.get("POLICYTUI_PROBE_PROFILE")


def _start_profile():  # type: ignore[no-untyped-def]
    """With ``$POLICYTUI_PROBE_PROFILE`` set: profile the UI thread (pyinstrument) until
    the fired scan is done, then write the text report there (development aid)."""
    if not _PROFILE:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    return profiler


def _write_profile(profiler) -> None:  # type: ignore[no-untyped-def]
    if not profiler.is_running:
        return
    profiler.stop()
    with open(_PROFILE, "w") as handle:  # type: ignore[arg-type]
        handle.write(profiler.output_text(show_all=False, timeline=False))


def main() -> None:
    install(os.environ["POLICYTUI_PROBE_LOG"])
    from policytui.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
