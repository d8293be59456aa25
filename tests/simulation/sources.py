"""The published Indonesian figures the simulated village is drawn from (docs/simulation.md cites them).

Every figure is a national estimate; a real desa differs. They are here so that a year of the simulator
holds, in one posyandu, the ordinary mix a puskesmas sees: stunted and wasted balita, pregnant women
weighed every month, adults with hypertension and diabetes, lansia.
"""
from __future__ import annotations

# BPS, Statistik Indonesia 2024 / SUSENAS Maret 2023: average household size 3.8-4.0 persons.
HOUSEHOLD_SIZE_MEAN = 3.9

# BPS, Hasil Long Form Sensus Penduduk 2020 (2023): crude birth rate 16-17 per 1,000 per year.
CRUDE_BIRTH_RATE = 16.5 / 1000

# Spontaneous abortion: about 10-15 % of recognised pregnancies end before 20 weeks (WHO; POGI); we use 12 %.
MISCARRIAGE_SHARE = 0.12
# Pregnancies whose HPHT the woman cannot tell (Riskesdas 2018 ANC module: a minority of K1 without HPHT).
HPHT_UNKNOWN_SHARE = 0.10

# SKI 2023 (Survei Kesehatan Indonesia, Kemenkes BKPK 2023), balita 0-59 months:
STUNTING = 0.215      # TB/U < -2 SD
WASTING = 0.085       # BB/TB < -2 SD
UNDERWEIGHT = 0.159   # BB/U < -2 SD
# SKI 2023, adults >= 18: hypertension by measurement 30.8 % (Riskesdas 2018: 34.1 %);
# diabetes by blood test (>= 15 years) 11.7 %.
HYPERTENSION = 0.30
DIABETES = 0.117
# SKI 2023: pregnant women with KEK (LiLA < 23.5 cm) 16.9 %.
KEK_PREGNANT = 0.169
# BPS, Statistik Penduduk Lanjut Usia 2023: lansia (60+) are 11.75 % of the population.
LANSIA = 0.1175

# Age pyramid, BPS Sensus Penduduk 2020 (share of the population per 5-year band, both sexes), rounded;
# the last bands are raised slightly so that 60+ is the 2023 figure above.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 4, 0.083), (5, 9, 0.084), (10, 14, 0.084), (15, 19, 0.081), (20, 24, 0.080), (25, 29, 0.078),
    (30, 34, 0.076), (35, 39, 0.074), (40, 44, 0.070), (45, 49, 0.064), (50, 54, 0.057), (55, 59, 0.049),
    (60, 64, 0.045), (65, 69, 0.034), (70, 74, 0.021), (75, 89, 0.0175),
)

# Attendance at the monthly posyandu day. D/S of SKDN, national: about 70-80 % (Profil Kesehatan Indonesia
# 2022, "balita ditimbang"); lansia and adults come far less.
ATTEND = {"balita": 0.78, "hamil": 0.85, "nifas": 0.6, "lansia": 0.35, "dewasa": 0.12, "anak": 0.0}
# People who move away in a year (BPS migrasi risen: ~2-3 %/year out of a desa) and who change phone number.
MOVE_AWAY_PER_MONTH = 0.002
PHONE_CHANGE_PER_MONTH = 0.004
# Families who subscribe by chat once, and of those, who later type BERHENTI.
SUBSCRIBE_SHARE = 0.45
STOP_SHARE_PER_MONTH = 0.01
# Share of members with a NIK in the register (Dukcapil coverage of KTP/KIA is high; babies often lack one).
NIK_SHARE = 0.85
