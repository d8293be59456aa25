"""Issue 16: pregnancy is a status, not a date. A woman who says she is pregnant but knows no HPHT is
screened, alerted, counted and reminded as ibu hamil (ilp-domain 3.6: >= 140/90 in pregnancy is a same-day
referral; 3.8: Hb < 11 in pregnancy; 4.6: TTD/MMS for every pregnant woman)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from health.life_stage import LifeStage, life_stages, primary_stage
from health.due import due_reminders
from health.visit import History, Values, interpret
from storage.models import Pregnancy
from storage.recap import month_recap
from tests.harness import Person
from tests.reporting.helpers import member, posyandu

ON = date(2026, 11, 22)
BORN = date(1992, 3, 1)
NONE = History(None, None, False)


def test_an_undated_pregnancy_is_ibu_hamil_for_at_most_44_weeks():
    assert primary_stage(BORN, "P", ON, None, None, pregnant_since=ON) is LifeStage.IBU_HAMIL
    assert LifeStage.IBU_HAMIL in life_stages(BORN, "P", date(2027, 9, 26), pregnant_since=ON)  # 44 weeks
    assert LifeStage.IBU_HAMIL not in life_stages(BORN, "P", date(2027, 9, 27), pregnant_since=ON)
    assert LifeStage.IBU_HAMIL not in life_stages(BORN, "P", date(2026, 12, 5), delivered_on=date(2026, 12, 1),
                                                  pregnant_since=date(2026, 10, 1))
    assert LifeStage.IBU_HAMIL not in life_stages(date(1990, 1, 1), "L", ON, pregnant_since=ON)  # a man: never


def test_bp_150_95_of_a_pregnant_woman_without_hpht_is_hypertension_in_pregnancy_today():
    # ilp-domain 3.6: >= 140/90 in pregnancy = hypertension in pregnancy, same-day referral (pre-eclampsia risk)
    result = interpret("P", BORN, ON, None, Values(weight_kg=60, muac_cm=24, systolic=150, diastolic=95), NONE,
                       pregnant_since=ON)
    assert result.stage is LifeStage.IBU_HAMIL and result.pregnancy_undated
    assert result.categories["td"].code == "hypertension_in_pregnancy"
    assert result.urgency == "today"
    assert result.gestational_weeks is None
    # ilp-domain 3.8: Hb 11,5 is no anaemia in pregnancy (< 11), though a non-pregnant woman (< 12) would be anaemic
    hb = interpret("P", BORN, ON, None, Values(hb_gdl=11.5), NONE, pregnant_since=ON)
    assert hb.categories["hb"].code == "no_anaemia"
    # ilp-domain 3.3: LiLA < 23,5 in pregnancy is KEK (refer), for a WUS only advice
    kek = interpret("P", BORN, ON, None, Values(muac_cm=22), NONE, pregnant_since=ON)
    assert kek.categories["lila"].index == "lila_bumil" and kek.categories["lila"].refer


def test_ttd_is_due_for_an_undated_pregnancy_but_no_anc_window():
    # ilp-domain 4.6: TTD/MMS for every pregnant woman; the ANC windows (4.5) need a gestational age.
    codes = {d.code for d in due_reminders(BORN, "P", date(2026, 11, 23), pregnant_since=ON)}
    assert "TTD" in codes
    assert not any(code.startswith("ANC") or code == "HPL" for code in codes)


def lapor_pregnant_without_hpht(k: Person, bp: str = "150/95") -> str:
    k.say("lapor")
    reply = k.say("nurhayati")
    if "Pilih orangnya" in reply:
        k.say("1")
    k.say("2")  # Ya, sedang hamil
    k.say("-")  # HPHT not known, nothing to estimate it with
    k.say("60")
    k.say("24")
    k.say(bp)
    k.say("-")  # Hb
    return k.say("-")  # services -> summary


def test_chat_pregnant_without_hpht_150_95_is_segera_and_the_bidan_is_told_she_is_pregnant(
        runtime, demo, session, senders):
    from bot.messages import Channel
    k = Person(runtime, "kader1")
    summary = lapor_pregnant_without_hpht(k)
    assert "Ibu hamil" in summary and "Usia kehamilan: belum diketahui" in summary
    assert "SEGERA" in summary and "Hipertensi dalam kehamilan" in summary
    assert "Hipertensi derajat 1" not in summary
    k.say("simpan")
    alert = [t for t in senders[Channel.TERMINAL].texts("bidan") if "Nurhayati" in t][-1]
    assert "SEGERA" in alert and "Hipertensi dalam kehamilan" in alert
    assert "hamil" in alert.lower() and "usia kehamilan belum diketahui" in alert
    woman = member(session, "Nurhayati")
    rows = list(session.scalars(select(Pregnancy).where(Pregnancy.member_id == woman.id)))
    assert [(p.hpht, p.reported_on) for p in rows] == [(None, date(2026, 11, 22))]
    # the month's recap counts her as ibu hamil, with her hypertension in pregnancy
    recap = month_recap(session, posyandu(session, woman.posyandu.code), 2026, 11)
    assert recap["ilp"]["ibu_hamil"]["seen"] == 1 and recap["ilp"]["ibu_hamil"]["hypertension"] == 1


def test_next_visit_of_an_undated_pregnancy_asks_the_hpht_not_whether_she_is_pregnant(runtime, demo, session, clock):
    k = Person(runtime, "kader1")
    lapor_pregnant_without_hpht(k, "110/70")
    k.say("simpan")
    k.say("2")  # done
    clock.advance(days=30)
    k.say("lapor")
    reply = k.say("nurhayati")
    if "Pilih orangnya" in reply:
        reply = k.say("1")
    assert "sedang hamil?" not in reply and "HPHT" in reply
    reply = k.say("20-07-2026")  # now she knows it: the same pregnancy is dated
    assert "Usia kehamilan 22 minggu" in reply
    woman = member(session, "Nurhayati")
    session.expire_all()
    rows = list(session.scalars(select(Pregnancy).where(Pregnancy.member_id == woman.id)))
    assert len(rows) == 1


def test_the_reminder_planner_finds_ttd_for_an_undated_pregnancy(session, demo):
    # the SQL planner (storage.reminders.find_due), not only the reference rule: TTD/MMS weekly (ilp-domain 4.6)
    from datetime import datetime, timedelta, timezone

    from storage.models import Member
    from storage.reminders import find_due

    woman = member(session, "Nurhayati")
    session.add(Pregnancy(member_id=woman.id, hpht=None, reported_on=ON,
                          created_at=datetime(2026, 11, 22, tzinfo=timezone.utc)))
    session.commit()
    days = [ON + timedelta(days=i) for i in range(0, 8)]
    found = find_due(session, days, [Member.id == woman.id])
    assert "TTD" in {d.code for d in found}
    assert not {d.code for d in found} & {"ANC1", "ANC2", "ANC3", "ANC4", "ANC5", "ANC6", "HPL"}


def test_a_resident_registering_a_pregnant_woman_without_hpht_records_her_pregnant(runtime, demo, session):
    from storage.models import Member
    from tests.reminders.test_resident_flows import new_resident

    warga = new_resident(runtime)
    warga.say("banyumeneng")
    number = next(i for i, c in enumerate(warga.choices(), 1) if "Mawar 7" in c)
    warga.say(str(number))
    warga.say("1")  # consent
    warga.say("siti rahma")
    warga.say("2")
    warga.say("3 Februari 1998")
    assert "HPHT" in warga.say("ya")  # asked; `-` (or *lupa*) records her pregnant, undated
    reply = warga.say("-")
    assert "Siti Rahma dicatat sedang hamil" in reply
    siti = session.scalars(select(Member).where(Member.name == "Siti Rahma")).one()
    pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == siti.id)).one()
    assert pregnancy.hpht is None and pregnancy.reported_on == ON
    warga.say("2")  # no more members
    assert "Ibu hamil" in warga.say("keluarga")
