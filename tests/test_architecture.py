"""The layers of DESIGN.md as a checked contract: dependencies point down, no Qt below the GUI."""

from __future__ import annotations

import ast
import re
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


@pytest.mark.parametrize("layer", ["clinical", "store", "services", "interop", "report", "presentation.py",
                                   "tables.py", "wording.py", "cli.py"])
def test_no_qt_below_the_gui(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.split(".")[0] in QT_MODULES)
        for path in _files(PACKAGE / layer)
    }
    assert {p: names for p, names in offenders.items() if names} == {}


def _files(where: Path) -> list[Path]:
    return [where] if where.is_file() else sorted(where.rglob("*.py"))


def test_the_clinical_core_imports_nothing_else_of_the_app() -> None:
    allowed = ("exam_app.clinical", "exam_app.paths", "exam_app.tables", "exam_app.wording")
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


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """The app's modules a file imports: `from exam_app.report import findings` is the submodule."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
            found.update(submodules or ({node.module} & modules.keys()))
    return found


def test_no_module_of_the_app_imports_itself_back() -> None:
    """No cycle, not even through an import inside a function (the start-up is its own use case)."""
    modules = {_module(path): path for path in PACKAGE.rglob("*.py")}
    graph = {name: {n for n in _imported_modules(path, modules) if n != name} for name, path in modules.items()}
    cycles = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target] if target in path else [name, target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


# Month and day names, AM/PM and the "preferred" formats come from the machine's locale (which Qt sets
# from the desktop's language): a date would read "5 mai 1971" on one workstation and "5 May 1971" on
# another, and a letter re-printed elsewhere would differ. Every date the app writes goes through
# exam_app.wording, in English.
_LOCALE_DIRECTIVE = re.compile(r"%-?[aAbBpcxX]")


def test_no_date_is_written_in_the_machine_s_language() -> None:
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if _LOCALE_DIRECTIVE.search(line) and not line.lstrip().startswith("#")]
    assert found == []
