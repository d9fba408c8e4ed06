"""Contract: every answer the demo server gives is valid against Waldur's published
OpenAPI schema (openapi-subset.yaml, Waldur 8.0.5, copied here from shared/waldur-api so a
clean clone has it), in both behaviours.

The schema is wrong in two documented places (SEMANTICS.md), where the real server and the
demo agree with each other against it. They are listed in ``KNOWN_SCHEMA_ERRORS``, applied
as explicit patches to a copy of the schema, and a test proves each patch is still needed:
the unpatched schema must reject the demo's answer on exactly that point.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from policytui.api._http import httpx
from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, STAFF_TOKEN, DemoServer, DemoSettings

openapi_core = pytest.importorskip("openapi_core", reason="openapi-core is in the test extra")
from openapi_core import Config, OpenAPI  # noqa: E402
from openapi_core.testing import MockRequest, MockResponse  # noqa: E402

SPEC_PATH = Path(__file__).with_name("openapi-subset.yaml")
POLICIES = "/api/marketplace-offering-usage-policies/"


@dataclass(frozen=True)
class SchemaError:
    name: str
    #: Why the schema is wrong, and where the real server shows it.
    evidence: str
    patch: Callable[[dict[str, Any]], None]


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"]


def _nullable_fired_datetime(spec: dict[str, Any]) -> None:
    _schemas(spec)["OfferingUsagePolicy"]["properties"]["fired_datetime"]["nullable"] = True


def _actions_as_a_list(spec: dict[str, Any]) -> None:
    response = spec["paths"][f"{POLICIES}actions/"]["get"]["responses"]["200"]
    response["content"]["application/json"]["schema"] = {
        "type": "array",
        "items": {"type": "string"},
    }


def _hex_uuids(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "uuid":
            del node["format"]
            node["pattern"] = "^[0-9a-f]{32}$|^[0-9a-f-]{36}$"
        for value in node.values():
            _hex_uuids(value)
    elif isinstance(node, list):
        for value in node:
            _hex_uuids(value)


def _nullable_creator(spec: dict[str, Any]) -> None:
    fields = _schemas(spec)["OfferingUsagePolicy"]["properties"]
    for name in ("created_by_full_name", "created_by_username"):
        fields[name]["nullable"] = True


def _nullable_offering_scope_and_prices(spec: dict[str, Any]) -> None:
    _schemas(spec)["ProviderOfferingDetails"]["properties"]["scope"]["nullable"] = True
    prices = _schemas(spec)["BaseProviderPlan"]["properties"]["future_prices"]
    prices["additionalProperties"]["nullable"] = True


def _nullable_group_parent(spec: dict[str, Any]) -> None:
    fields = _schemas(spec)["OrganizationGroup"]["properties"]
    for name in ("parent_uuid", "parent_name"):
        fields[name]["nullable"] = True


#: Where Waldur's published schema is wrong about its own server. The first two are the
#: ones SEMANTICS.md documents; the rest were found by this test and each is shown by a
#: real capture or by SEMANTICS.md.
KNOWN_SCHEMA_ERRORS: tuple[SchemaError, ...] = (
    SchemaError(
        "nullable fired_datetime",
        "null until a policy first fires (SEMANTICS.md; captures 01, 05, 10); "
        "the schema says a non-null string",
        _nullable_fired_datetime,
    ),
    SchemaError(
        "actions/ is a list",
        "GET actions/ answers a JSON array of names (SEMANTICS.md; capture 06); "
        "the schema before 8.0.9 says a policy object",
        _actions_as_a_list,
    ),
    SchemaError(
        "uuids are 32 hex characters",
        "every uuid the server sends has no dashes (all captures); the schema's "
        "format: uuid means the dashed form",
        _hex_uuids,
    ),
    SchemaError(
        "nullable creator fields",
        "created_by_* may be null for policies made outside the API (SEMANTICS.md); "
        "the schema says required non-null strings",
        _nullable_creator,
    ),
    SchemaError(
        "nullable offering scope and future prices",
        'a provider offering has "scope": null and null future_prices (capture 40b); '
        "the schema says a string and numbers",
        _nullable_offering_scope_and_prices,
    ),
    SchemaError(
        "nullable parent of a top-level organization group",
        "parent_uuid/parent_name follow parent, which is null for a top-level group "
        "(capture 41: parent null); the schema says non-null strings",
        _nullable_group_parent,
    ),
)


def _drop_empty_required(node: Any) -> None:
    """The extract writes ``required: []``, which OpenAPI 3.0 forbids (minItems 1) and
    which means the same as leaving it out: drop it so the schema itself validates."""
    if isinstance(node, dict):
        if node.get("required") == []:
            del node["required"]
        for value in node.values():
            _drop_empty_required(value)
    elif isinstance(node, list):
        for value in node:
            _drop_empty_required(value)


def raw_spec() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC_PATH.read_text())
    _drop_empty_required(spec)
    return spec


def load_spec(
    *, except_: tuple[SchemaError, ...] = KNOWN_SCHEMA_ERRORS, check: bool = True
) -> OpenAPI:
    """The schema with the known errors in ``except_`` patched (and itself validated
    against the OpenAPI 3.0 meta-schema unless ``check`` is off)."""
    spec = copy.deepcopy(raw_spec())
    for error in except_:
        error.patch(spec)
    return OpenAPI.from_dict(spec, config=None if check else Config(spec_validator_cls=None))


@dataclass
class Exchange:
    request: httpx.Request
    response: httpx.Response

    @property
    def label(self) -> str:
        url = self.request.url
        query = f"?{url.query.decode()}" if url.query else ""
        return f"{self.request.method} {url.path}{query} -> {self.response.status_code}"


def validation_errors(spec: OpenAPI, exchange: Exchange) -> list[str]:
    url = exchange.request.url
    request = MockRequest(
        host_url=f"{url.scheme}://{url.netloc.decode()}",
        method=exchange.request.method,
        path=url.path,
        args=httpx.QueryParams(url.query.decode()).multi_items(),
        headers=dict(exchange.request.headers),
        data=exchange.request.content or None,
    )
    response = MockResponse(
        exchange.response.content,
        status_code=exchange.response.status_code,
        headers=dict(exchange.response.headers),
        content_type=exchange.response.headers.get("content-type", "application/json"),
    )
    return [_describe(e) for e in spec.iter_response_errors(request, response)]


def _describe(error: Exception) -> str:
    details = getattr(error, "schema_errors", None) or getattr(error.__cause__, "schema_errors", ())
    text = "; ".join(
        f"{'/'.join(str(p) for p in d.absolute_path) or '<root>'}: {d.message}" for d in details
    )
    return f"{type(error).__name__}: {text or error}"


def record_session(server: DemoServer) -> list[Exchange]:
    """Everything a client asks of a Waldur server for policies, as three kinds of user."""
    exchanges: list[Exchange] = []

    def send(client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = client.request(method, path, **kwargs)
        exchanges.append(Exchange(response.request, response))
        return response

    def client(token: str) -> httpx.Client:
        return httpx.Client(
            base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=10
        )

    with client(STAFF_TOKEN) as staff:
        send(staff, "GET", POLICIES)
        first = send(staff, "GET", POLICIES, params={"page_size": 7, "page": 2}).json()[0]
        send(staff, "GET", POLICIES, params={"page_size": 300})
        send(staff, "HEAD", POLICIES)
        offerings = send(
            staff,
            "GET",
            "/api/marketplace-provider-offerings/",
            params=[("field", f) for f in ("uuid", "url", "name", "customer_name", "components")],
        ).json()
        send(staff, "GET", "/api/marketplace-provider-offerings/")
        offering = next(o for o in offerings if o["name"] == "Acme HPC Cluster")
        send(staff, "GET", f"/api/marketplace-provider-offerings/{offering['uuid']}/")
        send(staff, "GET", POLICIES, params={"scope_uuid": offering["uuid"]})
        groups = send(staff, "GET", "/api/organization-groups/").json()
        send(staff, "GET", f"/api/organization-groups/{groups[0]['uuid']}/")
        send(staff, "GET", "/api/users/me/")
        send(staff, "GET", f"{POLICIES}actions/")
        send(staff, "GET", f"{POLICIES}{first['uuid']}/")
        body = {
            "scope": offering["url"],
            "actions": "notify_organization_owners,block_creation_of_new_resources",
            "organization_groups": [groups[0]["url"]],
            "component_limits_set": [{"type": "cpu", "limit": 10}],
            "period": 2,
        }
        created = send(staff, "POST", POLICIES, json=body).json()
        detail = f"{POLICIES}{created['uuid']}/"
        send(staff, "PUT", detail, json={**body, "period": 4})
        send(staff, "PATCH", detail, json={"period": 1})
        send(staff, "PATCH", detail, json={"component_limits_set": [{"type": "ram", "limit": 1}]})
        send(staff, "DELETE", detail)
    with client(OWNER_TOKEN) as owner:
        send(owner, "GET", POLICIES, params={"page_size": 300})
        send(owner, "GET", "/api/users/me/")
        send(owner, "GET", "/api/marketplace-provider-offerings/")
    with client(PLAIN_TOKEN) as plain:
        send(plain, "GET", POLICIES)
        send(plain, "GET", "/api/marketplace-provider-offerings/")
    return exchanges


_SESSIONS: dict[bool, list[Exchange]] = {}


def _session_of(*, quirks: bool) -> list[Exchange]:
    """One recorded session per behaviour, shared by the tests of this module."""
    if quirks not in _SESSIONS:
        with DemoServer(DemoSettings(quirks=quirks)) as server:
            _SESSIONS[quirks] = record_session(server)
    return _SESSIONS[quirks]


@pytest.fixture(params=["default", "quirks"])
def exchanges(request: pytest.FixtureRequest) -> list[Exchange]:
    return _session_of(quirks=request.param == "quirks")


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    return load_spec()


def test_every_demo_answer_matches_the_schema(exchanges: list[Exchange], spec: OpenAPI) -> None:
    checked = [x for x in exchanges if 200 <= x.response.status_code < 300]
    # The schema declares success answers only: every exchange here should be one.
    assert len(checked) == len(exchanges), [x.label for x in exchanges if x not in checked]
    failures = {x.label: errs for x in checked if (errs := validation_errors(spec, x))}
    assert not failures, json.dumps(failures, indent=2)


@pytest.mark.parametrize("error", KNOWN_SCHEMA_ERRORS, ids=lambda e: e.name)
def test_each_known_schema_error_is_still_real(error: SchemaError) -> None:
    """Without its patch the schema rejects some answer of the demo or the real server:
    every exception on the list is needed."""
    others = tuple(e for e in KNOWN_SCHEMA_ERRORS if e is not error)
    without = load_spec(except_=others, check=False)
    answers = [*capture_exchanges(), *_session_of(quirks=False), *_session_of(quirks=True)]
    assert any(validation_errors(without, x) for x in answers), (
        f"{error.name}: the schema no longer disagrees; drop this exception"
    )


def _captures_module() -> Any:
    # tests/api/waldur_captures.py reads the capture files; loaded by path so this module
    # does not depend on which test directory pytest put on sys.path first.
    path = Path(__file__).parents[1] / "api" / "waldur_captures.py"
    spec = importlib.util.spec_from_file_location("waldur_captures", path)
    assert spec and spec.loader
    module = sys.modules.get("waldur_captures") or importlib.util.module_from_spec(spec)
    if "waldur_captures" not in sys.modules:
        sys.modules["waldur_captures"] = module
        spec.loader.exec_module(module)
    return module


#: Endpoints of captures that the schema subset does not describe (the usage endpoints,
#: captures 50-59): the demo's answers to them are held to the captures themselves by
#: tests/demo/test_usage_endpoints.py instead.
_NOT_IN_THE_SUBSET = ("/marketplace-component-usages/", "/customers/", "/component_stats/",
                      "/marketplace-stats/")  # fmt: skip


def capture_exchanges() -> list[Exchange]:
    """The real 2024 server's successful answers (tests/api/captures)."""
    exchanges = []
    for capture in _captures_module().all_captures():
        if not 200 <= capture.status < 300 or capture.method == "HEAD" or not capture.body:
            continue
        if any(part in httpx.URL(capture.url).path for part in _NOT_IN_THE_SUBSET):
            continue
        body = capture.request_body.encode() if capture.request_body else None
        request = httpx.Request(capture.method, capture.url, content=body)
        exchanges.append(Exchange(request, capture.response(request)))
    return exchanges


def test_the_real_servers_answers_match_the_same_schema(spec: OpenAPI) -> None:
    """The exceptions describe Waldur, not the demo: the captures pass with them too."""
    answers = capture_exchanges()
    assert len(answers) >= 15
    failures = {x.label: errs for x in answers if (errs := validation_errors(spec, x))}
    assert not failures, json.dumps(failures, indent=2)


def test_the_schema_is_strict_enough_to_catch_a_wrong_answer(spec: OpenAPI) -> None:
    # Guards the contract test against a validator that passes everything.
    request = httpx.Request("GET", f"http://demo.test{POLICIES}")
    bad = httpx.Response(
        200,
        json=[{"uuid": "x", "actions": 5, "period": 9}],
        headers={"X-Result-Count": "1"},
        request=request,
    )
    assert validation_errors(spec, Exchange(request, bad))
