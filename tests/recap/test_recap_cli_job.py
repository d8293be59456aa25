"""The operator commands (recap, sasaran, chart) and the automatic recap to the bidan, once."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from scheduler.recap_job import recap_month_due, send_monthly_recaps
from storage.media import attachments_for
from storage.models import OutboxMessage, PosyanduSession
from tests.reporting.helpers import member, past_visit, posyandu


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def arrange(session) -> None:  # type: ignore[no-untyped-def]
    aisyah, rizky = member(session, "Aisyah Putri"), member(session, "Muhammad Rizky")
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=7.9, height_cm=69.0)
    past_visit(session, aisyah, date(2026, 11, 20), weight_kg=8.4, height_cm=71.0, waz=-0.5)
    past_visit(session, rizky, date(2026, 10, 20), weight_kg=11.0)
    past_visit(session, rizky, date(2026, 11, 20), weight_kg=10.9, waz=-1.1)


def test_recap_csv_has_one_row_per_posyandu_with_skdn_and_ratios(app, demo, session):
    arrange(session)
    result = run(app, "recap", "--month", "2026-11", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["Kode posyandu"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {"MAWAR7", "MELATI3", "KENANGA1"}
    mawar = rows["MAWAR7"]
    assert [mawar[k] for k in ("Bulan", "S", "K", "D", "N", "T", "O", "B", "2T", "BGM")] == \
        ["2026-11", "2", "2", "2", "1", "1", "0", "0", "0", "0"]
    assert mawar["N/D"] == "50.0" and mawar["Sumber S"] == "balita terdaftar"
    assert rows["KENANGA1"]["D"] == "0" and rows["KENANGA1"]["N/D"] == ""


def test_sasaran_becomes_s(app, demo, session):
    arrange(session)
    assert run(app, "sasaran", "--posyandu", "mawar7", "--year", "2026", "--balita", "4").exit_code == 0
    result = run(app, "recap", "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["S"], row["Sumber S"], row["D/S"]) == ("4", "sasaran", "50.0")
    text = run(app, "recap", "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "text").stdout
    assert "S 4 · K 2 · D 2" in text and "sasaran yang ditetapkan" in text


def test_recap_xlsx_and_bad_input(app, demo, session, tmp_path):
    arrange(session)
    out = tmp_path / "rekap.xlsx"
    result = run(app, "recap", "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert load_workbook(out)["Balita (e-PPGBM)"].max_row == 3
    assert run(app, "recap", "--month", "2026-13", "--format", "csv").exit_code != 0
    assert "no posyandu" in run(app, "recap", "--month", "2026-11", "--posyandu", "NOPE").stderr
    assert "--posyandu" in run(app, "recap", "--month", "2026-11", "--format", "xlsx").stderr


def test_chart_command_writes_a_png(app, demo, session, tmp_path):
    arrange(session)
    out = tmp_path / "aisyah.png"
    result = run(app, "chart", "--posyandu", "MAWAR7", "--name", "aisyah putri", "--indicator", "lhfa", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert Image.open(out).format == "PNG"
    assert run(app, "chart", "--posyandu", "MAWAR7", "--name", "Joko Susilo", "-o", str(out)).exit_code != 0
    assert "no member" in run(app, "chart", "--posyandu", "MAWAR7", "--name", "Nobody", "-o", str(out)).stderr
    assert run(app, "chart", "--posyandu", "MAWAR7", "--name", "aisyah putri", "--birth-date", "2020-01-01",
               "-o", str(out)).exit_code != 0


def test_the_month_due_rule():
    sessions = [date(2026, 11, 8), date(2026, 11, 22)]
    assert recap_month_due(date(2026, 11, 21), sessions, 7) is None
    assert recap_month_due(date(2026, 11, 22), sessions, 7) == (2026, 11)
    assert recap_month_due(date(2026, 12, 1), [], 7) == (2026, 11)
    assert recap_month_due(date(2026, 12, 9), [], 7) is None


def test_the_bidan_gets_the_recap_after_the_last_posyandu_day_once(runtime, demo, session):
    arrange(session)
    mawar = posyandu(session, "MAWAR7")
    session.add(PosyanduSession(posyandu_id=mawar.id, starts_at=datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc),
                                groups=[], created_at=runtime.clock.now(), updated_at=runtime.clock.now()))
    session.commit()
    evening = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)  # 17:00 WIB
    send_monthly_recaps(runtime.session_factory, runtime.settings, evening)
    send_monthly_recaps(runtime.session_factory, runtime.settings, evening)  # a second run: nothing new
    rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.address == "bidan")
                                .order_by(OutboxMessage.id)))
    assert len(rows) == 2  # the summary and the workbook, for Mawar 7 only (the others had no session)
    assert "Rekap Posyandu Mawar 7 — November 2026" in rows[0].text and "N 1 · T 1" in rows[0].text
    media = attachments_for(session, [r.id for r in rows])
    assert rows[0].id not in media and media[rows[1].id].filename == "rekap-MAWAR7-2026-11.xlsx"
    # on the first of the next month, the posyandu without a session get theirs; Mawar 7 not again
    send_monthly_recaps(runtime.session_factory, runtime.settings, datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    texts = [r.text for r in session.scalars(select(OutboxMessage).where(OutboxMessage.address == "bidan"))]
    assert sum("Mawar 7 — November" in t for t in texts) == 1
    assert sum("Melati 3 — November" in t for t in texts) == 1 and sum("Kenanga 1 — November" in t for t in texts) == 1
