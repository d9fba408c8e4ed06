"""``policytui.api`` loads its names on first use: light names stay light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import policytui.api


def _modules_after(statement: str) -> dict[str, bool]:
    script = (
        f"import sys\n{statement}\n"
        "import json\n"
        "print(json.dumps({m: m in sys.modules for m in ('pydantic', 'httpx')}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "statement",
    [
        "import policytui.api",
        "from policytui.api import errors, Page, action_label, ACTION_DESCRIPTIONS",
        "from policytui.api import normalize_base_url",
    ],
)
def test_light_names_import_neither_pydantic_nor_httpx(statement: str) -> None:
    assert _modules_after(statement) == {"pydantic": False, "httpx": False}


def test_the_client_brings_what_it_needs() -> None:
    loaded = _modules_after("from policytui.api import WaldurClient")
    assert loaded == {"pydantic": True, "httpx": True}


def test_every_public_name_resolves_to_its_home() -> None:
    for name in policytui.api.__all__:
        value = getattr(policytui.api, name)
        assert value is not None
    from policytui.api.client import WaldurClient
    from policytui.api.models import OfferingUsagePolicy

    assert policytui.api.WaldurClient is WaldurClient
    assert policytui.api.OfferingUsagePolicy is OfferingUsagePolicy
    assert set(policytui.api.__all__) <= set(dir(policytui.api))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        policytui.api.Nope  # noqa: B018
