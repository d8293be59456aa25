"""Residents: subscribe a household (`daftar`), the next posyandu day (`jadwal`), the family's results and
what is due next (`keluarga` / `anak`), and deleting their data (`hapus data`).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/resident_start.txt,
tests/transcripts/keluarga_hapus_data.txt, tests/transcripts/stop_mulai.txt,
tests/transcripts/privasi_orang_asing.txt.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any


from bot.flows.base import Answer, Ctx, Flow, Invalid, StepFlow, Turn, ask, choices, done, say
from bot.flows.registration import UNKNOWN, read_birth, read_hpht, read_name, read_pregnant, read_sex
from bot.i18n.resident import fmt_date, fmt_when
from bot.messages import PHONE_SHARED, SHARE_PHONE, Choice, Reply, Role
from bot.texts import render
from bot.parsing import parse_date, parse_yes_no
from bot.formats import age, gain_words, number
from health.life_stage import LifeStage, primary_stage
from health.measurements import MEASUREMENTS
from health.pregnancy import may_be_pregnant, pregnancy_status
from storage.households import (
    contact_household,
    add_member,
    add_pregnancy,
    delete_resident_data,
    household_members,
    join_registered_household,
    search_posyandu,
    search_words,
    subscribe,
)
from storage import access
from storage.links import reviewers, typed_by
from storage.members import clean_name, name_key
from storage import posyandu_days as days
from storage.places import posyandu_by_id
from storage.records import MeasurementRecord, MemberRecord, PregnancyRecord, SessionRecord
from storage.reporting import latest_measurement, pregnancy_facts, pregnancy_since, weight_change_grams
from health.immunisation import CODES as DOSE_CODES
from health.immunisation import next_doses
from health.schedules import dose_name
from storage.reminders import dose_history, session_days, upcoming, upcoming_unrecorded

DUE_DAYS = 60  # `keluarga` shows what is due in the next two months


# -- answers ------------------------------------------------------------------------------------------
def yes_no(answer: Answer) -> str | None:
    """'yes' / 'no' from a pressed button or a typed word."""
    return parse_yes_no(answer.value)


def command_word(text: str) -> str | None:
    """The trigger word when the whole answer is one (`daftar`, `jadwal`, `keluarga`...), else None.

    A free-text step must not take a command as its answer (a member called "Daftar", a search for "jadwal").
    """
    from bot.flows import find  # the registry imports this module

    flow, rest = find(text)
    if flow is None or rest:
        return None
    return re.sub(r"\s+", " ", text.strip().lower().lstrip("/")).strip(" .!?")


def refuse_command(text: str) -> None:
    word = command_word(text)
    if word:
        raise Invalid("resident.command_word", word=word)


def yes_no_choices(ctx: Ctx, yes_key: str = "resident.yes", no_key: str = "resident.no") -> tuple[Choice, ...]:
    return choices(ctx, (("yes", yes_key), ("no", no_key)))


def stage_label(ctx: Ctx, stage: str | LifeStage) -> str:
    return LifeStage(stage).label(ctx.lang)


def next_session(ctx: Ctx, posyandu_id: int) -> SessionRecord | None:
    """The coming (or still running, started < 4 h ago) scheduled session of a posyandu."""
    return days.next_session(ctx.session, posyandu_id, ctx.now)


# -- daftar -----------------------------------------------------------------------------------------
# Answers at the HPHT question meaning "not known": she is recorded pregnant, undated (health.life_stage).
UNKNOWN_HPHT = frozenset({"-", "lupa", "tidak tahu", "tidak ingat", "belum tahu", "don't know", "unknown"})

class SubscribeFlow(StepFlow):
    """Find the posyandu, ask consent, then add members one by one (linking a kader's record if it exists)."""

    name = "daftar"
    triggers = ("daftar", "langganan", "subscribe", "tambah anggota", "tambah anak")
    roles = frozenset({Role.RESIDENT})
    menu_key = "resident.menu.daftar"
    menu_order = 10

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        contact = ctx.contact
        posyandu = posyandu_by_id(ctx.session, contact.posyandu_id)
        if contact.household_id and contact.opted_in and posyandu is not None:
            return ask(ctx, "member_name", {"posyandu_id": posyandu.id}, "resident.ask_member_name",
                       before=[say(ctx, "resident.already_subscribed", posyandu=posyandu.name)])
        if arg:
            return self._search(ctx, {}, arg)
        return ask(ctx, "posyandu", {}, "resident.ask_posyandu")

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return self._search(ctx, data, answer.text)

    def _search(self, ctx: Ctx, data: dict[str, Any], query: str) -> Turn:
        if query.strip().startswith("/"):
            raise Invalid("core.unknown_command", command=query.split()[0][:32])
        if not name_key(query):  # emoji, another script: nothing to search with
            raise Invalid("core.unknown")
        refuse_command(query)
        hits = search_posyandu(ctx.session, query)  # an exact code is found whatever it looks like
        if not hits:
            meaningless = (not search_words(query) or parse_yes_no(query) is not None
                           or parse_date(query, ctx.today()) is not None)
            raise Invalid("resident.posyandu_query_help" if meaningless else "resident.posyandu_not_found",
                          query=query.strip()[:40])
        if len(hits) == 1 and hits[0].score >= 100:
            return self._consent(ctx, data, hits[0].id)
        offered = [Choice(f"p{h.id}", ctx.t("resident.posyandu_label", name=h.name, desa=h.desa, code=h.code))
                   for h in hits]
        offered.append(Choice("again", ctx.t("resident.posyandu_none_of_these")))
        return ask(ctx, "pick_posyandu", data, "resident.pick_posyandu", offered)

    def on_pick_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if answer.choice == "again":
            return ask(ctx, "posyandu", data, "resident.ask_posyandu")
        if answer.choice and answer.choice.startswith("p") and answer.choice[1:].isdigit():
            return self._consent(ctx, data, int(answer.choice[1:]))
        return self._search(ctx, data, answer.text)  # typed a new name instead of a number

    def _consent(self, ctx: Ctx, data: dict[str, Any], posyandu_id: int) -> Turn:
        posyandu = posyandu_by_id(ctx.session, posyandu_id)
        if posyandu is None:
            return ask(ctx, "posyandu", data, "resident.ask_posyandu")
        data["posyandu_id"] = posyandu.id
        return ask(ctx, "consent", data, "resident.consent",
                   yes_no_choices(ctx, "resident.consent_yes", "resident.consent_no"), posyandu=posyandu.name)

    def on_consent(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = yes_no(answer)
        if said == "no":
            return done(say(ctx, "resident.consent_declined"))
        if said != "yes":
            raise Invalid("resident.choose")
        posyandu = posyandu_by_id(ctx.session, data["posyandu_id"])
        if posyandu is None:
            return ask(ctx, "posyandu", {}, "resident.ask_posyandu")
        subscribe(ctx.session, ctx.contact, posyandu, ctx.now)
        subscribed = say(ctx, "resident.subscribed", posyandu=posyandu.name)
        if ctx.contact.channel == "telegram" and ctx.contact.verified_phone is None:
            # Telegram has no number: offer the request_contact button beside the first question (optional)
            return ask(ctx, "member_name", data, "resident.ask_member_name",
                       (Choice(SHARE_PHONE, ctx.t("resident.share_phone")),),
                       before=[subscribed, say(ctx, "resident.share_phone_hint")])
        return ask(ctx, "member_name", data, "resident.ask_member_name", before=[subscribed])

    def on_member_name(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if answer.choice == PHONE_SHARED:  # Telegram vouched for the number: it proves the family registered with it
            join_registered_household(ctx.session, ctx.contact, ctx.now)
            return ask(ctx, "member_name", data, "resident.ask_member_name", before=[say(ctx, "resident.phone_saved")])
        if answer.choice == SHARE_PHONE:  # typed the button's number or label instead of pressing it
            raise Invalid("resident.share_phone_help")
        refuse_command(answer.text)
        name = read_name(answer.text, "resident")
        data["name"] = name
        return ask(ctx, "sex", data, "resident.ask_sex", choices(ctx, (("L", "resident.sex.L"), ("P", "resident.sex.P"))),
                   name=name)

    def on_sex(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        sex = read_sex(answer.value)
        if sex is None:
            raise Invalid("resident.choose")
        data["sex"] = sex
        return ask(ctx, "birth_date", data, "resident.ask_birth_date", name=data["name"])

    def on_birth_date(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        today = ctx.today()
        refuse_command(answer.text)
        born = read_birth(answer.text, today, "resident")
        data["birth"] = born.isoformat()
        if may_be_pregnant(data["sex"], born, today):
            return ask(ctx, "pregnant", data, "resident.ask_pregnant", yes_no_choices(ctx), name=data["name"])
        return self._save_member(ctx, data, None)

    def on_pregnant(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = read_pregnant(answer.value)
        if said is None:
            raise Invalid("resident.choose")
        if said == "yes":
            return ask(ctx, "hpht", data, "resident.ask_hpht", name=data["name"])
        return self._save_member(ctx, data, None)

    def on_hpht(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        refuse_command(answer.text)
        key = re.sub(r"\s+", " ", answer.text.strip().lower())
        if key in UNKNOWN_HPHT | {"--", "skip", "lewat"} or UNKNOWN.match(key):  # pregnant all the same; the bidan dates it
            name = data["name"]
            turn = self._save_member(ctx, data, None, pregnant=True)
            return Turn([*turn.replies[:1], say(ctx, "resident.hpht_unknown_ok", name=name), *turn.replies[1:]],
                        turn.step, turn.data)
        return self._save_member(ctx, data, read_hpht(answer.text, ctx.today(), "resident"))

    def _save_member(self, ctx: Ctx, data: dict[str, Any], hpht: date | None, pregnant: bool = False) -> Turn:
        household = contact_household(ctx.session, ctx.contact)
        if household is None or not ctx.contact.opted_in:
            return done(say(ctx, "resident.not_subscribed"))
        name = clean_name(data.pop("name"))
        born = date.fromisoformat(data.pop("birth"))
        added = add_member(ctx.session, ctx.contact, household, name, data.pop("sex"), born, ctx.now, hpht,
                           pregnant_on=ctx.today() if pregnant else None)
        # A pending link is answered as a new member, in the resident's own words: nothing of the record shows.
        outcome = "added" if added.outcome == "pending" else added.outcome
        shown = name if added.outcome in ("pending", "exists") and added.request is not None else added.member.name
        replies = [say(ctx, f"resident.member_{outcome}", name=shown, age=age(born, ctx.today(), ctx.lang))]
        if added.outcome == "pending":
            self._ask_staff(ctx, added.member)
        if hpht is not None:
            status = pregnancy_status(hpht, ctx.today())
            replies.append(say(ctx, "resident.hpl", name=shown, weeks=status.weeks, days=status.days,
                               hpl=fmt_date(ctx.lang, status.hpl)))
        elif pregnant:
            replies.append(say(ctx, "resident.pregnant_undated", name=shown))
        return ask(ctx, "more", data, "resident.ask_more",
                   yes_no_choices(ctx, "resident.more_yes", "resident.more_no"), before=replies)

    @staticmethod
    def _ask_staff(ctx: Ctx, member: MemberRecord) -> None:
        """Tell the posyandu's kaders and bidan a chat asks for a member they record: they confirm or refuse."""
        posyandu = posyandu_by_id(ctx.session, member.posyandu_id)
        if posyandu is None:
            return
        for staff in reviewers(ctx.session, posyandu):
            lang = staff.language or ctx.settings.default_language
            ctx.notify(staff.id, render(lang, "link.notice", posyandu=posyandu.name, member=member.name),
                       kind="alert", dedupe_key=f"link:{ctx.contact.id}:{member.id}:{staff.id}")

    def on_more(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = yes_no(answer)
        if said == "yes":
            return ask(ctx, "member_name", data, "resident.ask_member_name")
        posyandu = posyandu_by_id(ctx.session, ctx.contact.posyandu_id)
        finished = say(ctx, "resident.finished", posyandu=posyandu.name if posyandu else "")
        if said == "no":
            return done(finished)
        if command_word(answer.text):  # `keluarga`, `jadwal`: everything is saved, so that is a "no, and then..."
            from bot.flows import find

            return done(finished, then=find(answer.text)[0].name)
        raise Invalid("resident.choose")


# -- jadwal -------------------------------------------------------------------------------------------
class ScheduleFlow(Flow):
    """The next session of the person's posyandu, with time, zone and place."""

    name = "jadwal"
    triggers = ("jadwal", "jadwal posyandu", "schedule")
    menu_key = "resident.menu.jadwal"
    menu_order = 20

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        posyandu = posyandu_by_id(ctx.session, ctx.contact.posyandu_id)
        if posyandu is None:
            return done(say(ctx, "resident.not_subscribed"))
        session = next_session(ctx, posyandu.id)
        if session is None:
            return done(say(ctx, "resident.no_session", posyandu=posyandu.name))
        text = ctx.t("resident.next_session", posyandu=posyandu.name,
                     when=fmt_when(ctx.lang, session.starts_at, posyandu.timezone),
                     place=session.place or posyandu.address or posyandu.name)
        if session.groups:
            groups = ", ".join(stage_label(ctx, g) for g in session.groups)
            text += "\n" + ctx.t("resident.next_session_groups", groups=groups)
        return done(Reply(text))

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        return self.begin(ctx, "")


# -- keluarga -----------------------------------------------------------------------------------------
def _result_line(ctx: Ctx, m: MeasurementRecord) -> str:
    values = []
    for measure in MEASUREMENTS:  # the ones a family is shown (health.measurements), in the form's order
        numbers = [getattr(m, column) for column in measure.columns]
        if not measure.resident or None in numbers:
            continue
        if measure.item == "bp":
            values.append(ctx.t("resident.value.bp", s=numbers[0], d=numbers[1]))
        else:
            values.append(ctx.t(f"resident.value.{measure.item}", v=number(numbers[0], ctx.lang)))
    if m.weight_gain in ("N", "T", "O", "B"):  # the kader's words (bot.formats.gain_words)
        words = gain_words(ctx.lang, m.weight_gain, weight_change_grams(ctx.session, m))
        values.append(ctx.t("resident.value.gain", gain=words)
                      + (ctx.t("resident.value.gain_ask") if m.weight_gain == "T" else ""))
    if not values:
        return ctx.t("resident.no_result")
    return ctx.t("resident.last_result", date=fmt_date(ctx.lang, m.measured_on, short=True), values=", ".join(values))


class FamilyFlow(Flow):
    """The household's members: age and group, the latest posyandu results in plain words, what is due next."""

    name = "keluarga"
    triggers = ("keluarga", "anak", "anak saya", "family", "my family")
    roles = frozenset({Role.RESIDENT})
    menu_key = "resident.menu.keluarga"
    menu_order = 30

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        household_id = ctx.contact.household_id
        if household_id is None:
            return done(say(ctx, "resident.not_subscribed"))
        members = [m for m in household_members(ctx.session, household_id)
                   if access.may_see_member(ctx.session, ctx.contact, m)]
        typed = self._typed(ctx)
        posyandu = posyandu_by_id(ctx.session, ctx.contact.posyandu_id)
        if not members and not typed:
            return done(say(ctx, "resident.family_empty"))
        today = ctx.today()
        ids = [m.id for m in members]
        days = self._session_days(ctx, members + [m for m, _ in typed], today)
        coming = upcoming(ctx.session, today, DUE_DAYS, member_ids=ids, je_endemic=ctx.settings.je_endemic,
                          session_days=days) if ids else []
        coming += upcoming_unrecorded(typed, today, DUE_DAYS, je_endemic=ctx.settings.je_endemic, session_days=days)
        pregnancies = {m.id: p for m, p in typed}
        doses = dose_history(ctx.session, ids) if ids else {}
        everyone = sorted(members + [m for m, _ in typed], key=lambda m: (-m.birth_date.toordinal(), m.id or 0))
        lines = [ctx.t("resident.family_title", posyandu=posyandu.name if posyandu else "")]
        for n, member in enumerate(everyone, 1):
            lines.append("")
            lines += self._member_lines(ctx, n, member, today, [u for u in coming if u.member_id == member.id],
                                        pregnancies.get(member.id, False), doses.get(member.id, {}))
        return done(Reply("\n".join(lines)))

    @staticmethod
    def _typed(ctx: Ctx) -> list[tuple[MemberRecord, PregnancyRecord | None]]:
        """The chat's unconfirmed link requests as the resident typed them (never the record they point at):
        `storage.links.typed_by`, negative ids."""
        return list(typed_by(ctx.session, ctx.contact))

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        return self.begin(ctx, "")

    @staticmethod
    def _session_days(ctx: Ctx, members: list[MemberRecord], today: date) -> dict[int, list[date]]:
        days: dict[int, list[date]] = {}
        for posyandu_id in {m.posyandu_id for m in members}:
            posyandu = posyandu_by_id(ctx.session, posyandu_id)
            days[posyandu_id] = session_days(ctx.session, posyandu_id, posyandu.timezone if posyandu else "Asia/Jakarta",
                                             today - timedelta(days=1), today + timedelta(days=DUE_DAYS + 1))
        return days

    def _member_lines(self, ctx: Ctx, n: int, member: MemberRecord, today: date, coming: list,
                      typed_pregnancy: PregnancyRecord | None | bool = False,
                      doses: dict[str, date] | None = None) -> list[str]:
        """`typed_pregnancy` is False for a stored member, else what the resident typed (no record is read)."""
        typed = typed_pregnancy is not False
        if typed:
            pregnancy = typed_pregnancy
            hpht = pregnancy.hpht if pregnancy and pregnancy.ended_on is None else None  # type: ignore[union-attr]
            delivered = pregnancy.delivered_on if pregnancy else None  # type: ignore[union-attr]
        else:  # one rule for "pregnant now" and "delivered", the one /lapor uses (storage.reporting)
            ongoing, delivered = pregnancy_facts(ctx.session, member.id, today)
            hpht = ongoing.hpht if ongoing is not None else None
        since = pregnancy_since(pregnancy if typed else ongoing)  # pregnant without a known HPHT
        stage = primary_stage(member.birth_date, member.sex, today, hpht, delivered, since)
        lines = [ctx.t("resident.member_line", n=n, name=member.name, age=age(member.birth_date, today, ctx.lang),
                       stage=stage_label(ctx, stage))]
        if stage is LifeStage.IBU_HAMIL and hpht is not None:
            status = pregnancy_status(hpht, today)
            lines.append(ctx.t("resident.pregnant_line", weeks=status.weeks, hpl=fmt_date(ctx.lang, status.hpl, short=True)))
        latest = None if typed else latest_measurement(ctx.session, member.id)
        lines.append(_result_line(ctx, latest) if latest is not None else ctx.t("resident.no_result"))
        items, seen = [], set()
        for u in coming:
            if u.code in seen or u.code in DOSE_CODES:  # doses: below, from the one dose rule
                continue
            seen.add(u.code)
            label = u.label(ctx.lang)
            items.append(ctx.t("resident.due_now", label=label) if u.day <= today
                         else ctx.t("resident.due_on", label=label, date=fmt_date(ctx.lang, u.day, short=True)))
        dose_lines = self._dose_lines(ctx, member, today, stage, doses or {})
        if items:
            lines.append(ctx.t("resident.next_due", items="; ".join(items[:6])))
        lines += dose_lines
        if not items and not dose_lines:
            lines.append(ctx.t("resident.nothing_due", days=DUE_DAYS))
        return lines

    @staticmethod
    def _dose_lines(ctx: Ctx, member: MemberRecord, today: date, stage: LifeStage, given: dict[str, date]) -> list[str]:
        """Every dose still worth giving, in order (health.immunisation, the rule the kader's report and visit
        list use): those that can be given now, those past their schedule (catch-up), the next ones in
        DUE_DAYS with their first day; in words (health.schedules.dose_name)."""
        if stage is not LifeStage.BAYI_BALITA:
            return []
        plan = next_doses(member.birth_date, given, today, {"je_endemic": ctx.settings.je_endemic})
        now = [dose_name(n.code, ctx.lang) for n in plan if n.due_on(today) and not n.late]
        late = [dose_name(n.code, ctx.lang) for n in plan if n.due_on(today) and n.late]
        soon = [ctx.t("resident.due_on", label=dose_name(n.code, ctx.lang),
                      date=fmt_date(ctx.lang, n.earliest, short=True))
                for n in plan if today < n.earliest <= today + timedelta(days=DUE_DAYS)]
        lines = []
        if now:
            lines.append(ctx.t("resident.doses_now", items=", ".join(now)))
        if late:
            lines.append(ctx.t("resident.doses_late", items=", ".join(late)))
        if soon:
            lines.append(ctx.t("resident.doses_next", items="; ".join(soon)))
        return lines


# -- hapus data --------------------------------------------------------------------------------------------
class DeleteFlow(StepFlow):
    """Delete what the resident gave, confirmed twice (a button, then typing HAPUS)."""

    name = "hapus_data"
    triggers = ("hapus data", "hapus data saya", "delete my data", "forget me")
    roles = frozenset({Role.RESIDENT})
    menu_key = "resident.menu.hapus"
    menu_order = 80

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        contact = ctx.contact
        if contact.household_id is None and not contact.opted_in and contact.consent_at is None:
            return done(say(ctx, "resident.nothing_to_delete"))
        return ask(ctx, "first", {}, "resident.delete_explain",
                   yes_no_choices(ctx, "resident.delete_yes", "resident.delete_no"))

    def on_first(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = yes_no(answer)
        if said == "yes":
            return ask(ctx, "second", data, "resident.delete_confirm")
        if said == "no":
            return done(say(ctx, "resident.delete_kept"))
        raise Invalid("resident.choose")

    def on_second(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        word = answer.text.strip().lower().strip(" .!")
        if word not in {ctx.t("resident.delete_word"), "hapus", "delete"}:
            return done(say(ctx, "resident.delete_kept"))
        delete_resident_data(ctx.session, ctx.contact, ctx.now)
        return done(say(ctx, "resident.deleted"))


FLOWS = (SubscribeFlow(), ScheduleFlow(), FamilyFlow(), DeleteFlow())
