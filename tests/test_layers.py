"""The layers (docs/architecture.md, "Layout"): one table says which package may import which, checked for every
module of every package, and no two modules import each other round a circle.

Every `import` counts: at the top of a module, inside a function, and under `if TYPE_CHECKING:` (no exemption).
Imports made by name at run time (`importlib.import_module`, `__import__`: the text catalogue, the flow registry
and the CLI's command groups) are not seen. A package's `__main__.py` is an entry-point shim and may import the
composition root (`python -m bot chat` runs `app.chat`).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = {"app", "bot", "webhooks", "web", "sending", "scheduler", "storage", "health", "bench", "docs", "tests"}
EDGES = {"webhooks", "web", "sending", "scheduler"}

# package -> the packages of ours it may import (besides itself). `app/` is the composition root: nothing imports
# it. The edges sit side by side under it and never import each other; the core, storage and health below them.
MAY_IMPORT: dict[str, set[str]] = {
    "app": EDGES | {"bot", "storage", "health"},
    "webhooks": {"bot", "storage", "health"},
    "web": {"bot", "storage", "health"},
    "sending": {"bot", "storage", "health"},
    "scheduler": {"bot", "storage", "health"},
    "bot": {"storage", "health"},
    "storage": {"health"},
    "health": set(),
    "bench": TOP_LEVEL - {"docs", "bench"},  # tools and tests drive the whole thing (bench reuses the fakes)
    "tests": TOP_LEVEL - {"docs", "tests"},
}
OURS = set(MAY_IMPORT)
PACKAGES = sorted(p for p in OURS if p not in {"bench", "tests"})

# The providers' SDKs: only the send path (clients) and the channel endpoints (parsing and verifying) know them.
PROVIDER_SDKS = {"telegram", "twilio", "httpx"}
SDK_USERS = {"sending", "webhooks", "bench", "tests"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(packages: list[str] | set[str]) -> dict[str, Path]:
    return {module_name(p): p for package in packages for p in (ROOT / package).rglob("*.py")}


@lru_cache(maxsize=None)
def imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, wherever it stands; `from a import b` gives `a.b`."""
    found: list[tuple[int, str]] = []
    own = module_name(path).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours a dotted name is (or is in): `bot.messages.Channel` -> `bot.messages`."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_every_package_imports_only_what_the_table_allows():
    wrong = []
    for package in sorted(OURS):
        for module, path in modules([package]).items():
            for line, name in imported(path):
                target = name.split(".")[0]
                if target not in OURS or target == package or target in MAY_IMPORT[package]:
                    continue
                if path.name == "__main__.py" and target == "app":
                    continue  # an entry-point shim
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_round_a_circle():
    known = modules(PACKAGES)
    graph = {m: {t for _, n in imported(p) if (t := resolve(n, known)) and t != m} for m, p in known.items()}
    circles = strongly_connected(graph)
    assert not circles, "\n".join(" <-> ".join(sorted(c)) for c in circles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: the groups of more than one module that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(group)
    return found


def test_the_circle_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_only_the_engine_knows_the_flows():
    """The conversations are the engine's: outside `bot/flows/` only the engine's registry imports them, and the
    step's contract (`bot.flows.base`: the context, a turn) is used by the engine and the step (`bot.service`).
    Renderers the chat shares with the clock, the page or the CLI live in `bot/` beside the flows."""
    allowed = {("bot.engine", "bot.flows"), ("bot.engine", "bot.flows.base"), ("bot.service", "bot.flows.base")}
    known = modules(PACKAGES)
    used = {(m, t) for m, p in known.items() if not m.startswith("bot.flows")
            for _, n in imported(p) if (t := resolve(n, known)) and t.startswith("bot.flows")}
    assert used <= allowed, sorted(used - allowed)


def test_only_the_send_path_and_the_endpoints_know_the_providers_sdks():
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {name}"
             for package in sorted(OURS - SDK_USERS) for path in modules([package]).values()
             for line, name in imported(path) if name.split(".")[0] in PROVIDER_SDKS]
    assert not wrong, "\n".join(wrong)


def test_the_composition_root_loads_a_provider_client_only_where_it_builds_one():
    """At import time app/runtime.py pulls in the dispatcher, never a provider's client (PTB, twilio, httpx)."""
    tree = ast.parse((ROOT / "app" / "runtime.py").read_text(encoding="utf-8"))
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    top |= {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    clients = {"sending.telegram_client", "sending.whatsapp_sender", "sending.sms_sender", "sending.satusehat_client"}
    assert not top & clients and not {m for m in top if m.split(".")[0] == "webhooks"}


def test_the_top_level_layout_is_fixed():
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")
                and (any(p.glob("*.py")) or p.name in {"docs"})}
    assert packages <= TOP_LEVEL, sorted(packages - TOP_LEVEL)
    assert set(MAY_IMPORT) | {"docs"} == TOP_LEVEL
