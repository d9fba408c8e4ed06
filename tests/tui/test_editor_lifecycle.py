"""The editor closed while its load is still on the wire must not take the app down.

Found by the soak (bench/soak.py): about half of long runs died with WorkerFailed
NoMatches. Esc dismisses the editor at once while it is loading; Textual then prunes the
screen's children first and cancels the screen's workers only when the screen itself
unmounts. A network answer landing in between woke the load worker, which queried
``#editor-form`` / ``#editor-failed-text`` that were already gone.

These tests make that window deterministic: the real client call goes to the demo server
over loopback, and its answer is handed back only once the editor's widgets are gone (and
before the screen's own unmount cancels the worker).
"""

from __future__ import annotations

import asyncio
from typing import Any

from test_editor import EditorHarness, wait_for

from policytui.demo import Fault
from policytui.tui import editing
from policytui.tui.screens.editor import PolicyEditor


class AnswerAfterClose:
    """Wraps a client call: the real request, then its answer held back until the
    editor's widgets have been pruned (the window the soak hit by chance)."""

    def __init__(self, app: EditorHarness, real: Any) -> None:
        self.app = app
        self.real = real
        self.editor: PolicyEditor | None = None
        self.waiting = False
        self.handed_back = False

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            answer = await self.real(*args, **kwargs)
        except Exception as exc:  # the failure is handed back as well, just later
            await self._until_widgets_gone()
            raise exc
        await self._until_widgets_gone()
        return answer

    async def _until_widgets_gone(self) -> None:
        # Called from the load worker, so the editor is the screen on top.
        assert isinstance(self.app.screen, PolicyEditor)
        self.editor = self.app.screen
        self.waiting = True
        for _ in range(2000):
            if not self.editor.query("#editor-form") and not self.editor.query(
                "#editor-failed-text"
            ):
                # Returning now resumes the worker in this same step: before the
                # screen's unmount gets to cancel it.
                self.handed_back = True
                return
            await asyncio.sleep(0.001)
        raise AssertionError("the editor's widgets were never removed")


async def close_while_loading(app: EditorHarness, pilot: Any, gate: AnswerAfterClose) -> None:
    editing.open_new_policy(app)
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyEditor), what="the editor")
    await wait_for(pilot, lambda: gate.waiting, what="the load to reach the server")
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, PolicyEditor), what="Esc")
    await pilot.pause(0.2)
    assert gate.handed_back, "the answer must arrive while the editor is being removed"


async def test_load_answer_after_esc_does_not_crash_the_app(fresh_demo_server) -> None:
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=(100, 50)) as pilot:
        gate = AnswerAfterClose(app, app.client.policies.list)
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
        gate = AnswerAfterClose(app, app.client.policies.actions)
        app.client.policies.actions = gate  # type: ignore[method-assign]
        await close_while_loading(app, pilot, gate)
        assert app.is_running
    assert app.return_code in (0, None), "the app exited with an error"


async def test_reopened_editor_loads_after_a_closed_one(fresh_demo_server) -> None:
    """Closing mid-load and opening again at once: the new editor gets its form."""
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=(100, 50)) as pilot:
        real = app.client.policies.list
        gate = AnswerAfterClose(app, real)
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
