"""The wheel is what users install: it must carry the stylesheets and the console script."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("policytui-*.whl")
    return built


def test_wheel_lists_every_stylesheet(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    sheets = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert sheets, "the repository has no stylesheets"
    for sheet in sheets:
        assert f"policytui/styles/{sheet}" in names


def test_wheel_holds_every_package_of_the_source(wheel: Path) -> None:
    """A package left out of pyproject's list is missing from what users install, and
    the app fails on its first import of it (the helper was, for a while)."""
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    packages = sorted(
        init.parent.relative_to(ROOT).as_posix()
        for init in (ROOT / "policytui").rglob("__init__.py")
    )
    assert "policytui/helper" in packages
    missing = [p for p in packages if f"{p}/__init__.py" not in names]
    assert not missing, f"not in the wheel: {missing} (add them to pyproject.toml's packages)"


def test_installed_wheel_finds_its_css(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel alone in a fresh venv (dependencies borrowed from this one,
    which holds policytui only as an editable finder that PYTHONPATH does not load)."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    deps = sysconfig.get_paths()["purelib"]
    probe = (
        "import policytui, pathlib\n"
        "from policytui.tui.styles import style_path\n"
        "p = style_path('base.tcss')\n"
        "assert p.is_file(), p\n"
        "print(pathlib.Path(policytui.__file__).parent)\n"
        "print(p)\n"
    )
    result = subprocess.run(
        [str(py), "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    package_dir, css = result.stdout.split()
    assert package_dir.startswith(str(env_dir)), "policytui was not loaded from the wheel"
    assert css.startswith(str(env_dir)), f"CSS found outside the installed wheel: {css}"
    script = env_dir / "bin" / "policytui"
    version = subprocess.run(
        [str(script), "--version"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"},
    )
    assert version.stdout.startswith("policytui "), version.stderr
    # Every module of the installed package imports (a missing subpackage fails here).
    every = (
        "import importlib, pkgutil, policytui\n"
        "names = [m.name for m in pkgutil.walk_packages(policytui.__path__, 'policytui.')]\n"
        "for name in names:\n"
        "    if not name.endswith('__main__'):\n"
        "        importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    imported = subprocess.run(
        [str(py), "-c", every],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert imported.returncode == 0, imported.stderr
    assert int(imported.stdout) > 100
