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


# -- One application layer (issue 18): flows ask storage/ functions named for the question, through the session
# they are handed; they never import the models, use the session themselves or change a row's attribute.

# issue 18: the /lapor helper rebuilds these modules (and takes the ORM out of them); remove each name when
# that branch lands. Every other module of bot/flows/ is held to the three rules below. (reporting_measure.py
# writes no row: it adds to its own parse result, `named.unknown += ...`; a frozen value would keep the rule.)
ORM_EXEMPT = frozenset({"reporting_measure.py", "reporting_member.py", "reporting_notices.py",
                        "reporting_visit.py"})


def _flow_trees() -> list[tuple[str, ast.Module]]:
    return [(path.name, ast.parse(path.read_text(encoding="utf-8"))) for path in modules("bot/flows")
            if path.name not in ORM_EXEMPT]


def imports_of_models(tree: ast.Module) -> list[int]:
    """Lines importing `storage.models` in any form (also under `if TYPE_CHECKING:`: storage.records has the
    read-only shapes for hints)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [node.lineno for a in node.names
                      if a.name == "storage.models" or a.name.startswith("storage.models.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "storage.models" or node.module.startswith("storage.models.") or \
                    (node.module == "storage" and any(a.name == "models" for a in node.names)):
                found.append(node.lineno)
    return found


def session_uses(tree: ast.Module) -> list[int]:
    """Lines where `ctx.session` is anything but an argument of a call (`ctx.session.get(...)`, `s = ctx.session`)."""
    as_argument = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                   for arg in [*node.args, *(k.value for k in node.keywords)]}
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "session" and isinstance(node.value, ast.Name)
            and node.value.id == "ctx" and id(node) not in as_argument]


def attribute_writes(tree: ast.Module) -> list[int]:
    """Lines setting or deleting an attribute of anything but `self` (`member.nik = ...`, `a.x, b.y = ...`,
    `for row.x in ...`, `setattr(row, ...)`): a row changes through a storage function named for the change."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)) and \
                not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("rule", [imports_of_models, session_uses, attribute_writes])
def test_flows_use_storage_functions_only(rule):
    """No flow imports `storage.models`, uses `ctx.session` but as an argument, or writes a row's attribute."""
    assert {name: rule(tree) for name, tree in _flow_trees() if rule(tree)} == {}


def test_the_orm_exemptions_are_still_needed():
    """An exempted module that keeps the rules already is taken off the list (it is the /lapor helper's)."""
    for name in ORM_EXEMPT:
        path = ROOT / "bot/flows" / name
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert any(rule(tree) for rule in (imports_of_models, session_uses, attribute_writes)), name


@pytest.mark.parametrize("source, rule, lines", [
    ("from storage.models import Member\n", imports_of_models, [1]),
    ("from storage import models\n", imports_of_models, [1]),
    ("import storage.models as m\n", imports_of_models, [1]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from storage.models import Member\n",
     imports_of_models, [3]),
    ("from storage.records import MemberRecord\n", imports_of_models, []),
    ("m = ctx.session.get(Member, 1)\n", session_uses, [1]),
    ("ctx.session.flush()\n", session_uses, [1]),
    ("s = ctx.session\n", session_uses, [1]),
    ("m = member_by_id(ctx.session, 1)\nf(session=ctx.session)\ng(lambda: h(ctx.session))\n", session_uses, []),
    ("member.nik = '1'\n", attribute_writes, [1]),
    ("ctx.contact.language = 'en'\n", attribute_writes, [1]),
    ("p.a, p.b = 1, 2\n", attribute_writes, [1, 1]),
    ("p.count += 1\n", attribute_writes, [1]),
    ("setattr(p, 'a', 1)\n", attribute_writes, [1]),
    ("self.cache = {}\nx = p.a\ndata['k'] = 1\n", attribute_writes, []),
])
def test_the_flow_checks_see_what_they_forbid(source, rule, lines):
    assert rule(ast.parse(source)) == lines
