"""The first steps of `/lapor`: posyandu, and the member (found, or registered new); the date is today
unless the kader types another at the member question.

    posyandu (only when the contact sees several) -> member: a name is searched
    tolerantly (rapidfuzz; one match is taken), recent visitors are offered, or `➕ Anggota baru`
    asks new_name -> new_sex -> new_birth -> new_phone (the NIK in the same answer); then, for a
    woman of 15-55 without an ongoing pregnancy, pregnant -> hpht
    (`health.pregnancy.pregnancy_question`). The new member is only kept in the conversation until
    `simpan`. Transcripts: tests/transcripts/lapor_anggota_baru.txt, lapor_hamil_tanpa_hpht.txt.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from bot import flows as registry
from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.registration import UNKNOWN, read_birth, read_hpht_or_estimate, read_name, read_pregnant, read_sex
from bot.flows.reporting_expert import split_name_and_line
from bot.formats import age, day
from bot.visit_text import member_label, sex_letter
from bot.flows.reporting_measure import DONE, MeasurePart
from bot.flows import reporting_visit as visit
from bot.flows.reporting_visit import SKIP
from bot.flows.scope import pick_posyandu
from bot.flows.reporting_draft import ReportDraft
from bot.choices import keyword
from bot.messages import Choice, Reply
from bot.parsing import parse_date
from health.ages import age_in_months
from health.life_stage import AGE_BANDS_MONTHS, is_nifas
from health.pregnancy import pregnancy_question
from storage.identity import nik_holder
from storage.members import name_key, normalise_nik, sure_match
from storage.phones import normalise_phone
from storage.reporting import find_member, member_in_scope, members_born_on, recent_visitors, search_members, \
    visible_posyandu

NEW_WORDS = {"baru", "anggota baru", "tambah", "tambah anggota", "daftar baru", "new", "new member"}
RESUME_WORDS = {"lanjut", "lanjutkan", "continue", "draf", "draft"}
# A date the kader plainly gives as the posyandu day, not a birth date.
VISIT_DATE_WORDS = re.compile(r"^(hari ini|kemarin|kmrn|kemaren|kemarin lusa|today|yesterday|"
                              r"(tanggal|tgl\.?)\s.*)$")
ECHO_MAX = 40  # a typed name is echoed back at most this long
MAX_SESSION_AGE_DAYS = 366  # older paper records belong in `measurements import`
# From 18 years (health.life_stage's dewasa band) the phone asked is the member's own, not a guardian's.
OWN_PHONE_FROM_MONTHS = next(low for name, low, _ in AGE_BANDS_MONTHS if name == "dewasa")


class MemberPart:
    """Who is reported, and on which day: the posyandu, member and pregnancy steps. Hands over to the
    measuring part once the member is known; `flow_name` is its own command word's flow (not another task)."""

    def __init__(self, measure: MeasurePart, flow_name: str) -> None:
        self.measure = measure
        self.flow_name = flow_name

    # -- posyandu and date ---------------------------------------------------------------------
    def on_posyandu(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self.after_posyandu(ctx, data)

    def after_posyandu(self, ctx: Ctx, data: ReportDraft) -> Turn:
        """The posyandu day is today unless the kader types another date at the member question."""
        data["date"] = visit.today(ctx, data).isoformat()
        return self._after_date(ctx, data)

    def on_date(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        """A conversation saved before the date became a default still answers here."""
        today = visit.today(ctx, data)
        value = {"today": today, "yesterday": today - timedelta(days=1)}.get(answer.value) or \
            parse_date(answer.text, today)
        data["date"] = self._valid_date(value, today).isoformat()
        return self._after_date(ctx, data)

    @staticmethod
    def _valid_date(value: date | None, today: date) -> date:
        if value is None:
            raise Invalid("report.bad_date")
        if value > today:
            raise Invalid("report.date_future")
        if (today - value).days > MAX_SESSION_AGE_DAYS:
            raise Invalid("report.date_too_old")
        return value

    def _after_date(self, ctx: Ctx, data: ReportDraft) -> Turn:
        query = data.pop("search", "")
        if query:
            return self.search(ctx, data, query)
        return self.ask_member(ctx, data)

    # -- member ------------------------------------------------------------------------------------
    def ask_member(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (),
                   found: list[Any] | None = None) -> Turn:
        on = visit.day_of(data)
        people = found if found is not None else recent_visitors(ctx.session, data["pid"], on)
        # The fixed action first: `1` is always a new member, however many people the list holds below it
        # (last, it moved from 1 to 7 as the day's visitors came, and a habit opened another child's report).
        offered = [Choice("new", ctx.t("report.new_member"))]
        offered += [Choice(f"m{m.id}", member_label(ctx.lang, m, on)) for m in people]
        key = "report.ask_member" if found is None else "report.pick_member"
        today = visit.today(ctx, data)
        when = ctx.t("report.date_is_today" if on == today else "report.date_is", date=day(on, ctx.lang))
        return ask(ctx, "member", data, key, offered, before=before, posyandu=visit.place_name(ctx, data),
                   when=when)

    def on_member(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        value = answer.value
        word = keyword(answer.text)
        if value == "new" or (answer.choice is None and word in NEW_WORDS):
            return ask(ctx, "new_name", data, "report.ask_new_name")
        if value.startswith("m") and value[1:].isdigit():
            return self._select(ctx, data, int(value[1:]))
        if not data.get("line"):  # nothing typed yet: the kader may be done, or want another command
            if word in RESUME_WORDS:  # no draft waits (the engine resumes one): say so, never "recorded"
                raise Invalid("report.nothing_to_resume")
            if word in DONE:
                return self.bye(ctx, data)
            other, arg = registry.find(answer.text)
            if other is not None and other.name != self.flow_name:  # `rekap november`, `rujukan`: not a name
                return done(then=f"{other.name} {arg}".strip())
        today = visit.today(ctx, data)
        if _dated(answer.text):  # `kemarin`, `21-11`, `17 agustus 2026`: a visit day, or a birth date?
            return self._which_date(ctx, data, answer.text, today)
        return self.search(ctx, data, answer.text)

    def bye(self, ctx: Ctx, data: ReportDraft) -> Turn:
        """The kader is done: thanked for what was saved in this conversation, told the truth when nothing was."""
        saved = data.get("saved", 0)
        return done(say(ctx, "report.bye" if saved else "report.bye_nothing_saved"), then="menu")

    def _which_date(self, ctx: Ctx, data: ReportDraft, text: str, today: date) -> Turn:
        """A date typed where a name is asked. `kemarin`, `hari ini` or `tgl 21-11` name the posyandu day; any
        other date may as well be the birth date of the child in front of the kader, so it is asked back,
        never taken silently as the visit's date."""
        found = parse_date(text, today)
        if found is None:
            raise Invalid("report.bad_date")
        if found > today:
            raise Invalid("report.date_future")
        if VISIT_DATE_WORDS.match(keyword(text)):
            data["date"] = self._valid_date(found, today).isoformat()
            return self.ask_member(ctx, data)
        offered = []
        if (today - found).days <= MAX_SESSION_AGE_DAYS:
            offered.append(Choice("visit", ctx.t("report.date_means_visit", date=day(found))))
        offered.append(Choice("birth", ctx.t("report.date_means_birth", date=day(found))))
        data["typed_date"] = found.isoformat()
        return ask(ctx, "which_date", data, "report.ask_which_date", offered, date=day(found))

    def on_which_date(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        found = date.fromisoformat(data["typed_date"])
        if answer.choice not in ("visit", "birth"):
            raise Invalid("report.choose_which_date")
        data.pop("typed_date")
        if answer.choice == "visit":
            data["date"] = self._valid_date(found, visit.today(ctx, data)).isoformat()
            return self.ask_member(ctx, data)
        data["born"] = found.isoformat()  # whoever was born that day here, and a new member born that day
        people = members_born_on(ctx.session, data["pid"], found)
        return self.ask_member(ctx, data, found=people or None,
                                before=[say(ctx, "report.born_on" if people else "report.born_on_none",
                                            date=day(found))])

    def search(self, ctx: Ctx, data: ReportDraft, text: str) -> Turn:
        query, line = split_name_and_line(text)
        if line:
            data["line"] = line
        if not query.strip() and line:  # values typed before the name: kept, and the name asked
            return self.ask_member(ctx, data, before=[say(ctx, "report.values_kept_ask_name")])
        if not re.search(r"[^\W\d_]", query):  # no letter at all: `9,5`, `70`
            raise Invalid("report.value_not_name" if re.search(r"\d", query) else "report.search_short")
        if len(name_key(query)) < 2:
            raise Invalid("report.search_short")
        found = search_members(ctx.session, [data["pid"]], query)
        sure = sure_match(query, found)
        if sure is not None:  # one match, as typed (or part of it, or with a slip): taken, not offered
            return self._select(ctx, data, sure.id)
        if not found:
            shown = query if len(query) <= ECHO_MAX else query[:ECHO_MAX].rstrip() + "…"
            return self.ask_member(ctx, data, before=[say(ctx, "report.not_found", query=shown,
                                                          posyandu=visit.place_name(ctx, data))])
        return self.ask_member(ctx, data, found=found)

    def _select(self, ctx: Ctx, data: ReportDraft, member_id: int) -> Turn:
        member = member_in_scope(ctx.session, member_id, [data["pid"]])
        if member is None:
            raise Invalid("report.member_not_here")
        data["member"] = member.id
        data.pop("born", None)
        return self._after_member(ctx, data)

    # -- a new member ----------------------------------------------------------------------------
    def on_new_name(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        data["new"] = {"name": read_name(answer.text, "report")}
        return ask(ctx, "new_sex", data, "report.ask_sex",
                   choices(ctx, (("L", "report.sex.L"), ("P", "report.sex.P"))))

    def on_new_sex(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        sex = read_sex(answer.value)
        if sex is None:
            raise Invalid("core.choose_from_list", count=2)
        data["new"]["sex"] = sex
        if data.get("born"):  # the birth date typed at the member question and confirmed as one
            return self.on_new_birth(ctx, data, Answer(day(date.fromisoformat(data.pop("born")))))
        return ask(ctx, "new_birth", data, "report.ask_birth")

    def on_new_birth(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        on = visit.day_of(data)
        born = read_birth(answer.text, on, "report")
        existing = find_member(ctx.session, data["pid"], data["new"]["name"], born)
        if existing is not None:
            data.pop("new")
            data["member"] = existing.id
            return self._after_member(ctx, data, [say(ctx, "report.already_registered",
                                                      member=member_label(ctx.lang, existing, on))])
        data["new"]["birth"] = born.isoformat()
        adult = age_in_months(born, on) >= OWN_PHONE_FROM_MONTHS
        return ask(ctx, "new_phone", data, "report.ask_phone_own" if adult else "report.ask_phone")

    def on_new_phone(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        """The phone and, when known, the NIK in one answer (`0812 3456 7890 3321...`): a baby seldom has
        a NIK yet, so it is not a question of its own; each is checked as before."""
        phone_text, nik_text = _phone_and_nik(answer.text)
        data["new"]["phone"] = _optional(Answer(phone_text), normalise_phone, "report.bad_phone")
        data["new"]["nik"] = _optional(Answer(nik_text), normalise_nik, "report.bad_nik")
        if data["new"]["nik"] and nik_holder(ctx.session, data["new"]["nik"], 0) is not None:
            raise Invalid("nik.taken")  # two people never share a NIK (storage.identity)
        return self._after_member(ctx, data)

    def on_new_nik(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        data["new"]["nik"] = _optional(answer, normalise_nik, "report.bad_nik")
        if data["new"]["nik"] and nik_holder(ctx.session, data["new"]["nik"], 0) is not None:
            raise Invalid("nik.taken")  # two people never share a NIK (storage.identity)
        return self._after_member(ctx, data)

    # -- pregnancy -----------------------------------------------------------------------------------
    def _after_member(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        sex, born, hpht = visit.facts(ctx, data)
        question = pregnancy_question(sex, born, visit.day_of(data))
        nifas = is_nifas(visit.delivered(ctx, data), visit.day_of(data))  # she just gave birth: not asked
        if hpht is None and "hpht" not in data and visit.pregnant_since(ctx, data) is not None:
            data["pregnant"] = True  # known pregnant, not yet dated: only the HPHT is asked (`-` goes on)
            return ask(ctx, "hpht", data, "report.ask_hpht", before=before)
        if hpht is None and "hpht" not in data and question is not None and not nifas:
            key = "report.ask_pregnant" if question == "adult" else "report.ask_pregnant_minor"
            who = ctx.t("report.member_label", name=visit.name(ctx, data), sex=sex_letter(ctx.lang, sex),
                        age=age(born, visit.day_of(data), ctx.lang))  # whom the question is about
            return ask(ctx, "pregnant", data, key,
                       choices(ctx, (("no", "report.pregnant.no"), ("yes", "report.pregnant.yes"))),
                       before=[*before, say(ctx, "report.about", member=who)])
        return self.measure.start_items(ctx, data, before)

    def on_pregnant(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        said = read_pregnant(answer.value)
        if said == "yes":
            data["pregnant"] = True  # the status; the HPHT that dates it may stay unknown
            return ask(ctx, "hpht", data, "report.ask_hpht")
        if said == "no":
            data["hpht"] = None
            data.pop("pregnant", None)
            return self.measure.start_items(ctx, data)
        raise Invalid("core.choose_from_list", count=2)

    def on_hpht(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        """The HPHT, or an estimate (`HPL 12-03-2027`, `5 bulan`, `20 minggu`) when she does not know it;
        `-`: she is pregnant all the same (every rule of pregnancy applies), with the gestational age unknown;
        the bidan is told so and dates it."""
        if answer.text.strip().lower() in SKIP:
            data["hpht"] = None
            return self.measure.start_items(ctx, data, [say(ctx, "report.pregnancy_undated")])
        if UNKNOWN.match(keyword(answer.text)):  # `lupa`: an estimate is asked once, in its own words
            return ask(ctx, "hpht_estimate", data, "report.hpht_unknown")
        hpht, estimate = read_hpht_or_estimate(answer.text, visit.day_of(data), "report")
        data["hpht"] = hpht.isoformat()
        data["hpht_estimate"] = estimate
        return self.measure.start_items(ctx, data)

    def on_hpht_estimate(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        """After `lupa`: the weeks, months or HPL; `lupa` / `tidak tahu` / `-` again goes on (never the same
        question once more) with the pregnancy recorded undated, and the bidan is asked to date it."""
        if answer.text.strip().lower() in SKIP or UNKNOWN.match(keyword(answer.text)):
            data["hpht"] = None  # pregnant all the same, the gestational age unknown: the bidan dates it
            return self.measure.start_items(ctx, data, [say(ctx, "report.pregnancy_undated")])
        return self.on_hpht(ctx, data, answer)


def _phone_and_nik(text: str) -> tuple[str, str]:
    """`0812-3456-7890 nik 3374...` -> ('0812-3456-7890', '3374...'); a NIK is the one 16-digit number."""
    words_ = [w for w in re.split(r"[\s,;]+", text.strip()) if w and w.lower() not in ("nik", "hp", "wa")]
    nik = [w for w in words_ if re.fullmatch(r"\d{16}", w.replace(".", ""))]
    rest = [w for w in words_ if w not in nik]
    if not nik and len(rest) >= 2 and rest[-1].isdigit() and normalise_phone(" ".join(rest[:-1])) is not None:
        nik = [rest.pop()]  # a phone and then a number that should be the NIK: judged (and explained) as one
    return (" ".join(rest) or "-"), (nik[0].replace(".", "") if nik else "-")


def _dated(text: str) -> bool:
    """Whether an answer at the member question is a date rather than a name."""
    key = text.strip().lower()
    return bool(re.fullmatch(r"hari ini|kemarin|kmrn|kemaren|today|yesterday|((tanggal|tgl\.?) )?"
                             r"(\d{1,2}[-/]\d{1,2}([-/]\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2} [a-z]{3,}( \d{2,4})?)",
                             key))


def _optional(answer: Answer, parse: Callable[[str], str | None], bad_key: str) -> str | None:
    """An answer that may be skipped (`-`, `lewat`): None then, else the parsed value or `Invalid(bad_key)`."""
    if answer.text.strip().lower() in SKIP:
        return None
    value = parse(answer.text)
    if value is None:
        raise Invalid(bad_key)
    return value
