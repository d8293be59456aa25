"""Pure health rules for Posyandu ILP: WHO z-scores, Permenkes nutrition
status, KMS weight gain, screening cut-offs, pregnancy dating, life stages,
input validation and reminder schedules.

Why a separate package: these rules are the project's clinical core; they
import nothing from bot/storage/flask, never read the clock (dates are
parameters) and every threshold carries its source. See docs/health.md.
"""

from .ages import add_months, age_in_days, age_in_months, age_in_years, age_months_decimal, birth_problem
from .category import Category, Severity
from .child_flags import growth_flags
from .growth import (
    ChildZ, SchoolZ, Sex, child_zscores, lms_value, lms_zscore, reference2007_zscores,
    zscores_2006,
)
from .kms import KBM, is_2t, is_bgm, kbm_grams, months_between, weight_gain
from .life_stage import LifeStage, age_stage, life_stages, primary_stage
from .permenkes import PERMENKES_2_2020, child_status, classify, school_status
from .parsing import parse_bp, parse_number
from .pregnancy import (
    PregnancyStatus, anc_contact_due, gestational_age, hpht_problem, hpl, may_be_pregnant,
    estimated_hpht, pregnancy_status, trimester,
)
from .plausibility import child_limits, soft_limits
from .due import doses_due, due_reminders
from .schedules import RULES, Due, ReminderRule, due_date, period_key
from .urgency import URGENCY, level_of
from .screening import (
    adult_bmi_category, anaemia_group, bmi, bp_category, glucose_category, hb_category,
    muac_category, waist_category,
)
from .validation import Accept, Confirm, Reject, check_bp, check_change, check_value

__all__ = [
    "add_months", "age_in_days", "age_in_months", "age_in_years", "age_months_decimal", "birth_problem",
    "Category", "Severity", "growth_flags",
    "ChildZ", "SchoolZ", "Sex", "child_zscores", "lms_value", "lms_zscore",
    "reference2007_zscores",
    "KBM", "is_2t", "is_bgm", "kbm_grams", "months_between", "weight_gain",
    "LifeStage", "age_stage", "life_stages", "primary_stage",
    "PERMENKES_2_2020", "child_status", "classify", "school_status",
    "parse_bp", "parse_number",
    "PregnancyStatus", "anc_contact_due", "gestational_age", "hpht_problem", "hpl", "may_be_pregnant",
    "pregnancy_status", "trimester", "estimated_hpht", "child_limits", "soft_limits", "doses_due", "URGENCY",
    "level_of",
    "RULES", "Due", "ReminderRule", "due_date", "due_reminders", "period_key", "zscores_2006",
    "adult_bmi_category", "anaemia_group", "bmi", "bp_category", "glucose_category",
    "hb_category", "muac_category", "waist_category",
    "Accept", "Confirm", "Reject", "check_bp", "check_change", "check_value",
]
