"""DemoServer: the demo app served by uvicorn in a background thread, for tests and --demo."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from policytui.demo.app import create_app
from policytui.demo.settings import DemoSettings, Fault
from policytui.demo.state import DemoState


class DemoServer:
    def __init__(
        self,
        settings: DemoSettings | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.settings = settings or DemoSettings()
        self.host = host
        self.port = port
        self.log_level = log_level
        self.app: Starlette = create_app(self.settings)
        self.state: DemoState = self.app.state.demo
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    def start(self) -> DemoServer:
        if self._thread is not None:
            return self
        # Bind here, so the port (and url) is known before uvicorn starts.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://{self.host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level=self.log_level,
            lifespan="off",
            access_log=False,
            # Do not wait for requests stuck in a "timeout" fault when stopping.
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="policytui-demo", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("demo server failed to start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        self._server = None
        self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    # Runtime knobs, forwarded to the live state.
    def set_faults(self, faults: list[Fault | dict[str, Any]]) -> None:
        self.state.set_faults(faults)

    def add_fault(self, fault: Fault | dict[str, Any]) -> None:
        self.state.add_fault(fault)

    def clear_faults(self) -> None:
        self.state.clear_faults()

    def release_held(self) -> None:
        self.state.release_held()

    def set_latency(self, ms: float) -> None:
        self.state.set_latency(ms)

    def set_error_rate(self, rate: float) -> None:
        self.state.set_error_rate(rate)

    def requests(self) -> list[dict[str, Any]]:
        return self.state.requests()

    def clear_requests(self) -> None:
        self.state.clear_requests()
