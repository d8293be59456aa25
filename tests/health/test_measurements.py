"""The one measurement table (health.measurements) and every place that lists measurements agree with it.

Adding a measurement is one row in MEASUREMENTS plus its texts, its ranges and its storage column: these
tests name each place that must follow, so a forgotten one fails here rather than in a kader's chat.
"""
import re
from pathlib import Path

import pytest
from sqlalchemy import Integer, Numeric, String

from bot import visit_text
from bot.flows import referrals, reporting_expert, reporting_items, reporting_measure
from bot import referral_alerts
from bot.media import recap_files
from bot.texts import catalogue
from health import fhir_codes, measurements, visit
from health.life_stage import LifeStage
from health.measurements import BY_ITEM, DECIMALS, MEASUREMENTS, VALUE_FIELDS
from health.validation import RANGES
from storage import imports, recap, satusehat_queue
from storage.models import Measurement as MeasurementRow

ROOT = Path(__file__).resolve().parents[2]
NUMERIC = set(DECIMALS)


def test_items_and_columns_are_unique():
    assert len({m.item for m in MEASUREMENTS}) == len(MEASUREMENTS)
    assert len(VALUE_FIELDS) == len(set(VALUE_FIELDS))
    assert len(measurements.KEYWORDS) == sum(len(m.keywords) for m in MEASUREMENTS)  # no keyword twice


@pytest.mark.parametrize("column", sorted(NUMERIC))
def test_storage_column_keeps_the_tables_decimals(column):
    sql_type = MeasurementRow.__table__.c[column].type
    if DECIMALS[column] == 0:
        assert isinstance(sql_type, Integer)
    else:
        assert isinstance(sql_type, Numeric) and sql_type.scale == DECIMALS[column]


def test_code_columns_are_stored_as_letters():
    for column in measurements.CODE_COLUMNS:
        assert isinstance(MeasurementRow.__table__.c[column].type, String)


def test_visit_values_are_the_tables_fields():
    assert tuple(visit.Values.__dataclass_fields__) == VALUE_FIELDS
    assert visit.VALUE_DECIMALS == DECIMALS
    # rounding follows the table: 3 decimals for kg, whole mmHg
    values = visit.Values.from_dict({"weight_kg": "9.12345", "systolic": "120.4", "glucose_mgdl": "99"})
    assert (values.weight_kg, values.systolic, values.glucose_kind) == (9.123, 120, "GDS")


def test_chat_places_are_derived():
    assert reporting_items.ORDER == measurements.ITEM_NAMES
    assert {name: (i.fields, i.unit) for name, i in reporting_items.ITEMS.items()} == \
        {m.item: (m.fields, m.unit) for m in MEASUREMENTS}
    assert reporting_expert.KEYWORDS == measurements.KEYWORDS
    assert visit_text.SLOT_OF_ITEM == {"muac": "lila", "waist": "lp", "bp": "td", "glucose": "gula", "hb": "hb"}
    assert reporting_items.Z_OF_ITEM is measurements.Z_OF_ITEM
    assert reporting_measure.SAVE_EXAMPLES is measurements.SAVE_EXAMPLES
    assert referrals.VALUE_ITEMS == measurements.ITEM_NAMES
    assert referrals.FIELD_OF_ITEM == {m.item: m.value_column for m in MEASUREMENTS}
    assert referral_alerts.VALUE_FIELDS == VALUE_FIELDS


def test_expert_line_reads_every_keyword():
    for word, (item, prefix) in measurements.KEYWORDS.items():
        value = "120/80" if item == "bp" else "12"
        line = reporting_expert.parse_expert(f"{word} {value}")
        assert line is not None and line.values.get(item, "").endswith(value), word
        assert line.values[item].startswith(prefix.strip())


def test_every_slot_is_a_category_the_visit_reads():
    """The slots name health.visit's categories: a made-up slot would never show a category."""
    source = (ROOT / "health" / "visit.py").read_text()
    for slot in measurements.SLOT_OF_ITEM.values():
        assert f'"{slot}"' in source, slot


def test_file_and_export_places_agree():
    assert set(imports.MEASUREMENT_COLUMNS) >= NUMERIC | {"position"}  # the import file's published order
    assert "glucose_kind" in imports.EXPORT_COLUMNS
    assert set(imports.NUMBER_COLUMNS) | {"systolic", "diastolic"} == NUMERIC
    assert satusehat_queue.MEASURED_COLUMNS == tuple(DECIMALS)
    for columns in (recap.BY_NAME_COLUMNS, recap.GROUP_COLUMNS):  # e-PPGBM / register layouts, explicit
        for column in set(columns) & NUMERIC:
            assert column in recap_files.HEADERS_ID, column
            if DECIMALS[column]:
                assert column in measurements.SHEET_FORMATS, column


def test_satusehat_measures_carry_the_tables_columns():
    claimed = [key for m in MEASUREMENTS for key in m.fhir]
    assert sorted(claimed) == sorted(fhir_codes.MEASURE_BY_KEY)  # each Measure carries exactly one measurement
    for m in MEASUREMENTS:
        for key in m.fhir:
            assert fhir_codes.MEASURE_BY_KEY[key].columns == m.columns


def test_every_column_has_plausible_ranges():
    ranged = {r.field for r in RANGES}
    assert NUMERIC <= ranged


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_measurement_has_its_texts(lang):
    texts = catalogue(lang)
    for m in MEASUREMENTS:
        for key in (f"report.item.{m.item}", f"report.ask.{m.item}", f"report.bad.{m.item}"):
            assert key in texts, key
        if m.resident:
            assert f"resident.value.{m.item}" in texts


# Who is asked what, written from the posyandu form (ilp-domain 2.2), not from the table.
FORM = [
    (LifeStage.BAYI_BALITA, 5, ["weight", "height", "head"]),
    (LifeStage.BAYI_BALITA, 6, ["weight", "height", "head", "muac"]),  # LiLA from 6 months
    (LifeStage.IBU_HAMIL, 300, ["weight", "muac", "bp", "hb"]),
    (LifeStage.IBU_NIFAS, 300, ["weight", "bp", "hb"]),
    (LifeStage.ANAK, 83, ["weight", "height"]),
    (LifeStage.ANAK, 84, ["weight", "height", "bp"]),  # children's BP limits from 7 years
    (LifeStage.REMAJA, 150, ["weight", "height", "waist", "bp"]),
    (LifeStage.DEWASA, 400, ["weight", "height", "waist", "bp", "glucose", "hb"]),
    (LifeStage.LANSIA, 800, ["weight", "height", "waist", "bp", "glucose", "hb"]),
]


@pytest.mark.parametrize("stage,months,expected", FORM)
def test_groups_are_asked_the_forms_items(stage, months, expected):
    assert reporting_items.items_for(stage, months) == expected


# Hand lists of measurements: three or more measurement columns or items quoted side by side (a pair is a
# rule about those two, e.g. weight and height's change limits). Allowed only where a layout is a published
# file format or a health rule covers just those measurements.
def _list_of(names):
    quoted = "|".join(f'"{n}"' for n in names)
    return re.compile(rf"(?:{quoted})(?:,\s*(?:{quoted})){{2,}}")


_HAND_LIST = _list_of(VALUE_FIELDS)
_ITEM_LIST = _list_of(BY_ITEM)
ALLOWED = {
    "storage/imports.py",  # MEASUREMENT_COLUMNS: the import/export file's column order; row -> dict
    "storage/recap.py",  # BY_NAME_COLUMNS / GROUP_COLUMNS: the register layouts
    "health/plausibility.py",  # WHO's own flag rules cover the four child measurements
}


def test_no_new_hand_lists_of_measurements():
    found = []
    for package in ("bot", "health", "storage", "scheduler", "webhooks"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED or "/migrations/" in rel or "/i18n/" in rel:
                continue
            text = path.read_text()
            for pattern in (_HAND_LIST, _ITEM_LIST):
                found += [f"{rel}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, "list these from health.measurements instead:\n" + "\n".join(found)
