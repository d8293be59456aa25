"""Referral reasons after a balita's weighing (growth monitoring flags).

Why: the bot must tell the kader, in one list, every reason this child
should be flagged to the bidan or referred, each with its source, instead of
scattering checks across handlers.

⚠ Judgement: Buku KIA 2023 refers on a single T, below the red line or above
the orange line [S30]; the classic rule refers on 2T/BGM [S32][S34]. We
return both: 'T' (flag to bidan) and '2T' (escalate, severe). Permenkes
categories that warrant referral (underweight, stunted, wasted, overweight,
obese; Juknis ILP 08-balita-masalah-gizi: Posyandu refers every balita with
a nutrition problem) are included, except 'severely underweight', which is
the same fact as BGM and is reported once, as BGM.
"""

from __future__ import annotations

from .category import Category, Severity
from .growth import ChildZ
from .kms import BGM_SOURCE, is_2t, is_bgm
from .permenkes import classify
from .screening import muac_category

SRC_KIA = ("Buku KIA 2023, halaman KMS: rujuk bila T, di bawah garis merah, "
           "di atas garis oranye [S30]")
SRC_2T = ("Standar Pemantauan Pertumbuhan Balita 2006 / surveilans gizi: "
          "2T -> rujuk Puskesmas [S32][S34]")
SRC_ORANGE = f"{SRC_KIA}; orange line ≈ +1 SD BB/U ⚠ (GK, ilp-domain 3.2)"
SRC_FLAGS = "WHO anthro 1.1 implausibility flags; ilp-domain 2.3 (re-measure)"
ORANGE_LINE_WAZ = 1.0

REASONS: dict[str, Category] = {
    "T": Category("growth_flag", "weight_not_gaining", "Berat badan tidak naik (T)",
                  "Weight not gaining (T)", Severity.WARNING, True, SRC_KIA),
    "2T": Category("growth_flag", "two_t", "Tidak naik 2 kali berturut-turut (2T)",
                   "Not gaining twice in a row (2T)", Severity.SEVERE, True, SRC_2T),
    "BGM": Category("growth_flag", "bgm", "Bawah garis merah (BGM)",
                    "Below the red line (BGM)", Severity.SEVERE, True, BGM_SOURCE),
    "ORANGE": Category("growth_flag", "above_orange_line", "Di atas garis oranye",
                       "Above the orange line", Severity.WARNING, True, SRC_ORANGE),
}
_IMPLAUSIBLE_LABELS = {
    "waz": ("BB/U", "weight-for-age"), "haz": ("PB/U atau TB/U", "length/height-for-age"),
    "whz": ("BB/PB atau BB/TB", "weight-for-length/height"), "baz": ("IMT/U", "BMI-for-age"),
    "hcz": ("LK/U", "head circumference-for-age"), "acz": ("LiLA/U", "arm circumference-for-age"),
    "position": ("posisi ukur (berdiri < 9 bulan)", "measuring position (standing < 9 months)"),
}


# ⚠ Project choice: a value the kader confirmed although WHO flags it implausible is
# referred to the bidan as "ukur ulang" (re-measure), never as a nutrition category:
# it is either a measuring error or a child who must be seen (ilp-domain 2.3, 3.1).
IMPLAUSIBLE_REFERS = True

# Which z-scores a flag makes untrustworthy: the flagged index, and every index
# computed from the same measure when the flag is one measurement's own (weight
# implausible for age: BB/U, BB/PB, IMT/U; length: PB/U, BB/PB, IMT/U; a standing
# measure under 9 months spoils the length). A flag of a pair index (BB/PB, IMT/U)
# is that index's own (WHO anthro flags per indicator): an extreme IMT/U in a
# severely wasted infant says nothing against a plausible BB/PB, which stays read.
_DERIVED = {
    "waz": {"waz", "whz", "baz"}, "haz": {"haz", "whz", "baz"}, "position": {"haz", "whz", "baz"},
    "whz": {"whz"}, "baz": {"baz"}, "hcz": {"hcz"}, "acz": {"acz"},
}


def shown_flags(flags: frozenset[str] | set[str], whz_available: bool) -> set[str]:
    """The WHO flags worth a re-measure: IMT/U's own flag only where BB/PB cannot be read (under five
    the wasting index is BB/PB, IMT/U its stand-in: Permenkes 2/2020, ilp-domain 3.1)."""
    out = set(flags)
    if whz_available and "whz" not in flags:
        out.discard("baz")
    return out


def untrusted(flags: frozenset[str] | set[str]) -> set[str]:
    """The z-scores (`waz`, `haz`, `whz`, `baz`, `hcz`, `acz`) no category may be read from."""
    out: set[str] = set()
    for name in flags:
        out |= _DERIVED.get(name, {name})
    return out


def implausible(name: str) -> Category:
    label_id, label_en = _IMPLAUSIBLE_LABELS[name]
    return Category("growth_flag", f"implausible_{name}",
                    f"Nilai tidak wajar: {label_id}, ukur ulang",
                    f"Implausible {label_en}, re-measure", Severity.WARNING, IMPLAUSIBLE_REFERS,
                    SRC_FLAGS + "; refer to re-measure ⚠ project choice")


def growth_flags(
    *,
    age_months: int,
    z: ChildZ | None = None,
    gain: str | None = None,
    previous_gain: str | None = None,
    muac_cm: float | None = None,
) -> tuple[Category, ...]:
    """All referral/flag reasons for one balita weighing, most severe first.

    `gain`/`previous_gain` are this and last month's KMS codes (N/T/O/B).
    Implausible values are reported (re-measure) and suppress the
    categories of the implausible indicator and of every indicator computed
    from the same measure (`untrusted`), which would be noise.
    """
    out: list[Category] = []
    flags = z.flags if z is not None else frozenset()
    bad = untrusted(flags)
    if gain == "T" and "waz" not in bad:  # an implausible weight says nothing about the gain
        out.append(REASONS["2T"] if is_2t(gain, previous_gain) else REASONS["T"])
    if z is not None:
        if "waz" not in bad:
            if is_bgm(z.waz):
                out.append(REASONS["BGM"])
            elif z.waz is not None and z.waz > ORANGE_LINE_WAZ:
                out.append(REASONS["ORANGE"])
            cat = classify("bb_u", z.waz)
            if cat is not None and cat.refer and cat.code != "severely_underweight":
                out.append(cat)
        # Weight-for-length/height first; IMT/U only when it is unavailable.
        wasting = ("bb_pb_tb", z.whz, "whz") if z.whz is not None else (
            "imt_u_0_60", z.baz, "baz")
        for index, value, name in (("pb_tb_u", z.haz, "haz"), wasting):
            cat = classify(index, value)
            if cat is not None and cat.refer and name not in bad:
                out.append(cat)
        out.extend(implausible(name) for name in sorted(shown_flags(flags, z.whz is not None)))
    if muac_cm is not None and "acz" not in bad:
        cat = muac_category(muac_cm, "balita", age_months)
        if cat is not None and cat.refer:
            out.append(cat)
    order = {Severity.SEVERE: 0, Severity.WARNING: 1, Severity.NORMAL: 2}
    return tuple(sorted(out, key=lambda c: order[c.severity]))
