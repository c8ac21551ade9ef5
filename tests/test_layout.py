"""The layout a newcomer reads (issue 13): no import cycles, small modules, a first line that
says each module's job, and a per-cd path that needs nothing but the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "autovenv"
MAX_LINES = 300
# Modules still over the limit; the list may only shrink (a module that fits must leave it).
STILL_LARGE: set[str] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """Every autovenv module `name` imports anywhere: top level, in functions, under
    TYPE_CHECKING."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in MODULES and m != name and not MODULES[m].name == "__init__.py"}


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {name: imports_of(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for name in graph:
        if name not in index:
            visit(name)
    return found


def test_no_import_cycles_counting_lazy_and_type_checking_imports() -> None:
    assert cycles() == []


def test_modules_are_small() -> None:
    large = {name for name, path in MODULES.items() if len(path.read_text().splitlines()) > MAX_LINES}
    assert large <= STILL_LARGE, f"over {MAX_LINES} lines: {sorted(large - STILL_LARGE)}"
    assert STILL_LARGE <= large, f"now small enough, take them off STILL_LARGE: {sorted(STILL_LARGE - large)}"


def test_each_module_says_its_job_in_its_first_line() -> None:
    for name, path in MODULES.items():
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc and doc.strip(), f"{name} has no docstring"


def test_the_per_cd_path_needs_only_the_standard_library() -> None:
    stdlib = set(sys.stdlib_module_names) | {"tomli"}  # tomllib before 3.11 (tomlfile.py)
    for name, path in MODULES.items():
        if not name.startswith("autovenv.hook"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                tops = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                tops = [node.module or ""]
            else:
                continue
            for top in tops:
                root = top.split(".")[0]
                assert root in stdlib or root == "autovenv", f"{name} imports {top}"


def readme_layout() -> dict[str, str]:
    """The README's Layout map: each path it names under src/autovenv/ -> its line's text."""
    text = (SRC.parent / "README.md").read_text()
    block = text.split("\n## Layout\n", 1)[1].split("```\n", 2)[1]
    lines = block.splitlines()
    assert lines[0] == "src/autovenv/", lines[0]
    named: dict[str, str] = {}
    folders: list[str] = []  # the folder at each depth, from the indentation
    for line in lines[1:]:
        name, _, words = line.strip().partition(" ")
        depth = (len(line) - len(line.lstrip()) - 2) // 2
        folders[depth:] = [name] if name.endswith("/") else []
        path = "".join(folders[:depth]) + name
        named[path] = words.strip()
    return named


def test_the_readme_names_every_module_and_package_on_a_line_of_its_own() -> None:
    """The Layout section maps the tree one line per package and module, with what it does."""
    named = readme_layout()
    tree = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    tree |= {str(p.parent.relative_to(PACKAGE)) + "/" for p in PACKAGE.rglob("__init__.py")} - {"./"}
    assert sorted(tree - set(named)) == [], "modules the README's Layout does not name"
    assert sorted(set(named) - tree) == [], "the README's Layout names what is not in the tree"
    assert [path for path, words in named.items() if not words] == [], "lines that do not say what"
