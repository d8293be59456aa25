"""A child's plausible sizes come from WHO's own references, by sex and age (issue 7).

Sources: WHO anthroplus 1.0 / anthro 1.1 flag a z-score beyond -6/+5 (weight-for-age),
-6/+6 (height-for-age), -5/+5 (BMI-for-age) as implausible; the golden rows in
../shared/data/who-golden were computed by WHO's R packages, flags included. A child WHO
does not flag must never be refused or asked back; one WHO flags must be asked back or refused.
"""
import csv
from decimal import Decimal
from pathlib import Path

import pytest

from health.ages import DAYS_PER_MONTH
from health.growth import FLAG_RULES_2007
from health.life_stage import LifeStage as S
from health.plausibility import child_limits, soft_limits, value_at_z
from health import who_tables as t
from health.validation import Accept, Confirm, Reject, check_value

# shared/ lies beside the checkout (CI clones elsewhere and lays a copy of shared/ beside the clone)
GOLDEN = next((p for p in (Path(__file__).resolve().parents[3] / "shared/data/who-golden",
                           Path("/work/shared/data/who-golden")) if p.exists()),
              Path(__file__).resolve().parents[3] / "shared/data/who-golden")
TEN_YEARS = 3653  # days: 10 years and 0-1 day


def test_thin_stunted_ten_year_old_boy_is_accepted():
    # 18,7 kg and 119 cm: WHO gives BMI-for-age about -2,5 and height-for-age about -3: real, not refused.
    assert check_value("weight_kg", "18,7", S.REMAJA, 120, sex="L", age_days=TEN_YEARS) == Accept(Decimal("18.7"))
    assert check_value("height_cm", "119", S.REMAJA, 120, sex="L", age_days=TEN_YEARS) == Accept(Decimal("119"))


def test_119_kg_for_a_ten_year_old_is_asked_back():
    assert not isinstance(check_value("weight_kg", "119", S.REMAJA, 120, sex="L", age_days=TEN_YEARS), Accept)
    # a 9-year-old (anak): beyond the widest WHO limit of the group: refused (or read as a unit slip, 11,9)
    verdict = check_value("weight_kg", "119", S.ANAK, 108, sex="L", age_days=3290)
    assert isinstance(verdict, (Reject, Confirm)) and not (isinstance(verdict, Confirm) and verdict.suggestion is None)


def test_ordinary_ten_year_old_is_not_unusual():
    assert check_value("weight_kg", "30", S.REMAJA, 120, sex="L", age_days=TEN_YEARS) == Accept(Decimal("30"))
    assert check_value("height_cm", "135", S.REMAJA, 120, sex="L", age_days=TEN_YEARS) == Accept(Decimal("135"))
    assert check_value("weight_kg", "30", S.ANAK, 119, sex="P", age_days=3630) == Accept(Decimal("30"))


def test_soft_limit_is_who_flag_limit_published_sd():
    # WHO 2007 height-for-age, boys 120 months: M 137,8 cm (WHO's published table); -6 SD by the LMS formula.
    lms = t.HFA_2007[1][120 - 61]
    assert lms[1] == pytest.approx(137.8, abs=0.05)
    low, high = soft_limits("height_cm", 1, round(120 * DAYS_PER_MONTH))
    assert low == pytest.approx(value_at_z(lms, FLAG_RULES_2007["haz"][0], False), abs=0.2)
    assert high == pytest.approx(value_at_z(lms, 6, False), abs=0.2)


def test_value_at_z_inverts_who_restricted_rule():
    from health.growth import lms_zscore
    lms = t.WFA_2007[2][100 - 61]
    for z in (-6, -4, -3, -1, 0, 2, 3, 4.5, 5):
        assert lms_zscore(value_at_z(lms, z, True), *lms, True) == pytest.approx(z, abs=1e-9)


def test_under_five_hard_limits_never_refuse_what_who_accepts():
    # A preterm newborn of 39 cm is within WHO's -6 SD at birth (38,5 cm): ilp-domain's 40 cm refused it.
    assert not isinstance(check_value("height_cm", "39", S.BAYI_BALITA, 0, sex="P", age_days=0), Reject)
    # A tall 59-month boy of 131 cm is below WHO's +6 SD: the old 130 cm ceiling refused him.
    assert not isinstance(check_value("height_cm", "131", S.BAYI_BALITA, 59, sex="L", age_days=1810), Reject)


def _golden(name):
    path = GOLDEN / name
    if not path.exists():
        pytest.skip(f"golden file {path} not available")
    with path.open() as fh:
        return list(csv.DictReader(fh))


def _stage(months):
    return S.ANAK if months < 120 else S.REMAJA


def test_who_2007_rows_not_flagged_are_never_refused_or_asked_back():
    checked = 0
    for row in _golden("who2007.csv"):
        months = float(row["age_months"])
        if months >= 216 or months < 61:
            continue  # adults from 18 years
        days = round(months * DAYS_PER_MONTH)
        sex = int(row["sex"])
        stage = _stage(int(months))
        near = lambda z, lim: z not in ("", None) and any(abs(float(z) - x) < 0.1 for x in lim)
        if row["fhfa"] == "0" and not near(row["zhfa"], FLAG_RULES_2007["haz"]):
            assert isinstance(check_value("height_cm", row["height"], stage, int(months), sex=sex, age_days=days),
                              Accept), row
            checked += 1
        # After 10 years (no WHO weight-for-age) a weight alone is judged at heights within +-3 SD
        # (health.plausibility.WEIGHT_ALONE_HEIGHT_Z): a child beyond them is judged with the height, by BMI-for-age.
        weight_ok = row["fwfa"] in ("0",) if row["zwfa"] else (
            row["fbfa"] == "0" and row["fhfa"] == "0" and row["zhfa"] not in ("", None)
            and abs(float(row["zhfa"])) <= 3)
        if weight_ok and not near(row["zwfa"] or None, FLAG_RULES_2007["waz"]):
            verdict = check_value("weight_kg", row["weight"], stage, int(months), sex=sex, age_days=days)
            assert isinstance(verdict, Accept), row
            checked += 1
        if row["fhfa"] == "1":
            verdict = check_value("height_cm", row["height"], stage, int(months), sex=sex, age_days=days)
            assert isinstance(verdict, (Confirm, Reject)), row
        if row["zwfa"] and row["fwfa"] == "1":
            verdict = check_value("weight_kg", row["weight"], stage, int(months), sex=sex, age_days=days)
            assert isinstance(verdict, (Confirm, Reject)), row
    assert checked > 500


def test_who_2006_rows_are_never_refused():
    for row in _golden("who2006.csv"):
        days, sex = int(row["age_days"]), int(row["sex"])
        months = int(days / DAYS_PER_MONTH)
        if row["fwei"] == "0":
            assert not isinstance(check_value("weight_kg", row["weight"], S.BAYI_BALITA, months, sex=sex,
                                              age_days=days), Reject), row
        if row["flen"] == "0":
            assert not isinstance(check_value("height_cm", row["lenhei"], S.BAYI_BALITA, months, sex=sex,
                                              age_days=days), Reject), row


def test_limits_exist_for_every_child_age():
    for days in range(0, 216 * 31, 97):
        months = int(days / DAYS_PER_MONTH)
        group = "bayi_balita" if months < 60 else "anak" if months < 120 else "remaja"
        if months >= 216:
            break
        for sex in (1, 2):
            limits = child_limits("height_cm", sex, days, group)
            assert limits is not None and limits.hard[0] <= limits.soft[0] < limits.soft[1] <= limits.hard[1]
