"""`nik`: a kader or bidan adds a member's NIK (or a child's mother's: `nik ibu`) later, and sees who is still
missing one; `ihs`: a bidan records her SATUSEHAT Practitioner id.

Without a NIK (or, for a baby, the mother's) a visit cannot be sent to
SATUSEHAT; the visits wait and go as soon as the NIK is added.

The NIK is checked (health.nik): 16 digits, a province, a real birth date
part. One that does not match the member's birth date or sex is asked back,
never refused: a NIK does not change when a birth date is corrected.

`nik ibu ANAK 3201...` records the mother's NIK on the child (`Member.mother_nik`, where `members import`
keeps it; a baby without NIK of its own is sent to SATUSEHAT under it): the same checks, and a woman's
NIK (day + 40) born before the child (health.nik.mother_nik_problem); a birth date that differs from the
mother's record, where she is a member, or an unlikely age at the child's birth, is asked back.

`ihs 10009880728` (bidan): her IHS number, the Encounter's attender and the Immunization's performer
of her desa's visits (storage.satusehat_practitioner).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/nik_tambah.txt.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.visit_text import member_label
from bot.flows.scope import ScopedFlow, pick_member
from bot.messages import Choice, Reply, Role
from bot.parsing import parse_yes_no
from health.fhir_codes import clean_practitioner_id, practitioner_id_problem
from health.nik import mother_nik_doubts, mother_nik_problem, nik_mismatch, nik_problem, parse_nik
from storage.identity import members_missing_nik, mother_on_record, nik_holder, set_mother_nik, set_nik
from storage.members import name_key, sure_match
from storage.satusehat_practitioner import practitioner_of, set_practitioner
from storage.members import member_by_id
from storage.records import MemberRecord
from storage.reporting import search_members, visible_posyandu

# The NIK at the end of the message, digits possibly grouped: "nik budi 3201 0105 0325 0002".
TRAILING_DIGITS = re.compile(r"^(?P<name>.*?)\s*(?P<nik>\d[\d\s.-]*\d)\s*$")
SAVE, CANCEL = "simpan", "batal"
MOTHER_WORDS = frozenset({"ibu", "mother"})  # `nik ibu ANAK 3201...`: the child's mother's NIK


def masked(nik: str) -> str:
    """A stored NIK as shown back: province and last four digits only."""
    return f"{nik[:4]}••••••••{nik[-4:]}"


class NikFlow(ScopedFlow):
    name = "nik"
    steps = ("member", "confirm")
    triggers = ("nik", "tambah nik", "add nik")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "nik.menu"
    menu_order = 40

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        if not places:
            return done(say(ctx, "report.no_posyandu"))
        first, _, rest = arg.partition(" ")
        if first.lower() in MOTHER_WORDS:
            turn = self._begin_mother(ctx, [p.id for p in places], rest.strip(), arg)
            if turn is not None:
                return turn
        match = TRAILING_DIGITS.match(arg)
        if not arg or match is None:
            return done(self._missing(ctx, [p.id for p in places], arg))
        name, typed = match.group("name").strip(), match.group("nik")
        problem = nik_problem(typed, ctx.today())
        if problem is not None:
            return done(say(ctx, f"nik.bad.{problem}"), say(ctx, "nik.usage"))
        if not name:
            return done(say(ctx, "nik.no_name"), say(ctx, "nik.usage"))
        parts = parse_nik(typed, ctx.today())
        assert parts is not None
        found = search_members(ctx.session, [p.id for p in places], name)
        data: dict[str, Any] = {"nik": parts.nik}
        if not found:
            return done(say(ctx, "nik.not_found", name=name), say(ctx, "nik.usage"))
        return self._choose(ctx, data, name, found, "nik.which")

    def _choose(self, ctx: Ctx, data: dict[str, Any], name: str, found: list[Any], question: str) -> Turn:
        """Whose NIK: the one match when it is the name as typed (`sure_match`), else the matches offered."""
        sure = sure_match(name, found)
        if sure is not None:
            return self._picked(ctx, data, sure)
        offered = tuple(Choice(f"m{m.id}", member_label(ctx.lang, m, ctx.today())) for m in found)
        data["offered"] = len(offered) + 1
        return ask(ctx, "member", data, question, offered + (Choice(CANCEL, ctx.t("nik.cancel")),))

    def _begin_mother(self, ctx: Ctx, posyandu_ids: list[int], rest: str, arg: str) -> Turn | None:
        """`nik ibu ANAK 3201...`; None: not a mother's NIK after all (a member named "Ibu ..." exists)."""
        match = TRAILING_DIGITS.match(rest)
        if match is None:
            return done(say(ctx, "nik.mother.usage"))
        name, typed = match.group("name").strip(), match.group("nik")
        problem = nik_problem(typed, ctx.today())
        if problem is not None:
            return done(say(ctx, f"nik.bad.{problem}"), say(ctx, "nik.mother.usage"))
        if not name:
            return done(say(ctx, "nik.no_name"), say(ctx, "nik.mother.usage"))
        found = search_members(ctx.session, posyandu_ids, name)
        full = TRAILING_DIGITS.match(arg)
        whole = name_key(full.group("name")) if full else ""
        if any(m.name_key == whole for m in search_members(ctx.session, posyandu_ids, whole)) and \
                not any(m.name_key == name_key(name) for m in found):
            return None  # "nik Ibu Ratna 3201...": the member named Ibu Ratna, her own NIK
        if not found:
            return done(say(ctx, "nik.not_found", name=name), say(ctx, "nik.mother.usage"))
        parts = parse_nik(typed, ctx.today())
        assert parts is not None
        data: dict[str, Any] = {"nik": parts.nik, "for": "mother"}
        return self._choose(ctx, data, name, found, "nik.mother.which")

    def _picked_mother(self, ctx: Ctx, data: dict[str, Any], child: MemberRecord) -> Turn:
        nik = data["nik"]
        parts = parse_nik(nik, ctx.today())
        assert parts is not None
        if child.nik == nik:
            return done(say(ctx, "nik.mother.own", name=child.name))
        problem = mother_nik_problem(parts, child.birth_date)
        if problem is not None:
            return done(say(ctx, f"nik.mother.{problem}", name=child.name))
        if child.mother_nik == nik:
            return done(say(ctx, "nik.mother.same", name=child.name))
        mother, taken = mother_on_record(ctx.session, child, nik)
        if taken:  # another member's own NIK, not this child's mother: refused without naming them
            return done(say(ctx, "nik.taken"))
        data["member"] = child.id
        before = [say(ctx, "nik.mother.replaces", old=masked(child.mother_nik))] if child.mother_nik else []
        age = int((child.birth_date - parts.birth_date).days // 365.25)
        for what in mother_nik_doubts(parts, child.birth_date, mother.birth_date if mother else None):
            before.append(say(ctx, f"nik.mother.doubt.{what}", day=parts.birth_date, name=child.name, age=age,
                              mother=mother.name if mother else "", recorded=mother.birth_date if mother else ""))
        return ask(ctx, "confirm", data, "nik.mother.confirm",
                   choices(ctx, ((SAVE, "nik.save"), (CANCEL, "nik.cancel"))), before=before, nik=nik,
                   member=member_label(ctx.lang, child, ctx.today()))

    def on_member(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if answer.value in (CANCEL, "cancel"):
            return done(say(ctx, "core.cancelled"))
        return self._picked(ctx, data, pick_member(ctx, data, answer))

    def _picked(self, ctx: Ctx, data: dict[str, Any], member: MemberRecord) -> Turn:
        if data.get("for") == "mother":
            return self._picked_mother(ctx, data, member)
        nik = data["nik"]
        other = nik_holder(ctx.session, nik, member.id)
        if other is not None:  # two people never share a NIK: refused, without naming the other
            return done(say(ctx, "nik.taken"))
        if member.nik == nik:
            return done(say(ctx, "nik.same", name=member.name))
        data["member"] = member.id
        label = member_label(ctx.lang, member, ctx.today())
        before = [say(ctx, "nik.replaces", old=masked(member.nik))] if member.nik else []
        parts = parse_nik(nik, ctx.today())
        assert parts is not None
        for what in nik_mismatch(parts, member.birth_date, member.sex):
            before.append(say(ctx, f"nik.mismatch.{what}", day=parts.birth_date,
                              recorded=member.birth_date, sex=ctx.t(f"nik.sex.{parts.sex}")))
        return ask(ctx, "confirm", data, "nik.confirm", choices(ctx, ((SAVE, "nik.save"), (CANCEL, "nik.cancel"))),
                   before=before, nik=nik, member=label)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = parse_yes_no(answer.value, yes=frozenset({SAVE, "save"}), no=frozenset({CANCEL, "cancel"}))
        if said == "no":
            return done(say(ctx, "core.cancelled"))
        if said is None:
            raise Invalid("core.choose_from_list", count=2)
        member = member_by_id(ctx.session, data["member"])
        if member is None:
            return done(say(ctx, "report.member_not_here"))
        if data.get("for") == "mother":
            if mother_on_record(ctx.session, member, data["nik"])[1]:
                return done(say(ctx, "nik.taken"))
            waiting = set_mother_nik(ctx.session, member, data["nik"], ctx.contact.id, ctx.now)
            return done(say(ctx, "nik.mother.saved", name=member.name, nik=masked(data["nik"])),
                        *([say(ctx, "nik.requeued", count=waiting)] if waiting else []))
        if nik_holder(ctx.session, data["nik"], member.id) is not None:
            return done(say(ctx, "nik.taken"))
        waiting = set_nik(ctx.session, member, data["nik"], ctx.contact.id, ctx.now)
        return done(say(ctx, "nik.saved", name=member.name, nik=masked(data["nik"])),
                    *([say(ctx, "nik.requeued", count=waiting)] if waiting else []))

    def _missing(self, ctx: Ctx, posyandu_ids: list[int], arg: str) -> Reply:
        """Who still has no NIK (the bidan's list), then how to add one."""
        people, total = members_missing_nik(ctx.session, posyandu_ids)
        if not people:
            return say(ctx, "nik.none_missing")
        lines = [ctx.t("nik.missing_line" if n else "nik.missing_line_no_visit",
                       member=member_label(ctx.lang, m, ctx.today()), count=n) for m, n in people]
        more = ctx.t("nik.missing_more", count=total - len(people)) if total > len(people) else ""
        return say(ctx, "nik.missing", lines="\n".join(lines) + (f"\n{more}" if more else ""))


class IhsFlow(ScopedFlow):
    """`ihs 10009880728`: the bidan's own SATUSEHAT Practitioner id (`ihs` alone: what is on record)."""

    name = "ihs"
    steps = ()
    triggers = ("ihs", "nomor ihs", "ihs number")
    roles = frozenset({Role.BIDAN})

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        current = practitioner_of(ctx.session, ctx.contact.id)
        if not arg.strip():
            return done(say(ctx, "ihs.current", ihs=current) if current else say(ctx, "ihs.none"),
                        say(ctx, "ihs.usage"))
        problem = practitioner_id_problem(arg)
        if problem is not None:
            return done(say(ctx, f"ihs.bad.{problem}"))
        ihs = clean_practitioner_id(arg)
        if ihs == current:
            return done(say(ctx, "ihs.same", ihs=ihs))
        set_practitioner(ctx.session, ctx.contact, ihs, ctx.now, ctx.contact.id)
        return done(say(ctx, "ihs.saved", ihs=ihs))


FLOWS = (NikFlow(), IhsFlow())
