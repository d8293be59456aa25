"""The bidan's alert for a referral, wherever the visit came from (a kader's chat or the register import).

Why here: the chat flow queues its alerts through `ctx.notify`; an import has
no conversation, so it writes the same alert straight to the outbox (same
text, same dedupe key shape, so a rerun of the file alerts nobody twice).
The alert names who reported and, for a pregnancy, the gestational age.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.texts import render
from health.measurements import VALUE_FIELDS
from storage.models import Posyandu
from storage.reporting import SavedVisit, bidan_contacts, current_pregnancy
from storage.repositories import enqueue_to_contact



def dated_by_estimate(session: Session, member_id: int, on: date) -> bool:
    """Whether the ongoing pregnancy's HPHT was estimated (from an HPL or 'hamil 5 bulan'), not told."""
    pregnancy = current_pregnancy(session, member_id, on)
    return pregnancy is not None and pregnancy.hpht_estimate is not None


def with_pregnancy(lang: str, text: str, result: Any, estimated: bool = False) -> str:
    """The alert with the gestational age under the member's line, for a pregnancy; '±, perkiraan' when the
    HPHT is an estimate, so the bidan does not read an estimate as a dated week."""
    weeks = getattr(result, "gestational_weeks", None)
    if weeks is not None:
        line = render(lang, "referral.alert_pregnancy_estimate" if estimated else "referral.alert_pregnancy",
                      weeks=weeks)
    elif getattr(result, "pregnancy_undated", False):  # pregnant is a status: said even without a date
        line = render(lang, "referral.alert_pregnancy_undated")
    else:
        return text
    parts = text.split("\n\n")
    if len(parts) > 1:
        parts[1] += "\n" + line
    else:
        parts.append(line)
    return "\n\n".join(parts)


def alert_imported(session: Session, saved: SavedVisit, now: datetime, default_lang: str = "id") -> int:
    """Alert the bidan of an imported visit that opened or updated a referral; returns the rows written."""
    from bot.visit_text import alert_text  # the chat's alert, word for word

    if saved.referral is None:
        return 0
    measurement, member, result = saved.measurement, saved.member, saved.interpretation
    posyandu = session.get(Posyandu, measurement.posyandu_id)
    if posyandu is None:
        return 0
    values = {name: getattr(measurement, name) for name in VALUE_FIELDS}
    estimated = dated_by_estimate(session, member.id, measurement.measured_on)
    stamp = hashlib.sha256(repr((sorted(values.items()), result.flag_codes)).encode()).hexdigest()[:12]
    written = 0
    for bidan in bidan_contacts(session, posyandu):
        lang = bidan.language or default_lang
        reporter = render(lang, "referral.reporter_import")
        text = with_pregnancy(lang, alert_text(lang, posyandu.name, member, measurement.measured_on, result, values,
                                               reporter), result, estimated)
        if enqueue_to_contact(session, bidan, text, now, kind="alert",
                              dedupe_key=f"alert:{measurement.id}:{bidan.id}:{stamp}") is not None:
            written += 1
    return written
