"""Real responses of a 2024 Waldur server (copied from shared/waldur-api/captures/ so a
clean clone can run the tests), parsed into request and response parts.

A capture file is ``### REQUEST ...`` (method, URL, optional body) then ``### RESPONSE``
(status line, headers, blank line, body), as curl printed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policytui.api._http import httpx

CAPTURES = Path(__file__).parent / "captures"


@dataclass(frozen=True)
class Capture:
    name: str
    method: str
    url: str
    request_body: str
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)

    def request_json(self) -> Any:
        return json.loads(self.request_body)

    def response(self, request: httpx.Request) -> httpx.Response:
        """The captured answer, as httpx would have received it for ``request``."""
        headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
        content = b"" if request.method == "HEAD" else self.body.encode()
        return httpx.Response(self.status, headers=headers, content=content, request=request)

    def transport(self, sent: list[httpx.Request] | None = None) -> httpx.MockTransport:
        """A transport that answers every request with this capture (and records them)."""

        def handler(request: httpx.Request) -> httpx.Response:
            if sent is not None:
                sent.append(request)
            return self.response(request)

        return httpx.MockTransport(handler)


def load(name: str) -> Capture:
    """``load("05-get-one-owner")`` (the ``.txt`` may be left off)."""
    path = CAPTURES / (name if name.endswith(".txt") else name + ".txt")
    text = path.read_text()
    request_part, response_part = text.split("### RESPONSE", 1)
    req_lines = request_part.splitlines()[1:]  # drop the "### REQUEST (...)" line
    first = next(line for line in req_lines if line.strip())
    if first.startswith("curl"):
        method, url = "HEAD", first.split()[-1].replace("\\?", "?")
    else:
        method, url = first.split(" ", 1)
    blank = [i for i, line in enumerate(req_lines) if not line.strip()]
    after_first = req_lines.index(first) + 1
    body_start = next((i + 1 for i in blank if i >= after_first), len(req_lines))
    request_body = "\n".join(req_lines[body_start:]).strip()

    lines = response_part.strip("\n").splitlines()
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    index = 1
    while index < len(lines) and lines[index].strip():
        key, value = lines[index].split(":", 1)
        headers[key.strip()] = value.strip()
        index += 1
    body = "\n".join(lines[index + 1 :]).strip("\n")
    if headers.get("Content-Type", "").startswith("application/json"):
        body = body.strip()
    return Capture(path.stem, method.strip(), url.strip(), request_body, status, headers, body)


def all_captures() -> list[Capture]:
    return [load(p.name) for p in sorted(CAPTURES.glob("*.txt"))]
