"""The editor closed while its load is still on the wire must not take the app down.

Found by the soak (bench/soak.py): about half of long runs died with WorkerFailed
NoMatches. Esc dismisses the editor at once while it is loading; Textual then prunes the
screen's children first and cancels the screen's workers only when the screen itself
unmounts. A network answer landing in between woke the load worker, which queried
``#editor-form`` / ``#editor-failed-text`` that were already gone.

These tests put the answer in that window by construction, not by timing: the real
client call goes to the demo server over loopback and its answer is held on an
``asyncio.Event``. A small widget the test mounts in the editor (a ``Holdback``) keeps
the screen from finishing its removal: Textual unmounts a screen only after every child
has unmounted, and the Holdback's unmount handler does not return until the form's
widgets are gone, the answer has been released, and the load worker has finished with
it. So the order is always: Esc → the form's widgets removed → answer handed back →
worker ends → the screen unmounts. A worker cancelled instead (the answer never seen)
fails the test, on a quiet machine or a busy one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from test_editor import EditorHarness, wait_for
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from policytui.demo import Fault
from policytui.tui import editing
from policytui.tui.screens.editor import PolicyEditor

#: Generous: the machine is shared; each wait ends as soon as its condition holds.
PATIENCE = 20.0


class AnswerAfterClose:
    """Wraps a client call: the real request, then its answer (or failure) held back
    until :meth:`release`."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.worker: Worker[Any] | None = None
        self.waiting = asyncio.Event()
        self._release = asyncio.Event()
        self.handed_back = False

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.worker = get_current_worker()  # the editor's load worker
        try:
            answer = await self.real(*args, **kwargs)
        except Exception as exc:  # the failure is handed back as well, just later
            await self._held()
            raise exc
        await self._held()
        return answer

    async def _held(self) -> None:
        self.waiting.set()
        await self._release.wait()
        self.handed_back = True

    def release(self) -> None:
        self._release.set()


async def _until(condition: Any, what: str) -> None:
    """Wait (in the app's loop) until ``condition()`` holds; fail after PATIENCE."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


class Holdback(Widget):
    """Mounted in the editor: its unmount holds the screen's own unmount (and so the
    cancelling of the screen's workers) until the load worker has seen the answer."""

    DEFAULT_CSS = "Holdback { height: 0; }"

    def __init__(self, editor: PolicyEditor, gate: AnswerAfterClose) -> None:
        super().__init__()
        self.editor = editor
        self.gate = gate
        self.worker_state: WorkerState | None = None

    async def on_unmount(self) -> None:
        editor = self.editor
        await _until(
            lambda: not editor.query("#editor-form") and not editor.query("#editor-failed-text"),
            "the editor's widgets to be removed",
        )
        self.gate.release()
        worker = self.gate.worker
        assert worker is not None
        await _until(lambda: worker.is_finished, "the load worker to finish")
        self.worker_state = worker.state


async def close_while_loading(app: EditorHarness, pilot: Any, gate: AnswerAfterClose) -> None:
    editing.open_new_policy(app)
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyEditor), what="the editor")
    editor = app.screen
    assert isinstance(editor, PolicyEditor)
    holdback = Holdback(editor, gate)
    await editor.mount(holdback)
    await wait_for(
        pilot, gate.waiting.is_set, timeout=PATIENCE, what="the load to reach the server"
    )
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, PolicyEditor), what="Esc")
    await wait_for(
        pilot, lambda: holdback.worker_state is not None, timeout=PATIENCE, what="the worker"
    )
    assert gate.handed_back, "the answer must arrive while the editor is being removed"
    # Ended on its own with the answer in hand, not cancelled by the screen's unmount.
    assert holdback.worker_state is WorkerState.SUCCESS, holdback.worker_state


async def test_load_answer_after_esc_does_not_crash_the_app(fresh_demo_server) -> None:
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=(100, 50)) as pilot:
        gate = AnswerAfterClose(app.client.policies.list)
        app.client.policies.list = gate  # type: ignore[method-assign]
        await close_while_loading(app, pilot, gate)
        # Still running, back on the screen underneath, and usable.
        assert app.is_running
        assert app.screen.query_one("Static").render() is not None
    assert app.return_code in (0, None), "the app exited with an error"


async def test_load_failure_after_esc_does_not_crash_the_app(fresh_demo_server) -> None:
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=(100, 50)) as pilot:
        server.set_faults([Fault("status", method="GET", path="actions", params={"status": 500})])
        gate = AnswerAfterClose(app.client.policies.actions)
        app.client.policies.actions = gate  # type: ignore[method-assign]
        await close_while_loading(app, pilot, gate)
        assert app.is_running
    assert app.return_code in (0, None), "the app exited with an error"


async def test_reopened_editor_loads_after_a_closed_one(fresh_demo_server) -> None:
    """Closing mid-load and opening again at once: the new editor gets its form."""
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=(100, 50)) as pilot:
        real = app.client.policies.list
        gate = AnswerAfterClose(real)
        app.client.policies.list = gate  # type: ignore[method-assign]
        await close_while_loading(app, pilot, gate)
        app.client.policies.list = real  # type: ignore[method-assign]
        editing.open_new_policy(app)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, PolicyEditor) and app.screen.ready,
            what="the second editor's form",
        )
        assert app.screen.query_one("#offering").has_focus
