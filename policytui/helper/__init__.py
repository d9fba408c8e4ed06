"""The app's background work: the first page at start-up and the fired scans.

One interface, :class:`~policytui.helper.work.Work`, with two implementations that the
app cannot tell apart: :class:`~policytui.helper.work.Forked` runs the work in a helper
process forked at start-up (before Textual is imported), :class:`~policytui.helper.work.
InProcess` runs it in the UI process. ``policytui.tui.run`` chooses once; nothing else
knows which.

What the helper buys: the first page is fetched (and its rows built) while the UI
process imports Textual, so it is painted before the UI has imported its HTTP client;
and a fired scan's parsing happens in another process, so it never competes with the
keyboard for the interpreter.

The modules, one job each:

- ``work``: the interface the app uses, and its two implementations;
- ``events``: what the interface hands the app (the first page, scan progress, a scan
  resumed here, a scan failed);
- ``fork``: forking the helper when that is safe, and what the child runs;
- ``frames``: length-prefixed pickle frames on the pipes;
- ``messages``: the typed messages on those pipes;
- ``startup``: the child's start-up fetch;
- ``recording`` and ``transport``: the start-up answers recorded in the child and
  replayed, once, to the UI's first client (installed through the client's
  ``wrap_transport`` hook: ``policytui.api`` knows nothing of them);
- ``scan``: the fired scan's walk over every page (the same engine in both processes);
- ``scan_pipe``: both ends of a scan run in the helper;
- ``clock``: when the user last pressed a key, in memory shared with the helper.

Nothing here imports Textual (tests/test_layering.py).
"""
