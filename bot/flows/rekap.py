"""`rekap`: the month's recap of a posyandu in chat, with the XLSX as a document after it.

`rekap`, `rekap november`, `rekap 2026-11`, `rekap bulan lalu`, `rekap oktober
MAWAR7`. A kader gets their own posyandu's, a bidan one of her desa's; naming
another posyandu is refused, an unknown month or posyandu gets a clear answer,
a month with no data an honest empty recap.

Conversation (the golden transcript, replayed by the tests): tests/transcripts/rekap_grafik.txt; a bidan's
desa recap (`bot/flows/rekap_desa.py`): tests/transcripts/rekap_desa.txt.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, done, say
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Role
from bot.recap_text import month_label, recap_replies
from storage.members import name_key
from storage.places import posyandu_by_id
from storage.posyandu_days import audit
from bot.parsing import parse_yes_no
from storage.recap import month_recap, posyandu_named, set_target
from storage.reporting import visible_posyandu

MONTH_WORDS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2, "maret": 3,
    "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7,
    "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8, "agt": 8, "aug": 8, "september": 9, "sept": 9,
    "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}
THIS = {"ini", "this", "sekarang"}
LAST = {"lalu", "last", "kemarin", "previous"}
FILLER = {"bulan", "month", "tahun", "year", "posyandu", "di", "for", "of"}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")


def parse_month(text: str, today: date) -> tuple[tuple[int, int] | None, str]:
    """(year, month) named in `text` (None: not named) and the words left over (a posyandu, or junk).

    A month name without a year is the latest such month not after today.
    """
    month = year = None
    rest: list[str] = []
    relative = 0
    for word in text.lower().replace(",", " ").split():
        iso, my = _ISO.match(word), _MY.match(word)
        if iso or my:
            year, month = (int(iso.group(1)), int(iso.group(2))) if iso else (int(my.group(2)), int(my.group(1)))
        elif word in MONTH_WORDS:
            month = MONTH_WORDS[word]
        elif word.isdigit() and len(word) == 4:
            year = int(word)
        elif word in THIS:
            continue  # this month is the default
        elif word in LAST:
            relative = -1
        elif word not in FILLER:
            rest.append(word)
    if month is None and year is None:
        if relative:
            y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
            return (y, m), " ".join(rest)
        return None, " ".join(rest)
    if month is None or not 1 <= month <= 12:
        return (0, 0), " ".join(rest)
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    return (year, month), " ".join(rest)


class RekapFlow(ScopedFlow):
    name = "rekap"
    triggers = ("rekap", "ringkasan", "laporan bulan", "recap", "summary")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "recap.menu"
    menu_order = 27

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        today = ctx.today()
        picked, rest = parse_month(arg, today)
        if picked == (0, 0):
            return done(say(ctx, "recap.bad_month", text=arg[:40]))
        year, month = picked or (today.year, today.month)
        if (year, month) > (today.year, today.month) or year < 2000:
            return done(say(ctx, "recap.future_month", month=month_label(ctx.lang, year, month)))
        data: dict[str, Any] = {"year": year, "month": month, "named_month": picked is not None}
        if rest:
            return self._named(ctx, data, rest, arg)
        if ctx.contact.role == Role.BIDAN.value:  # her desa: all her posyandu summed, and each (docs/recap.md)
            from bot.flows.rekap_desa import desa_recap_turn

            turn = desa_recap_turn(ctx, year, month)
            if turn is not None:
                return turn
        return choose_posyandu(ctx, data, "recap.ask_posyandu", self._show)

    def _named(self, ctx: Ctx, data: dict[str, Any], rest: str, arg: str) -> Turn:
        """`rekap november MAWAR7`: that posyandu, if the contact may see it."""
        key = name_key(rest)
        visible = visible_posyandu(ctx.session, ctx.contact)
        mine = next((p for p in visible if key in (name_key(p.code), name_key(p.name))), None)
        if mine is not None:
            data["pid"] = mine.id
            return self._show(ctx, data)
        if posyandu_named(ctx.session, rest) is not None:
            return done(say(ctx, "recap.not_yours"))
        if data.get("named_month"):
            return done(say(ctx, "recap.unknown_posyandu", text=rest[:40]))
        return done(say(ctx, "recap.bad_month", text=arg[:40]))

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self._show(ctx, data)

    def _show(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        recap = month_recap(ctx.session, place, data["year"], data["month"])
        audit(ctx.session, ctx.contact.id, "recap.viewed", f"posyandu:{place.id}", ctx.now)
        return done(*recap_replies(ctx.lang, recap))


TARGET_UNLIKELY = 500  # balita in one posyandu's area: more is asked back (a typo for 50?)
TARGET_MAX = 5000  # more is not one posyandu


class SasaranFlow(ScopedFlow):
    """`sasaran 45`: the bidan sets this year's target number of balita (S of SKDN) for a posyandu."""

    name = "sasaran"
    triggers = ("sasaran", "target")
    roles = frozenset({Role.BIDAN, Role.ADMIN})

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        data: dict[str, Any] = {"year": ctx.today().year}
        if arg.strip():
            data["text"] = arg.strip()
        return choose_posyandu(ctx, data, "recap.target_ask_posyandu", self._after_posyandu)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self._after_posyandu(ctx, data)

    def _after_posyandu(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        text = data.pop("text", None)
        if text is None:
            return ask(ctx, "count", data, "recap.ask_target", year=data["year"])
        return self.on_count(ctx, data, Answer(text))

    def on_count(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        text = answer.text.strip()
        if not text.isdigit():
            raise Invalid("recap.target_number")
        count = int(text)
        if count > TARGET_MAX:
            raise Invalid("recap.target_impossible", most=TARGET_MAX)
        data["count"] = count
        if count > TARGET_UNLIKELY:
            return ask(ctx, "confirm", data, "recap.target_confirm", count=count)
        return self._save(ctx, data)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = parse_yes_no(answer.text)
        if said == "yes":
            return self._save(ctx, data)
        if said == "no":
            return ask(ctx, "count", data, "recap.ask_target", year=data["year"])
        raise Invalid("recap.target_yes_no")

    def _save(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        set_target(ctx.session, place.id, data["year"], data["count"], ctx.now)
        audit(ctx.session, ctx.contact.id, "target.set", f"posyandu:{place.id}", ctx.now)
        return done(say(ctx, "recap.target_saved", posyandu=place.name, year=data["year"], count=data["count"]))


FLOWS = (RekapFlow(), SasaranFlow())
