"""`kunjungan`: the kader's home-visit list, most urgent first; picking one records the visit and its outcome.

Why words of its own: `sasaran` is the bidan's target (S of SKDN) in `rekap`.
The list is `storage.visits.visiting_list`, the same as `flask visits list`, a page at a time
(as many whole entries as fit one message; `lagi` / `more` for the next).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/kunjungan_persetujuan.txt,
tests/transcripts/jangkauan_kunjungan_bidan.txt.
"""
from __future__ import annotations

from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, done, ask, say
from bot.formats import age
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Choice, Reply, Role
from bot.paging import fitting
from storage.places import posyandu_by_id
from storage.posyandu_days import audit
from storage.records import PosyanduRecord
from storage.reporting import visible_posyandu
from bot.visit_reasons import reason_texts  # noqa: F401  (the page and `flask visits list` say the same)
from storage.visits import VisitEntry, record_visit, visiting_list

SHOWN = 15  # entries in one page at most (fewer when they do not fit one message: bot.paging)
DONE_WORDS = frozenset({"done", "selesai", "sudah"})
NEXT_WORDS = frozenset({"lagi", "berikutnya", "next", "more"})


class VisitsFlow(ScopedFlow):
    name = "kunjungan"
    triggers = ("kunjungan", "daftar kunjungan", "kunjungan rumah", "home visits", "visits")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "visit.menu"
    menu_order = 22

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return choose_posyandu(ctx, {}, "visit.ask_posyandu", self._list)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self._list(ctx, data)

    def _entries(self, ctx: Ctx, place: PosyanduRecord) -> list[VisitEntry]:
        return visiting_list(ctx.session, place, ctx.today(place.timezone), je_endemic=ctx.settings.je_endemic)

    def _list(self, ctx: Ctx, data: dict[str, Any], before: tuple[Reply, ...] = (), offset: int = 0) -> Turn:
        """A page of the list: as many whole entries as fit one message on the channel (at most SHOWN),
        numbered as its choices; `lagi`/`more` shows the next page."""
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        entries = self._entries(ctx, place)
        if not entries:
            return done(*before, say(ctx, "visit.none", posyandu=place.name))
        if offset >= len(entries):
            offset = 0
        today = ctx.today(place.timezone)

        def page(count: int) -> tuple[str, tuple[Choice, ...]]:
            shown = entries[offset:offset + count]
            lines = [ctx.t("visit.title", posyandu=place.name, count=len(entries))]
            if offset or len(shown) < len(entries):
                lines.append(ctx.t("visit.page", first=offset + 1, last=offset + len(shown), total=len(entries)))
            offered = []
            for n, entry in enumerate(shown, 1):
                years = f" ({age(entry.birth_date, today, ctx.lang)})" if entry.birth_date else ""
                lines.append(ctx.t("visit.entry", n=n, name=entry.name, age=years,
                                   reasons=reason_texts(ctx.lang, entry)))
                lines.append(ctx.t("visit.where", address=entry.address or ctx.t("visit.no_address"),
                                   phone=entry.phone or ctx.t("visit.no_phone_number")))
                offered.append(Choice(f"v{entry.key}", entry.name))
            left = len(entries) - offset - len(shown)
            if left > 0:
                lines.append(ctx.t("visit.more", count=left))
                offered.append(Choice("next", ctx.t("visit.next_page")))
            elif offset:
                offered.append(Choice("first", ctx.t("visit.first_page")))
            offered.append(Choice("done", ctx.t("report.finish")))
            return "\n".join(lines) + "\n\n" + ctx.t("visit.ask_pick"), tuple(offered)

        count = fitting(ctx.contact.channel, ctx.lang, min(SHOWN, len(entries) - offset), page)
        text, offered = page(count)
        audit(ctx.session, ctx.contact.id, "visits.viewed", f"posyandu:{place.id}", ctx.now)
        return Turn([*before, Reply(text, offered)], "pick", {"pid": place.id, "offset": offset, "shown": count})

    def on_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip()
        if value == "done" or value.lower() in DONE_WORDS:
            return done(then="menu")
        if value == "next" or value.lower() in NEXT_WORDS:
            return self._list(ctx, data, offset=int(data.get("offset", 0)) + int(data.get("shown", SHOWN)))
        if value == "first" or value.lower() in self.triggers:
            return self._list(ctx, data)
        if not value.startswith("v"):
            raise Invalid("visit.choose")
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        entry = next((e for e in self._entries(ctx, place) if e.key == value[1:]), None)
        if entry is None:
            return self._list(ctx, data, (say(ctx, "visit.gone"),))
        return ask(ctx, "outcome", {"pid": place.id, "key": entry.key, "name": entry.name}, "visit.ask_outcome",
                   name=entry.name)

    def on_outcome(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        text = " ".join(answer.text.split())
        if sum(ch.isalpha() for ch in text) < 3:
            raise Invalid("visit.outcome_short")
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        today = ctx.today(place.timezone)
        visit = record_visit(ctx.session, ctx.contact, place.id, data["key"], text, today, ctx.now)
        if visit is None:
            return self._list(ctx, data, (say(ctx, "visit.gone"),))
        audit(ctx.session, ctx.contact.id, "visit.recorded", f"home_visit:{visit.id}", ctx.now)
        return self._list(ctx, {"pid": place.id}, (say(ctx, "visit.recorded", name=data["name"], date=today),))


FLOWS = (VisitsFlow(),)
