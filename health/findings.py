"""One finding per clinical problem: reasons from different indicators that say the same thing are one finding,
with each indicator as its evidence.

Why: weight-for-length < -2 SD and a LiLA of 11,5-< 12,5 cm are two measurements of one condition, gizi kurang
(wasting / moderate acute malnutrition); listing "Gizi kurang" and "Gizi kurang (LiLA ...)" as two findings reads
as two problems. Sources: Permenkes 2/2020 (BB/PB-BB/TB and IMT/U share the same six categories; IMT/U stands in
for BB/PB); Kemenkes 2019 tata laksana gizi buruk / PNPK gizi buruk and WHO 2013 SAM (gizi buruk = BB/PB < -3 SD
*or* LiLA < 11,5 cm; gizi kurang = BB/PB -3 to < -2 SD *or* LiLA 11,5-< 12,5 cm), ilp-domain 3.1-3.3; the KMS red
line and BB/U < -3 SD are one fact (health.child_flags).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar


@dataclass(frozen=True, slots=True)
class Finding:
    key: str
    label_id: str
    label_en: str
    codes: frozenset[str]  # reason codes (`index:code`) that are evidence of it
    source: str

    def label(self, lang: str | None) -> str:
        return self.label_en if lang == "en" else self.label_id


SRC_WASTING = ("Permenkes 2/2020 (BB/PB-BB/TB, IMT/U 0-60 bulan); Kemenkes 2019 / PNPK tata laksana gizi buruk, "
               "WHO 2013: BB/PB or LiLA; ilp-domain 3.1, 3.3")
FINDINGS: tuple[Finding, ...] = (
    Finding("gizi_buruk", "Gizi buruk", "Severe acute malnutrition",
            frozenset({"bb_pb_tb:severely_wasted", "imt_u_0_60:severely_wasted", "lila_balita:muac_severe"}),
            SRC_WASTING),
    Finding("gizi_kurang", "Gizi kurang", "Moderate acute malnutrition",
            frozenset({"bb_pb_tb:wasted", "imt_u_0_60:wasted", "lila_balita:muac_moderate"}), SRC_WASTING),
    Finding("bb_sangat_kurang", "Berat badan sangat kurang (BGM)", "Severely underweight (below the red line)",
            frozenset({"growth_flag:bgm", "bb_u:severely_underweight"}),
            "KMS red line ≈ BB/U -3 SD (ilp-domain 3.2, health.kms)"),
    Finding("gizi_lebih", "Gizi lebih", "Overweight",
            frozenset({"bb_pb_tb:overweight", "imt_u_0_60:overweight"}), "Permenkes 2/2020"),
    Finding("obesitas", "Obesitas", "Obese", frozenset({"bb_pb_tb:obese", "imt_u_0_60:obese"}), "Permenkes 2/2020"),
)
_BY_CODE = {code: finding for finding in FINDINGS for code in finding.codes}
# The indicator a piece of evidence comes from, by category index (for a short list: "Gizi kurang (BB/PB, LiLA)")
EVIDENCE_NAMES = {"bb_pb_tb": ("BB/PB", "weight-for-length"), "imt_u_0_60": ("IMT/U", "BMI-for-age"),
                  "lila_balita": ("LiLA", "MUAC"), "growth_flag": ("garis merah KMS", "KMS red line"),
                  "bb_u": ("BB/U", "weight-for-age")}


def evidence_name(code: str, lang: str | None) -> str:
    names = EVIDENCE_NAMES.get(code.split(":")[0])
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]

T = TypeVar("T")


def finding_of(code: str) -> Finding | None:
    return _BY_CODE.get(code)


def group(items: Sequence[T], code_of: Callable[[T], str]) -> list[tuple[Finding | None, list[T]]]:
    """Items (flags) in order, those of one finding together at the place of the first: a finding named by two
    or more indicators is one entry with them as its evidence; a lone one stays itself (finding None)."""
    members: dict[str, list[T]] = {}
    for item in items:
        finding = finding_of(code_of(item))
        if finding is not None:
            members.setdefault(finding.key, []).append(item)
    out: list[tuple[Finding | None, list[T]]] = []
    done: set[str] = set()
    for item in items:
        finding = finding_of(code_of(item))
        if finding is None or len(members[finding.key]) < 2:
            out.append((None, [item]))
        elif finding.key not in done:
            done.add(finding.key)
            out.append((finding, members[finding.key]))
    return out
