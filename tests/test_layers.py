"""The core layers must never import Qt (docs/ARCHITECTURE.md, DESIGN.md "Layers")."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import icope_desktop

CORE = ["screening", "store", "sync", "letters", "services"]


def _modules(package: str) -> list[str]:
    pkg = __import__(f"icope_desktop.{package}", fromlist=["_"])
    names = [pkg.__name__]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
        if ".migrations.versions" in info.name:
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_layer_does_not_import_qt(package):
    modules = _modules(package)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{package} pulled in Qt modules: {out}"


def test_the_check_itself_sees_qt():
    """Guard against a check that cannot fail: the UI package does import Qt."""
    code = "import icope_desktop.ui.main_window, sys; print('PySide6' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "True"
    assert icope_desktop.__version__
