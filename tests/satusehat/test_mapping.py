"""The pure mapping: a visit becomes a transaction Bundle that R4B models accept, with the codes of
data-out.md §1.4 and the Kemenkes interpretation codes of [S5] (published values, not our output)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle

from health.fhir_codes import MEASURES, choose_codes, settings_keys
from health.fhir_visit import Person, Place, VisitRecord, build_bundle

WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
PLACE = Place("10000004", "MAWAR7", "Posyandu Mawar 7")
CHILD = Person("Budi Santoso", "L", date(2025, 3, 5), nik="3201010503250002")


def visit(**values):
    statuses = values.pop("statuses", {})
    position = values.pop("position", None)
    kind = values.pop("glucose_kind", None)
    at = values.pop("at", datetime(2026, 11, 10, 9, 30, 12, 345, tzinfo=WIB))
    return VisitRecord(42, at, values, position, kind, statuses)


def entries(built, rtype):
    return [e for e in built.bundle["entry"] if e["resource"]["resourceType"] == rtype]


def coding(obs):
    c = obs["resource"]["code"]["coding"][0]
    return c["system"], c["code"]


def test_bundle_is_a_valid_r4b_transaction():
    built = build_bundle(visit(weight_kg=9.5, height_cm=75.2, position="L", head_cm=45.0, muac_cm=14.5,
                               statuses={"bb_u": "normal", "pb_tb_u": "stunted"}), CHILD, PLACE, choose_codes())
    parsed = Bundle.model_validate(built.bundle)
    assert parsed.type == "transaction"
    assert built.keys == ["Patient", "Encounter", "Observation:weight", "Observation:length", "Observation:head",
                          "Observation:muac"]


def test_codes_and_units_as_published():
    built = build_bundle(visit(weight_kg=9.5, height_cm=80.0, position="H", head_cm=45.0, systolic=120,
                               diastolic=80, hb_gdl=11.5, glucose_mgdl=140, glucose_kind="GDS"),
                         CHILD, PLACE, choose_codes())
    obs = {coding(o): o["resource"] for o in entries(built, "Observation")}
    loinc = "http://loinc.org"
    assert obs[(loinc, "29463-7")]["valueQuantity"] == {"value": 9.5, "unit": "kg",
                                                         "system": "http://unitsofmeasure.org", "code": "kg"}
    assert obs[(loinc, "8302-2")]["valueQuantity"]["code"] == "cm"
    assert obs[(loinc, "9843-4")]["valueQuantity"]["code"] == "cm"
    bp = obs[(loinc, "85354-9")]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
            for c in bp["component"]] == [("8480-6", 120, "mm[Hg]"), ("8462-4", 80, "mm[Hg]")]
    assert obs[(loinc, "718-7")]["valueQuantity"]["code"] == "g/dL"
    assert obs[(loinc, "2339-0")]["valueQuantity"]["code"] == "mg/dL"
    assert obs[(loinc, "29463-7")]["category"][0]["coding"][0]["code"] == "vital-signs"


def test_fasting_glucose_and_settings_pick_the_unsettled_codes():
    codes = choose_codes({"satusehat_code_muac": "284473002", "satusehat_code_length": "8302-2",
                          "satusehat_encounter_class": "HH"})
    built = build_bundle(visit(glucose_mgdl=100, glucose_kind="GDP", muac_cm=25.0, height_cm=70.0, position="L"),
                         CHILD, PLACE, codes)
    found = {coding(o) for o in entries(built, "Observation")}
    assert found == {("http://loinc.org", "1558-6"), ("http://snomed.info/sct", "284473002"),
                     ("http://loinc.org", "8302-2")}
    assert entries(built, "Encounter")[0]["resource"]["class"]["code"] == "HH"


def test_unknown_setting_value_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="SATUSEHAT_CODE_MUAC=1234 is not one of: 56072-2, 284473002"):
        choose_codes({"satusehat_code_muac": "1234"})


def test_every_unsettled_code_has_a_setting_and_every_code_a_source():
    for measure in MEASURES:
        assert (len(measure.candidates) > 1) == (measure.setting is not None)
        assert all(c.source for c in measure.candidates)
    assert "satusehat_encounter_class" in settings_keys()


@pytest.mark.parametrize("index, status, key, code, display", [  # SATUSEHAT "Gizi Tumbang" terminology [S5]
    ("bb_u", "severely_underweight", "weight", "OI000007", "Berat Badan Sangat Kurang"),
    ("bb_u", "underweight", "weight", "OI000008", "Berat Badan Kurang"),
    ("bb_u", "normal", "weight", "OI000009", "Berat Badan Normal"),
    ("bb_u", "risk_of_overweight", "weight", "OI000010", "Risiko Berat Badan Lebih"),
    ("pb_tb_u", "severely_stunted", "length", "OI000011", "Sangat Pendek"),
    ("pb_tb_u", "stunted", "length", "OI000012", "Pendek"),
])
def test_interpretation_codes_of_gizi_tumbang(index, status, key, code, display):
    built = build_bundle(visit(weight_kg=9.0, height_cm=70.0, position="L", statuses={index: status}),
                         CHILD, PLACE, choose_codes())
    obs = dict(zip(built.keys, built.bundle["entry"]))[f"Observation:{key}"]["resource"]
    term = "http://terminology.kemkes.go.id/CodeSystem/clinical-term"
    assert obs["interpretation"] == [{"coding": [{"system": term, "code": code, "display": display}]}]
    other = "Observation:length" if key == "weight" else "Observation:weight"
    assert "interpretation" not in dict(zip(built.keys, built.bundle["entry"]))[other]["resource"]


def test_no_interpretation_where_the_source_has_no_code():
    built = build_bundle(visit(height_cm=80.0, position="H", statuses={"pb_tb_u": "normal"}), CHILD, PLACE,
                         choose_codes())
    assert "interpretation" not in entries(built, "Observation")[0]["resource"]


def test_datetime_carries_the_posyandu_offset_to_the_second():
    built = build_bundle(visit(weight_kg=9.0, at=datetime(2026, 11, 10, 9, 30, 12, 999, tzinfo=WITA)), CHILD,
                         PLACE, choose_codes())
    assert entries(built, "Observation")[0]["resource"]["effectiveDateTime"] == "2026-11-10T09:30:12+08:00"
    assert entries(built, "Encounter")[0]["resource"]["period"]["start"] == "2026-11-10T09:30:12+08:00"


def test_identifiers_under_the_organization():
    built = build_bundle(visit(weight_kg=9.0), CHILD, PLACE, choose_codes())
    enc = entries(built, "Encounter")[0]
    assert enc["resource"]["identifier"][0]["system"] == "http://sys-ids.kemkes.go.id/encounter/10000004"
    assert enc["resource"]["serviceProvider"] == {"reference": "Organization/10000004"}
    assert [h["status"] for h in enc["resource"]["statusHistory"]] == ["arrived", "in-progress", "finished"]
    obs = entries(built, "Observation")[0]
    assert obs["resource"]["identifier"][0]["system"] == "http://sys-ids.kemkes.go.id/observation/10000004"
    assert obs["request"]["ifNoneExist"].startswith("identifier=http://sys-ids.kemkes.go.id/observation/10000004|")
    assert obs["resource"]["encounter"]["reference"] == enc["fullUrl"]
    patient = entries(built, "Patient")[0]
    assert patient["request"]["ifNoneExist"] == "identifier=https://fhir.kemkes.go.id/id/nik|3201010503250002"


def test_baby_without_nik_goes_under_the_mothers():
    baby = Person("Bayi Ny. Rina", "P", date(2026, 10, 1), mother_nik="3201014101900003")
    built = build_bundle(visit(weight_kg=3.9), baby, PLACE, choose_codes())
    patient = entries(built, "Patient")[0]
    assert patient["resource"]["identifier"][0]["system"] == "https://fhir.kemkes.go.id/id/nik-ibu"
    assert patient["request"]["ifNoneExist"].endswith("&birthdate=2026-10-01")
    Bundle.model_validate(built.bundle)


def test_no_nik_cannot_be_built():
    with pytest.raises(ValueError):
        build_bundle(visit(weight_kg=9.0), Person("X", "L", date(2025, 1, 1)), PLACE, choose_codes())


def test_known_ids_become_puts_and_a_removed_value_is_withdrawn():
    known = {"Patient": "P001", "Encounter": "E001", "Observation:weight": "O001", "Observation:head": "O002"}
    built = build_bundle(visit(weight_kg=9.6), CHILD, PLACE, choose_codes(), known, base_url="https://fhir.example/v1")
    assert built.keys == ["Encounter", "Observation:weight", "Observation:head"]
    enc, weight, head = built.bundle["entry"]
    assert enc["request"] == {"method": "PUT", "url": "Encounter/E001"}
    assert enc["resource"]["id"] == "E001" and enc["fullUrl"] == "https://fhir.example/v1/Encounter/E001"
    assert enc["resource"]["subject"] == {"reference": "Patient/P001"}
    assert weight["request"]["method"] == "PUT" and weight["resource"]["encounter"] == {"reference": "Encounter/E001"}
    assert head["resource"]["status"] == "entered-in-error" and "valueQuantity" not in head["resource"]
    Bundle.model_validate(built.bundle)


def test_same_visit_same_bundle():
    a = build_bundle(visit(weight_kg=9.0), CHILD, PLACE, choose_codes())
    b = build_bundle(visit(weight_kg=9.0), CHILD, PLACE, choose_codes())
    assert a.bundle == b.bundle


def test_placeholder_ids_are_rfc4122_uuid5():
    import uuid

    from health.fhir_visit import _urn

    for system, value in (("http://sys-ids.kemkes.go.id/encounter/1", "MAWAR7-1"), ("a", "b"), ("x", "é")):
        assert _urn(system, value) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{system}|{value}')}"
