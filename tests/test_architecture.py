"""The shape of the code: apps import only the apps below them, no module imports itself back
in a circle, and markup lives in templates, not in Python."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["emulation", "blocks", "covenants", "scoring", "awards"]  # each may import those before it
HTML = re.compile(
    r"<(a|div|span|td|th|tr|table|svg|rect|text|p|li|ul|ol|button|input|form|br)[\s>/]"
)


def modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node, except those under `if TYPE_CHECKING:` (imports for the type checker only)."""
    found: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def imports(path: Path, name: str) -> set[str]:
    """The project modules a module imports when it runs, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in APPS}


def test_each_app_imports_only_the_apps_below_it() -> None:
    wrong = []
    for name, path in modules().items():
        rank = APPS.index(name.split(".")[0])
        for target in imports(path, name):
            if APPS.index(target.split(".")[0]) > rank:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_module_imports_itself_back_in_a_circle() -> None:
    known = modules()
    graph = {
        name: {t for t in imports(path, name) if t in known and t != name}
        for name, path in known.items()
    }
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 while being visited, 2 when done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "\n".join(" → ".join(c) for c in circles)


def test_no_python_module_writes_html() -> None:
    writers = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and HTML.search(node.value)
            ):
                writers.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.Name | ast.Attribute):
                called = node.id if isinstance(node, ast.Name) else node.attr
                if called in {"format_html", "mark_safe", "format_html_join"}:
                    writers.append(f"{name}:{node.lineno} ({called})")
    assert not writers, "\n".join(sorted(set(writers)))
