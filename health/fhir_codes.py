"""The codes a posyandu visit is sent to SATUSEHAT with: one table, each code with its source.

Why data: SATUSEHAT refuses an Observation whose code is not LOINC, SNOMED CT or
its own examination system (validation 10010) or whose unit is not UCUM (10012)
[S9], and some codes are not settled by any SATUSEHAT text yet (lying length,
MUAC, waist, glucose, the Encounter class of a posyandu session). Those have
several candidates here; a setting picks one (docs/satusehat.md lists them as
"to be confirmed with the DTO"), and the first candidate is the default.

Source keys are those of ../shared/docs/data-out.md §8 ([S5] Gizi Tumbang
terminology, [S9] the PHP SDK, [S13] FHIR R4 vital-signs value set, [S14]
SATUSEHAT Observation guide, [S18] Indonesian ANC IG, [S19] ABDM body
measurement value set, [S25] EDSH haemoglobin profile). (GK) marks general
knowledge not found in a SATUSEHAT text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .measurements import MEASUREMENTS

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CLINICAL_TERM = "http://terminology.kemkes.go.id/CodeSystem/clinical-term"
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU_SYSTEM = "https://fhir.kemkes.go.id/id/nik-ibu"
PATIENT_PROFILE = "https://fhir.kemkes.go.id/r4/StructureDefinition/Patient"
SYS_IDS = "http://sys-ids.kemkes.go.id"  # + /encounter/{org}, /observation/{org}, /location/{org}


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str
    source: str


@dataclass(frozen=True)
class Measure:
    """One kind of Observation: the measurement column(s) it carries and its candidate codes.

    `setting` names the Settings field that picks among `candidates` (None: settled, one code).
    """

    key: str
    columns: tuple[str, ...]
    unit: str  # UCUM code, also shown as the unit
    category: str  # observation-category code
    candidates: tuple[Code, ...]
    setting: str | None = None
    components: tuple[tuple[str, Code], ...] = ()  # (column, code) of a panel (blood pressure)


def _columns(key: str) -> tuple[str, ...]:
    """The columns a Measure carries: health.measurements says which Measures carry each measurement."""
    return next(m.columns for m in MEASUREMENTS if key in m.fhir)


MEASURES: tuple[Measure, ...] = (
    Measure("weight", _columns("weight"), "kg", "vital-signs",
            (Code(LOINC, "29463-7", "Body weight", "[S13] FHIR R4 vital-signs value set"),)),
    Measure("height", _columns("height"), "cm", "vital-signs",
            (Code(LOINC, "8302-2", "Body height", "[S13]; used with SATUSEHAT ids in an Indonesian ANC IG [S18]"),)),
    Measure("length", _columns("length"), "cm", "vital-signs",
            (Code(LOINC, "8306-3", "Body height --lying", "(GK) ⚠ LOINC; not found in a SATUSEHAT text"),
             Code(LOINC, "8302-2", "Body height", "[S13]: plain height, the lying position is then lost")),
            setting="satusehat_code_length"),
    Measure("head", _columns("head"), "cm", "vital-signs",
            (Code(LOINC, "9843-4", "Head Occipital-frontal circumference", "[S13]"),)),
    Measure("muac", _columns("muac"), "cm", "vital-signs",
            (Code(LOINC, "56072-2", "Circumference Mid upper arm - right", "[S19] ⚠ choose with the DTO"),
             Code(SNOMED, "284473002", "Mid upper arm circumference", "[S19][S18] ⚠ choose with the DTO")),
            setting="satusehat_code_muac"),
    Measure("waist", _columns("waist"), "cm", "vital-signs",
            (Code(LOINC, "8280-0", "Waist Circumference at umbilicus by Tape measure",
                  "(GK) ⚠ LOINC; not found in a SATUSEHAT text"),
             Code(LOINC, "56086-2", "Adult Waist Circumference Protocol", "(GK) ⚠ LOINC")),
            setting="satusehat_code_waist"),
    Measure("blood_pressure", _columns("blood_pressure"), "mm[Hg]", "vital-signs",
            (Code(LOINC, "85354-9", "Blood pressure panel with all children optional", "[S13][S14]"),),
            components=(("systolic", Code(LOINC, "8480-6", "Systolic blood pressure", "[S13][S14]")),
                        ("diastolic", Code(LOINC, "8462-4", "Diastolic blood pressure", "[S13][S14]")))),
    Measure("hb", _columns("hb"), "g/dL", "laboratory",
            (Code(LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood", "[S25]"),)),
    Measure("glucose_random", _columns("glucose_random"), "mg/dL", "laboratory",
            (Code(LOINC, "2339-0", "Glucose [Mass/volume] in Blood", "(GK) ⚠ data-out §1.4"),
             Code(LOINC, "41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer", "(GK) ⚠ LOINC")),
            setting="satusehat_code_glucose_random"),
    Measure("glucose_fasting", _columns("glucose_fasting"), "mg/dL", "laboratory",
            (Code(LOINC, "1558-6", "Fasting glucose [Mass/volume] in Serum or Plasma", "(GK) ⚠ data-out §1.4"),
             Code(LOINC, "41604-0", "Fasting glucose [Mass/volume] in Capillary blood by Glucometer",
                  "(GK) ⚠ LOINC")),
            setting="satusehat_code_glucose_fasting"),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}

# The Encounter class of a posyandu session: not found in a SATUSEHAT text [S9] ⚠.
ENCOUNTER_CLASSES: tuple[Code, ...] = (
    Code(ACT_CODE, "AMB", "ambulatory", "[S9] offered by the SATUSEHAT SDK; SATUSEHAT's outpatient use cases"),
    Code(ACT_CODE, "HH", "home health", "[S9] offered by the SATUSEHAT SDK"),
    Code(ACT_CODE, "FLD", "field", "(GK) v3-ActEncounterCode: outside a facility and outside the home"),
)
ENCOUNTER_CLASS_SETTING = "satusehat_encounter_class"

# Nutrition status -> Kemenkes clinical-term interpretation, on the Observations named [S5].
# Only the codes the source gives: BB/U all four bands, PB/U-TB/U only the two short bands.
_WEIGHT, _HEIGHT = ("weight",), ("height", "length")
INTERPRETATIONS: dict[tuple[str, str], tuple[tuple[str, ...], Code]] = {
    ("bb_u", "severely_underweight"): (_WEIGHT, Code(CLINICAL_TERM, "OI000007", "Berat Badan Sangat Kurang", "[S5]")),
    ("bb_u", "underweight"): (_WEIGHT, Code(CLINICAL_TERM, "OI000008", "Berat Badan Kurang", "[S5]")),
    ("bb_u", "normal"): (_WEIGHT, Code(CLINICAL_TERM, "OI000009", "Berat Badan Normal", "[S5]")),
    ("bb_u", "risk_of_overweight"): (_WEIGHT, Code(CLINICAL_TERM, "OI000010", "Risiko Berat Badan Lebih", "[S5]")),
    ("pb_tb_u", "severely_stunted"): (_HEIGHT, Code(CLINICAL_TERM, "OI000011", "Sangat Pendek", "[S5]")),
    ("pb_tb_u", "stunted"): (_HEIGHT, Code(CLINICAL_TERM, "OI000012", "Pendek", "[S5]")),
}


@dataclass(frozen=True)
class CodeChoice:
    """The codes in force: one per Measure, the Encounter class, the vaccine products and the route system
    (from the settings); `immunizations` False leaves doses out of the Bundle (SATUSEHAT_SEND_IMMUNIZATIONS)."""

    measures: dict[str, Code]
    encounter_class: Code
    products: dict[str, "Product | None"] = field(default_factory=dict)
    route_system: str = "http://www.whocc.no/atc"
    immunizations: bool = True


def choose_codes(picked: dict[str, object] | None = None) -> CodeChoice:
    """The codes for the settings in `picked` (setting name -> code); '' or absent -> the default.

    A code that is not among the candidates raises ValueError naming the setting and the choices,
    so a typo in the environment stops the sender before anything is sent.
    """
    picked = picked or {}

    def pick(setting: str | None, candidates: tuple[Code, ...]) -> Code:
        wanted = str(picked.get(setting, "") if setting else "").strip()
        if not wanted or setting is None:
            return candidates[0]
        for code in candidates:
            if wanted in (code.code, f"{code.system}|{code.code}"):
                return code
        options = ", ".join(c.code for c in candidates)
        raise ValueError(f"{setting.upper()}={wanted} is not one of: {options}")

    measures = {m.key: pick(m.setting, m.candidates) for m in MEASURES}
    route = str(picked.get(ROUTE_SYSTEM_SETTING) or "").strip() or ROUTE_SYSTEMS[0]
    if route not in ROUTE_SYSTEMS:
        raise ValueError(f"{ROUTE_SYSTEM_SETTING.upper()}={route} is not one of: {', '.join(ROUTE_SYSTEMS)}")
    send = picked.get(IMMUNIZATIONS_SETTING, True)
    return CodeChoice(measures, pick(ENCOUNTER_CLASS_SETTING, ENCOUNTER_CLASSES),
                      choose_products(str(picked.get(VACCINE_PRODUCTS_SETTING) or "")), route,
                      send if isinstance(send, bool) else str(send).strip().lower() not in ("0", "false", "no", "off"))


def settings_keys() -> tuple[str, ...]:
    """Every setting that picks a code (for Settings and the docs)."""
    return tuple(m.setting for m in MEASURES if m.setting) + (
        ENCOUNTER_CLASS_SETTING, ROUTE_SYSTEM_SETTING, VACCINE_PRODUCTS_SETTING, IMMUNIZATIONS_SETTING)


# -- Immunization (docs/satusehat.md "Immunization") ---------------------------------------------------
# Sources (keys of docs/satusehat.md):
# [IM1] SATUSEHAT FHIR resource page "Immunization" (satusehat.kemkes.go.id/platform/docs/id/fhir/resources/
#       immunization/, a public copy read in Dec 2026): vaccineCode = the KFA product code (93xxxxxx) + the
#       vaccine group code (under the KFA system, VGxx) + the CVX name; route from WHO ATC/DDD
#       (`inj.intramuscular`); doseQuantity in UCUM mL; performer.actor a Practitioner or Organization;
#       reasonCode from Kemenkes immunization-reason, and for routine doses the routine timing too;
#       protocolApplied.doseNumber mandatory when protocolApplied is sent; identifier system
#       sys-ids.kemkes.go.id/immunization/{org}.
# [S9]  the PHP SDK's validation catalogue (SSValidationError.php @ac7db60): 10103 vaccineCode must be KFA or
#       CVX; 10104 performer.function from v2-0443; 10105 reasonCode systems; 10292/10293/10294 primarySource,
#       encounter, performer.actor not empty; 10305 location required when completed; 10306/10307 lotNumber
#       and expirationDate required when a health worker gives the dose (⚠ the bot does not record them);
#       10451 recorded; 10456 doseNumberPositiveInt > 0. Its ImmunizationTerminology.php maps KFA products to
#       their group and CVX codes (the product codes below).
# [IM2] Kemenkes terminology CodeSystems immunization-reason / immunization-routine-timing (FSH in
#       github.com/yy-dto/IDCore, published by DTO Kemkes 2023-11).
# [IM3] SATUSEHAT route codes as SIMRS integrations store them (O, inj.intramuscular, inj.subcutaneous, P ...;
#       no intradermal code found) - a code-search excerpt of SIMRS Khanza's satu_sehat_ref_route ⚠.
# [IM4] Dose and route of the programme's vaccines: SPO "Pemberian imunisasi BCG, Pentabio, MR, Polio dan HB
#       Uniject" (RSUD dr. R. Goeteng Taroenadibrata Purbalingga, 2018): BCG 0,05 cc intrakutan, Pentabio
#       0,5 cc IM, MR 0,5 cc subkutan, polio 2 tetes oral, HB Uniject 0,5 cc IM.
KFA = "http://sys-ids.kemkes.go.id/kfa"
CVX = "http://hl7.org/fhir/sid/cvx"
IMMUNIZATION_REASON = "http://terminology.kemkes.go.id/CodeSystem/immunization-reason"
IMMUNIZATION_TIMING = "http://terminology.kemkes.go.id/CodeSystem/immunization-routine-timing"
PERFORMER_FUNCTION = "http://terminology.hl7.org/CodeSystem/v2-0443"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
# Route system: SATUSEHAT's resource page writes https://www.whocc.no/atc_ddd_index/ [IM1], its API examples and
# the SIMRS mappings http://www.whocc.no/atc [IM3] ⚠ - a setting (SATUSEHAT_ROUTE_SYSTEM) picks one.
ROUTE_SYSTEMS: tuple[str, ...] = ("http://www.whocc.no/atc", "https://www.whocc.no/atc_ddd_index/")
ROUTE_SYSTEM_SETTING = "satusehat_route_system"
VACCINE_PRODUCTS_SETTING = "satusehat_vaccine_products"
IMMUNIZATIONS_SETTING = "satusehat_send_immunizations"

ADMINISTERING = Code(PERFORMER_FUNCTION, "AP", "Administering Provider", "[S9] 10104; [IM1]")
ATTENDER = Code(PARTICIPATION_TYPE, "ATND", "attender", "v3-ParticipationType; SATUSEHAT Encounter examples")
REASON_DASAR = Code(IMMUNIZATION_REASON, "IM-Dasar", "Imunisasi Program Rutin Dasar", "[IM2]")
REASON_BADUTA = Code(IMMUNIZATION_REASON, "IM-Baduta", "Imunisasi Program Rutin Lanjutan Bawah Dua Tahun", "[IM2]")
TIMING_IDEAL = Code(IMMUNIZATION_TIMING, "IM-Ideal", "Imunisasi Ideal", "[IM2]")
TIMING_KEJAR = Code(IMMUNIZATION_TIMING, "IM-Kejar", "Imunisasi Kejar", "[IM2]")

ROUTE_IM = ("inj.intramuscular", "Injection Intramuscular")  # [IM1] example
ROUTE_SC = ("inj.subcutaneous", "Injection Subcutaneous")  # [IM3]
ROUTE_ORAL = ("O", "Oral")  # [IM3]; WHO ATC/DDD administration route
ROUTE_PARENTERAL = ("P", "Parenteral")  # [IM3] ⚠ BCG is intradermal; no intradermal code found

# A Practitioner's IHS number: 11 digits (every SATUSEHAT example and sandbox practitioner, e.g. 10009880728,
# 10006926841 [PR1]); the catalogue's "N10000001" is a placeholder of the docs, not an id.
PRACTITIONER_ID_DIGITS = 11


@dataclass(frozen=True)
class Product:
    """A vaccine product in KFA (the vial actually used): its code, name and one dose in mL."""

    code: str
    display: str
    source: str


@dataclass(frozen=True)
class Vaccine:
    """One vaccine of the programme as SATUSEHAT wants it coded.

    `series`: the service code without its dose number (health.schedules.series_of: `DPT-HB-HIB4` ->
    `DPT-HB-HIB`); `products`: KFA candidates, the first the default (a setting names another; None
    sends the group and CVX codes only); `boosters`: service codes sent as the baduta booster
    (IM-Baduta) rather than the basic series (IM-Dasar).
    """

    series: str
    name: str
    groups: tuple[Code, ...]
    cvx: Code
    route: tuple[str, str]
    dose_ml: float
    products: tuple[Product, ...]
    source: str
    boosters: frozenset[str] = frozenset()


def _group(code: str, display: str) -> Code:
    return Code(KFA, code, display, "[IM1][S9]: the CVX group under the KFA system")


def _cvx(code: str, display: str, source: str = "[S9] ImmunizationTerminology; CDC CVX") -> Code:
    return Code(CVX, code, display, source)


def _kfa(code: str, display: str) -> Product:
    return Product(code, display, "[S9] ImmunizationTerminology (KFA)")


VACCINES: tuple[Vaccine, ...] = (
    Vaccine("HB", "Hepatitis B (HB0)", (_group("VG45", "HepB"),),
            _cvx("08", "Hep B, adolescent or pediatric", "CDC CVX; the HB0 example of a SATUSEHAT TS SDK ⚠"),
            ROUTE_IM, 0.5, (Product("93023161", "Hepatitis B Uniject 0,5 mL",
                                    "a SATUSEHAT TS SDK's HB0 example ⚠ confirm with the puskesmas' stock"),),
            "[IM4] HB Uniject 0,5 cc IM"),
    Vaccine("BCG", "BCG", (_group("VG19", "BCG"),), _cvx("19", "BCG"), ROUTE_PARENTERAL, 0.05,
            (_kfa("93005208", "Vaksin BCG Kering 0.375 mg/mL Serbuk Injeksi (BIO FARMA, 20)"),
             _kfa("93003837", "Vaksin BCG Kering 1x10^5 - 4x10^5 C.F.U 0.05 mL Serbuk Injeksi (BIO FARMA, 20)"),
             _kfa("93004566", "Vaksin BCG Kering 0.75 mg Serbuk Injeksi (AJ Vaccine, 10)")),
            "[IM4] BCG 0,05 cc intrakutan; route P ⚠ [IM3]"),
    Vaccine("OPV", "Polio tetes (bOPV)", (_group("VG89", "POLIO"),), _cvx("178", "OPV bivalent"), ROUTE_ORAL, 0.1,
            (_kfa("93004968", "Vaksin Poliomyelitis Oral Bivalent Tipe 1 10^6 CCID_50 / Tipe 3 10^5,8 CCID_50 "
                              "0,1 mL (BIO FARMA, 20)"),
             _kfa("93004972", "Vaksin Poliomyelitis Oral Bivalent Tipe 1 10^6 CCID_50 / Tipe 3 10^5,8 CCID_50 "
                              "0,1 mL (BIO FARMA, 10)")),
            "[IM4] polio 2 tetes oral (0,1 mL: the KFA product's dose)"),
    Vaccine("DPT-HB-HIB", "DPT-HB-Hib (Pentabio)",
            (_group("VG107", "DTAP"), _group("VG45", "HepB"), _group("VG17", "HIB")),
            _cvx("198", "DTP-hepB-Hib Pentavalent Non-US"), ROUTE_IM, 0.5,
            (_kfa("93001283", "Vaksin DTP - HB - Hib 0,5 mL (PENTABIO, 5)"),
             _kfa("93001282", "Vaksin DTP - HB - Hib 0,5 mL (PENTABIO, 1)"),
             _kfa("93001284", "Vaksin DTP - HB - Hib 0,5 mL (PENTABIO, 10)")),
            "[IM4] Pentabio 0,5 cc IM", boosters=frozenset({"DPT-HB-HIB4"})),
    Vaccine("PCV", "PCV (pneumokokus)", (_group("VG152", "PneumoPCV"),),
            _cvx("152", "Pneumococcal Conjugate, unspecified formulation"), ROUTE_IM, 0.5,
            (_kfa("93001620", "Vaksin Streptococcus Pneumoniae Serotype 0,5mL (PNEUMOSIL, 5)"),
             _kfa("93001619", "Vaksin Streptococcus Pneumoniae Serotype 0,5mL (PNEUMOSIL, 1)")),
            "(GK) 0,5 mL IM, the KFA product's dose; PCV3 sent as IM-Dasar ⚠"),
    Vaccine("RV", "Rotavirus", (_group("VG122", "ROTAVIRUS"),),
            _cvx("122", "rotavirus, unspecified formulation", "CDC CVX ⚠ (the programme's 3-dose product has no "
                                                               "code in the sources)"),
            ROUTE_ORAL, 0.5, (),
            "(GK) ⚠ oral; no KFA product of the programme's 3-dose vaccine found: set SATUSEHAT_VACCINE_PRODUCTS"),
    Vaccine("IPV", "Polio suntik (IPV)", (_group("VG89", "POLIO"),), _cvx("10", "IPV"), ROUTE_IM, 0.5,
            (_kfa("93004736", "Vaksin Poliomyelitis Inaktif (IPV) 0,5 mL (Shan IPV, 10)"),
             _kfa("93004947", "Vaksin Poliomyelitis Inaktif (IPV) 0,5 mL (Shan IPV, 5)")),
            "(GK) 0,5 mL IM, the KFA product's dose"),
    Vaccine("MR", "Campak-Rubela (MR)", (_group("VG03", "MMR"),), _cvx("04", "M/R"), ROUTE_SC, 0.5,
            (_kfa("93005780", "Vaksin M/R 1000 CCID_50, 0.5 mL (BIO FARMA, 10)"),
             _kfa("93005781", "Vaksin M/R 1000 CCID_50, 0.5 mL (BIO FARMA, 5)"),
             _kfa("93005779", "Vaksin M/R 1000 CCID_50, 0.5 mL (BIO FARMA, 1)")),
            "[IM4] MR 0,5 cc subkutan", boosters=frozenset({"MR2"})),
    Vaccine("JE", "Japanese Encephalitis", (_group("VG129", "Japanese encephalitis"),),
            _cvx("129", "Japanese Encephalitis vaccine, unspecified formulation",
                 "CDC CVX ⚠ (the SDK says 134, the IM vaccine; the programme's is subcutaneous)"),
            ROUTE_SC, 0.5, (_kfa("93001639", "Vaksin JE 0,5 mL (BIO FARMA, 5)"),),
            "(GK) ⚠ 0,5 mL subkutan"),
)
VACCINE_BY_SERIES = {v.series: v for v in VACCINES}


@dataclass(frozen=True)
class DoseCode:
    """A service code read as a vaccine dose: which vaccine, which dose of its series."""

    vaccine: Vaccine
    number: int
    reason: Code


def vaccine_dose(service_code: str) -> DoseCode | None:
    """`OPV2` -> polio, dose 2; `HB0` -> hepatitis B birth dose, dose 1; `VITA` -> None (not a vaccine)."""
    code = service_code.strip().upper()
    series = code.rstrip("0123456789")
    vaccine = VACCINE_BY_SERIES.get(series)
    if vaccine is None:
        return None
    digits = code[len(series):]
    number = max(int(digits), 1) if digits else 1  # HB0 is the first (birth) dose: positiveInt, 10456
    return DoseCode(vaccine, number, REASON_BADUTA if code in vaccine.boosters else REASON_DASAR)


def practitioner_id_problem(text: str | None) -> str | None:
    """Why this cannot be a Practitioner IHS number ('digits' or 'length'); None when it can."""
    value = re.sub(r"[\s.-]", "", text or "")
    if not value.isdigit():
        return "digits"
    if len(value) != PRACTITIONER_ID_DIGITS:
        return "length"
    return None


def clean_practitioner_id(text: str) -> str:
    return re.sub(r"[\s.-]", "", text)


def choose_products(setting: str) -> dict[str, Product | None]:
    """The KFA product per vaccine series: the table's first, or what SATUSEHAT_VACCINE_PRODUCTS names
    (`BCG=93004566,RV=93012345`); a code outside the table is taken as given (a puskesmas' own stock),
    checked to be a KFA product code (93 + 6 digits). Raises ValueError naming the setting."""
    chosen: dict[str, Product | None] = {v.series: (v.products[0] if v.products else None) for v in VACCINES}
    for part in filter(None, (p.strip() for p in (setting or "").split(","))):
        series, _, code = (x.strip() for x in part.partition("="))
        series = series.upper()
        vaccine = VACCINE_BY_SERIES.get(series)
        if vaccine is None:
            raise ValueError(f"{VACCINE_PRODUCTS_SETTING.upper()}: {series} is not one of: "
                             + ", ".join(VACCINE_BY_SERIES))
        if not re.fullmatch(r"93\d{6}", code):
            raise ValueError(f"{VACCINE_PRODUCTS_SETTING.upper()}: {code or '(empty)'} for {series} is not a KFA "
                             "product code (93 and 6 digits)")
        known = next((p for p in vaccine.products if p.code == code), None)
        chosen[series] = known or Product(code, f"Vaksin {vaccine.name}", "setting SATUSEHAT_VACCINE_PRODUCTS")
    return chosen
