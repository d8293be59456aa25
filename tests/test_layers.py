"""Which package may import which (docs/architecture.md): the composition root `runtime/` wires the
processes, so `scheduler/` never imports `webhooks/`, and `webhooks/` uses of `scheduler/` only the
reminder planner for its CLI command."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(package: str) -> dict[str, set[str]]:
    """Module path -> every module it imports (top-level or inside functions)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_scheduler_never_imports_the_webhooks():
    offenders = {m: sorted(n for n in names if n.split(".")[0] == "webhooks")
                 for m, names in imports("scheduler").items()}
    assert not {m: n for m, n in offenders.items() if n}


def test_the_webhooks_use_of_the_scheduler_is_the_planners_cli_only():
    used = {(m, n) for m, names in imports("webhooks").items() for n in names if n.split(".")[0] == "scheduler"}
    assert used <= {("webhooks/commands/reminders.py", "scheduler.planner")}

