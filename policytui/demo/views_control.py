"""/__demo__/ control endpoints (no auth): set faults, latency and error rate; read the log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from policytui.demo.responses import json_response
from policytui.demo.state import DemoState
from policytui.demo.webutil import BadJSON, demo_state, json_body


def _snapshot(state: DemoState) -> dict[str, object]:
    return {
        "faults": [f.to_dict() for f in state.faults()],
        "latency_ms": state.settings.latency_ms,
        "error_rate": state.settings.error_rate,
    }


async def faults(request: Request) -> Response:
    state = demo_state(request)
    if request.method == "DELETE":
        state.clear_faults()
        state.set_latency(0)
        state.set_error_rate(0)
    elif request.method == "POST":
        try:
            data = await json_body(request)
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            if "faults" in data:
                state.set_faults(list(data["faults"] or []))
            if "latency_ms" in data:
                state.set_latency(float(data["latency_ms"] or 0))
            if "error_rate" in data:
                state.set_error_rate(float(data["error_rate"] or 0))
        except (BadJSON, ValueError, TypeError) as exc:
            return json_response({"detail": str(exc)}, 400)
    return json_response(_snapshot(state))


async def requests_log(request: Request) -> Response:
    state = demo_state(request)
    if request.method == "DELETE":
        state.clear_requests()
        return Response(status_code=204)
    return json_response(state.requests())
