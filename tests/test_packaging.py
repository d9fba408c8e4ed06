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
