"""The floors of docs/architecture.md, read from the import graph of src/ (ast, no import runs).

Every `import` and `from … import` of a module of fgf_opendata is an edge, at module level or
inside a function, TYPE_CHECKING blocks included (a type is a dependency too). The rules:

- no import cycle between modules;
- no import runs up a floor (ground < parsing and checks < outputs < orchestration);
- no module imports another module's private (`_name`) names;
- no module imports the package root (its lazy export table reaches every floor): a name is
  read from the module that states it (`publication.VERSION`, not `__version__`);
- no `importlib.import_module` or `__import__` outside the package root's lazy export table.

`KNOWN` lists the edges that still break a rule, each with the work that removes it; a new
breach fails, and so does a known one that is gone (take it off the list).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = "fgf_opendata"

FLOORS: dict[str, int] = {
    # the ground
    "model": 0,
    "errors": 0,
    "findings": 0,
    "agencies": 0,
    "publication": 0,
    "memory": 0,
    "forked": 0,
    "textio": 0,
    "jsonload": 0,
    "files": 0,
    "fileset": 0,
    "serialize": 0,
    "caching": 0,
    # text -> Plan, and the findings on a Plan
    "parsing": 1,
    "checks": 1,
    # the outputs, each a pure function of the model
    "tabular": 2,
    "linked": 2,
    "site": 2,
    "package_docs": 2,
    # orchestration and the command line (and the tools built on them)
    "build": 3,
    "corpus": 3,
    "diff": 3,
    "schemas": 3,
    "synth": 3,
    "cli": 3,
    "__main__": 3,
    "": 3,  # the package root: its lazy export table reaches every floor
}
"""First part of a module's name below fgf_opendata -> its floor; docs/architecture.md draws
the same table."""

NAMES = ("ground", "parsing and checks", "outputs", "orchestration")

KNOWN: dict[tuple[str, str], str] = {}
"""Edges that break a rule today, and the work that removes each."""


def _modules() -> dict[str, Path]:
    """Dotted name below fgf_opendata ("" for the root, "tabular" for its __init__) -> file."""
    found: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC / PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _package_of(name: str) -> str:
    """The package a module's relative imports start from."""
    is_package = MODULES[name].name == "__init__.py"
    return name if is_package else name.rpartition(".")[0]


def _resolve(name: str, node: ast.ImportFrom | ast.Import) -> Iterator[tuple[str, list[str]]]:
    """(imported module, names taken from it) for each module of ours `node` imports."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                yield alias.name.removeprefix(PACKAGE).lstrip("."), []
        return
    if node.level:
        base = _package_of(name).split(".") if _package_of(name) else []
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
    elif node.module == PACKAGE or (node.module or "").startswith(PACKAGE + "."):
        target = (node.module or "").removeprefix(PACKAGE).lstrip(".")
    else:
        return
    taken: list[str] = []
    for alias in node.names:
        submodule = f"{target}.{alias.name}".lstrip(".")
        if submodule in MODULES:  # `from .tabular import gates`: the submodule itself
            yield submodule, []
        else:
            taken.append(alias.name)
    if taken:
        yield target, taken


def _edges() -> Iterator[tuple[str, str, list[str], int]]:
    """(importer, imported, names, line) for every import of one of our modules."""
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target, names in _resolve(name, node):
                    if target != name:
                        yield name, target, names, node.lineno


EDGES = list(_edges())


def _floor(name: str) -> int:
    top = name.split(".")[0]
    assert top in FLOORS, f"{PACKAGE}.{name} has no floor: add it to FLOORS and the docs"
    return FLOORS[top]


def _owner(name: str) -> str:
    """The unit a floor rule is about: the sub-package, or the module at the top level."""
    return name.split(".")[0]


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for source, target, _names, _line in EDGES:
        if target in graph:
            graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _breaches() -> dict[tuple[str, str], str]:
    """Every edge that breaks a rule, with what it breaks."""
    found: dict[tuple[str, str], str] = {}
    for source, target, names, line in EDGES:
        where = f"{MODULES[source].relative_to(ROOT)}:{line}"
        if _owner(source) != _owner(target) and _floor(target) > _floor(source):
            found[source, target] = (
                f"{where}: {source} ({NAMES[_floor(source)]}) imports {target} "
                f"({NAMES[_floor(target)]}), a floor above"
            )
        if target == "":
            found[source, target] = f"{where}: {source} imports the package root"
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private:
            found[source, target] = f"{where}: {source} imports private {private} of {target}"
    for component in _cycles():
        for source, target, _names, line in EDGES:
            if source in component and target in component:
                where = f"{MODULES[source].relative_to(ROOT)}:{line}"
                found.setdefault((source, target), f"{where}: cycle {' -> '.join(component)}")
    return found


def test_every_module_has_a_floor() -> None:
    missing = sorted({name.split(".")[0] for name in MODULES} - set(FLOORS))
    assert not missing, f"modules without a floor (add them to FLOORS and the docs): {missing}"


def test_no_cycle_no_upward_import_no_private_import() -> None:
    breaches = _breaches()
    new = [message for edge, message in sorted(breaches.items()) if edge not in KNOWN]
    assert not new, "imports that break the floors:\n" + "\n".join(new)


def test_the_known_breaches_are_still_there() -> None:
    gone = sorted(set(KNOWN) - set(_breaches()))
    assert not gone, f"fixed, so take them off KNOWN (and the docs): {gone}"


KNOWN_INDIRECTION = {"build": "build loads rdf by name: the linked half of issue 15"}


def test_no_importlib_indirection() -> None:
    found = []
    for name, path in MODULES.items():
        if name == "" or name in KNOWN_INDIRECTION:
            continue  # the root's lazy export table is the one place for it
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            text = ast.unparse(called) if called is not None else ""
            if text.endswith("import_module") or text == "__import__":
                found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}: {text}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([("a", "b"), ("b", "a")], [["a", "b"]]),
        ([("a", "b"), ("b", "c")], []),
    ],
)
def test_the_cycle_finder_finds_cycles(
    monkeypatch: pytest.MonkeyPatch, edges: list[tuple[str, str]], expected: list[list[str]]
) -> None:
    monkeypatch.setattr("test_architecture.MODULES", {name: Path(name) for name in ("a", "b", "c")})
    monkeypatch.setattr("test_architecture.EDGES", [(s, t, [], 1) for s, t in edges])
    assert _cycles() == expected
