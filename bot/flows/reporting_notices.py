"""After `simpan`: tell the bidan about a flag, and the child's family about the result.

Why separate from the flow: who hears what is a rule of its own (the bidan of
the posyandu's desa for every referral, the subscribed household of a child
for every weighing), and both messages go through `ctx.notify`, i.e. into the
outbox in the same transaction as the measurement, with a dedupe key so a
replayed step never sends twice.
"""
from __future__ import annotations

from datetime import date

from typing import TYPE_CHECKING

from bot.charts import chart_attachments
from bot.flows.base import Ctx
from bot.messages import Reply
from bot.notices import MISCARRIAGE_FOLLOWUP, VISIT_ALERT, VISIT_CHART, VISIT_CORRECTION, VISIT_RESULT
from bot.formats import day
from bot.visit_text import alert_text, correction_text, member_label, result_text
from bot.texts import render
from health.problems import problem_of
from health.urgency import MISCARRIAGE, TODAY, WEEK, level_of
from bot.referral_alerts import dated_by_estimate, with_pregnancy
from health.life_stage import LifeStage
from health.measurements import VALUE_FIELDS
from storage.places import posyandu_by_id
from storage.records import MemberRecord
from storage.referrals import record_followup
from storage.outbox_keys import AlertKey, ChartKey, CorrectionKey, FollowupKey, ResultKey, visit_stamp
from storage.reporting import SavedVisit, bidan_contacts, guardian_contacts

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session


def notify_visit(ctx: Ctx, saved: SavedVisit) -> int:
    """Queue the bidan alerts and the guardian result; returns how many bidan were alerted."""
    measurement, member, result = saved.measurement, saved.member, saved.interpretation
    values = {name: getattr(measurement, name) for name in VALUE_FIELDS}
    stamp = visit_stamp(values, result.flag_codes)  # a corrected report alerts again, a replay does not
    alerted = 0
    if saved.referral is not None or saved.corrected_flags:
        posyandu = posyandu_by_id(ctx.session, measurement.posyandu_id)
        reporter = ctx.contact.display_name or ctx.t(f"core.role_name.{ctx.contact.role}")
        for bidan in bidan_contacts(ctx.session, posyandu) if posyandu is not None else []:
            if bidan.id == ctx.contact.id:
                continue
            lang = bidan.language or ctx.settings.default_language
            place = posyandu.name if posyandu else ""
            if saved.corrected_flags:  # the bidan was told of other reasons: say what changed
                text = correction_text(lang, place, member, measurement.measured_on, saved.corrected_flags,
                                       result, reporter)
                ctx.notify(VISIT_CORRECTION.to(bidan.id, CorrectionKey(measurement.id, bidan.id, stamp), text))
            if saved.referral is not None:
                text = with_pregnancy(lang, alert_text(lang, place, member, measurement.measured_on, result, values,
                                                       reporter), result,
                                      dated_by_estimate(ctx.session, member.id, measurement.measured_on))
                ctx.notify(VISIT_ALERT.to(bidan.id, AlertKey(measurement.id, bidan.id, stamp), text))
            alerted += 1
    if result.stage is LifeStage.BAYI_BALITA and (result.weight_gain is not None or result.categories):
        for guardian in guardian_contacts(ctx.session, member):
            if guardian.id == ctx.contact.id:
                continue
            lang = guardian.language or ctx.settings.default_language
            text = result_text(lang, member, measurement.measured_on, result, values)
            ctx.notify(VISIT_RESULT.to(guardian.id, ResultKey(measurement.id, guardian.id, stamp), text))
            for index, reply in enumerate(visit_charts(ctx.session, saved, lang)):
                ctx.notify(VISIT_CHART.to(guardian.id, ChartKey(measurement.id, guardian.id, stamp, index), reply.text,
                                          attachment=reply.attachment))
    return alerted


def visit_charts(session: "Session", saved: SavedVisit, lang: str | None) -> list[Reply]:
    """After a balita's weighing: the weight-for-age chart, and length/height-for-age when it was measured.

    The family's copy is the same picture: it carries lines, points and N/T, never a category word.
    """
    measurement, member = saved.measurement, saved.member
    if (saved.interpretation.stage is not LifeStage.BAYI_BALITA or measurement.weight_kg is None
            or "waz" in saved.interpretation.untrusted):
        return []
    wanted = ("wfa", "lhfa") if measurement.height_cm is not None and "haz" not in saved.interpretation.untrusted \
        else ("wfa",)
    return [Reply(caption, attachment=attachment) for caption, attachment in
            chart_attachments(session, member, lang, measurement.measured_on, wanted)]


def notify_miscarriage(ctx: Ctx, member: MemberRecord, posyandu_id: int, ended_on: date) -> int:
    """A miscarriage recorded (`keguguran`): a follow-up in the bidan's queue (postabortion care, problem
    `kehamilan`) and an alert to the bidan of the posyandu's desa, as for any referral; returns how many were
    alerted (health.urgency.MISCARRIAGE and its source)."""
    posyandu = posyandu_by_id(ctx.session, posyandu_id)
    if posyandu is None:
        return 0
    level = level_of(MISCARRIAGE, True, (ended_on - member.birth_date).days) or WEEK
    referral = record_followup(ctx.session, member, posyandu_id, MISCARRIAGE, problem_of(MISCARRIAGE), level, ctx.now)
    reporter = ctx.contact.display_name or ctx.t(f"core.role_name.{ctx.contact.role}")
    alerted = 0
    for bidan in bidan_contacts(ctx.session, posyandu):
        if bidan.id == ctx.contact.id:
            continue
        lang = bidan.language or ctx.settings.default_language
        text = "\n\n".join((
            render(lang, "report.alert_urgent" if level == TODAY else "report.followup_title", posyandu=posyandu.name,
                   date=day(ended_on)),
            render(lang, "report.alert_member", member=member_label(lang, member, ended_on),
                   phone=member.guardian_phone or "-"),
            render(lang, "report.followup_miscarriage", date=day(ended_on)),
            render(lang, "report.alert_by", reporter=reporter)))
        ctx.notify(MISCARRIAGE_FOLLOWUP.to(bidan.id, FollowupKey(referral.id, MISCARRIAGE, ended_on, bidan.id), text))
        alerted += 1
    return alerted
