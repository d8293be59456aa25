"""Which package may import which (docs/architecture.md): the composition root `app/runtime.py` wires the
processes, so `scheduler/` never imports `webhooks/`, `webhooks/` uses of `scheduler/` only the reminder
planner for its CLI command, and in `bot/` only the composition root and the entry points know either."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = {"bot", "webhooks", "storage", "scheduler", "health", "bench", "docs", "tests", "web"}


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
    assert used <= {("app/cli/reminders.py", "scheduler.planner")}


def test_only_the_composition_root_and_entry_points_of_bot_know_the_processes():
    """`app/runtime.py` builds them (senders lazily), `app/embedded.py` is `make run`, `bot/__main__.py`
    the terminal chat; the core (engine, service, flows, texts) knows neither scheduler/ nor webhooks/."""
    edges = {"app/runtime.py", "app/embedded.py", "bot/__main__.py"}
    offenders = {m: sorted(n for n in names if n.split(".")[0] in {"webhooks", "scheduler"})
                 for m, names in imports("bot").items() if m not in edges}
    assert not {m: n for m, n in offenders.items() if n}


def test_the_composition_root_imports_the_webhooks_only_where_it_builds_them():
    """At import time app/runtime.py pulls in the dispatcher, never an HTTP edge (PTB, twilio, httpx)."""
    tree = ast.parse((ROOT / "bot" / "runtime.py").read_text(encoding="utf-8"))
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    top |= {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in top if m.split(".")[0] == "webhooks"}


def test_the_web_page_knows_neither_the_scheduler_nor_the_channels():
    """The page is an edge beside the webhooks: it calls storage and the conversation core. Its one use of
    webhooks/ is the channel-neutral inbound path, for the simulator (to move below both: issue 18)."""
    used = {(m, n) for m, names in imports("web").items() for n in names
            if n.split(".")[0] in {"webhooks", "scheduler", "telegram", "twilio"}}
    assert used <= {("web/pages/simulator.py", "bot.intake")}


def test_the_top_level_layout_is_fixed():
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")
                and (any(p.glob("*.py")) or p.name in {"docs"})}
    assert packages <= TOP_LEVEL, sorted(packages - TOP_LEVEL)
