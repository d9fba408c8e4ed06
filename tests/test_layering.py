"""The layers of the house, enforced: each rule names a layer, what it may not import, and
why. Every module of the layer is imported in a fresh interpreter (not just the package:
``policytui.api`` loads its names lazily, so importing the package alone proves nothing)
and what ``sys.modules`` then holds is checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: (layer, its modules' prefixes, forbidden prefixes, why)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
    (
        "the client",
        ("policytui.api",),
        ("textual", "rich", "policytui.tui", "policytui.demo", "policytui.auth", "policytui.cli"),
        "a script can use the client on its own, without a terminal UI or the app's sign-in",
    ),
    (
        "the demo server",
        ("policytui.demo",),
        ("textual", "rich", "policytui.api", "policytui.tui"),
        "it keeps its own wire shapes: a model shared with the client would agree with itself",
    ),
    (
        "sign-in",
        ("policytui.auth",),
        ("textual", "rich", "policytui.tui", "policytui.cli", "policytui.demo"),
        "`policytui login` and `status` run without the UI; the CLI uses sign-in, not the reverse",
    ),
    (
        "the command line",
        ("policytui.cli",),
        ("textual", "rich", "httpx", "pydantic", "policytui.tui"),
        "parsing arguments must not pay for the UI or the client",
    ),
    (
        "the filter language",
        ("policytui.query",),
        (
            "textual",
            "rich",
            "httpx",
            "pydantic",
            "policytui.tui",
            "policytui.demo",
            "policytui.auth",
            "policytui.cli",
        ),
        "the list's `/` and the shell's --filter share it: it reads policies, it does not "
        "fetch, draw or sign in, and the shell must not pay for the client to filter",
    ),
]

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def module_names() -> list[str]:
    """Every module of the package, read off the files (importing packages to walk them
    would itself import what the rules look for)."""
    package = ROOT / "policytui"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # runs the app when imported
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imports_of(prefixes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The modules of the layer, and everything importing them pulled in."""
    chosen = [
        name
        for name in module_names()
        if any(name == p or name.startswith(p + ".") for p in prefixes)
    ]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(chosen)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return chosen, json.loads(done.stdout)


def violations(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize(
    ("layer", "prefixes", "forbidden", "why"), RULES, ids=[rule[0] for rule in RULES]
)
def test_a_layer_imports_nothing_it_must_not(
    layer: str, prefixes: tuple[str, ...], forbidden: tuple[str, ...], why: str
) -> None:
    imported, modules = imports_of(prefixes)
    assert imported, f"{layer}: no module matched {prefixes}"
    bad = violations(modules, forbidden)
    assert not bad, f"{layer} imports {', '.join(bad[:8])}: {why}"


def test_the_probe_sees_a_forbidden_import() -> None:
    # Guards the rules above: the same probe on the UI reports Textual.
    imported, modules = imports_of(("policytui.tui.app",))
    assert imported == ["policytui.tui.app"]
    assert "textual" in violations(modules, ("textual",))
