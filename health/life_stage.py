"""Life-cycle groups of Posyandu ILP (ilp-domain 1.4).

Why: the measurement form, the reminders and the reports are all chosen by
life stage; a person can be in several at once (a pregnant 17-year-old is
remaja + ibu hamil), so stages are a set and `primary_stage` picks the form.

Age groups use completed calendar months (`ages.age_in_months`):
bayi_balita 0-59 mo, anak 60 mo-<10 y (prasekolah and usia sekolah), remaja
10-<18 y, dewasa 18-59 y, lansia >= 60 y [S1]. ibu_hamil: a valid HPHT
(not in the future, <= 44 weeks old) with no delivery recorded on/after it.
ibu_nifas: 0-42 days after the recorded delivery date [S1 05-pelayanan-nifas].

Pregnancy is a status, not a date: a woman who says she is pregnant but knows
no HPHT (nor weeks, months or an HPL to estimate it) is ibu_hamil all the
same (`pregnant_since`: the day she was known pregnant), for at most 44 weeks
from that day (ilp-domain 2.3's longest pregnancy) unless a delivery or an
end is recorded. Only what needs a date (gestational age, ANC windows, HPL,
post-term) is unknown for her.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

from .ages import age_in_months
from .growth import Sex
from .pregnancy import MAX_HPHT_AGE_DAYS, hpht_problem

NIFAS_DAYS = 42
# (stage, first completed month, last completed month or None)
AGE_BANDS_MONTHS: tuple[tuple[str, int, int | None], ...] = (
    ("bayi_balita", 0, 59),
    ("anak", 60, 10 * 12 - 1),
    ("remaja", 10 * 12, 18 * 12 - 1),
    ("dewasa", 18 * 12, 60 * 12 - 1),
    ("lansia", 60 * 12, None),
)
SOURCE = "Juknis ILP klaster 2/3 age bounds [S1]; ilp-domain 1.4"


class LifeStage(str, Enum):
    """Life-cycle group; value is the stable code stored in the database."""

    BAYI_BALITA = "bayi_balita"
    ANAK = "anak"
    REMAJA = "remaja"
    DEWASA = "dewasa"
    LANSIA = "lansia"
    IBU_HAMIL = "ibu_hamil"
    IBU_NIFAS = "ibu_nifas"

    @property
    def label_id(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]

    def label(self, lang: str | None) -> str:
        """The group's name in English for `en`, else in Indonesian."""
        return self.label_en if lang == "en" else self.label_id


_LABELS = {
    LifeStage.BAYI_BALITA: ("Bayi dan balita (0-59 bulan)", "Infant and under-five (0-59 months)"),
    LifeStage.ANAK: ("Anak prasekolah dan usia sekolah (5-<10 tahun)",
                     "Pre-school and school-age child (5-<10 years)"),
    LifeStage.REMAJA: ("Remaja (10-<18 tahun)", "Adolescent (10-<18 years)"),
    LifeStage.DEWASA: ("Usia dewasa (18-59 tahun)", "Adult (18-59 years)"),
    LifeStage.LANSIA: ("Lanjut usia (>= 60 tahun)", "Older person (>= 60 years)"),
    LifeStage.IBU_HAMIL: ("Ibu hamil", "Pregnant woman"),
    LifeStage.IBU_NIFAS: ("Ibu nifas (0-42 hari setelah melahirkan)",
                          "Postpartum mother (0-42 days after delivery)"),
}


def age_stage(birth_date: date, on: date) -> LifeStage:
    """The age-based stage on `on`."""
    months = age_in_months(birth_date, on)
    for code, first, last in AGE_BANDS_MONTHS:
        if months >= first and (last is None or months <= last):
            return LifeStage(code)
    raise AssertionError("age bands must cover every age")  # table bug


def is_pregnant(hpht: date | None, on: date, delivered_on: date | None = None,
                pregnant_since: date | None = None) -> bool:
    """A valid, ongoing pregnancy on `on`: dated by its HPHT, or undated (HPHT unknown) and known since
    `pregnant_since` (at most 44 weeks before `on`)."""
    if hpht is None:
        if pregnant_since is None or not 0 <= (on - pregnant_since).days <= MAX_HPHT_AGE_DAYS:
            return False
        start = pregnant_since - timedelta(days=MAX_HPHT_AGE_DAYS)  # a delivery before this is another one
        return delivered_on is None or delivered_on < start or delivered_on > on
    if hpht_problem(hpht, on) is not None:
        return False
    return delivered_on is None or delivered_on < hpht or delivered_on > on


def is_nifas(delivered_on: date | None, on: date) -> bool:
    """Within 0-42 days after the recorded delivery."""
    return delivered_on is not None and 0 <= (on - delivered_on).days <= NIFAS_DAYS


def life_stages(birth_date: date, sex: Sex | int | str, on: date,
                hpht: date | None = None, delivered_on: date | None = None,
                pregnant_since: date | None = None) -> frozenset[LifeStage]:
    """All stages on `on`: the age stage plus ibu_hamil / ibu_nifas (women only).

    `pregnant_since`: an undated pregnancy (HPHT unknown) known since that day (`is_pregnant`)."""
    stages = {age_stage(birth_date, on)}
    if Sex.parse(sex) is Sex.FEMALE:
        if is_pregnant(hpht, on, delivered_on, pregnant_since):
            stages.add(LifeStage.IBU_HAMIL)
        elif is_nifas(delivered_on, on):
            stages.add(LifeStage.IBU_NIFAS)
    return frozenset(stages)


def primary_stage(birth_date: date, sex: Sex | int | str, on: date,
                  hpht: date | None = None, delivered_on: date | None = None,
                  pregnant_since: date | None = None) -> LifeStage:
    """Stage whose form to use: ibu hamil, then ibu nifas, then the age stage."""
    stages = life_stages(birth_date, sex, on, hpht, delivered_on, pregnant_since)
    for stage in (LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS):
        if stage in stages:
            return stage
    return age_stage(birth_date, on)
