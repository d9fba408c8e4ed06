"""Every error the client raises, provoked against a demo server where it can be (respx
only for what no Waldur server sends), each with its one-line message and no token in it."""

from __future__ import annotations

import socket

import pytest
import respx
from demo_clients import client_for, first_offering, policy_body

from policytui.api import WaldurClient, errors
from policytui.api._http import httpx
from policytui.demo import STAFF_TOKEN, Fault

BAD_TOKEN = "0123456789abcdef0123456789abcdef01234567"


def safe_line(err: BaseException, *secrets: str) -> str:
    """The message a screen would show: one line, short, no secret, no markup."""
    text = str(err)
    assert text and "\n" not in text and len(text) <= 320
    for secret in (STAFF_TOKEN, BAD_TOKEN, *secrets):
        assert secret not in text and secret not in repr(err)
    return text


async def test_400_field_non_field_and_row_errors_at_once(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups, limits=[("cpu", 1), ("gpu", 2), ("cpu", 3)])
        body = body.model_copy(update={"actions": ["notify_everybody"]})
        with pytest.raises(errors.ValidationError) as caught:
            await client.policies.create(body)
    err = caught.value
    assert err.status_code == 400
    assert err.field_errors == {"actions": ["notify_everybody includes unavailable actions."]}
    safe_line(err)


async def test_row_errors_are_aligned_with_the_rows_sent(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups, limits=[("cpu", 1), ("gpu", 2), ("ram", 3)])
        with pytest.raises(errors.ValidationError) as caught:
            await client.policies.create(body)
    err = caught.value
    assert set(err.row_errors) == {1}
    assert "gpu" in err.row_errors[1]["type"][0]
    assert "limit row 2" in safe_line(err) and "limit row 3" not in str(err)


async def test_duplicate_component_types_come_back_as_a_bare_list(fresh_demo_server) -> None:
    # A current server answers duplicates with a bare JSON list, not a field object.
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups, limits=[("cpu", 1), ("cpu", 3)])
        with pytest.raises(errors.ValidationError) as caught:
            await client.policies.create(body)
    err = caught.value
    assert err.non_field_errors == ["Duplicate component limits for the same component."]
    assert safe_line(err) == "Duplicate component limits for the same component."


async def test_400_non_field_error(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        offering, groups = await first_offering(client)
        body = policy_body(offering, groups).model_copy(update={"apply_to_all": True})
        with pytest.raises(errors.ValidationError) as caught:
            await client.policies.create(body)
    assert caught.value.non_field_errors == [
        "Cannot set apply_to_all=True when organization_groups are specified. "
        "Choose one approach: either apply_to_all or specific organization_groups."
    ]
    assert safe_line(caught.value) == caught.value.non_field_errors[0]


@pytest.mark.parametrize(
    ("token", "detail"),
    [(None, "Authentication credentials were not provided."), (BAD_TOKEN, "Invalid token.")],
)
async def test_401(demo_server, token: str | None, detail: str) -> None:
    async with client_for(demo_server, token) as client:
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.policies.list()
    assert caught.value.status_code == 401
    assert detail in safe_line(caught.value)
    assert "Sign in again" in str(caught.value)


async def test_token_revoked_mid_session(fresh_demo_server) -> None:
    async with client_for(fresh_demo_server) as client:
        await client.policies.list()
        fresh_demo_server.set_faults([Fault("revoke_token")])
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.policies.list()
    safe_line(caught.value)


async def test_403_is_permission_denied() -> None:
    # Waldur answers 400/404 rather than 403 for policies; a proxy or a future server may not.
    with respx.mock(base_url="https://waldur.test/api/") as mock:
        mock.get("users/me/").respond(
            403, json={"detail": "You do not have permission to perform this action."}
        )
        async with WaldurClient("https://waldur.test", STAFF_TOKEN, max_retries=0) as client:
            with pytest.raises(errors.PermissionDenied) as caught:
                await client.me()
    assert safe_line(caught.value) == (
        "Permission denied: You do not have permission to perform this action."
    )


async def test_404(demo_server) -> None:
    async with client_for(demo_server) as client:
        with pytest.raises(errors.NotFound) as caught:
            await client.policies.get("f" * 32)
    assert caught.value.status_code == 404
    assert safe_line(caught.value) == "Not found: No OfferingUsagePolicy matches the given query."


async def test_429_carries_retry_after(fresh_demo_server) -> None:
    fresh_demo_server.set_faults([Fault("rate_limit", params={"retry_after": 7})])
    async with client_for(fresh_demo_server, max_retries=0) as client:
        with pytest.raises(errors.RateLimited) as caught:
            await client.policies.list()
    assert caught.value.retry_after == 7
    assert safe_line(caught.value) == "The server is rate limiting requests. Retry after 7 s."


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_a_server_error_with_a_short_excerpt(fresh_demo_server, status: int) -> None:
    fresh_demo_server.set_faults([Fault("status", params={"status": status})])
    async with client_for(fresh_demo_server, max_retries=0) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.policies.list()
    err = caught.value
    assert err.status_code == status
    assert "<" not in err.excerpt and len(err.excerpt) <= 160
    assert str(status) in safe_line(err) and "<html" not in str(err).lower()


async def test_a_page_of_html_becomes_one_short_line() -> None:
    page = "<html><head><title>Oops</title></head><body>" + "<p>x</p>" * 5000 + "</body></html>"
    with respx.mock(base_url="https://waldur.test/api/") as mock:
        mock.get("marketplace-offering-usage-policies/").respond(500, html=page)
        async with WaldurClient("https://waldur.test", STAFF_TOKEN, max_retries=0) as client:
            with pytest.raises(errors.ServerError) as caught:
                await client.policies.list()
    assert safe_line(caught.value) == "Server error 500: Oops"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_connection_refused() -> None:
    port = _closed_port()
    async with WaldurClient(f"http://127.0.0.1:{port}", STAFF_TOKEN, max_retries=0) as client:
        with pytest.raises(errors.ConnectionFailed) as caught:
            await client.policies.list()
    assert not isinstance(caught.value, errors.Timeout | errors.TLSError)
    # An address needs no name lookup: the message gives the one reason that applies.
    assert safe_line(caught.value) == (
        f"Cannot reach 127.0.0.1:{port}: nothing answered (nothing listens on port {port} there)."
    )


async def test_timeout(fresh_demo_server) -> None:
    fresh_demo_server.set_faults([Fault("timeout", params={"seconds": 3})])
    async with client_for(fresh_demo_server, timeout=0.3, max_retries=0) as client:
        with pytest.raises(errors.Timeout) as caught:
            await client.policies.list()
    host = fresh_demo_server.url.split("//")[1]
    assert safe_line(caught.value) == f"{host} did not answer in time."


async def test_invalid_json_is_an_invalid_response(fresh_demo_server) -> None:
    fresh_demo_server.set_faults([Fault("malformed_json", times=1), Fault("html", times=1)])
    async with client_for(fresh_demo_server) as client:
        with pytest.raises(errors.InvalidResponse) as broken:
            await client.policies.list()
        with pytest.raises(errors.InvalidResponse) as html:
            await client.policies.list()
    assert "not valid JSON" in safe_line(broken.value)
    assert "text/html" in safe_line(html.value) and "password" not in str(html.value).lower()


async def test_actions_in_the_documented_object_shape_are_read() -> None:
    # Docs before 8.0.9 describe actions/ as a policy object; no real server sends it.
    with respx.mock(base_url="https://waldur.test/api/") as mock:
        route = mock.get("marketplace-offering-usage-policies/actions/")
        route.respond(
            200, json={"actions": "notify_organization_owners,block_creation_of_new_resources"}
        )
        async with WaldurClient("https://waldur.test", STAFF_TOKEN) as client:
            assert await client.policies.actions() == [
                "notify_organization_owners",
                "block_creation_of_new_resources",
            ]
            route.respond(200, json={"uuid": "x"})
            with pytest.raises(errors.InvalidResponse):
                await client.policies.actions()
            route.respond(200, json=42)
            with pytest.raises(errors.InvalidResponse):
                await client.policies.actions()


def test_the_client_never_shows_its_token() -> None:
    client = WaldurClient("https://waldur.test", STAFF_TOKEN)
    assert STAFF_TOKEN not in repr(client) and STAFF_TOKEN not in str(vars(client))
    assert STAFF_TOKEN not in repr(client._http.auth)


async def test_headers_on_the_wire() -> None:
    from policytui import __version__

    seen: list[httpx.Headers] = []
    with respx.mock(base_url="https://waldur.test/api/") as mock:
        mock.get("users/me/").mock(
            side_effect=lambda request: seen.append(request.headers) or httpx.Response(200, json={})
        )
        async with WaldurClient("https://waldur.test/api", STAFF_TOKEN) as client:
            await client.me()
        async with WaldurClient("https://waldur.test/api", None) as anonymous:
            await anonymous.me()
    assert seen[0]["authorization"] == f"Token {STAFF_TOKEN}"
    assert seen[0]["user-agent"] == f"policytui/{__version__}"
    assert seen[0]["accept"] == "application/json"
    assert "authorization" not in seen[1]
