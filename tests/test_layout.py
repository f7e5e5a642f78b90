"""The package's layout: imports flow one way, from the data up to the command line (docs/design.md)."""

import ast
from pathlib import Path

import classicnets

PACKAGE = Path(classicnets.__file__).parent
# Each part may import the parts on lower rows, never a higher one; parts on one row do not import each other.
LAYERS = [
    ["errors"],
    ["version", "files", "config", "keras_objects", "progress"],
    ["optimizers"],  # the optimizer a TrainConfig asks for
    ["data", "evaluation"],  # evaluation: numbers and plots, no TensorFlow
    ["models"],
    ["training"],
    ["runs"],
    ["settings"],  # a run's config from what the user gave, the resume rules, config files
    ["use"],
    ["judges"],  # judging each family's runs, comparing runs
    ["experiment"],
    ["serving"],
    ["zoo"],
    ["api"],
    ["cli"],
    ["__main__", ""],  # "": the package's __init__
]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def part_of(module: str) -> str:
    """'classicnets.judges.gan' -> 'judges'; 'classicnets.use.completion' -> 'use'."""
    names = module.split(".")[1:]
    return names[0] if names else ""


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        names = ("classicnets",) + path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(names[:-1] if names[-1] == "__init__" else names)] = path
    return found


def imports(path: Path, known: dict[str, Path], top_level_only: bool = False) -> set[str]:
    """The classicnets modules `path` imports (inside functions too, unless top_level_only)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names} & set(known)
            found |= subs if len(subs) == len(node.names) else subs | {node.module}
    return {name for name in found if name in known}


def test_every_part_has_a_place_in_the_layers():
    assert {part_of(module) for module in modules()} <= set(RANK)


def test_imports_only_flow_from_lower_layers():
    known = modules()
    wrong = []
    for module, path in known.items():
        for target in imports(path, known):
            here, there = part_of(module), part_of(target)
            if here != there and RANK[there] >= RANK[here]:
                wrong.append(f"{module} imports {target} ({here} may not use {there})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    known = modules()
    edges = {module: imports(path, known, top_level_only=True) - {module} for module, path in known.items()}
    state: dict[str, str] = {}

    def visit(module, trail):
        state[module] = "open"
        for target in edges[module]:
            assert state.get(target) != "open", " -> ".join(trail + [module, target])
            if target not in state:
                visit(target, trail + [module])
        state[module] = "done"

    for module in edges:
        if module not in state:
            visit(module, [])
