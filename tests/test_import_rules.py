"""The package rules of docs/architecture.md, checked on every module's imports (health/ has its own test).

An import only for type hints (under `if TYPE_CHECKING:`) is not a dependency and is allowed, nor is a
script's entry point (`if __name__ == "__main__":`), which is an edge like webhooks/.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (not those under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
             and ("TYPE_CHECKING" in ast.unparse(block.test) or "__main__" in ast.unparse(block.test))
             for stmt in block.body for n in ast.walk(stmt)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def offending(package: str, allowed: callable) -> dict[str, list[str]]:  # type: ignore[valid-type]
    bad = {}
    for path in modules(package):
        wrong = sorted(m for m in runtime_imports(path) if not allowed(m))
        if wrong:
            bad[str(path.relative_to(ROOT))] = wrong
    return bad


def _top(module: str) -> str:
    return module.split(".")[0]


def test_flows_hold_no_sql_and_know_no_channel():
    """Flows are conversations: they call storage/ functions, never SQLAlchemy, Flask, PTB or Twilio."""
    assert offending("bot/flows", lambda m: _top(m) not in {"sqlalchemy", "flask", "telegram", "twilio"}) == {}


def test_bot_knows_no_web_framework_nor_channel_library():
    assert offending("bot", lambda m: _top(m) not in {"flask", "werkzeug", "telegram", "twilio"}) == {}


def test_storage_takes_nothing_from_bot():
    """storage/ is below bot/: the value types it keeps are its own (`storage.values`, re-exported by `bot.messages`)."""
    assert offending("storage", lambda m: _top(m) != "bot") == {}


def test_storage_and_health_know_no_channel():
    above = {"flask", "telegram", "twilio", "app", "webhooks", "web", "sending", "scheduler"}
    for package in ("storage", "health"):
        assert offending(package, lambda m: _top(m) not in above) == {}, package


@pytest.mark.parametrize("source, expected", [
    ("import sqlalchemy\n", {"sqlalchemy"}),
    ("from sqlalchemy.orm import Session\n", {"sqlalchemy.orm"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n", {"typing"}),
    ("def f():\n    from flask import g\n", {"flask"}),  # an import inside a function still runs
    ("if __name__ == '__main__':\n    from bot.config import Settings\n", set()),
])
def test_the_checker_sees_what_runs(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source)
    assert runtime_imports(path) == expected
