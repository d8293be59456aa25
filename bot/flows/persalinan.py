"""`persalinan`: a kader or bidan records that a pregnant member gave birth; `keguguran`: that a
pregnancy ended without a birth (ANC reminders stop).

The delivery date starts the mother's postnatal visit reminders (KF1-KF4);
the baby, registered with `lapor` -> Anggota baru, gets the neonatal ones
(KN1-KN3) from its own birth date.

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/persalinan.txt,
tests/transcripts/lapor_nifas.txt.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Sequence


from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Choice, Role
from bot.parsing import parse_date
from health.pregnancy import MAX_HPHT_AGE_DAYS, gestational_age, hpl
from bot.flows.reporting_notices import notify_miscarriage
from storage import posyandu_days as days
from storage.members import member_by_id
from storage.records import MemberRecord, PregnancyRecord
from storage.reporting import visible_posyandu

EARLIEST_BIRTH = timedelta(weeks=22)  # a birth, not a miscarriage, from 22 completed weeks (WHO)
# older HPHT: not an ongoing pregnancy; the one limit of health.pregnancy (ilp-domain 2.3: 44 weeks)
LATEST_PREGNANCY = timedelta(days=MAX_HPHT_AGE_DAYS)


def ongoing_pregnancies(ctx: Ctx, posyandu_id: int, today: date) -> Sequence[tuple[MemberRecord, PregnancyRecord]]:
    return days.ongoing_pregnancies(ctx.session, posyandu_id, today, LATEST_PREGNANCY)


class PregnancySteps(ScopedFlow):
    """posyandu -> an ongoing pregnancy of it; then the flow's own steps (`_after_mother`)."""

    ask_posyandu_key = "birth.ask_posyandu"
    ask_mother_key = "birth.ask_mother"

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return choose_posyandu(ctx, {}, self.ask_posyandu_key, self._ask_mother)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self._ask_mother(ctx, data)

    def _ask_mother(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        mothers = ongoing_pregnancies(ctx, data["pid"], ctx.today())
        if not mothers:
            return done(say(ctx, "birth.none"), then="menu")
        offered = tuple(Choice(f"g{p.id}", ctx.t("birth.mother_choice", name=m.name, hpl=hpl(p.hpht))
                               if p.hpht is not None else f"{m.name} ({ctx.t('birth.undated')})")
                        for m, p in mothers[:10])
        return ask(ctx, "mother", data, self.ask_mother_key, offered)

    def on_mother(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        mothers = {f"g{p.id}": (m, p) for m, p in ongoing_pregnancies(ctx, data["pid"], ctx.today())}
        picked = mothers.get(answer.value)
        if picked is None:
            raise Invalid("core.choose_from_list", count=len(mothers))
        member, pregnancy = picked
        data.update(member=member.id, pregnancy=pregnancy.id)
        return self._after_mother(ctx, data)

    def _after_mother(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        raise NotImplementedError

    @staticmethod
    def _ask_date(ctx: Ctx, data: dict[str, Any], key: str) -> Turn:
        return ask(ctx, "date", data, key, choices(ctx, (("hari ini", "birth.today"), ("kemarin", "birth.yesterday"))))

    @staticmethod
    def _past_date(ctx: Ctx, answer: Answer, future_key: str) -> date:
        """A date typed or chosen, not after today."""
        today = ctx.today()
        found = parse_date(answer.value, today)
        if found is None:
            raise Invalid("birth.date_unreadable")
        if found > today:
            raise Invalid(future_key)
        return found

    @staticmethod
    def _confirmed(answer: Answer) -> bool:
        """True for Simpan, False for Batal; anything else is asked again."""
        if answer.value in ("batal", "cancel", "2"):
            return False
        if answer.value not in ("simpan", "save", "ya"):
            raise Invalid("core.choose_from_list", count=2)
        return True


# Where and by whom a baby was delivered, as one question (PWS KIA counts both; a facility birth is attended
# by a health worker): the answer -> (pregnancy.delivery_place, pregnancy.delivery_attendant).
PLACE_CHOICES = (("faskes", "birth.place.faskes"), ("rumah_nakes", "birth.place.rumah_nakes"),
                 ("rumah_non", "birth.place.rumah_non"), ("tidak_tahu", "birth.place.tidak_tahu"))
PLACES = {"faskes": ("faskes", "nakes"), "rumah_nakes": ("rumah", "nakes"), "rumah_non": ("rumah", "non_nakes"),
          "tidak_tahu": (None, None)}


class PersalinanFlow(PregnancySteps):
    name = "persalinan"
    triggers = ("persalinan", "melahirkan", "catat persalinan", "birth", "delivery")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "birth.menu"
    menu_order = 25

    def _after_mother(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        return self._ask_date(ctx, data, "birth.ask_date")

    def on_date(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        born = self._past_date(ctx, answer, "birth.date_future")
        pregnancy = days.pregnancy_by_id(ctx.session, data["pregnancy"])
        if pregnancy is None or pregnancy.delivered_on is not None:
            return done(say(ctx, "birth.already"), then="menu")
        if pregnancy.hpht is not None and born < pregnancy.hpht + EARLIEST_BIRTH:
            raise Invalid("birth.too_early", earliest=pregnancy.hpht + EARLIEST_BIRTH)
        member = member_by_id(ctx.session, data["member"])
        weeks = gestational_age(pregnancy.hpht, born)[0] if pregnancy.hpht is not None else None
        data.update(born=born.isoformat(), weeks=weeks, name=member.name if member else "")
        key = "birth.ask_place" if weeks is not None else "birth.ask_place_undated"  # undated: no week to say
        return ask(ctx, "place", data, key, choices(ctx, PLACE_CHOICES), name=data["name"], date=born, weeks=weeks)

    def on_place(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        """Where and by whom (PWS KIA: persalinan di fasyankes, oleh nakes); 'belum tahu' records neither."""
        values = [value for value, _key in PLACE_CHOICES]
        picked = answer.value if answer.value in values else (
            values[int(answer.value) - 1] if answer.value.isdigit() and 1 <= int(answer.value) <= len(values)
            else None)
        if picked is None:
            raise Invalid("core.choose_from_list", count=len(values))
        data["place"] = picked
        key = "birth.confirm_place" if data.get("weeks") is not None else "birth.confirm_place_undated"
        return ask(ctx, "confirm", data, key, choices(ctx, (("simpan", "birth.save"), ("batal", "birth.cancel"))),
                   name=data["name"], date=date.fromisoformat(data["born"]), weeks=data.get("weeks"),
                   place=ctx.t(f"birth.place.{picked}").lower())

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if not self._confirmed(answer):
            return done(say(ctx, "core.cancelled"), then="menu")
        pregnancy = days.pregnancy_by_id(ctx.session, data["pregnancy"])
        if pregnancy is None or pregnancy.delivered_on is not None:
            return done(say(ctx, "birth.already"), then="menu")
        days.record_delivery(ctx.session, pregnancy, date.fromisoformat(data["born"]),
                             *PLACES.get(data.get("place", ""), (None, None)), ctx.contact.id, ctx.now)
        return done(say(ctx, "birth.saved"), then="menu")


END_REASONS = ("keguguran", "lainnya")  # a miscarriage; or another end (moved away, recorded by mistake)


class PregnancyEndedFlow(PregnancySteps):
    """`keguguran`: a kader or bidan closes a pregnancy that ended without a birth, so ANC reminders stop.

    A loss from 22 weeks is a birth (WHO): it goes through `persalinan`, which starts the nifas visits.
    """

    name = "keguguran"
    triggers = ("keguguran", "kehamilan berakhir", "tutup kehamilan", "miscarriage", "pregnancy ended")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "ended.menu"
    menu_order = 85  # after the daily work, before the language
    ask_posyandu_key = "ended.ask_posyandu"
    ask_mother_key = "ended.ask_mother"

    def _after_mother(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        return ask(ctx, "reason", data, "ended.ask_reason",
                   choices(ctx, (("keguguran", "ended.reason.keguguran"), ("lainnya", "ended.reason.lainnya"))))

    def on_reason(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        reason = answer.value.strip().lower()
        if reason not in END_REASONS:
            raise Invalid("core.choose_from_list", count=len(END_REASONS))
        data["reason"] = reason
        return self._ask_date(ctx, data, "ended.ask_date")

    def on_date(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        ended = self._past_date(ctx, answer, "ended.date_future")
        pregnancy = days.pregnancy_by_id(ctx.session, data["pregnancy"])
        if pregnancy is None or pregnancy.delivered_on is not None or pregnancy.ended_on is not None:
            return done(say(ctx, "ended.already"), then="menu")
        if pregnancy.hpht is not None and ended < pregnancy.hpht:
            raise Invalid("ended.before_hpht", hpht=pregnancy.hpht)
        if data["reason"] == "keguguran" and pregnancy.hpht is not None and ended >= pregnancy.hpht + EARLIEST_BIRTH:
            raise Invalid("ended.is_a_birth")
        member = member_by_id(ctx.session, data["member"])
        data["ended"] = ended.isoformat()
        return ask(ctx, "confirm", data, "ended.confirm",
                   choices(ctx, (("simpan", "birth.save"), ("batal", "birth.cancel"))),
                   name=member.name if member else "", date=ended,
                   reason=ctx.t(f"ended.reason.{data['reason']}").lower())

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if not self._confirmed(answer):
            return done(say(ctx, "core.cancelled"), then="menu")
        pregnancy = days.pregnancy_by_id(ctx.session, data["pregnancy"])
        if pregnancy is None or pregnancy.delivered_on is not None or pregnancy.ended_on is not None:
            return done(say(ctx, "ended.already"), then="menu")
        ended = date.fromisoformat(data["ended"])
        days.record_end(ctx.session, pregnancy, ended, data["reason"], ctx.contact.id, ctx.now)
        if data["reason"] != "keguguran":  # moved away, recorded by mistake: nothing to follow up
            return done(say(ctx, "ended.saved_other"), then="menu")
        member = member_by_id(ctx.session, pregnancy.member_id)
        alerted = notify_miscarriage(ctx, member, data["pid"], ended) if member is not None else 0
        return done(say(ctx, "ended.saved", count=alerted) if alerted else say(ctx, "ended.saved_no_bidan"),
                    then="menu")


FLOWS = (PersalinanFlow(), PregnancyEndedFlow())
