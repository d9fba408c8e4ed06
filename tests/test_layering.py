"""The layers of the house, enforced: each rule names a layer, what it may not import, and
why. Every module of the layer is imported in a fresh interpreter (not just the package:
``policytui.api`` loads its names lazily, so importing the package alone proves nothing)
and what ``sys.modules`` then holds is checked.
"""

from __future__ import annotations

import ast
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
        (
            "textual",
            "rich",
            "policytui.tui",
            "policytui.demo",
            "policytui.auth",
            "policytui.cli",
            "policytui.helper",
        ),
        "a script can use the client on its own, without a terminal UI, the app's sign-in or "
        "its helper process (a recording transport is installed from outside)",
    ),
    (
        "the helper",
        ("policytui.helper",),
        (
            "textual",
            "rich",
            "policytui.tui.app",
            "policytui.tui.screens",
            "policytui.tui.widgets",
            "policytui.cli",
            "policytui.demo",
        ),
        "it is forked before Textual is imported and runs without a UI; the UI uses it "
        "through one interface (policytui.helper.work), never the reverse",
    ),
    (
        "the row model and the page fit",
        (
            "policytui.tui.rows",
            "policytui.tui.catalog",
            "policytui.tui.page_fit",
            "policytui.tui.usage_cell",
        ),
        ("textual", "rich", "pydantic", "httpx"),
        "the helper builds and pickles rows, and the first page is sized and painted, before "
        "the UI has imported Textual's widgets or the client",
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
        "the headroom computation",
        ("policytui.headroom",),
        (
            "textual",
            "rich",
            "httpx",
            "policytui.api.client",
            "policytui.api.usage",
            "policytui.tui",
            "policytui.demo",
            "policytui.auth",
            "policytui.cli",
        ),
        "a pure function of what was read and today: it reads no server and draws nothing",
    ),
    (
        "the command line",
        ("policytui.cli",),
        ("textual", "rich", "httpx", "pydantic", "policytui.tui"),
        "parsing arguments must not pay for the UI or the client",
    ),
    (
        "the TUI's plain objects",
        (
            "policytui.tui.catalog",
            "policytui.tui.format",
            "policytui.tui.limit_check",
            "policytui.tui.list_state",
            "policytui.tui.list_usage",
            "policytui.tui.policy_draft",
            "policytui.tui.policy_save",
            "policytui.tui.save_report",
            "policytui.tui.usage_load",
            "policytui.tui.usage_preview",
            "policytui.tui.usage_text",
            "policytui.tui.validation",
        ),
        ("textual", "policytui.tui.screens", "policytui.tui.widgets", "policytui.demo"),
        "state, checks and the server steps of a save are driven by tests without a terminal",
    ),
    (
        "bulk changes",
        ("policytui.bulk",),
        (
            "textual",
            "rich",
            "policytui.tui",
            "policytui.demo",
            "policytui.auth",
            "policytui.cli",
            "policytui.helper",
        ),
        "the plan and the writes of a bulk change are the same for the screens and a script",
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


# -- import cycles --------------------------------------------------------------------


def _imports_in(path: Path, name: str, known: set[str]) -> set[str]:
    """The policytui modules ``name`` imports when it runs: at the top and inside functions
    (a deferred import is still a dependency), not under ``if TYPE_CHECKING:`` (types only)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def resolve(target: str) -> str:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target

    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    visit(branch)
                continue
            if isinstance(child, ast.Import):
                found.update(resolve(a.name) for a in child.names if a.name.startswith("policytui"))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package
                    for _ in range(child.level - 1):
                        parent = parent.rpartition(".")[0]
                    base = f"{parent}.{base}" if base else parent
                if base.startswith("policytui"):
                    for alias in child.names:
                        full = f"{base}.{alias.name}"
                        found.add(full if full in known else resolve(base))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    found.discard("")
    return found


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan)."""
    paths = {}
    for path in sorted((ROOT / "policytui").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    known = set(paths)
    graph = {name: _imports_in(path, name, known) for name, path in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                strong(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in graph:
        if name not in index:
            strong(name)
    return cycles


def test_no_two_modules_import_each_other() -> None:
    # A cycle means neither module can be understood, or moved, without the other.
    cycles = import_cycles()
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_sees_a_deferred_import(tmp_path: Path) -> None:
    # Guards the test above: a function-level import back is a cycle; a types-only one is not.
    a = tmp_path / "a.py"
    a.write_text("from policytui import b\n")
    b = tmp_path / "b.py"
    b.write_text("def f():\n    from policytui import a\n")
    c = tmp_path / "c.py"
    c.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from policytui import a\n"
    )
    known = {"policytui", "policytui.a", "policytui.b", "policytui.c"}
    assert _imports_in(a, "policytui.a", known) == {"policytui.b"}
    assert _imports_in(b, "policytui.b", known) == {"policytui.a"}
    assert _imports_in(c, "policytui.c", known) == set()
