"""The layers of DESIGN.md as a checked contract: dependencies point down, no Qt below the GUI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "exam_app"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["clinical", "store", "services", "interop", "report"])
def test_no_qt_below_the_gui(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.split(".")[0] in QT_MODULES)
        for path in (PACKAGE / layer).rglob("*.py")
    }
    assert {p: names for p, names in offenders.items() if names} == {}


def test_the_clinical_core_imports_nothing_else_of_the_app() -> None:
    allowed = ("exam_app.clinical", "exam_app.paths")
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in _imports(path) if n.startswith("exam_app") and not n.startswith(allowed))
        for path in (PACKAGE / "clinical").rglob("*.py")
    }
    assert {p: names for p, names in offenders.items() if names} == {}


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
