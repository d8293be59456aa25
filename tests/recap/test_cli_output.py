"""Issue 16: every operator command that writes a file says clearly when it cannot (a missing folder, a folder
given as the file) and exits 1, never with a Python traceback."""
from __future__ import annotations

from datetime import date

import pytest

from tests.recap.test_recap_cli_job import arrange

COMMANDS = [
    ["recap", "--month", "2026-11", "--format", "csv", "-o", "{out}"],
    ["recap", "--month", "2026-11", "--format", "text", "-o", "{out}"],
    ["recap", "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "xlsx", "-o", "{out}"],
    ["chart", "--posyandu", "MAWAR7", "--name", "Aisyah Putri", "-o", "{out}"],
    ["satusehat", "export", "--month", "2026-11", "-o", "{out}"],
    ["measurements", "export", "--format", "csv", "-o", "{out}"],
    ["measurements", "export", "--format", "xlsx", "-o", "{out}"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]) + " " + a[a.index("-o") - 1])
def test_a_missing_folder_is_said_clearly(app, demo, session, tmp_path, args):
    arrange(session)
    out = tmp_path / "no-such-folder" / "file.out"
    result = app.test_cli_runner().invoke(args=[a.format(out=out) for a in args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception
    assert "Traceback" not in result.output
    assert "does not exist" in result.stderr and str(tmp_path / "no-such-folder") in result.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_a_folder_given_as_the_file_is_said_clearly(app, demo, session, tmp_path):
    arrange(session)
    result = app.test_cli_runner().invoke(args=["chart", "--posyandu", "MAWAR7", "--name", "Aisyah Putri",
                                                "-o", str(tmp_path)])
    assert result.exit_code == 1 and "is a folder" in result.stderr
