"""The one table of what a posyandu measures: every other list of measurements is derived from it.

Why: the chat questions, the expert line's keywords, the summary, the bidan's alert, the referral
queue, the CSV import, the recap sheets and SATUSEHAT all name the same measurements. Kept here once,
adding a measurement is one row in MEASUREMENTS plus its texts (bot/i18n/report.py `report.item.<item>`,
`report.ask.<item>`, `report.bad.<item>`), its plausible ranges (health.validation, keyed by the
column) and its storage column (storage/models.py: SQLAlchemy needs it written out;
tests/health/test_measurements.py checks the model agrees). See docs/reporting.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from .life_stage import LifeStage
from .screening import BP_CHILD_LIMITS, MUAC_BALITA_MONTHS

_ALL_STAGES = tuple(LifeStage)
MUAC_FROM_MONTHS = MUAC_BALITA_MONTHS[0]  # LiLA is read for balita from 6 months (health.screening)
BP_FROM_MONTHS = min(BP_CHILD_LIMITS) * 12  # children's BP limits start at 7 years (health.screening)


@dataclass(frozen=True)
class Measurement:
    """One thing measured at the table.

    `item` is the chat item (and text keys `report.item.<item>`...); `columns` the storage/CSV columns
    holding its numbers, each kept to `decimals` places (the column's precision in storage.models);
    `code_column` a letter code typed with it (position L/H, glucose kind GDS/GDP). `keywords` are the
    expert line's words with the raw prefix they add (`pb` -> lying 'L'), Indonesian and English (`length` is
    lying like `pb`, `height` standing like `tb`; `rbg`/`fbg` random and fasting glucose like GDS/GDP). `slot` is the category it is
    read against in health.visit (the summary shows it after the value). `asked` names the life-cycle
    groups asked for it step by step, with the age in months from which it is asked (the posyandu
    form, ilp-domain 2.2); the order of MEASUREMENTS is the form's order. `fhir` names the
    health.fhir_codes Measures carrying it; `sheet_format` the number format in the recap sheets;
    `resident` whether the family's result line (`keluarga`) shows it; `zscores` the WHO z-scores (and
    their flags, health.growth.FLAG_RULES_2006) a value feeds; `example` a plain value shown in the
    hint to type it with `simpan` (None: the group's own size is shown instead).
    """

    item: str
    columns: tuple[str, ...]
    unit: str
    decimals: int
    keywords: tuple[tuple[str, str], ...]
    asked: tuple[tuple[LifeStage, int], ...]
    fhir: tuple[str, ...]
    code_column: str | None = None
    slot: str | None = None
    sheet_format: str | None = None
    resident: bool = False
    zscores: frozenset[str] = frozenset()
    example: str | None = None

    @property
    def value_column(self) -> str:
        """The column that says whether it was measured at all (systolic for blood pressure)."""
        return self.columns[0]

    @property
    def fields(self) -> tuple[str, ...]:
        """Every column the item fills, its code column included (`height_cm`, `position`)."""
        return self.columns + ((self.code_column,) if self.code_column else ())

    def asked_from(self, stage: LifeStage) -> int | None:
        """The age in months from which the group is asked for it step by step; None: not asked."""
        return dict(self.asked).get(stage)


_S = LifeStage
MEASUREMENTS: tuple[Measurement, ...] = (
    Measurement("weight", ("weight_kg",), "kg", 3, (("bb", ""), ("berat", ""), ("weight", ""), ("wt", "")),
                tuple((stage, 0) for stage in _ALL_STAGES), ("weight",), sheet_format="0.00", resident=True,
                zscores=frozenset({"waz", "whz", "baz"})),
    Measurement("height", ("height_cm",), "cm", 2,
                (("pb", "L"), ("tb", "H"), ("tinggi", "H"), ("panjang", "L"), ("length", "L"), ("height", "H")),
                tuple((stage, 0) for stage in _ALL_STAGES if stage not in (_S.IBU_HAMIL, _S.IBU_NIFAS)),
                ("height", "length"), code_column="position", sheet_format="0.0", resident=True,
                zscores=frozenset({"haz", "whz", "baz", "position"})),
    Measurement("head", ("head_cm",), "cm", 2, (("lk", ""), ("head", ""), ("hc", "")), ((_S.BAYI_BALITA, 0),), ("head",),
                sheet_format="0.0", zscores=frozenset({"hcz"}), example="45"),
    Measurement("muac", ("muac_cm",), "cm", 2, (("lila", ""), ("muac", "")), ((_S.BAYI_BALITA, MUAC_FROM_MONTHS), (_S.IBU_HAMIL, 0)),
                ("muac",), slot="lila", sheet_format="0.0", resident=True, zscores=frozenset({"acz"}), example="14"),
    Measurement("waist", ("waist_cm",), "cm", 2, (("lp", ""), ("waist", "")),
                ((_S.REMAJA, 0), (_S.DEWASA, 0), (_S.LANSIA, 0)), ("waist",), slot="lp", example="80"),
    Measurement("bp", ("systolic", "diastolic"), "mmHg", 0, (("td", ""), ("tensi", ""), ("bp", "")),
                ((_S.IBU_HAMIL, 0), (_S.IBU_NIFAS, 0), (_S.ANAK, BP_FROM_MONTHS), (_S.REMAJA, 0), (_S.DEWASA, 0),
                 (_S.LANSIA, 0)), ("blood_pressure",), slot="td", resident=True, example="120/80"),
    # remaja: glucose only with risk factors, Hb at school (ilp-domain 2.2): not asked, taken when typed
    Measurement("glucose", ("glucose_mgdl",), "mg/dL", 0, (("gds", "GDS "), ("gdp", "GDP "), ("gula", "GDS "), ("rbg", "GDS "),
                                                               ("fbg", "GDP "), ("fasting", "GDP "), ("glucose", "GDS "),
                                                               ("sugar", "GDS ")),
                ((_S.DEWASA, 0), (_S.LANSIA, 0)), ("glucose_random", "glucose_fasting"),
                code_column="glucose_kind", slot="gula", example="110"),
    # ibu hamil: a point-of-care test, or the puskesmas' result (K1, K5; ilp-domain 4.5)
    Measurement("hb", ("hb_gdl",), "g/dL", 2, (("hb", ""),),
                ((_S.IBU_HAMIL, 0), (_S.IBU_NIFAS, 0), (_S.DEWASA, 0), (_S.LANSIA, 0)), ("hb",), slot="hb",
                sheet_format="0.0", example="12"),
)

BY_ITEM: dict[str, Measurement] = {m.item: m for m in MEASUREMENTS}
ITEM_NAMES: tuple[str, ...] = tuple(BY_ITEM)
# Every numeric column with the decimals it keeps (health.visit.Values rounds to them).
DECIMALS: dict[str, int] = {column: m.decimals for m in MEASUREMENTS for column in m.columns}
# The letter codes typed with a value (position, glucose kind).
CODE_COLUMNS: tuple[str, ...] = tuple(m.code_column for m in MEASUREMENTS if m.code_column)
# Every column a visit's values fill, in the form's order (what an alert or a correction compares).
VALUE_FIELDS: tuple[str, ...] = tuple(f for m in MEASUREMENTS for f in m.fields)
# expert-line keyword -> (item, raw prefix)
KEYWORDS: dict[str, tuple[str, str]] = {word: (m.item, prefix) for m in MEASUREMENTS for word, prefix in m.keywords}
SLOT_OF_ITEM: dict[str, str] = {m.item: m.slot for m in MEASUREMENTS if m.slot}
Z_OF_ITEM: dict[str, frozenset[str]] = {m.item: m.zscores for m in MEASUREMENTS if m.zscores}
SAVE_EXAMPLES: dict[str, str] = {m.item: m.example for m in MEASUREMENTS if m.example}
SHEET_FORMATS: dict[str, str] = {m.columns[0]: m.sheet_format for m in MEASUREMENTS if m.sheet_format}


def items_asked(stage: LifeStage, age_months: int) -> list[str]:
    """The items this group is asked step by step at this age, in the form's order."""
    out = []
    for m in MEASUREMENTS:
        start = m.asked_from(stage)
        if start is not None and age_months >= start:
            out.append(m.item)
    return out
