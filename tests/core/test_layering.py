"""Core knows no domain: no module under luzhi/core imports a domain app, and core has no import cycle.

Every import counts, also one inside a function or under TYPE_CHECKING: a lazy import is still a
dependency. Core reaches domain code only through settings (LUZHI_ACTING_COMMITTEE, LUZHI_JOB_MODULES,
LUZHI_DOMAIN_APPS via core.registry) and strings Django resolves (AUTH_USER_MODEL, "org.Committee").
"""

import ast
from pathlib import Path

LUZHI = Path(__file__).resolve().parents[2] / "luzhi"
DOMAIN_APPS = {
    "accounts",
    "activities",
    "dashboard",
    "ledger",
    "notifications",
    "opinions",
    "org",
    "participation",
    "proposals",
    "research",
    "scoring",
}
# (module, imported) pairs core may keep, each with its reason. None today.
ALLOWED: dict[tuple[str, str], str] = {}
# Import edges allowed to close a cycle, each with its reason.
CYCLE_EDGES: dict[tuple[str, str], str] = {
    # luzhi.celery is the worker's entry point: its one task calls jobs.call; jobs.run, with Celery on,
    # queues that task (imported when first queued, so the web process configures the broker only then).
    ("luzhi.core.jobs", "luzhi.celery"): "the queue of the worker entry point",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(LUZHI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            # `from luzhi.core import jobs` imports the module luzhi.core.jobs
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "luzhi" or name.startswith("luzhi.")}


def _core_modules() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted((LUZHI / "core").rglob("*.py"))}


def test_core_imports_no_domain_app():
    found = [
        f"{module} imports {name}"
        for module, names in _core_modules().items()
        for name in sorted(names)
        if name.split(".")[1] in DOMAIN_APPS and (module, name) not in ALLOWED
    ]
    assert found == []


def test_the_layering_test_sees_a_domain_import(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from luzhi.scoring import rules\n", encoding="utf-8")
    assert "luzhi.scoring" in _imports(module)


def test_core_has_no_import_cycle():
    graph = _core_modules()
    graph["luzhi.celery"] = _imports(LUZHI / "celery.py")
    modules = set(graph)
    edges = {
        module: {name for name in names if name in modules and (module, name) not in CYCLE_EDGES}
        for module, names in graph.items()
    }
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges[module]):
            if target in path:
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif len(path) < 12:
                visit(target, [*path, target])

    for module in sorted(modules):
        visit(module, [module])
    assert cycles == []
