"""The dependencies point one way: editorial ← publications ← options, documents ← search ←
interchange, operations, api, pages ← the site. Every import in the code, at module level or
inside a function, is checked; an arrow that points back fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Package → its layer; a module may import its own package and lower layers only.
LAYERS = {
    "policyhub.editorial": 0,
    "publications": 1,
    "options": 2,
    "policyhub.documents": 2,
    "policyhub.search": 3,
    "policyhub.interchange": 4,
    "policyhub.api": 4,
    "policyhub.operations": 4,
    "policyhub.pages": 4,
    "policyhub": 5,
}


def package_of(module):
    """The most specific package of LAYERS that ``module`` belongs to, or None."""
    matches = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(matches, key=len, default=None)


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path, module):
    """Absolute names of every module ``path`` (the module ``module``) imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module
            yield name
            yield from (f"{name}.{alias.name}" for alias in node.names)


def source_files():
    for top in ("policyhub", "publications", "options"):
        yield from (ROOT / top).rglob("*.py")


def backward_imports(root=ROOT, paths=None):
    found = []
    for path in paths or source_files():
        module = module_name(path, root)
        own = package_of(module)
        for name in imports(path, module):
            target = package_of(name)
            if target is None or target == own:
                continue
            if LAYERS[target] >= LAYERS[own]:
                found.append(f"{path.relative_to(root)} imports {name}")
    return sorted(set(found))


def test_every_import_points_down_the_stack():
    assert backward_imports() == []


@pytest.mark.parametrize(
    "name, package",
    [
        ("policyhub.editorial.models", "policyhub.editorial"),
        ("policyhub.search", "policyhub.search"),
        ("policyhub.urls", "policyhub"),
        ("publications.models", "publications"),
        ("django.db", None),
    ],
)
def test_modules_are_placed_in_their_package(name, package):
    assert package_of(name) == package


def test_the_check_sees_a_backward_import(tmp_path):
    probe = tmp_path / "policyhub" / "editorial" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from publications.models import Publication\n")
    relative = tmp_path / "options" / "probe.py"
    relative.parent.mkdir()
    relative.write_text("from policyhub.search import engine\n")

    assert backward_imports(tmp_path, [probe, relative]) == [
        "options/probe.py imports policyhub.search",
        "options/probe.py imports policyhub.search.engine",
        "policyhub/editorial/probe.py imports publications.models",
        "policyhub/editorial/probe.py imports publications.models.Publication",
    ]
