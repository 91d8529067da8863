"""No module of the Discord front end imports another in a cycle, not even for type checking."""

from __future__ import annotations

import ast

from support.cli import ROOT

PACKAGE = "bot.frontends.discord"
DIRECTORY = ROOT / "bot" / "frontends" / "discord"


def imports_within_package() -> dict[str, set[str]]:
    """Module name -> the package's modules it imports, found anywhere in its source."""
    modules = {path.stem for path in DIRECTORY.glob("*.py")} - {"__init__"}
    graph: dict[str, set[str]] = {}
    for module in modules:
        tree = ast.parse((DIRECTORY / f"{module}.py").read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == PACKAGE:
                    found |= {alias.name for alias in node.names if alias.name in modules}
                elif node.module.startswith(f"{PACKAGE}."):
                    found.add(node.module.removeprefix(f"{PACKAGE}.").split(".")[0])
            elif isinstance(node, ast.Import):
                found |= {
                    alias.name.removeprefix(f"{PACKAGE}.").split(".")[0]
                    for alias in node.names
                    if alias.name.startswith(f"{PACKAGE}.")
                }
        graph[module] = found
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path of modules, or [] if there is none."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for imported in sorted(graph.get(module, ())):
            found = visit(imported, [*path, module])
            if found:
                return found
        done.add(module)
        return []

    for module in sorted(graph):
        found = visit(module, [])
        if found:
            return found
    return []


def test_the_checker_finds_a_cycle() -> None:
    assert cycle({"app": {"commands"}, "commands": {"embeds", "app"}, "embeds": set()}) == [
        "app",
        "commands",
        "app",
    ]


def test_discord_modules_import_each_other_without_a_cycle() -> None:
    graph = imports_within_package()
    assert {"app", "commands", "checks", "errors", "cooldown", "embeds"} <= set(graph)
    assert cycle(graph) == [], " -> ".join(cycle(graph))
