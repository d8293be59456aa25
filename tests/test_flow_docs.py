"""Every flow module points to its golden transcript instead of copying a chat that drifts (issue 8)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_flow_module_names_an_existing_transcript_and_copies_no_chat():
    checked = 0
    for path in sorted((ROOT / "bot" / "flows").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "FLOWS" for t in n.targets)
                   for n in tree.body):
            continue
        doc = ast.get_docstring(tree) or ""
        named = re.findall(r"tests/transcripts/([a-z_]+\.txt)", doc)
        assert named, f"{path.name}: its docstring names no transcript"
        assert all((ROOT / "tests" / "transcripts" / name).exists() for name in named), path.name
        assert not re.search(r"^\s*> ", doc, re.M), f"{path.name}: a chat copied into the docstring"
        checked += 1
    assert checked >= 14  # the flow modules of today (lapor, rekap, kunjungan, ...)
