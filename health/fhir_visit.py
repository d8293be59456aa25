"""One posyandu visit as one FHIR R4 transaction Bundle for SATUSEHAT (pure: dicts in, dicts out).

Why a Bundle per visit: SATUSEHAT takes a transaction Bundle as well as
resource-by-resource posting [S7], and a Bundle is all-or-nothing, so a visit
is never half in SATUSEHAT. The chain is the one of data-out.md §1.3:

* Patient, found by NIK (`…/id/nik`) or, for a baby without one, by the
  mother's (`…/id/nik-ibu`) [S6][S9]: a conditional create (`ifNoneExist`), so
  SATUSEHAT's existing patient is used; once its id is known it is only referenced.
* Encounter of the posyandu visit, identifier under
  `sys-ids.kemkes.go.id/encounter/{org}`, status history arrived -> in-progress
  -> finished, the posyandu as Location, the puskesmas as serviceProvider [S9].
* One Observation per measurement (codes in `fhir_codes`), identifier under
  `observation/{org}`, `effectiveDateTime` with the posyandu's own offset
  (`YYYY-MM-DDThh:mm:ss+07:00`, [S8]), the Permenkes status as Kemenkes
  `interpretation` where a code exists [S5].
* One Immunization per dose given at the visit (codes in `fhir_codes.VACCINES`): the KFA product, the
  vaccine group and the CVX name [IM1], route, dose in mL, dose number, the posyandu as location, the
  bidan (her IHS number) or else the puskesmas as performer, the programme reason and its timing
  (ideal or catch-up, from health.schedules) [IM1][IM2][S9].
* The bidan, when her IHS number is known, as the Encounter's attender (ATND).

First sent: POST with `ifNoneExist` on the identifier, so a send repeated after
a crash finds the same resource instead of duplicating it. Known SATUSEHAT ids
(`known`) turn an entry into a PUT of that id: a resend or an edit updates.
An Observation sent before whose value was removed is PUT as `entered-in-error`.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Mapping

from .fhir_codes import (
    ADMINISTERING, ATTENDER, CLINICAL_TERM, INTERPRETATIONS, KFA, MEASURE_BY_KEY, MEASURES, NIK_IBU_SYSTEM, NIK_SYSTEM,
    OBSERVATION_CATEGORY, PATIENT_PROFILE, SYS_IDS, TIMING_IDEAL, TIMING_KEJAR, UCUM, Code, CodeChoice, DoseCode,
    Measure, vaccine_dose,
)
from .schedules import RULES_BY_ID

__all__ = ["Place", "Person", "Dose", "VisitRecord", "BuiltBundle", "build_bundle", "observation_keys",
           "CLINICAL_TERM"]

CATEGORY_DISPLAY = {"vital-signs": "Vital Signs", "laboratory": "Laboratory"}


@dataclass(frozen=True)
class Place:
    """Where the visit happened and who sends it."""

    organization_id: str  # the puskesmas' SATUSEHAT Organization id
    posyandu_code: str
    posyandu_name: str
    location_id: str | None = None  # the posyandu's Location in SATUSEHAT, when registered


@dataclass(frozen=True)
class Person:
    name: str
    sex: str  # L | P
    birth_date: date
    nik: str | None = None
    mother_nik: str | None = None

    @property
    def identifier(self) -> tuple[str, str] | None:
        """(system, value) SATUSEHAT knows the person by; None: cannot be sent."""
        if self.nik:
            return NIK_SYSTEM, self.nik
        if self.mother_nik:
            return NIK_IBU_SYSTEM, self.mother_nik
        return None


@dataclass(frozen=True)
class Dose:
    """A service recorded as given at this posyandu visit (a vaccine dose, or something else: skipped)."""

    code: str  # the service code (health.schedules: OPV2, DPT-HB-HIB1, MR1...)
    given_on: date


@dataclass(frozen=True)
class VisitRecord:
    """A saved measurement: its values by column, at an aware local time."""

    measurement_id: int
    measured_at: datetime  # aware, in the posyandu's zone
    values: Mapping[str, Any]
    position: str | None = None  # L lying | H standing
    glucose_kind: str | None = None  # GDS | GDP
    statuses: Mapping[str, str] = field(default_factory=dict)
    doses: tuple[Dose, ...] = ()  # only those given at the posyandu (storage decides which)
    practitioner: str | None = None  # the bidan's IHS number, when known
    recorded_at: datetime | None = None  # when the kader saved it (aware); None: measured_at


@dataclass(frozen=True)
class BuiltBundle:
    bundle: dict[str, Any]
    keys: list[str]  # the resource key of each entry, in order (Patient, Encounter, Observation:weight...)


def observation_keys(visit: VisitRecord) -> list[str]:
    """The Observation kinds a visit carries, in table order."""
    return [m.key for m in _measures(visit)]


def build_bundle(visit: VisitRecord, person: Person, place: Place, codes: CodeChoice,
                 known: Mapping[str, str] | None = None, base_url: str = "") -> BuiltBundle:
    """The transaction Bundle of one visit. `known`: SATUSEHAT ids by resource key, from earlier sends."""
    known = known or {}
    ident = person.identifier
    if ident is None:
        raise ValueError("a person without NIK or NIK ibu cannot be sent")
    at = _instant(visit.measured_at)
    org = place.organization_id
    entries: list[dict[str, Any]] = []
    keys: list[str] = []

    patient_ref = f"Patient/{known['Patient']}" if "Patient" in known else _urn(ident[0], ident[1])
    if "Patient" not in known:
        keys.append("Patient")
        entries.append(_patient_entry(person, ident, patient_ref))

    enc_system = f"{SYS_IDS}/encounter/{org}"
    enc_value = f"{place.posyandu_code}-{visit.measurement_id}"
    encounter = {
        "resourceType": "Encounter",
        "identifier": [{"system": enc_system, "value": enc_value}],
        "status": "finished",
        "class": {"system": codes.encounter_class.system, "code": codes.encounter_class.code,
                  "display": codes.encounter_class.display},
        "subject": {"reference": patient_ref},
        "period": {"start": at, "end": at},
        "location": [{"location": _location(place)}],
        "statusHistory": [{"status": s, "period": {"start": at, "end": at}}
                          for s in ("arrived", "in-progress", "finished")],
        "serviceProvider": {"reference": f"Organization/{org}"},
    }
    if visit.practitioner:
        encounter["participant"] = [{"type": [{"coding": [_coding(ATTENDER)]}],
                                     "individual": {"reference": f"Practitioner/{visit.practitioner}"}}]
    enc_ref = _add(entries, keys, "Encounter", encounter, enc_system, enc_value, known, base_url)

    obs_system = f"{SYS_IDS}/observation/{org}"
    present = _measures(visit)
    for measure in present:
        value = f"{enc_value}-{measure.key}"
        resource = _observation(measure, visit, codes, obs_system, value, patient_ref, enc_ref, at)
        _add(entries, keys, f"Observation:{measure.key}", resource, obs_system, value, known, base_url)
    gone = [k.split(":", 1)[1] for k in known if k.startswith("Observation:")
            and k.split(":", 1)[1] not in {m.key for m in present} and k.split(":", 1)[1] in MEASURE_BY_KEY]
    for key in sorted(gone):  # a value removed by an edit: withdrawn, not left standing
        measure = MEASURE_BY_KEY[key]
        value = f"{enc_value}-{key}"
        resource = {"resourceType": "Observation", "identifier": [{"system": obs_system, "value": value}],
                    "status": "entered-in-error", "category": [_category(measure)],
                    "code": {"coding": [_coding(codes.measures[key])]}, "subject": {"reference": patient_ref},
                    "encounter": {"reference": enc_ref}, "effectiveDateTime": at}
        _add(entries, keys, f"Observation:{key}", resource, obs_system, value, known, base_url)

    imm_system = f"{SYS_IDS}/immunization/{org}"
    doses = immunization_doses(visit) if codes.immunizations else []
    for dose, coded in doses:
        value = f"{enc_value}-{dose.code}"
        resource = _immunization(dose, coded, visit, person, place, codes, imm_system, value, patient_ref, enc_ref)
        _add(entries, keys, f"Immunization:{dose.code}", resource, imm_system, value, known, base_url)
    given = {d.code for d, _ in doses}
    removed = [k for k in known if k.startswith("Immunization:") and k.split(":", 1)[1] not in given]
    for key in sorted(removed) if codes.immunizations else []:  # sending turned off withdraws nothing
        code = key.split(":", 1)[1]  # a dose removed by an edit: withdrawn, not left standing
        withdrawn = vaccine_dose(code)
        if withdrawn is None:
            continue
        value = f"{enc_value}-{code}"
        resource = _immunization(Dose(code, visit.measured_at.date()), withdrawn, visit, person, place, codes,
                                 imm_system, value, patient_ref, enc_ref)
        resource["status"] = "entered-in-error"
        _add(entries, keys, key, resource, imm_system, value, known, base_url)
    return BuiltBundle({"resourceType": "Bundle", "type": "transaction", "entry": entries}, keys)


def immunization_doses(visit: VisitRecord) -> list[tuple[Dose, DoseCode]]:
    """The visit's doses that are vaccines, each once, in the order recorded."""
    out: list[tuple[Dose, DoseCode]] = []
    seen: set[str] = set()
    for dose in visit.doses:
        coded = vaccine_dose(dose.code)
        if coded is not None and dose.code not in seen:
            seen.add(dose.code)
            out.append((dose, coded))
    return out


# -- pieces ----------------------------------------------------------------------------------
def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("measured_at must carry the posyandu's offset")
    return at.replace(microsecond=0).isoformat()


def _urn(system: str, value: str) -> str:
    """A stable placeholder id: the same resource gets the same urn in every Bundle.

    Exactly `uuid.uuid5(NAMESPACE_URL, "system|value")`, without the UUID object (a kabupaten's
    month is ~500,000 of them)."""
    raw = bytearray(hashlib.sha1(_NAMESPACE + f"{system}|{value}".encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NAMESPACE = uuid.NAMESPACE_URL.bytes


def _coding(code: Code) -> dict[str, str]:
    return {"system": code.system, "code": code.code, "display": code.display}


def _category(measure: Measure) -> dict[str, Any]:
    return {"coding": [{"system": OBSERVATION_CATEGORY, "code": measure.category,
                        "display": CATEGORY_DISPLAY[measure.category]}]}


def _quantity(value: Any, unit: str) -> dict[str, Any]:
    number = float(value)
    return {"value": int(number) if number.is_integer() else round(number, 2), "unit": unit,
            "system": UCUM, "code": unit}


def _location(place: Place) -> dict[str, Any]:
    if place.location_id:
        return {"reference": f"Location/{place.location_id}", "display": place.posyandu_name}
    # Not yet registered as a Location: a logical reference by the posyandu's own code.
    return {"identifier": {"system": f"{SYS_IDS}/location/{place.organization_id}", "value": place.posyandu_code},
            "display": place.posyandu_name}


def _patient_entry(person: Person, ident: tuple[str, str], full_url: str) -> dict[str, Any]:
    system, value = ident
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "meta": {"profile": [PATIENT_PROFILE]},
        "identifier": [{"use": "official", "system": system, "value": value}],
        "active": True,
        "name": [{"use": "official", "text": person.name}],
        "gender": "female" if person.sex == "P" else "male",
        "birthDate": person.birth_date.isoformat(),
    }
    condition = f"identifier={system}|{value}"
    if system == NIK_IBU_SYSTEM:  # the mother's NIK names all her babies: add the birth date
        condition += f"&birthdate={person.birth_date.isoformat()}"
    return {"fullUrl": full_url, "resource": resource,
            "request": {"method": "POST", "url": "Patient", "ifNoneExist": condition}}


def _add(entries: list[dict[str, Any]], keys: list[str], key: str, resource: dict[str, Any], system: str,
         value: str, known: Mapping[str, str], base_url: str) -> str:
    """Append an entry (PUT when SATUSEHAT's id is known, else a conditional POST); return its reference."""
    rtype = resource["resourceType"]
    if key in known:
        rid = known[key]
        resource = {"resourceType": rtype, "id": rid, **{k: v for k, v in resource.items() if k != "resourceType"}}
        full = f"{base_url.rstrip('/')}/{rtype}/{rid}" if base_url else _urn(system, value)
        entries.append({"fullUrl": full, "resource": resource, "request": {"method": "PUT", "url": f"{rtype}/{rid}"}})
        keys.append(key)
        return f"{rtype}/{rid}"
    urn = _urn(system, value)
    entries.append({"fullUrl": urn, "resource": resource,
                    "request": {"method": "POST", "url": rtype, "ifNoneExist": f"identifier={system}|{value}"}})
    keys.append(key)
    return urn


def _measures(visit: VisitRecord) -> list[Measure]:
    """The kinds of Observation this visit has values for (height: lying or standing by position)."""
    values = visit.values
    found = []
    for measure in MEASURES:
        if any(values.get(c) is None for c in measure.columns):
            continue
        if measure.key == "height" and visit.position == "L":
            continue
        if measure.key == "length" and visit.position != "L":
            continue
        if measure.key == "glucose_random" and visit.glucose_kind == "GDP":
            continue
        if measure.key == "glucose_fasting" and visit.glucose_kind != "GDP":
            continue
        found.append(measure)
    return found


def _observation(measure: Measure, visit: VisitRecord, codes: CodeChoice, system: str, value: str,
                 patient_ref: str, enc_ref: str, at: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": system, "value": value}],
        "status": "final",
        "category": [_category(measure)],
        "code": {"coding": [_coding(codes.measures[measure.key])]},
        "subject": {"reference": patient_ref},
        "encounter": {"reference": enc_ref},
        "effectiveDateTime": at,
    }
    if measure.components:
        resource["component"] = [{"code": {"coding": [_coding(code)]},
                                  "valueQuantity": _quantity(visit.values[column], measure.unit)}
                                 for column, code in measure.components]
    else:
        resource["valueQuantity"] = _quantity(visit.values[measure.columns[0]], measure.unit)
    interpretation = [found[1] for pair in visit.statuses.items()
                      if (found := INTERPRETATIONS.get(pair)) is not None and measure.key in found[0]]
    if interpretation:
        resource["interpretation"] = [{"coding": [_coding(c)]} for c in interpretation]
    return resource


def _timing(code: str, birth_date: date, given_on: date) -> Code:
    """IM-Ideal when the dose was given within its window of health.schedules, IM-Kejar (catch-up) after it."""
    rule = RULES_BY_ID.get(code.strip().upper())
    if rule is None or rule.anchor != "birth":
        return TIMING_IDEAL
    age = (given_on - birth_date).days
    return TIMING_IDEAL if age < rule.offset_days + rule.window_days else TIMING_KEJAR


def _immunization(dose: Dose, coded: DoseCode, visit: VisitRecord, person: Person, place: Place, codes: CodeChoice,
                  system: str, value: str, patient_ref: str, enc_ref: str) -> dict[str, Any]:
    """One dose as SATUSEHAT's Immunization [IM1][S9] (see fhir_codes.VACCINES for each code's source)."""
    vaccine = coded.vaccine
    product = codes.products.get(vaccine.series)
    coding = ([{"system": KFA, "code": product.code, "display": product.display}]
              if product else [])
    coding += [_coding(g) for g in vaccine.groups] + [_coding(vaccine.cvx)]
    tz = visit.measured_at.tzinfo
    at = visit.measured_at if visit.measured_at.date() == dose.given_on else \
        datetime.combine(dose.given_on, time(8), tzinfo=tz)
    actor = f"Practitioner/{visit.practitioner}" if visit.practitioner else f"Organization/{place.organization_id}"
    return {
        "resourceType": "Immunization",
        "identifier": [{"system": system, "use": "official", "value": value}],
        "status": "completed",
        "vaccineCode": {"coding": coding, "text": vaccine.name},
        "patient": {"reference": patient_ref},
        "encounter": {"reference": enc_ref},
        "occurrenceDateTime": _instant(at),
        "recorded": _instant(visit.recorded_at or visit.measured_at),
        "primarySource": True,
        "location": _location(place),
        "route": {"coding": [{"system": codes.route_system, "code": vaccine.route[0], "display": vaccine.route[1]}]},
        "doseQuantity": {"value": vaccine.dose_ml, "unit": "mL", "system": UCUM, "code": "mL"},
        "performer": [{"function": {"coding": [_coding(ADMINISTERING)]}, "actor": {"reference": actor}}],
        "reasonCode": [{"coding": [_coding(coded.reason), _coding(_timing(dose.code, person.birth_date,
                                                                          dose.given_on))]}],
        "protocolApplied": [{"doseNumberPositiveInt": coded.number}],
    }
