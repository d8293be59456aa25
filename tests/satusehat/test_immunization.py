"""Doses given at the posyandu go to SATUSEHAT as FHIR Immunization, in the visit's Bundle, coded as
SATUSEHAT's Immunization page and validation catalogue ask ([IM1][S9], docs/satusehat.md); the bidan's
IHS number is the Encounter's attender and the dose's performer."""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.immunization import Immunization
from sqlalchemy import select

from health.fhir_codes import choose_codes, practitioner_id_problem, vaccine_dose
from health.fhir_visit import Dose, Person, Place, VisitRecord, build_bundle
from storage.db import transaction
from storage.models import Contact, SatusehatResource
from tests.satusehat.conftest import save, set_credentials

WIB = timezone(timedelta(hours=7))
WIT = timezone(timedelta(hours=9))
PLACE = Place("10000004", "MAWAR7", "Posyandu Mawar 7", "b017aa54-f1df-4ec2-9d84-8823815d7228")
BABY = Person("Bayu Pratama", "L", date(2026, 9, 8), nik="3201010809260001")
GOLDEN = Path(__file__).parent / "golden" / "visit_with_immunizations.json"
KFA, CVX = "http://sys-ids.kemkes.go.id/kfa", "http://hl7.org/fhir/sid/cvx"


def record(*codes, at=datetime(2026, 11, 10, 9, 30, 5, tzinfo=WIB), practitioner=None, on=None):  # type: ignore[no-untyped-def]
    doses = tuple(Dose(c, on or at.date()) for c in codes)
    return VisitRecord(42, at, {"weight_kg": 5.6, "height_cm": 58.5}, "L", None, {}, doses, practitioner,
                       at + timedelta(minutes=3))


def immunizations(built):  # type: ignore[no-untyped-def]
    return {k.split(":", 1)[1]: e for k, e in zip(built.keys, built.bundle["entry"]) if k.startswith("Immunization:")}


def test_doses_become_immunizations_in_the_visits_bundle_valid_r4b():
    built = build_bundle(record("OPV2", "DPT-HB-HIB1", "PCV1", "RV1", "VITA"), BABY, PLACE, choose_codes())
    Bundle.model_validate(built.bundle)
    found = immunizations(built)
    assert list(found) == ["OPV2", "DPT-HB-HIB1", "PCV1", "RV1"]  # vitamin A is a service, not a vaccine
    for entry in found.values():
        Immunization.model_validate(entry["resource"])
    enc = next(e for k, e in zip(built.keys, built.bundle["entry"]) if k == "Encounter")
    opv = found["OPV2"]["resource"]
    assert opv["status"] == "completed" and opv["primarySource"] is True
    assert opv["patient"]["reference"] == built.bundle["entry"][0]["fullUrl"]
    assert opv["encounter"]["reference"] == enc["fullUrl"]
    assert opv["occurrenceDateTime"] == "2026-11-10T09:30:05+07:00" and opv["recorded"] == "2026-11-10T09:33:05+07:00"
    assert opv["protocolApplied"] == [{"doseNumberPositiveInt": 2}]
    assert opv["identifier"][0]["system"] == "http://sys-ids.kemkes.go.id/immunization/10000004"
    assert found["OPV2"]["request"]["ifNoneExist"] == \
        "identifier=http://sys-ids.kemkes.go.id/immunization/10000004|MAWAR7-42-OPV2"
    assert opv["location"] == {"reference": "Location/b017aa54-f1df-4ec2-9d84-8823815d7228",
                               "display": "Posyandu Mawar 7"}


def test_vaccine_codes_route_and_dose_as_satusehat_asks():
    found = immunizations(build_bundle(record("OPV2", "DPT-HB-HIB1", "BCG", "MR1"), BABY, PLACE, choose_codes()))

    def codes(code):  # type: ignore[no-untyped-def]
        return [(c["system"], c["code"]) for c in found[code]["resource"]["vaccineCode"]["coding"]]

    # KFA product, the CVX group under KFA, the CVX name [IM1]; product codes from [S9]
    assert codes("DPT-HB-HIB1") == [(KFA, "93001283"), (KFA, "VG107"), (KFA, "VG45"), (KFA, "VG17"), (CVX, "198")]
    assert codes("OPV2") == [(KFA, "93004968"), (KFA, "VG89"), (CVX, "178")]
    assert codes("BCG") == [(KFA, "93005208"), (KFA, "VG19"), (CVX, "19")]
    assert codes("MR1") == [(KFA, "93005780"), (KFA, "VG03"), (CVX, "04")]
    route = {c: found[c]["resource"]["route"]["coding"][0]["code"] for c in found}
    assert route == {"OPV2": "O", "DPT-HB-HIB1": "inj.intramuscular", "BCG": "P", "MR1": "inj.subcutaneous"}
    dose = {c: found[c]["resource"]["doseQuantity"] for c in found}
    assert dose["BCG"] == {"value": 0.05, "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL"}
    assert dose["OPV2"]["value"] == 0.1 and dose["DPT-HB-HIB1"]["value"] == 0.5 and dose["MR1"]["value"] == 0.5


@pytest.mark.parametrize("code, series, number, reason", [
    ("HB0", "HB", 1, "IM-Dasar"), ("BCG", "BCG", 1, "IM-Dasar"), ("OPV1", "OPV", 1, "IM-Dasar"),
    ("OPV4", "OPV", 4, "IM-Dasar"), ("DPT-HB-HIB3", "DPT-HB-HIB", 3, "IM-Dasar"),
    ("DPT-HB-HIB4", "DPT-HB-HIB", 4, "IM-Baduta"), ("IPV2", "IPV", 2, "IM-Dasar"), ("MR2", "MR", 2, "IM-Baduta"),
    ("PCV3", "PCV", 3, "IM-Dasar"), ("RV3", "RV", 3, "IM-Dasar"), ("JE", "JE", 1, "IM-Dasar"),
])
def test_dose_numbers_and_programme_reason(code, series, number, reason):
    coded = vaccine_dose(code)
    assert coded is not None and (coded.vaccine.series, coded.number, coded.reason.code) == (series, number, reason)


@pytest.mark.parametrize("code", ["VITA", "VITA-NIFAS", "CACING", "TTD", "PMT", "KONSELING", "HB-REMAJA", "ANC1", "KN1"])
def test_services_that_are_not_vaccines_send_no_immunization(code):
    assert vaccine_dose(code) is None


def test_a_dose_given_late_is_sent_as_catch_up():
    # DPT-HB-Hib 1 is due at 2 months with a one-month window (health.schedules): at 2 months ideal, at 5 catch-up
    on_time = immunizations(build_bundle(record("DPT-HB-HIB1", at=datetime(2026, 11, 10, 9, 0, tzinfo=WIB)),
                                         BABY, PLACE, choose_codes()))
    late = immunizations(build_bundle(record("DPT-HB-HIB1", at=datetime(2027, 2, 10, 9, 0, tzinfo=WIB)),
                                      BABY, PLACE, choose_codes()))

    def timing(found):  # type: ignore[no-untyped-def]
        return found["DPT-HB-HIB1"]["resource"]["reasonCode"][0]["coding"][1]["code"]

    assert timing(on_time) == "IM-Ideal" and timing(late) == "IM-Kejar"


def test_performer_is_the_bidan_when_known_else_the_puskesmas_and_she_attends_the_encounter():
    with_bidan = build_bundle(record("OPV2", practitioner="10009880728"), BABY, PLACE, choose_codes())
    enc = with_bidan.bundle["entry"][1]["resource"]
    assert enc["participant"] == [{"type": [{"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "ATND",
        "display": "attender"}]}], "individual": {"reference": "Practitioner/10009880728"}}]
    performer = immunizations(with_bidan)["OPV2"]["resource"]["performer"][0]
    assert performer["actor"] == {"reference": "Practitioner/10009880728"}
    assert performer["function"]["coding"][0]["code"] == "AP"
    without = build_bundle(record("OPV2"), BABY, PLACE, choose_codes())
    assert "participant" not in without.bundle["entry"][1]["resource"]
    assert immunizations(without)["OPV2"]["resource"]["performer"][0]["actor"] == {"reference": "Organization/10000004"}


def test_occurrence_carries_the_posyandus_own_offset():
    found = immunizations(build_bundle(record("MR1", at=datetime(2026, 11, 10, 10, 15, 0, tzinfo=WIT)),
                                       BABY, PLACE, choose_codes()))
    assert found["MR1"]["resource"]["occurrenceDateTime"] == "2026-11-10T10:15:00+09:00"


def test_settings_pick_the_product_and_route_system_or_turn_doses_off():
    codes = choose_codes({"satusehat_vaccine_products": "BCG=93004566, RV=93012345",
                          "satusehat_route_system": "https://www.whocc.no/atc_ddd_index/"})
    found = immunizations(build_bundle(record("BCG", "RV1"), BABY, PLACE, codes))
    assert found["BCG"]["resource"]["vaccineCode"]["coding"][0]["code"] == "93004566"
    assert found["RV1"]["resource"]["vaccineCode"]["coding"][0] == {"system": KFA, "code": "93012345",
                                                                     "display": "Vaksin Rotavirus"}
    assert found["BCG"]["resource"]["route"]["coding"][0]["system"] == "https://www.whocc.no/atc_ddd_index/"
    # no product code found for the programme's rotavirus vaccine: group and CVX only, by default
    default = immunizations(build_bundle(record("RV1"), BABY, PLACE, choose_codes()))
    assert [c["code"] for c in default["RV1"]["resource"]["vaccineCode"]["coding"]] == ["VG122", "122"]
    off = build_bundle(record("BCG"), BABY, PLACE, choose_codes({"satusehat_send_immunizations": False}))
    assert not immunizations(off)


@pytest.mark.parametrize("setting, message", [
    ("XYZ=93001283", "XYZ is not one of"), ("BCG=123", "123 for BCG is not a KFA product code"),
    ("BCG=", "(empty) for BCG"),
])
def test_a_wrong_product_setting_stops_with_the_setting_named(setting, message):
    with pytest.raises(ValueError, match="SATUSEHAT_VACCINE_PRODUCTS") as err:
        choose_codes({"satusehat_vaccine_products": setting})
    assert message in str(err.value)
    with pytest.raises(ValueError, match="SATUSEHAT_ROUTE_SYSTEM"):
        choose_codes({"satusehat_route_system": "http://example.org/route"})


def test_a_dose_removed_by_an_edit_is_withdrawn():
    known = {"Patient": "P1", "Encounter": "E1", "Observation:weight": "O1", "Observation:length": "O2",
             "Immunization:OPV2": "I1", "Immunization:PCV1": "I2"}
    built = build_bundle(record("OPV2"), BABY, PLACE, choose_codes(), known, base_url="https://fhir.example/v1")
    found = immunizations(built)
    assert found["OPV2"]["request"] == {"method": "PUT", "url": "Immunization/I1"}
    assert found["PCV1"]["resource"]["status"] == "entered-in-error"
    Bundle.model_validate(built.bundle)
    off = build_bundle(record(), BABY, PLACE, choose_codes({"satusehat_send_immunizations": "false"}), known)
    assert not immunizations(off)  # turning doses off leaves those sent alone


@pytest.mark.parametrize("text, problem", [
    ("10009880728", None), ("1000 988 0728", None), ("1000988072", "length"), ("100098807281", "length"),
    ("N10000001", "digits"), ("", "digits"), ("ihs", "digits"),
])
def test_practitioner_ids_are_eleven_digits(text, problem):
    assert practitioner_id_problem(text) == problem


def test_golden_bundle():
    """The whole Bundle of one visit with doses, as a file a reviewer can read (UPDATE_GOLDEN=1 rewrites it)."""
    built = build_bundle(record("HB0", "BCG", "OPV1", at=datetime(2026, 9, 9, 8, 45, 0, tzinfo=WIB),
                                practitioner="10009880728"),
                         Person("Bayu Pratama", "L", date(2026, 9, 8), mother_nik="3201015203950004"),
                         PLACE, choose_codes(), None)
    text = json.dumps(built.bundle, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    Bundle.model_validate(json.loads(text))


# -- through the sender, against the loopback SATUSEHAT (both databases) -------------------------------
def set_ihs(runtime, clock, address="bidan", ihs="10009880728"):  # type: ignore[no-untyped-def]
    from storage.satusehat_practitioner import set_practitioner

    with transaction(runtime.session_factory) as s:
        contact = s.scalars(select(Contact).where(Contact.address == address)).one()
        set_practitioner(s, contact, ihs, clock.now())


def test_doses_recorded_at_the_visit_reach_satusehat_with_the_bidan(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    set_ihs(runtime, clock)
    ss.add_practitioner("10009880728")
    kader = session.scalars(select(Contact).where(Contact.address == "kader1")).one().id
    save(runtime, clock, services=("OPV2", "DPT-HB-HIB1", "VITA"), recorded_by=kader)
    stats = sender.run_once()
    assert stats.sent == 1, ss.bundles
    stored = ss.of_type("Immunization")
    assert sorted(i["protocolApplied"][0]["doseNumberPositiveInt"] for i in stored) == [1, 2]
    assert {i["performer"][0]["actor"]["reference"] for i in stored} == {"Practitioner/10009880728"}
    encounter = ss.of_type("Encounter")[0]
    assert encounter["participant"][0]["individual"] == {"reference": "Practitioner/10009880728"}
    assert all(i["encounter"]["reference"] == f"Encounter/{encounter['id']}" for i in stored)
    keys = set(session.scalars(select(SatusehatResource.key)))
    assert {"Immunization:OPV2", "Immunization:DPT-HB-HIB1"} <= keys


def test_without_an_ihs_number_the_puskesmas_performs_and_nothing_names_a_practitioner(
        runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    save(runtime, clock, services=("MR1",))
    assert sender.run_once().sent == 1
    (imm,) = ss.of_type("Immunization")
    assert imm["performer"][0]["actor"] == {"reference": "Organization/10000004"}
    assert "participant" not in ss.of_type("Encounter")[0]


def test_a_refused_dose_keeps_the_reason_readable(runtime, demo, clock, sender, ss, session):
    ss.require_lot = True  # SATUSEHAT's 10306: the bot does not record the vial's lot number (docs)
    set_credentials(runtime, clock)
    save(runtime, clock, services=("BCG",))
    assert sender.run_once().refused == 1
    from storage.models import SatusehatSync

    session.expire_all()
    row = session.scalars(select(SatusehatSync)).one()
    assert "10306" in row.last_error and "lotNumber" in row.last_error


def test_a_dose_recorded_as_given_elsewhere_is_not_sent_as_the_posyandus(runtime, demo, clock, sender, ss, session):
    """History (a dose given at the puskesmas, recorded without a visit) is not this posyandu's Immunization:
    storage.satusehat_queue.GIVEN_AT_THE_POSYANDU is the one filter."""
    from storage.models import ServiceGiven

    set_credentials(runtime, clock)
    _, member_id = save(runtime, clock, services=("OPV2",))
    with transaction(runtime.session_factory) as s:
        s.add(ServiceGiven(member_id=member_id, code="BCG", given_on=date(2025, 4, 1), posyandu_id=None,
                           measurement_id=None))
    assert sender.run_once().sent == 1
    (imm,) = ss.of_type("Immunization")
    assert imm["vaccineCode"]["coding"][-1]["code"] == "178"  # OPV only, not the BCG given elsewhere


def test_a_dose_recorded_as_history_is_never_sent_as_the_posyandus(runtime, demo, session):
    """A dose 'sudah di puskesmas' (origin history) on a visit's day is the puskesmas's to report, not ours."""
    from datetime import date, datetime, timezone

    from storage.models import ORIGIN_HISTORY, Member, ServiceGiven
    from storage.satusehat_queue import posyandu_doses
    from storage.reporting import Values, Visit, save_visit

    aisyah = session.scalars(select(Member).where(Member.name == "Aisyah Putri")).one()
    on = date(2026, 11, 22)
    with transaction(runtime.session_factory) as s:
        saved = save_visit(s, Visit(aisyah.posyandu_id, on, Values(weight_kg=8.0), member_id=aisyah.id,
                                    services=["OPV1"]), datetime(2026, 11, 22, 3, tzinfo=timezone.utc))
        mid = saved.measurement.id
        s.add(ServiceGiven(member_id=aisyah.id, code="BCG", given_on=on, measurement_id=mid, origin=ORIGIN_HISTORY))
    with transaction(runtime.session_factory) as s:
        codes = [d.code for d in posyandu_doses(s, [mid]).get(mid, ())]
    assert "OPV1" in codes and "BCG" not in codes
