"""Properties of the small wire helpers: Link headers, base URLs, PATCH bodies, actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policytui.api import ComponentLimitIn, Page, Period, PolicyPatch, normalize_base_url
from policytui.api.actions import canonical_actions
from policytui.api.models import join_actions, split_actions
from policytui.api.pagination import page_number, parse_link_header

# -- Link header ------------------------------------------------------------------------

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z]{2,6}){0,2}", fullmatch=True)
ports = st.none() | st.integers(1, 65535)
extra_filters = st.dictionaries(
    st.sampled_from(["scope_uuid", "field", "o"]),
    st.text(alphabet="abcdef0123456789", min_size=1, max_size=8),
    max_size=2,
)


def server_link_header(
    base: str, page: int, last: int, page_size: int, filters: dict[str, str]
) -> str:
    """Link as DRF/Waldur writes it: ``first`` (and ``prev`` to page 1) without ``page``."""

    def url(number: int | None) -> str:
        query = dict(filters)
        if number is not None and number > 1:
            query["page"] = str(number)
        query["page_size"] = str(page_size)
        return f"{base}?{urlencode(query)}"

    parts = [f'<{url(None)}>; rel="first"']
    if page > 1:
        parts.append(f'<{url(page - 1)}>; rel="prev"')
    if page < last:
        parts.append(f'<{url(page + 1)}>; rel="next"')
    parts.append(f'<{url(last)}>; rel="last"')
    return ", ".join(parts)


@settings(max_examples=200)
@given(
    hosts,
    ports,
    st.integers(1, 500),
    st.integers(1, 300),
    st.data(),
    extra_filters,
)
def test_link_header_round_trip(
    host: str, port: int | None, last: int, page_size: int, data: st.DataObject, filters: Any
) -> None:
    page = data.draw(st.integers(1, last))
    netloc = host if port is None else f"{host}:{port}"
    base = f"https://{netloc}/api/marketplace-offering-usage-policies/"
    header = server_link_header(base, page, last, page_size, filters)
    links = parse_link_header(header)
    assert page_number(links["first"]) == 1
    assert page_number(links["last"]) == last
    assert page_number(links.get("next")) == (page + 1 if page < last else None)
    assert page_number(links.get("prev")) == (page - 1 if page > 1 else None)
    parsed = Page(items=[], page=page, page_size=page_size, total=None, links=links)
    assert parsed.has_next == (page < last)
    assert parsed.has_prev == (page > 1)
    assert parsed.page_count == last


@given(st.text(max_size=200))
def test_link_header_parsing_never_raises(value: str) -> None:
    links = parse_link_header(value)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in links.items())
    for url in links.values():
        number = page_number(url)
        assert number is None or number >= 1


@given(st.integers(1, 1000), st.integers(1, 300), st.integers(0, 100_000), st.booleans())
def test_page_count_from_the_total_when_there_is_no_link(
    page: int, page_size: int, total: int, known: bool
) -> None:
    parsed = Page(items=[], page=page, page_size=page_size, total=total if known else None)
    if known:
        assert parsed.page_count == max(1, -(-total // page_size))
        assert parsed.has_next == (page < parsed.page_count)
    else:
        assert not parsed.has_next
    assert parsed.has_prev == (page > 1)


# -- base URL ---------------------------------------------------------------------------

prefixes = st.lists(st.from_regex(r"[a-z0-9_-]{1,8}", fullmatch=True), max_size=2).map(
    lambda parts: "".join("/" + p for p in parts if p != "api")
)


@settings(max_examples=200)
@given(
    st.sampled_from(["http", "https"]),
    hosts,
    ports,
    prefixes,
    st.sampled_from(["", "/", "/api", "/api/", "/api//", "  "]),
)
def test_base_url_normalisation(
    scheme: str, host: str, port: int | None, prefix: str, suffix: str
) -> None:
    netloc = host if port is None else f"{host}:{port}"
    given_url = f"{scheme}://{netloc}{prefix}{suffix}"
    result = normalize_base_url(given_url)
    assert result == f"{scheme}://{netloc}{prefix}/api/"
    assert normalize_base_url(result) == result


@given(hosts)
def test_a_bare_host_means_https(host: str) -> None:
    assert normalize_base_url(host) == f"https://{host}/api/"


@given(st.text(max_size=40))
def test_base_url_normalisation_returns_an_api_url_or_a_value_error(text: str) -> None:
    try:
        result = normalize_base_url(text)
    except ValueError as err:
        assert str(err)
    else:
        assert result.startswith(("http://", "https://")) and result.endswith("/api/")


@pytest.mark.parametrize(
    "given_url",
    [
        "https://waldur.example.com",
        "https://waldur.example.com/api",
        "https://waldur.example.com/api/",
    ],
)
def test_the_three_documented_forms_agree(given_url: str) -> None:
    assert normalize_base_url(given_url) == "https://waldur.example.com/api/"


# -- PATCH body builder -----------------------------------------------------------------

actions = st.lists(
    st.sampled_from(
        ["notify_organization_owners", "block_creation_of_new_resources", "notify_external_user"]
    ),
    min_size=1,
    max_size=3,
    unique=True,
)
limit_rows = st.lists(
    st.builds(
        ComponentLimitIn,
        type=st.sampled_from(["cpu", "ram", "storage"]),
        limit=st.integers(0, 2**31 - 1),
    ),
    max_size=3,
)
PATCH_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "scope": st.just("https://w.example/api/marketplace-provider-offerings/" + "a" * 32 + "/"),
    "actions": actions,
    "organization_groups": st.lists(st.just("https://w.example/api/organization-groups/g/")),
    "component_limits_set": limit_rows,
    "period": st.sampled_from(list(Period)),
    "options": st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    "apply_to_all": st.booleans(),
}


@settings(max_examples=200)
@given(st.fixed_dictionaries({}, optional=PATCH_FIELDS), st.booleans())
def test_patch_body_has_exactly_the_fields_given(changes: dict[str, Any], allow: bool) -> None:
    patch = PolicyPatch(**changes)
    if changes.get("component_limits_set") == [] and not allow:
        with pytest.raises(ValueError, match="delete every limit"):
            patch.body()
        return
    body = patch.body(allow_empty_limits=allow)
    assert set(body) == set(changes)
    assert patch.is_empty == (not changes)
    if "actions" in changes:
        # Every action once, in the one canonical order, joined with "," exactly.
        assert body["actions"] == ",".join(canonical_actions(changes["actions"]))
        assert ", " not in body["actions"]
    if "period" in changes:
        assert body["period"] == int(changes["period"])
    if "component_limits_set" in changes:
        assert body["component_limits_set"] == [
            {"type": r.type, "limit": r.limit} for r in changes["component_limits_set"]
        ]
    # Read-only fields can never be in a PATCH.
    assert not set(body) & {"uuid", "url", "has_fired", "fired_datetime", "created"}


@given(st.fixed_dictionaries({}, optional=PATCH_FIELDS))
def test_patch_body_never_sends_empty_limits_by_accident(changes: dict[str, Any]) -> None:
    changes.pop("component_limits_set", None)
    body = PolicyPatch(**changes).body()
    assert "component_limits_set" not in body


def test_empty_limits_are_sent_only_when_asked_for() -> None:
    patch = PolicyPatch(component_limits_set=[])
    with pytest.raises(ValueError):
        patch.body()
    assert patch.body(allow_empty_limits=True) == {"component_limits_set": []}


# -- actions string ---------------------------------------------------------------------

action_name = st.from_regex(r"[a-z][a-z_]{0,30}", fullmatch=True)


@given(st.lists(action_name, min_size=1, max_size=6))
def test_actions_round_trip_through_the_comma_string(names: list[str]) -> None:
    text = join_actions(names)
    assert "," not in text.replace(",", "") and ", " not in text
    assert split_actions(text) == names
    assert join_actions(split_actions(text)) == text


@given(st.text(max_size=60))
def test_splitting_any_string_gives_non_empty_names_without_commas(text: str) -> None:
    names = split_actions(text)
    assert all(name and "," not in name for name in names)
    assume(names)
    assert split_actions(join_actions(names)) == [n.strip() for n in names if n.strip()]


@given(st.integers(1, 5000), st.integers(1, 300), st.integers(1, 300), st.data())
def test_the_served_page_size_is_found_behind_a_cap(
    total: int, asked: int, cap: int, data: st.DataObject
) -> None:
    """A capping server echoes the asked size in its links; the client still learns the
    size it really used from any page of a list with more than one page."""
    from policytui.api.client import served_page_size

    real = min(asked, cap)
    last = -(-total // real)
    page = data.draw(st.integers(1, last))
    count = real if page < last else total - real * (last - 1)
    found = served_page_size(count, page, total, page < last, asked)
    if last > 1:
        assert found == real
    else:
        assert found >= count
