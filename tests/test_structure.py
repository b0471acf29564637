"""The shape of the code: thin notebooks, no import circle, no private imports across
modules, and the constants and helpers that used to be written twice written once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from evaluation.cli import default_notebooks

PACKAGE = Path(__file__).resolve().parents[1] / "evaluation"
NOTEBOOKS = default_notebooks()
#: Expressions a thin cell may assign or show: a call, a name, an attribute, an item of
#: either, or a literal container of those (the metrics dict a page publishes).
_VALUE = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Constant)


# --------------------------------------------------------------------------- notebooks


def _thin_value(node: ast.AST) -> bool:
    if isinstance(node, _VALUE):
        return True
    if isinstance(node, ast.Dict):
        return all(k is None or _thin_value(k) for k in node.keys) and all(_thin_value(v) for v in node.values)
    return False


def cell_problems(source: str) -> list[str]:
    """Why a notebook code cell is not thin (empty when it is): a cell of more than three
    lines holds only imports, calls, displays and names bound to a call's result; no cell
    holds control flow, definitions or formatting of its own."""
    tree = ast.parse(source)
    problems = []
    long_cell = len([line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]) > 3
    for stmt in tree.body:
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef,
                             ast.AsyncFunctionDef, ast.Lambda)):
            problems.append(f"line {stmt.lineno}: {type(stmt).__name__.lower()} belongs in the package")
        elif any(isinstance(n, ast.JoinedStr) and len(n.values) > 1 for n in ast.walk(stmt)) and long_cell:
            problems.append(f"line {stmt.lineno}: text is formatted in the cell")
        elif long_cell and not (isinstance(stmt, (ast.Import, ast.ImportFrom))
                                or (isinstance(stmt, ast.Expr) and _thin_value(stmt.value))
                                or (isinstance(stmt, ast.Assign) and _thin_value(stmt.value))):
            problems.append(f"line {stmt.lineno}: {ast.unparse(stmt)[:60]!r} is not a call, an import or a display")
    return problems


def test_the_cell_rule_catches_logic_in_cells():
    assert cell_problems("page = setup(region=region)\nsummary = page.summary()\nsummary") == []
    assert cell_problems("x = f(a)\ny = g(x)\nh(y)\nshow(x, y)") == []
    assert cell_problems("if x:\n    show(x)")
    assert cell_problems("a = f()\nb = g()\nc = a + b\nshow(c)")
    assert cell_problems('a = f()\nb = g()\nc = h()\nprint(f"{a} and {b}: {c}")')
    assert cell_problems("for o in outcomes:\n    show(o)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_cells_are_one_call_each_plus_prose(path):
    nb = nbformat.read(path, as_version=4)
    found = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        problems = cell_problems(cell.source)
        if problems:
            found[f"cell {i} ({cell.get('id')})"] = problems
    assert found == {}


def test_notebooks_index_no_result_by_string_keys():
    """Results are objects with attributes; ``x["effects"]["income"]["aipw"]`` chains are gone."""
    chain = re.compile(r"\[[\"'][a-z_]+[\"']\]\s*\[[\"'][a-z_]+[\"']\]")
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert not chain.search(cell.source), f"{path.name}: {cell.source}"


# --------------------------------------------------------------------------- imports


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        if "_resources" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str, path: Path, top_level_only: bool):
    """(module imported, names imported from it, line) of every import of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    is_package = path.name == "__init__.py"
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node, is_package)
            yield target, [a.name for a in node.names], node.lineno


def _graph() -> dict[str, set[str]]:
    graph = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for target, names, _ in _imports(name, path, top_level_only=True):
            if target in MODULES and target != name:
                graph[name].add(target)
            for n in names:  # ``from . import within`` imports the submodule
                if f"{target}.{n}" in MODULES:
                    graph[name].add(f"{target}.{n}")
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_the_cycle_check_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}})
    assert not _cycles({"a": {"b"}, "b": {"c"}, "c": set()})


def test_no_import_circle_between_modules():
    graph = _graph()
    # edges into a package's __init__ from its own submodules are what every package has;
    # drop them, then any remaining circle is real
    pruned = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}
    assert "evaluation.impact.within" in graph["evaluation.impact.regional"]  # the graph sees real imports
    assert _cycles(pruned) == []
    # the circle this project once had (config -> reference -> config) would be found
    planted = {**pruned, "evaluation.config": pruned["evaluation.config"] | {"evaluation.data.regions"}}
    assert _cycles(planted)


def test_no_private_name_is_imported_from_another_module():
    """``from x import _name`` couples to internals; a private *submodule* of one's own
    package (``from . import _within``) is fine."""
    found = []
    for name, path in MODULES.items():
        for target, names, line in _imports(name, path, top_level_only=False):
            for n in names:
                if not n.startswith("_") or n == "__version__":
                    continue
                submodule = f"{target}.{n}"
                own_package = submodule in MODULES and name.startswith(target)
                if not own_package:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {n} from {target}")
    assert found == []


# --------------------------------------------------------------------------- written once


def _package_source() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in MODULES.values()}


@pytest.mark.parametrize("pattern, home, what", [
    (r"^\s*_?Z975\s*=", "formatting.py", "the normal quantile"),
    (r"\b1\.96\b", None, "a hard-coded normal quantile"),
    (r"^\s*STAGES\s*=", "data/schema.py", "the list of stages"),
    (r"[\[(]\"tumbuh\", \"berkembang\", \"mandiri\"[\])]", "data/schema.py", "the list of stages"),
    (r"^\s*NATIONAL\s*=", "data/regions.py", "the national region code"),
    (r"(?<![\w`])\"ID\"(?!\))", "data/regions.py", "the national region code as a literal"),
    (r"^\s*DATA_SUFFIXES\s*=|\(\"\.csv\", \"\.parquet\"", "hashing.py", "the data file suffixes"),
    (r"hashlib\.sha256\(", "hashing.py", "a data hasher"),
    (r"^def data_key\(|^def data_hashes\(|^def file_digest\(", "hashing.py", "a data hasher"),
    (r"^(LABELS|LABELS_ID|WORDS)\s*=", None, "a label table outside the catalogue"),
])
def test_written_once(pattern, home, what):
    regex = re.compile(pattern, re.M)
    where = []
    for path, text in _package_source().items():
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", '"""', "*", ":")))
        if regex.search(code):
            where.append(str(path.relative_to(PACKAGE)))
    allowed = [] if home is None else [home]
    assert sorted(set(where) - set(allowed)) == [], f"{what} is written in {where}"
