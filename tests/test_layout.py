"""The shape of the code: no import circles, no module too long to read, development tooling fenced
off from the product. Read from the source (every import, including those inside functions), so
the checks need no database and catch an import however late it runs."""

import ast
from pathlib import Path

from django.conf import settings

APP = Path(settings.BASE_DIR) / "commitments"
LONGEST_MODULE = 400


def _modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The app's modules `name` imports: `from x import y` counts as x.y when y is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
    return {module for module in found if module in known and module != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_module_of_the_app_imports_itself_through_a_circle():
    graph = _graph()
    assert "commitments.parliament.recheck" in graph and graph["commitments.tasks"]  # the graph is read
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_outside_migrations_is_longer_than_a_reader_can_hold():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: lines for name, lines in lengths.items() if lines > LONGEST_MODULE} == {}


def _folder(module: str) -> str:
    """The top-level folder (or module) of the app a module belongs to: commitments.models.plan is
    models, commitments.sources is sources."""
    return module.split(".")[1] if module.count(".") else module


def test_no_two_folders_of_the_app_import_each_other():
    """Imports go one way between folders (docs/development.md, "Where code goes"): the core below
    the features, the features below the surfaces."""
    edges = {
        (_folder(name), _folder(target))
        for name, targets in _graph().items()
        for target in targets
        if name.count(".") and target.count(".") and _folder(name) != _folder(target)
    }
    assert ("admin", "models") in edges  # the graph is read
    assert sorted((a, b) for a, b in edges if (b, a) in edges and a < b) == []


def test_the_core_imports_no_feature_and_no_surface():
    core = {"models", "text", "exceptions", "sources"}
    reached = {
        (_folder(name), _folder(target))
        for name, targets in _graph().items()
        for target in targets
        if name.count(".") and _folder(name) in core
    }
    assert {(a, b) for a, b in reached if b not in core and b != a} == set()


def test_production_code_never_imports_the_development_tooling():
    tooling = ("commitments.devtools",)
    leaks = {
        name: sorted(target for target in targets if target.startswith("commitments.devtools"))
        for name, targets in _graph().items()
        if not name.startswith(tooling)
    }
    assert {name: targets for name, targets in leaks.items() if targets} == {}


def test_every_module_of_the_app_imports():
    """A module nobody imports at start-up (a benchmark helper, a rarely run command) still loads."""
    import importlib

    for name in sorted(_modules()):
        importlib.import_module(name)


def test_what_the_migrations_import_imports_nothing_of_the_app():
    """Migrations run against historical models: the constants they take (roles, schedules) must
    come from leaves, never pulling in live models, the admin or the tasks as they stand today."""
    known = set(_modules())
    graph = _graph()
    taken = set()
    for path in (APP / "migrations").glob("0*.py"):
        taken |= _imports("commitments.migrations." + path.stem, path, known)
    taken.discard("commitments.models")  # a field default makemigrations wrote as a dotted path
    assert taken >= {"commitments.ops.roles", "commitments.ops.schedules"}
    # Importing a module runs its packages' __init__ first: those must be leaves too.
    loaded = {".".join(name.split(".")[:depth]) for name in taken for depth in range(1, name.count(".") + 2)}
    assert {name: graph[name] for name in loaded} == {name: set() for name in loaded}


SETTINGS = Path(settings.BASE_DIR) / "tracker" / "settings"
TEST_ONLY_VARIABLES = {"RECHECK_USE_LOCK"}


def _variables_read(path: Path) -> list[str]:
    """The environment variables a settings module reads: env.<type>("NAME", ...) calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(node.args[0].value)
    return found


def test_each_variable_is_read_once_and_test_switches_never_in_production():
    production = [*_variables_read(SETTINGS / "base.py"), *_variables_read(SETTINGS / "production.py")]
    development = [*_variables_read(SETTINGS / "base.py"), *_variables_read(SETTINGS / "development.py")]
    for mode in (production, development):
        assert sorted(name for name in set(mode) if mode.count(name) > 1) == []
    assert TEST_ONLY_VARIABLES.isdisjoint(production) and TEST_ONLY_VARIABLES.isdisjoint(development)
    assert set(_variables_read(SETTINGS / "test.py")) >= TEST_ONLY_VARIABLES
    documented = (Path(settings.BASE_DIR) / ".env.example").read_text(encoding="utf-8")
    assert [name for name in set(production) if f"{name}=" not in documented] == []


def test_production_settings_do_not_install_the_development_tools():
    from tracker.settings import base, development, production, test

    assert "commitments.devtools" not in production.INSTALLED_APPS
    assert "commitments.devtools" not in base.INSTALLED_APPS
    assert "commitments.devtools" in development.INSTALLED_APPS
    assert "commitments.devtools" in test.INSTALLED_APPS


REPEATED_LINES = 6


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """A module's lines that say something: not blank, not a comment, not an import, not a lone
    closing bracket (so two modules importing the same names, or closing a call, are not a repeat)."""
    source = path.read_text(encoding="utf-8")
    imports = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        text = line.strip()
        if text and number not in imports and not text.startswith("#") and text.strip(")]},") != "":
            lines.append((number, text))
    return lines


def _repeated_blocks(modules: dict[str, Path], size: int = REPEATED_LINES) -> dict[tuple, set]:
    places: dict[tuple, set] = {}
    for name, path in modules.items():
        lines = _code_lines(path)
        for start in range(len(lines) - size + 1):
            block = tuple(text for _, text in lines[start : start + size])
            places.setdefault(block, set()).add((name, lines[start][0]))
    return {block: where for block, where in places.items() if len({name for name, _ in where}) > 1}


def test_no_block_of_six_lines_is_repeated_across_modules():
    """Migrations aside (_modules leaves them out): a rule written twice drifts apart."""
    repeated = _repeated_blocks(_modules())
    assert sorted(sorted(where) for where in repeated.values()) == []


def test_the_repeat_check_finds_a_copied_block(tmp_path):
    body = "\n".join(f"value_{n} = compute({n})" for n in range(REPEATED_LINES)) + "\n"
    (tmp_path / "a.py").write_text(body)
    (tmp_path / "b.py").write_text("import os\n\n" + body)
    assert len(_repeated_blocks({"a": tmp_path / "a.py", "b": tmp_path / "b.py"})) == 1
