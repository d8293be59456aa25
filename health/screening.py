"""Screening classifiers for Posyandu ILP: LiLA, adult BMI, waist, blood
pressure, glucose and haemoglobin (ilp-domain 3.3-3.8).

Why: each measurement a kader types must come back as a labelled category
with a referral decision and the source of the cut-off; all cut-offs are the
data tables below, never literals inside the functions.

Bands are read as the source writes them: "a-b" on a measurement rounded to
the source's resolution means a <= x < b+resolution, i.e. lower bound
inclusive, upper bound exclusive ("120-129 mmHg" is 120 <= x < 130).
Functions return None when no cut-off applies (e.g. LiLA outside 6-59 months
for a balita, BP under 7 years): store that as "tidak berlaku".
"""

from __future__ import annotations

from dataclasses import dataclass

from .category import Category, Severity

N, W, S = Severity.NORMAL, Severity.WARNING, Severity.SEVERE


def _c(index: str, code: str, label_id: str, label_en: str, sev: Severity,
       refer: bool, source: str, urgent: bool = False) -> Category:
    return Category(index, code, label_id, label_en, sev, refer, source, urgent)


@dataclass(frozen=True, slots=True)
class Band:
    """Category applies when lower <= value (None = no lower bound)."""

    lower: float | None
    category: Category


def _pick(bands: tuple[Band, ...], value: float) -> Category:
    """Highest band whose lower bound the value reaches (bands ascending)."""
    chosen = bands[0].category
    for band in bands:
        if band.lower is None or value >= band.lower:
            chosen = band.category
    return chosen


# ---------------------------------------------------------------- LiLA (3.3)
SRC_MUAC_BALITA = (
    "(GK) Pedoman Pencegahan & Tatalaksana Gizi Buruk pada Balita, Kemenkes 2019 "
    "[S35]; same cut-offs in public apps [S29]; ilp-domain 3.3"
)
SRC_MUAC_BUMIL = "Juknis ILP 03-pmt-ibu-hamil-kek [S1]; ilp-domain 3.3"
SRC_MUAC_WUS = "Juknis ILP 02-skrining-layak-hamil (ALKI) [S1]; ilp-domain 3.3"
SRC_MUAC_LANSIA = "Juknis ILP kuesioner SKILAS [S1][S36]; ilp-domain 3.3"
MUAC_BALITA_MONTHS = (6, 59)

MUAC_BANDS: dict[str, tuple[Band, ...]] = {
    "balita": (
        Band(None, _c("lila_balita", "muac_severe", "Gizi buruk (LiLA < 11,5 cm)",
                      "Severe acute malnutrition (MUAC < 11.5 cm)", S, True,
                      SRC_MUAC_BALITA)),
        Band(11.5, _c("lila_balita", "muac_moderate", "Gizi kurang (LiLA 11,5-<12,5 cm)",
                      "Moderate acute malnutrition (MUAC 11.5-<12.5 cm)", W, True,
                      SRC_MUAC_BALITA)),
        Band(12.5, _c("lila_balita", "normal", "Normal", "Normal", N, False,
                      SRC_MUAC_BALITA)),
    ),
    "ibu_hamil": (
        Band(None, _c("lila_bumil", "kek", "Kurang Energi Kronis (KEK)",
                      "Chronic energy deficiency", W, True, SRC_MUAC_BUMIL)),
        Band(23.5, _c("lila_bumil", "normal", "Normal", "Normal", N, False,
                      SRC_MUAC_BUMIL)),
    ),
    "wus": (
        # Counselling (nutrition, delay pregnancy), not a referral: ilp-domain 3.9 (ALKI).
        Band(None, _c("lila_wus", "kek_risk", "Risiko KEK (LiLA < 23,5 cm, ALKI)",
                      "Chronic energy deficiency risk (not ready for pregnancy)", W,
                      False, SRC_MUAC_WUS + "; 3.9: advise and treat first, no referral")),
        Band(23.5, _c("lila_wus", "normal", "Normal", "Normal", N, False, SRC_MUAC_WUS)),
    ),
    "lansia": (
        Band(None, _c("lila_lansia", "malnutrition", "Malnutrisi (LiLA < 21 cm, SKILAS)",
                      "Malnutrition (MUAC < 21 cm, SKILAS)", W, True, SRC_MUAC_LANSIA)),
        Band(21.0, _c("lila_lansia", "normal", "Normal", "Normal", N, False,
                      SRC_MUAC_LANSIA)),
    ),
}


def muac_category(muac_cm: float, group: str, age_months: int | None = None) -> Category | None:
    """LiLA category for group 'balita' (needs age 6-59 mo), 'ibu_hamil', 'wus', 'lansia'."""
    if group == "balita":
        lo, hi = MUAC_BALITA_MONTHS
        if age_months is None or not lo <= age_months <= hi:
            return None
    return _pick(MUAC_BANDS[group], muac_cm)


# ----------------------------------------------------------- Adult BMI (3.4)
SRC_BMI_AP = (
    "WHO Asia-Pacific (2000) as used in Juknis ILP 01-skrining-obesitas [S1] "
    "(transcription's 'Obesitas I = 23-29.9' read as 25-29.9); ilp-domain 3.4"
)
SRC_BMI_PGS = "Kemenkes Pedoman Gizi Seimbang, Permenkes 41/2014 [S37][S38]; ilp-domain 3.4"
BMI_SYSTEMS = ("asia_pacific", "kemenkes_pgs")
DEFAULT_BMI_SYSTEM = "asia_pacific"  # ⚠ the ILP Juknis table; Puskesmas may report PGS

BMI_BANDS: dict[str, tuple[Band, ...]] = {
    # Asia-Pacific bands: < 18.5 | 18.5-22.9 | 23-24.9 | 25-29.9 | >= 30.
    "asia_pacific": (
        Band(None, _c("imt_ap", "underweight", "Berat badan kurang (kurus)",
                      "Underweight", W, True, SRC_BMI_AP)),
        Band(18.5, _c("imt_ap", "normal", "Normal", "Normal", N, False, SRC_BMI_AP)),
        Band(23.0, _c("imt_ap", "overweight", "Berat badan lebih (berisiko)",
                      "Overweight (at risk)", W, False, SRC_BMI_AP)),
        # Obesity I: counselling at the posyandu (ilp-domain 3.4 gives no referral).
        Band(25.0, _c("imt_ap", "obese_1", "Obesitas I", "Obese class I", W, False,
                      SRC_BMI_AP + "; counselling, no referral (3.4)")),
        Band(30.0, _c("imt_ap", "obese_2", "Obesitas II", "Obese class II", S, True,
                      SRC_BMI_AP)),
    ),
}
# PGS writes "18.5-25.0" normal and "> 25.0-27.0" gemuk: upper bounds inclusive,
# so these bands are (lower, upper] and handled by `_bmi_pgs`.
BMI_PGS_BANDS: tuple[tuple[float | None, Category], ...] = (
    (17.0, _c("imt_pgs", "severely_thin", "Kurus tingkat berat", "Severely thin",
              S, True, SRC_BMI_PGS)),  # < 17.0
    (18.5, _c("imt_pgs", "thin", "Kurus tingkat ringan", "Mildly thin", W, True,
              SRC_BMI_PGS)),  # 17.0 - < 18.5
    (25.0, _c("imt_pgs", "normal", "Normal", "Normal", N, False, SRC_BMI_PGS)),  # 18.5-25.0
    (27.0, _c("imt_pgs", "overweight", "Gemuk tingkat ringan", "Overweight", W, False,
              SRC_BMI_PGS)),  # > 25.0 - 27.0
    (None, _c("imt_pgs", "obese", "Gemuk tingkat berat (obesitas)", "Obese", S, True,
              SRC_BMI_PGS)),  # > 27.0
)


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body mass index kg/m^2."""
    return weight_kg / (height_cm / 100) ** 2


def adult_bmi_category(bmi_value: float, system: str = DEFAULT_BMI_SYSTEM) -> Category:
    """Adult (>= 18 y) BMI category; system 'asia_pacific' (default) or 'kemenkes_pgs'."""
    if system == "asia_pacific":
        return _pick(BMI_BANDS["asia_pacific"], bmi_value)
    if system == "kemenkes_pgs":
        for i, (upper, cat) in enumerate(BMI_PGS_BANDS):
            if upper is None:
                return cat
            # The two thin bands are "< upper"; the others are "<= upper".
            if (bmi_value < upper) if i < 2 else (bmi_value <= upper):
                return cat
    raise ValueError(f"unknown BMI system {system!r}; use one of {BMI_SYSTEMS}")


# -------------------------------------------------------------- Waist (3.5)
SRC_WAIST = "Juknis ILP 01-skrining-obesitas [S1]; [S39][S40]; ilp-domain 3.5"
WAIST_LIMIT_CM = {1: 90.0, 2: 80.0}  # central obesity if waist > limit (sex 1 male, 2 female)
WAIST_CATS = {
    False: _c("lingkar_perut", "normal", "Normal", "Normal", N, False, SRC_WAIST),
    True: _c("lingkar_perut", "central_obesity", "Obesitas sentral",
             "Central obesity", W, False, SRC_WAIST + "; counselling, no referral (3.5)"),
}
WAIST_MIN_AGE_YEARS = 15


def waist_category(waist_cm: float, sex: int) -> Category:
    """Central obesity if waist > 90 cm (men) / > 80 cm (women), for >= 15 y."""
    return WAIST_CATS[waist_cm > WAIST_LIMIT_CM[int(sex)]]


# ------------------------------------------------------ Blood pressure (3.6)
SRC_BP_ADULT = "Juknis ILP 02-skrining-hipertensi (klaster 3) [S1]; ilp-domain 3.6"
SRC_BP_URGENT = "(GK) ilp-domain 2.3: >= 180/110 or < 90/60 -> urgent message"
SRC_BP_AAP = "Juknis ILP 07-skrining-ht (AAP 2017, anak >= 13 th) [S1]; ilp-domain 3.6"
SRC_BP_CHILD = "Juknis ILP 07-skrining-ht Tabel 14 (AAP 2017 simplified) [S1]; ilp-domain 3.6"
SRC_BP_PREG = "(GK) ilp-domain 3.6: >= 140/90 in pregnancy -> same-day referral"


@dataclass(frozen=True, slots=True)
class BpBand:
    """Category applies when systolic >= sys_min OR diastolic >= dia_min."""

    sys_min: float
    dia_min: float
    category: Category


def _bp(index: str, sys_min: float, dia_min: float, code: str, label_id: str,
        label_en: str, sev: Severity, refer: bool, source: str,
        urgent: bool = False) -> BpBand:
    return BpBand(sys_min, dia_min,
                  _c(index, code, label_id, label_en, sev, refer, source, urgent))


INF = float("inf")
BP_ADULT_BANDS: tuple[BpBand, ...] = (
    _bp("td_dewasa", 0, 0, "optimal", "Optimal", "Optimal", N, False, SRC_BP_ADULT),
    _bp("td_dewasa", 120, 80, "normal", "Normal", "Normal", N, False, SRC_BP_ADULT),
    _bp("td_dewasa", 130, 85, "high_normal", "Normal tinggi", "High normal", W, False,
        SRC_BP_ADULT),
    _bp("td_dewasa", 140, 90, "hypertension_grade_1", "Hipertensi derajat 1",
        "Grade 1 hypertension", W, True, SRC_BP_ADULT),
    _bp("td_dewasa", 160, 100, "hypertension_grade_2", "Hipertensi derajat 2",
        "Grade 2 hypertension", S, True, SRC_BP_ADULT),
    _bp("td_dewasa", 180, 110, "hypertension_grade_3", "Hipertensi derajat 3",
        "Grade 3 hypertension", S, True, f"{SRC_BP_ADULT}; {SRC_BP_URGENT}", urgent=True),
)
BP_ISOLATED_SYSTOLIC = _bp(
    "td_dewasa", 140, 90, "isolated_systolic_hypertension",
    "Hipertensi sistolik terisolasi", "Isolated systolic hypertension", W, True,
    SRC_BP_ADULT)  # systolic >= 140 AND diastolic < 90
# ⚠ Disputed (docs/health.md): ilp-domain 2.3's engineering note calls < 90/60 "urgent", but the
# Juknis hypertension table (3.6) has no low-BP class, and low blood pressure without complaints
# is not a disease: the kader asks about dizziness or fainting and advises; no referral.
SRC_BP_LOW = ("Juknis ILP 02-skrining-hipertensi has no low-BP class (ilp-domain 3.6); "
              "ask about complaints, counselling, no referral ⚠ (GK, overrides 2.3's note)")
BP_HYPOTENSION = _bp(
    "td", 90, 60, "hypotension", "Tekanan darah rendah: tanyakan keluhan (pusing, lemas, pingsan)",
    "Low blood pressure: ask about dizziness, weakness, fainting", W, False, SRC_BP_LOW)  # < 90 OR < 60
BP_TEEN_BANDS: tuple[BpBand, ...] = (
    _bp("td_remaja", 0, 0, "normal", "Tekanan darah normal", "Normal", N, False, SRC_BP_AAP),
    _bp("td_remaja", 120, INF, "elevated", "Tekanan darah meningkat", "Elevated", W, False,
        SRC_BP_AAP),  # 120-129 / < 80
    _bp("td_remaja", 130, 80, "hypertension_stage_1", "Hipertensi tingkat 1",
        "Stage 1 hypertension", W, True, SRC_BP_AAP),
    _bp("td_remaja", 140, 90, "hypertension_stage_2", "Hipertensi tingkat 2",
        "Stage 2 hypertension", S, True, SRC_BP_AAP),
)
# Age (years) -> {sex: (systolic, diastolic)} normal upper limits; >= either -> evaluate.
BP_CHILD_LIMITS: dict[int, dict[int, tuple[int, int]]] = {
    7: {1: (106, 68), 2: (106, 68)},
    8: {1: (107, 69), 2: (107, 69)},
    9: {1: (107, 70), 2: (108, 71)},
    10: {1: (108, 72), 2: (109, 72)},
    11: {1: (110, 74), 2: (111, 74)},
    12: {1: (113, 75), 2: (114, 75)},
}
# Above the Juknis limit = elevated: monthly monitoring, no referral (ilp-domain 3.6:
# "elevated -> monthly monitoring; stage 1-2 -> refer"). ⚠ (GK) The Juknis table gives only
# these screening limits, not the 95th percentile of AAP stage 1; we refer from AAP 2017's
# ceiling for stage 1, >= 130/80 ("95th percentile or 130/80, whichever is lower"), which
# may miss a young child's stage 1 between the two: a bidan should confirm.
BP_CHILD_STAGE1 = (130, 80)
BP_CHILD_CATS = {
    False: _c("td_anak", "normal", "Tekanan darah normal", "Normal", N, False, SRC_BP_CHILD),
    True: _c("td_anak", "above_normal_for_age", "Di atas batas normal usia, pantau tiap bulan",
             "Above the normal limit for age, check monthly", W, False,
             SRC_BP_CHILD + "; elevated -> monthly monitoring"),
}
BP_CHILD_HYPERTENSION = _c(
    "td_anak", "hypertension", "Hipertensi anak (>= 130/80), perlu evaluasi", "Child hypertension (>= 130/80), "
    "needs evaluation", W, True, SRC_BP_CHILD + "; stage 1-2 -> refer; AAP 2017 stage 1 ceiling 130/80 ⚠ (GK)")
BP_PREG_LIMIT = (140, 90)
BP_PREG_CATS = {
    False: _c("td_bumil", "normal", "Normal", "Normal", N, False, SRC_BP_PREG),
    True: _c("td_bumil", "hypertension_in_pregnancy", "Hipertensi dalam kehamilan",
             "Hypertension in pregnancy (pre-eclampsia risk)", S, True, SRC_BP_PREG,
             urgent=True),
}

# ⚠ (GK) Pre-eclampsia can start up to 6 weeks after delivery (WHO recommendations on maternal and newborn
# care for a positive postnatal experience, 2022: measure BP in the postnatal period); the pregnancy limit is
# kept for the nifas (0-42 days), so a raised BP in a new mother is not read against the adult table.
SRC_BP_NIFAS = "(GK) ilp-domain 3.6 pregnancy limit >= 140/90 kept in nifas (0-42 days); WHO postnatal care 2022 ⚠"
BP_NIFAS_CATS = {
    False: _c("td_nifas", "normal", "Normal", "Normal", N, False, SRC_BP_NIFAS),
    True: _c("td_nifas", "hypertension_postpartum", "Hipertensi masa nifas",
             "Postpartum hypertension (pre-eclampsia risk)", S, True, SRC_BP_NIFAS, urgent=True),
}


def _bp_band(bands: tuple[BpBand, ...], sys: float, dia: float) -> Category:
    """"and/or" logic: the highest band reached by either pressure."""
    chosen = bands[0].category
    for band in bands:
        if sys >= band.sys_min or dia >= band.dia_min:
            chosen = band.category
    return chosen


def bp_category(systolic: float, diastolic: float, age_years: int, sex: int | None = None,
                pregnant: bool = False, nifas: bool = False) -> Category | None:
    """Blood-pressure category by group (ilp-domain 3.6).

    Adults (>= 18), pregnant and postpartum women: < 90/60 -> low BP (counselling), only when no
    raised class applies: 150/55 in pregnancy is hypertension in pregnancy, 185/55 grade 3 (a high
    pressure is never hidden behind a low one).
    Pregnant, or in nifas (`nifas`): >= 140/90 -> same-day referral. Adults: Juknis table, with
    grade 3 (>= 180 and/or >= 110, urgent) taking precedence over isolated
    systolic hypertension (>= 140 and < 90). 13-17 y: AAP 2017. 7-12 y:
    AAP simplified limits by sex (needs `sex`). Under 7: None.
    """
    found = _bp_raised(systolic, diastolic, age_years, sex, pregnant, nifas)
    if (pregnant or nifas or age_years >= 18) and (found is None or found.severity is Severity.NORMAL):
        hypo = BP_HYPOTENSION
        if systolic < hypo.sys_min or diastolic < hypo.dia_min:
            return hypo.category
    return found


def _bp_raised(systolic: float, diastolic: float, age_years: int, sex: int | None,
               pregnant: bool, nifas: bool) -> Category | None:
    """The group's BP class without the low-BP rule."""
    if pregnant or nifas:
        s_lim, d_lim = BP_PREG_LIMIT
        return (BP_PREG_CATS if pregnant else BP_NIFAS_CATS)[systolic >= s_lim or diastolic >= d_lim]
    if age_years >= 18:
        cat = _bp_band(BP_ADULT_BANDS, systolic, diastolic)
        isolated = BP_ISOLATED_SYSTOLIC
        if (not cat.urgent and systolic >= isolated.sys_min
                and diastolic < isolated.dia_min):
            return isolated.category
        return cat
    if age_years >= 13:
        return _bp_band(BP_TEEN_BANDS, systolic, diastolic)
    if age_years in BP_CHILD_LIMITS:
        if sex is None:
            raise ValueError("sex is needed for the 7-12 year limits")
        if systolic >= BP_CHILD_STAGE1[0] or diastolic >= BP_CHILD_STAGE1[1]:
            return BP_CHILD_HYPERTENSION
        s_lim, d_lim = BP_CHILD_LIMITS[age_years][int(sex)]
        return BP_CHILD_CATS[systolic >= s_lim or diastolic >= d_lim]
    return None


# ------------------------------------------------------------ Glucose (3.7)
SRC_GLU = "Juknis ILP 03-skrining-dm [S1]; Juknis PKG [S2]; ilp-domain 3.7"
SRC_GLU_URGENT = "(GK) ilp-domain 2.3: < 70 or >= 300 mg/dL -> urgent message"


def _glu_bands(kind: str, normal: float, pre: float, dm: float) -> tuple[Band, ...]:
    idx = f"glukosa_{kind.lower()}"
    return (
        Band(None, _c(idx, "hypoglycaemia", "Gula darah rendah (hipoglikemia)",
                      "Low blood glucose", S, True, SRC_GLU_URGENT, urgent=True)),
        Band(normal, _c(idx, "normal", "Normal", "Normal", N, False, SRC_GLU)),
        Band(pre, _c(idx, "prediabetes", "Prediabetes", "Prediabetes", W, False, SRC_GLU)),
        Band(dm, _c(idx, "diabetes_range", "Diabetes (perlu konfirmasi dokter)",
                    "Diabetes range (doctor to confirm)", S, True, SRC_GLU)),
        Band(300, _c(idx, "very_high", "Gula darah sangat tinggi",
                     "Very high blood glucose", S, True, f"{SRC_GLU}; {SRC_GLU_URGENT}",
                     urgent=True)),
    )


GLUCOSE_BANDS: dict[str, tuple[Band, ...]] = {
    # GDS: normal < 140, prediabetes 140-199, diabetes >= 200 (PKG's "GDS < 100" ⚠ ignored)
    "GDS": _glu_bands("GDS", 70, 140, 200),
    # GDP: normal < 100, prediabetes 100-125, diabetes >= 126
    "GDP": _glu_bands("GDP", 70, 100, 126),
}


def glucose_category(mg_dl: float, kind: str = "GDS") -> Category:
    """Glucometer result: kind 'GDS' (random) or 'GDP' (fasting), mg/dL."""
    return _pick(GLUCOSE_BANDS[kind.upper()], mg_dl)


# ----------------------------------------------------------- Anaemia (3.8)
SRC_HB = {
    "ibu_hamil": "[S41][S42]; severity WHO (GK); ilp-domain 3.8",
    "child_6_59m": "(GK) WHO; ilp-domain 3.8",
    "child_5_11y": "[S44] (WHO); severity WHO 2011 (GK); ilp-domain 3.8",
    "child_12_14y": "[S44] (WHO); severity WHO 2011 (GK); ilp-domain 3.8",
    "woman_15plus": "[S43][S44]; severity WHO (GK); ilp-domain 3.8",
    "man_15plus": "[S45] (WHO); severity WHO 2011 (GK); ilp-domain 3.8",
}
SRC_HB_URGENT = "(GK) ilp-domain 2.3: Hb < 7 g/dL -> urgent"
HB_URGENT_BELOW = 7.0
# group -> (severe below, moderate below, anaemia below); mild = [moderate, anaemia)
HB_CUTOFFS: dict[str, tuple[float, float, float]] = {
    "ibu_hamil": (7.0, 10.0, 11.0),
    "child_6_59m": (7.0, 10.0, 11.0),
    "child_5_11y": (8.0, 11.0, 11.5),
    "child_12_14y": (8.0, 11.0, 12.0),
    "woman_15plus": (8.0, 11.0, 12.0),
    "man_15plus": (8.0, 11.0, 13.0),
}
HB_PREG_TM2_ANAEMIA = 10.5  # ⚠ some Indonesian texts use < 10.5 in trimester 2 [S42]


def anaemia_group(age_months: int, sex: int, pregnant: bool = False) -> str | None:
    """The Hb cut-off group for a person; None under 6 months."""
    if pregnant:
        return "ibu_hamil"
    if age_months < 6:
        return None
    if age_months < 60:
        return "child_6_59m"
    if age_months < 12 * 12:
        return "child_5_11y"
    if age_months < 15 * 12:
        return "child_12_14y"
    return "man_15plus" if int(sex) == 1 else "woman_15plus"


def hb_category(hb_g_dl: float, group: str, trimester: int | None = None,
                tm2_cutoff_10_5: bool = False) -> Category:
    """Anaemia category by WHO severity bands; Hb < 7 is always urgent."""
    severe, moderate, anaemia = HB_CUTOFFS[group]
    source = SRC_HB[group]
    if group == "ibu_hamil" and tm2_cutoff_10_5 and trimester == 2:
        anaemia = HB_PREG_TM2_ANAEMIA
        source += "; TM2 < 10.5 ⚠ [S42]"
    urgent = hb_g_dl < HB_URGENT_BELOW
    if urgent:
        source += f"; {SRC_HB_URGENT}"
    if hb_g_dl < severe:
        return _c("hb", "severe_anaemia", "Anemia berat", "Severe anaemia", S, True,
                  source, urgent)
    if hb_g_dl < moderate:
        return _c("hb", "moderate_anaemia", "Anemia sedang", "Moderate anaemia", W, True,
                  source, urgent)
    if hb_g_dl < anaemia:
        return _c("hb", "mild_anaemia", "Anemia ringan", "Mild anaemia", W, True, source)
    return _c("hb", "no_anaemia", "Tidak anemia", "No anaemia", N, False, source)
