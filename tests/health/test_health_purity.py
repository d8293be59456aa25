"""`health` stays pure: stdlib-only imports and no wall-clock reads."""

import ast
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "health"
SOURCES = sorted(p for p in PKG.rglob("*.py") if p.name != "make_tables.py")
CLOCK = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"),
         ("datetime", "today"), ("time", "time"), ("time", "monotonic")}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_only_stdlib_and_relative_imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside health
                continue
            names = [(node.module or "").split(".")[0]]
        else:
            continue
        for name in names:
            assert name in sys.stdlib_module_names, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_clock_reads(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            pair = (node.value.id, node.attr)
            assert pair not in CLOCK, f"{path.name}: {'.'.join(pair)}"


def test_sources_found():
    assert len(SOURCES) >= 10
