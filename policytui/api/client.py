"""The async Waldur client: offering usage policies and the read endpoints beside them.

Headless on purpose (no textual or rich import): a script can use it on its own.
The token stays wrapped (any object with ``get_secret_value()``, see ``Token``) until the
Authorization header is built, and that header is the only place its plain value exists.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import ssl
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from policytui import __version__
from policytui.api import errors, json_body, tls
from policytui.api._http import httpx
from policytui.api.models import (
    Offering,
    OfferingUsagePolicy,
    OrganizationGroup,
    PolicyCreate,
    PolicyPatch,
    User,
)
from policytui.api.offload import parse_list_body
from policytui.api.pagination import (
    DEFAULT_PAGE_SIZE,
    SERVER_PAGE_SIZE_CAP,
    Page,
    page_size_of,
    parse_link_header,
    parse_result_count,
)
from policytui.api.parsing import parse_model as _parse
from policytui.api.parsing import parse_raw_list
from policytui.api.urls import normalize_base_url

if TYPE_CHECKING:
    from policytui.api.page_transport import PageTransport

M = TypeVar("M", bound=BaseModel)

POLICIES = "marketplace-offering-usage-policies/"
PROVIDER_OFFERINGS = "marketplace-provider-offerings/"
ORGANIZATION_GROUPS = "organization-groups/"
#: Only what the TUI needs of an offering: offering objects are large.
OFFERING_FIELDS = ("uuid", "url", "name", "customer_name", "customer_uuid", "state", "components")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD"})


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return errors.body_excerpt(response.text)
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    return errors.body_excerpt(json.dumps(body))


def error_for(response: httpx.Response) -> errors.WaldurError:
    """Map an error response to the client's exception for it."""
    status = response.status_code
    if status == 400:
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError, RecursionError):
            body = errors.body_excerpt(response.text)
        return errors.ValidationError.from_body(body)
    if status == 401:
        return errors.AuthenticationError(
            f"Not signed in: {_detail(response)} Sign in again with a valid API token."
        )
    if status == 403:
        return errors.PermissionDenied(f"Permission denied: {_detail(response)}")
    if status == 404:
        return errors.NotFound(f"Not found: {_detail(response)}")
    if status == 429:
        wait = _retry_after(response)
        hint = f" Retry after {wait:g} s." if wait is not None else ""
        return errors.RateLimited(f"The server is rate limiting requests.{hint}", retry_after=wait)
    if status >= 500:
        excerpt = errors.body_excerpt(response.text)
        return errors.ServerError(
            f"Server error {status}" + (f": {excerpt}" if excerpt else "."),
            status_code=status,
            excerpt=excerpt,
        )
    return errors.WaldurError(
        f"Unexpected answer {status}: {errors.body_excerpt(response.text)}", status_code=status
    )


class Token(Protocol):
    """What the client takes as a token: the value only by asking for it. The app's
    ``policytui.auth.secret.Secret`` is one; the client does not import it (the client
    knows nothing of sign-in), and a script may pass a plain string instead."""

    def get_secret_value(self) -> str: ...


class _WrappedToken:
    """A plain string a script passed, wrapped at once so no plain copy is named on the
    client; prints as the app's token type does."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"


class _TokenAuth(httpx.Auth):
    """Adds ``Authorization: Token ...`` at send time so no plain copy lives on the client."""

    def __init__(self, token: Token | None) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request):  # type: ignore[override]
        if self._token is not None and self._token.get_secret_value():
            request.headers["Authorization"] = "Token " + self._token.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "_TokenAuth(token=Secret('**********'))"


class WaldurClient:
    """``async with WaldurClient(url, token) as client: await client.policies.list()``."""

    def __init__(
        self,
        base_url: str,
        token: Token | str | None,
        *,
        timeout: float = 15.0,
        connect_timeout: float = 5.0,
        verify: bool = True,
        ca_bundle: str | None = None,
        max_retries: int = 3,
        backoff: float = 0.3,
        max_backoff: float = 8.0,
        concurrency: int = 6,
        transport: httpx.AsyncBaseTransport | None = None,
        wrap_transport: Callable[[Callable[[], httpx.AsyncBaseTransport]], httpx.AsyncBaseTransport]
        | None = None,
        page_transport: bool = False,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        """``page_transport``: reads go over :class:`~policytui.api.page_transport.PageTransport`
        (the walks over every page: a third of httpx's CPU a page), unless a proxy from
        the environment serves ``base_url`` (httpx mounts those only for its own
        transport)."""
        self.base_url = normalize_base_url(base_url)
        # A token object is kept as given; a plain string is wrapped at once.
        self._token: Token | None = _WrappedToken(token) if isinstance(token, str) else token
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.concurrency = max(1, concurrency)
        self._sleep = sleep
        self.insecure = not verify
        verify_arg: bool | ssl.SSLContext = verify
        if verify and ca_bundle:
            verify_arg = ssl.create_default_context(cafile=ca_bundle)
        elif self.base_url.startswith("http://"):
            # A plain-HTTP client never speaks TLS (it follows no redirects), so it needs no
            # CA bundle: loading one is 30-70 ms of start-up (bench/first_page.py). Should
            # TLS happen after all, this context trusts nothing and the handshake fails.
            verify_arg = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        limits = httpx.Limits(
            max_connections=max(self.concurrency, 4),
            max_keepalive_connections=max(self.concurrency, 4),
        )
        #: The walks' reads, sent past httpx's client (:meth:`_send`).
        self._reads: PageTransport | None = None
        if wrap_transport is not None and transport is None:
            # The wrapper gets a way to make the transport httpx would have made itself
            # (same TLS settings and pool), to call when, and only when, it needs one.
            def network() -> httpx.AsyncBaseTransport:
                return httpx.AsyncHTTPTransport(verify=verify_arg, limits=limits)

            transport = wrap_transport(network)
        elif page_transport and transport is None and not _proxied(self.base_url):
            from policytui.api.page_transport import PageTransport

            transport = self._reads = PageTransport(
                verify=verify_arg,
                max_connections=limits.max_connections or self.concurrency,
                other=lambda: httpx.AsyncHTTPTransport(verify=verify_arg, limits=limits),
            )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=_TokenAuth(self._token),
            headers={
                "User-Agent": f"policytui/{__version__}",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            verify=verify_arg,
            transport=transport,
            limits=limits,
            follow_redirects=False,
        )
        #: Each request's timeouts, as httpx's client gives them to its transport.
        self._timeouts = self._http.timeout.as_dict()
        self.policies = PolicyResource(self)
        #: Requests sent, by method; lets callers and tests see that writes are sent once.
        self.sent: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"WaldurClient({self.base_url!r}, token=Secret('**********'))"

    async def __aenter__(self) -> WaldurClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
    ) -> httpx.Response:
        """Send one request; GET/HEAD are retried with backoff, writes never are."""
        method = method.upper()
        attempts = 1 + (self.max_retries if method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            self.sent[method] = self.sent.get(method, 0) + 1
            try:
                response = _let_go(await self._send(method, path, params, json_body))
            except httpx.TimeoutException:
                if last:
                    raise self._timeout_error(method) from None
                await self._sleep(self._delay(attempt))
                continue
            except httpx.DecodingError:
                # The body is not in the encoding its header names (a broken proxy or
                # server): the same bytes come again, so it is not tried again.
                raise errors.InvalidResponse(
                    f"The server's answer to a {method} does not decode as its "
                    "Content-Encoding header says (a proxy in between may have altered it)."
                ) from None
            except httpx.TransportError as exc:
                failure = self._connection_error(exc)
                # An untrusted certificate will not pass by itself: do not spend retries on it.
                if last or isinstance(failure, errors.TLSError):
                    raise failure from None
                await self._sleep(self._delay(attempt))
                continue
            if response.status_code in RETRY_STATUSES and not last:
                wait = _retry_after(response) if response.status_code == 429 else None
                await self._sleep(
                    min(wait, self.max_backoff * 4) if wait is not None else self._delay(attempt)
                )
                continue
            if response.status_code >= 400:
                raise error_for(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(self, method: str, path: str, params: Any, body: Any) -> httpx.Response:
        """One try: through httpx's client, or, for a plain read over the page transport,
        the request it would build handed to the transport (``PageTransport.read``): the
        client's headers (its defaults and ours), the token's header as ``_TokenAuth``
        adds it, the URL as ``_merge_url`` makes it, the timeouts, the cookie jar.

        httpx's client sends the rest, and every read whose path is not a plain relative
        one, while a cookie is held, or while someone listens to what the client does
        (an event hook; httpx's INFO log of each request, as a script may turn on)."""
        reads = self._reads
        if (
            reads is None
            or body is not None
            or method not in IDEMPOTENT
            or self._http.cookies
            or self._http.is_closed  # (httpx's client says so)
            or _PLAIN_PATH.fullmatch(path) is None
            or self._http.event_hooks["request"]
            or self._http.event_hooks["response"]
            or _HTTPX_LOG.isEnabledFor(logging.INFO)
        ):
            return await self._http.request(method, path, params=params, json=body)
        query = f"?{httpx.QueryParams(params)}" if params else ""
        request = httpx.Request(
            method,
            httpx.URL(self.base_url + path.lstrip("/") + query),
            headers=self._http.headers,
            extensions={"timeout": self._timeouts},
        )
        # Set as ``_TokenAuth`` sets it, and into the request only: a local holding the
        # plain token would print in a crash report's locals.
        if self._token is not None and self._token.get_secret_value():
            request.headers["Authorization"] = "Token " + self._token.get_secret_value()
        return await reads.read(request, self._http.cookies)

    def _delay(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * (2**attempt))
        return base * (0.5 + random.random() / 2)  # jitter so parallel walks do not stampede

    def _timeout_error(self, method: str) -> errors.Timeout:
        host = urlsplit(self.base_url).netloc
        if method in IDEMPOTENT:
            return errors.Timeout(f"{host} did not answer in time.")
        return errors.Timeout(
            f"{host} did not answer in time; the {method} may or may not have been applied."
        )

    def _connection_error(self, exc: httpx.TransportError) -> errors.ConnectionFailed:
        host = urlsplit(self.base_url).netloc
        cause = tls.ssl_cause(exc)
        if cause is not None:
            problem, message = tls.describe(host, cause)
            return errors.TLSError(message, problem=problem)
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "certificate" in text.lower():
            # No ssl exception chained (another transport): still a TLS failure.
            return errors.TLSError(tls.untrusted(host))
        if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
            return errors.ConnectionFailed(f"The connection to {host} dropped mid-answer.")
        return errors.ConnectionFailed(
            errors.cannot_reach(host, proxy=isinstance(exc, httpx.ProxyError))
        )

    async def get_json(self, path: str, params: Any = None) -> Any:
        response = await self.request("GET", path, params=params)
        return _json(response)

    async def get_page(
        self,
        model: type[M],
        path: str,
        *,
        page: int = 1,
        page_size: int | None = None,
        params: list[tuple[str, Any]] | None = None,
        raw: bool = False,
        read_body: BodyReader | None = None,
    ) -> Page[M]:
        """One page of a list; ``raw`` leaves the items as the JSON objects the server sent
        (decoded inline: a caller asking for raw items is already off the event loop).
        ``read_body`` (with ``raw``) makes the items of the body itself: given the body
        and the client's own decoding of it, to fall back on (the index fill's
        :func:`policytui.helper.page_structs.read_page`)."""
        query: list[tuple[str, Any]] = list(params or [])
        if page != 1:
            query.append(("page", page))
        if page_size is not None:
            query.append(("page_size", page_size))
        response = await self.request("GET", path, params=query)
        items: list[Any]
        if raw and read_body is not None:
            items = read_body(response.content, lambda: parse_raw_list(model, _json(response)))
        elif raw:
            items = parse_raw_list(model, _json(response))
        else:
            items = await parse_list_body(model, response, _json)
        links = parse_link_header(response.headers.get("link"))
        total = parse_result_count(response.headers)
        asked = page_size_of(links.get("next") or links.get("last") or links.get("first"))
        return Page(
            items=items,
            page=page,
            page_size=served_page_size(
                len(items),
                page,
                total,
                # Without Link, a first page short of the total is still a full page.
                bool(links.get("next")) or (page == 1 and total is not None and total > len(items)),
                asked or page_size,
            ),
            total=total,
            links=links,
        )

    async def walk(
        self,
        model: type[M],
        path: str,
        *,
        params: list[tuple[str, Any]] | None = None,
        page_size: int = SERVER_PAGE_SIZE_CAP,
        concurrency: int | None = None,
        raw: bool = False,
        read_body: BodyReader | None = None,
    ) -> AsyncIterator[Page[M]]:
        """Every page of a list, fetched concurrently, yielded in server order as they arrive.

        The first page tells the total and the page size the server really used (it may cap
        lower than asked); the rest are fetched ``concurrency`` at a time over one pool.
        """
        first = await self.get_page(
            model, path, page=1, page_size=page_size, params=params, raw=raw, read_body=read_body
        )
        yield first
        blind = _blind(first)
        if not first.has_next and not blind:
            return
        last = first.page_count
        if last <= 1 or blind:
            # No usable count: walk one page after another, by rel="next" or, with neither
            # Link nor count (a proxy stripped them), by asking until the server says
            # "Invalid page." or sends an empty page: stopping early would lose policies.
            size = page_size if blind else first.page_size
            page = first
            while page.has_next or _blind(page):
                try:
                    page = await self.get_page(
                        model,
                        path,
                        page=page.page + 1,
                        page_size=size,
                        params=params,
                        raw=raw,
                        read_body=read_body,
                    )
                except errors.NotFound:
                    if page.has_next:
                        raise
                    return
                if not page.items:
                    return
                yield page
            return
        limit = asyncio.Semaphore(concurrency or self.concurrency)

        async def fetch(number: int) -> Page[M]:
            async with limit:
                return await self.get_page(
                    model,
                    path,
                    page=number,
                    page_size=first.page_size,
                    params=params,
                    raw=raw,
                    read_body=read_body,
                )

        # Tasks are created lazily in a window so memory stays flat for 100 000 policies.
        window = (concurrency or self.concurrency) * 2
        pending: dict[int, asyncio.Task[Page[M]]] = {}
        next_to_start = 2
        next_to_yield = 2
        try:
            while next_to_yield <= last:
                while next_to_start <= last and len(pending) < window:
                    pending[next_to_start] = asyncio.ensure_future(fetch(next_to_start))
                    next_to_start += 1
                page = await pending.pop(next_to_yield)
                next_to_yield += 1
                yield page
        finally:
            for task in pending.values():
                task.cancel()
            if pending:
                await asyncio.gather(*pending.values(), return_exceptions=True)

    async def all_items(
        self, model: type[M], path: str, *, params: list[tuple[str, Any]] | None = None
    ) -> list[M]:
        items: list[M] = []
        async for page in self.walk(model, path, params=params):
            items.extend(page.items)
        return items

    # -- the token's user, offerings, organization groups --------------------------------

    async def me(self) -> User:
        """The token's user (the server's body includes the token: it is dropped on parse)."""
        return _parse(User, await self.get_json("users/me/"))

    async def offerings(self, *, fields: Iterable[str] = OFFERING_FIELDS) -> list[Offering]:
        """Every offering the user manages as a provider, with its components."""
        params = [("field", f) for f in fields]
        return await self.all_items(Offering, PROVIDER_OFFERINGS, params=params)

    async def offering(self, uuid: str, *, fields: Iterable[str] = OFFERING_FIELDS) -> Offering:
        params = [("field", f) for f in fields]
        return _parse(Offering, await self.get_json(f"{PROVIDER_OFFERINGS}{uuid}/", params))

    async def organization_groups(self) -> list[OrganizationGroup]:
        return await self.all_items(OrganizationGroup, ORGANIZATION_GROUPS)

    def offering_url(self, uuid: str) -> str:
        return f"{self.base_url}{PROVIDER_OFFERINGS}{uuid}/"

    def organization_group_url(self, uuid: str) -> str:
        return f"{self.base_url}{ORGANIZATION_GROUPS}{uuid}/"


#: Makes a page's items of its body (``get_page``'s ``read_body``): given the body and
#: the client's own decoding of it (the raw items, or its error) to fall back on.
BodyReader = Callable[[bytes, Callable[[], list[Any]]], list[Any]]


#: A path the lean read path joins to the base URL as httpx's ``_merge_url`` would:
#: relative, no query, no scheme or authority of its own (``//host`` is one).
_PLAIN_PATH = re.compile(r"(?!//)[A-Za-z0-9._~/%-]*")
#: httpx logs each request it sends at INFO: while that is on, reads go through it.
_HTTPX_LOG = logging.getLogger("httpx")


def _proxied(url: str) -> bool:
    """Whether the environment names a proxy for ``url`` (``*_PROXY``, not bypassed by
    ``NO_PROXY``), as httpx would read it."""
    from urllib.request import getproxies, proxy_bypass

    parts = urlsplit(url)
    proxies = getproxies()
    if parts.scheme not in proxies and "all" not in proxies:
        return False
    return not proxy_bypass(parts.hostname or "")


def _let_go(response: httpx.Response) -> httpx.Response:
    """``response`` (its body read, its stream closed) no longer tied to its connection.

    httpx leaves a response and its stream pointing at each other: a cycle, freed only by
    the garbage collector, and with it the body (a page of 300 policies is ~0.3 MB). The
    index fill runs with the collector off (``helper/scan.py``): 334 such pages piled up
    ~85 MB there. A read body is all a caller uses; the closed stream is done with.
    """
    response.stream = _DONE
    return response


#: What a read response's stream becomes (:func:`_let_go`): nothing left to read.
_DONE = httpx.ByteStream(b"")


def _blind(page: Page[Any]) -> bool:
    """Neither Link nor a count came with a non-empty page: only asking tells if more exist."""
    return not page.links and page.total is None and bool(page.items)


def served_page_size(
    count: int, page: int, total: int | None, has_next: bool, asked: int | None
) -> int:
    """The page size the server really used, which may be below what was asked.

    A server that caps ``page_size`` still echoes the asked size in its Link URLs, so the
    links cannot be trusted for it: every page before the last is full, so a page with a
    next one tells the size by its length, and a last page tells it from the total.
    """
    if has_next and count > 0:
        return count
    if page > 1 and total is not None and total > count and (total - count) % (page - 1) == 0:
        return (total - count) // (page - 1)
    return asked or DEFAULT_PAGE_SIZE


def _json(response: httpx.Response) -> Any:
    try:
        # orjson when it reads the body as json.loads would (json_body), else as ever.
        return json_body.loads(response.content, response.json)
    except (ValueError, UnicodeDecodeError, RecursionError):
        kind = response.headers.get("content-type", "unknown type")
        raise errors.InvalidResponse(
            f"The server answered {kind} that is not valid JSON: "
            f"{errors.body_excerpt(response.text, 80)!r}"
        ) from None


class PolicyResource:
    """``/api/marketplace-offering-usage-policies/``."""

    def __init__(self, client: WaldurClient) -> None:
        self._client = client

    @staticmethod
    def _filters(scope_uuid: str | None) -> list[tuple[str, Any]]:
        # Filter by scope_uuid: the server's `scope=` filter is broken (matches customers).
        return [("scope_uuid", scope_uuid)] if scope_uuid else []

    async def list(
        self, *, page: int = 1, page_size: int | None = None, scope_uuid: str | None = None
    ) -> Page[OfferingUsagePolicy]:
        return await self._client.get_page(
            OfferingUsagePolicy,
            POLICIES,
            page=page,
            page_size=page_size,
            params=self._filters(scope_uuid),
        )

    async def count(self, *, scope_uuid: str | None = None) -> int:
        response = await self._client.request("HEAD", POLICIES, params=self._filters(scope_uuid))
        count = parse_result_count(response.headers)
        if count is None:
            raise errors.InvalidResponse("The server sent no usable X-Result-Count header.")
        return count

    def walk(
        self,
        *,
        scope_uuid: str | None = None,
        page_size: int = SERVER_PAGE_SIZE_CAP,
        concurrency: int | None = None,
    ) -> AsyncIterator[Page[OfferingUsagePolicy]]:
        return self._client.walk(
            OfferingUsagePolicy,
            POLICIES,
            params=self._filters(scope_uuid),
            page_size=page_size,
            concurrency=concurrency,
        )

    def walk_raw(
        self,
        *,
        scope_uuid: str | None = None,
        page_size: int = SERVER_PAGE_SIZE_CAP,
        concurrency: int | None = None,
        read_body: BodyReader | None = None,
    ) -> AsyncIterator[Page[dict[str, Any]]]:
        """Like :meth:`walk`, but each page's items are the JSON objects as sent, unvalidated.

        For a caller that keeps a few items of many pages (the fired scan keeps about one
        policy in seven) and validates only those with :func:`parse_policy`: validating
        every policy of 100 000 is most of a scan's CPU. Decoded inline, so call it off the
        UI's event loop.
        """
        return self._client.walk(  # type: ignore[return-value]
            OfferingUsagePolicy,
            POLICIES,
            params=self._filters(scope_uuid),
            page_size=page_size,
            concurrency=concurrency,
            raw=True,
            read_body=read_body,
        )

    async def get(self, uuid: str) -> OfferingUsagePolicy:
        return _parse(OfferingUsagePolicy, await self._client.get_json(f"{POLICIES}{uuid}/"))

    async def get_raw(self, uuid: str) -> dict[str, Any]:
        """The policy exactly as the server sent it (for the raw view)."""
        data = await self._client.get_json(f"{POLICIES}{uuid}/")
        if not isinstance(data, dict):
            raise errors.InvalidResponse("Expected a policy object.")
        return data

    async def create(self, policy: PolicyCreate) -> OfferingUsagePolicy:
        response = await self._client.request("POST", POLICIES, json_body=policy.body())
        return _parse(OfferingUsagePolicy, _json(response))

    async def replace(self, uuid: str, policy: PolicyCreate) -> OfferingUsagePolicy:
        response = await self._client.request("PUT", f"{POLICIES}{uuid}/", json_body=policy.body())
        return _parse(OfferingUsagePolicy, _json(response))

    async def patch(
        self, uuid: str, patch: PolicyPatch, *, allow_empty_limits: bool = False
    ) -> OfferingUsagePolicy:
        body = patch.body(allow_empty_limits=allow_empty_limits)
        response = await self._client.request("PATCH", f"{POLICIES}{uuid}/", json_body=body)
        return _parse(OfferingUsagePolicy, _json(response))

    async def delete(self, uuid: str) -> None:
        await self._client.request("DELETE", f"{POLICIES}{uuid}/")

    async def actions(self) -> list[str]:
        """The action names the server offers.

        Real servers send a list of strings; older docs describe a policy object, so that
        shape (``{"actions": "a,b"}``) is tolerated too.
        """
        data = await self._client.get_json(f"{POLICIES}actions/")
        if isinstance(data, list):
            return [str(a) for a in data if isinstance(a, str) and a]
        if isinstance(data, dict):
            value = data.get("actions")
            if isinstance(value, str):
                return [a for a in value.split(",") if a]
            if isinstance(value, list):
                return [str(a) for a in value if a]
        raise errors.InvalidResponse("The server's list of actions has an unknown shape.")

    async def find_created(
        self, policy: PolicyCreate, *, known_uuids: set[str] | None = None, scan: int = 50
    ) -> OfferingUsagePolicy | None:
        """After a POST timed out: look for a policy matching what was sent.

        Lists are ordered by -created, so the newest policies of the offering are checked;
        ``known_uuids`` (read before the POST) rules out policies that already existed.
        """
        scope_uuid = policy.scope.rstrip("/").rsplit("/", 1)[-1]
        page = await self.list(page_size=scan, scope_uuid=scope_uuid)
        wanted_actions = sorted(policy.actions)
        wanted_limits = sorted((c.type, c.limit) for c in policy.component_limits_set)
        for item in page.items:
            if known_uuids and item.uuid in known_uuids:
                continue
            limits = sorted((c.type, c.limit) for c in item.component_limits_set)
            if (
                sorted(item.actions) == wanted_actions
                and item.period == policy.period
                and sorted(item.organization_groups) == sorted(policy.organization_groups)
                and (limits == wanted_limits or (limits and set(limits) <= set(wanted_limits)))
            ):
                return item
        return None
