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

from dataclasses import dataclass

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
    """The codes in force: one per Measure and the Encounter class (from the settings)."""

    measures: dict[str, Code]
    encounter_class: Code


def choose_codes(picked: dict[str, str] | None = None) -> CodeChoice:
    """The codes for the settings in `picked` (setting name -> code); '' or absent -> the default.

    A code that is not among the candidates raises ValueError naming the setting and the choices,
    so a typo in the environment stops the sender before anything is sent.
    """
    picked = picked or {}

    def pick(setting: str | None, candidates: tuple[Code, ...]) -> Code:
        wanted = (picked.get(setting, "") if setting else "").strip()
        if not wanted:
            return candidates[0]
        for code in candidates:
            if wanted in (code.code, f"{code.system}|{code.code}"):
                return code
        options = ", ".join(c.code for c in candidates)
        raise ValueError(f"{setting.upper()}={wanted} is not one of: {options}")  # type: ignore[union-attr]

    measures = {m.key: pick(m.setting, m.candidates) for m in MEASURES}
    return CodeChoice(measures, pick(ENCOUNTER_CLASS_SETTING, ENCOUNTER_CLASSES))


def settings_keys() -> tuple[str, ...]:
    """Every setting that picks a code (for Settings and the docs)."""
    return tuple(m.setting for m in MEASURES if m.setting) + (ENCOUNTER_CLASS_SETTING,)
