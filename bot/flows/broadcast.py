"""The bidan's broadcasts: create a posyandu day, change or cancel it, and free-text announcements.

Every broadcast is previewed with the number of households it reaches and
sent only on "Kirim". Messages are written to the outbox as bulk rows
(kind 'broadcast', template 'broadcast', dedupe per session + revision +
household + chat), so replies to people chatting never wait behind them and
a repeated step sends nothing twice. Reminders the day before and on the
morning of the day come from the planner (scheduler/planner.py).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/jadwal_buat_ubah.txt,
tests/transcripts/pengumuman.txt, tests/transcripts/jadwal_jam_tempat.txt (a time asked back, a time typed
where the place is asked, a preview to 0 households explained).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo


from bot.flows.base import Answer, Ctx, Invalid, StepFlow, Turn, ask, choices, done, say
from bot.flows.resident import stage_label
from bot.i18n.resident import fmt_when
from bot.messages import Choice, Reply, Role
from bot.parsing import parse_date, parse_time, parse_yes_no
from bot.texts import render
from health.life_stage import LifeStage
from storage.households import audience, household_reach, one_line, reachable_contacts
from bot.notices import ANNOUNCEMENT, SESSION_BROADCAST, tell_each
from storage.outbox import supersede, told_before
from storage.outbox_keys import AnnounceKey, BroadcastKey
from storage import posyandu_days as days
from storage.places import posyandu_by_id, zone_label
from storage.records import ContactRecord, PosyanduRecord, SessionRecord

STAFF = frozenset({Role.BIDAN, Role.ADMIN})
GROUPS = ("bayi_balita", "anak", "remaja", "dewasa", "lansia", "ibu_hamil", "ibu_nifas")
GROUP_WORDS = {"bayi": "bayi_balita", "balita": "bayi_balita", "baduta": "bayi_balita", "anak": "anak",
               "remaja": "remaja", "dewasa": "dewasa", "lansia": "lansia", "hamil": "ibu_hamil", "bumil": "ibu_hamil",
               "nifas": "ibu_nifas"}
ALL_WORDS = {"semua", "all", "semua kelompok", "all groups"}
MAX_TEXT = 800
MAX_DAYS_AHEAD = 365
POSYANDU_HOURS = (6 * 60, 18 * 60)  # ⚠ project choice: posyandu run in the day; outside 06.00-18.00 is asked back


# -- shared helpers -----------------------------------------------------------------------------
def staff_posyandu(ctx: Ctx) -> Sequence[PosyanduRecord]:
    """The posyandu a bidan (or admin) broadcasts to (`storage.posyandu_days.staff_posyandu`), so "2" is the
    same posyandu in `undangan`, `lapor`, `buat jadwal` and `pengumuman`."""
    return days.staff_posyandu(ctx.session, ctx.contact)


def _posyandu(ctx: Ctx, data: dict[str, Any]) -> PosyanduRecord:
    posyandu = posyandu_by_id(ctx.session, data.get("posyandu_id"))
    if posyandu is None or posyandu.id not in {p.id for p in staff_posyandu(ctx)}:
        raise Invalid("broadcast.no_posyandu")
    return posyandu


def group_choices(ctx: Ctx) -> tuple[Choice, ...]:
    return (Choice("all", ctx.t("broadcast.group.all")),) + tuple(Choice(g, stage_label(ctx, g)) for g in GROUPS)


def parse_groups(answer: Answer) -> list[str]:
    """[] for everyone, else group codes: a button, '2,6' (numbers as listed, 1 = all), or 'balita, lansia'."""
    if answer.choice == "all":
        return []
    if answer.choice in GROUPS:
        return [answer.choice]
    text = answer.text.strip().lower()
    if text in ALL_WORDS:
        return []
    picked: list[str] = []
    for token in re.split(r"[,;/\s]+|\bdan\b|\band\b", text):
        token = token.strip(" .")
        if not token:
            continue
        value: str | None
        if token.isdigit():
            index = int(token)
            if index == 1:
                return []
            if not 2 <= index <= len(GROUPS) + 1:
                raise Invalid("broadcast.bad_groups")
            value = GROUPS[index - 2]
        else:
            value = next((g for word, g in GROUP_WORDS.items() if token.startswith(word)), None)
            if value is None:
                raise Invalid("broadcast.bad_groups")
        if value not in picked:
            picked.append(value)
    if not picked:
        raise Invalid("broadcast.bad_groups")
    return picked


def send_choices(ctx: Ctx) -> tuple[Choice, ...]:
    return choices(ctx, (("send", "broadcast.send"), ("cancel", "broadcast.dont_send")))


def wants_send(answer: Answer) -> bool:
    """True for "Kirim", False for "Batal"; anything else is asked again."""
    said = parse_yes_no(answer.choice or answer.text, yes=frozenset({"send", "kirim"}),
                        no=frozenset({"cancel", "batal", "jangan"}))
    if said is not None:
        return said == "yes"
    raise Invalid("core.choose_from_list", count=2)


def ask_posyandu(ctx: Ctx, data: dict[str, Any], next_step: Any) -> Turn:
    """Pick the posyandu (skipped when the bidan has only one)."""
    found = staff_posyandu(ctx)
    if not found:
        return done(say(ctx, "broadcast.no_posyandu"))
    if len(found) == 1:
        data["posyandu_id"] = found[0].id
        return next_step(ctx, data)
    return ask(ctx, "posyandu", data, "broadcast.pick_posyandu", tuple(Choice(f"p{p.id}", p.name) for p in found))


def take_posyandu(ctx: Ctx, data: dict[str, Any], answer: Answer) -> None:
    value = answer.choice or ""
    if not (value.startswith("p") and value[1:].isdigit()):
        raise Invalid("core.choose_from_list", count=len(staff_posyandu(ctx)))
    data["posyandu_id"] = int(value[1:])
    _posyandu(ctx, data)


def read_day(ctx: Ctx, posyandu: PosyanduRecord, text: str) -> date:
    today = ctx.today(posyandu.timezone)
    day = parse_date(text, today, ahead=True)
    if day is None:
        raise Invalid("broadcast.bad_date")
    if day < today:
        raise Invalid("broadcast.date_past")
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid("broadcast.date_too_far")
    return day


def read_start(ctx: Ctx, posyandu: PosyanduRecord, day: date, text: str) -> datetime:
    """The session's start as aware UTC, from the local day and a typed time."""
    at = parse_time(text)
    if at is None:
        raise Invalid("broadcast.bad_time")
    start = datetime.combine(day, at, ZoneInfo(posyandu.timezone)).astimezone(timezone.utc)
    if start <= ctx.now:
        raise Invalid("broadcast.time_past")
    return start


def take_day(ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
    """The `date` step of a new or moved session: keep the day, ask the time."""
    posyandu = _posyandu(ctx, data)
    data["day"] = read_day(ctx, posyandu, answer.text).isoformat()
    return ask(ctx, "time", data, "broadcast.ask_time", zone=zone_label(posyandu.timezone))


def take_start(ctx: Ctx, data: dict[str, Any], answer: Answer) -> PosyanduRecord:
    """The `time` step: keep the start (with the day asked before); returns the posyandu."""
    posyandu = _posyandu(ctx, data)
    data["starts_at"] = read_start(ctx, posyandu, date.fromisoformat(data["day"]), answer.text).isoformat()
    return posyandu


def hhmm(at: time) -> str:
    return f"{at.hour:02d}.{at.minute:02d}"


class TimeSteps(StepFlow):
    """The start time as posyandu people write it (`8`, `08.00`, `8.30`, `jam 8`, `8 pagi`): a posyandu runs
    in the day, so an hour outside `POSYANDU_HOURS` is asked back (`1`: 13.00, or 01.00 as typed?), and a
    time typed where the place is asked is the start corrected, never the place."""

    def _after_time(self, ctx: Ctx, data: dict[str, Any], posyandu: PosyanduRecord,
                    before: Sequence[Reply] = ()) -> Turn:
        raise NotImplementedError

    def _take_time(self, ctx: Ctx, data: dict[str, Any], text: str, before: Sequence[Reply] = ()) -> Turn:
        at = parse_time(text)
        if at is None:
            raise Invalid("broadcast.bad_time")
        if not POSYANDU_HOURS[0] <= at.hour * 60 + at.minute <= POSYANDU_HOURS[1]:
            data["time_typed"] = at.isoformat()
            offered = [Choice("pm", hhmm(time(at.hour + 12, at.minute)))] if 1 <= at.hour < 6 else []
            offered.append(Choice("asis", ctx.t("broadcast.time_as_typed", time=hhmm(at))))
            return ask(ctx, "time_check", data, "broadcast.ask_time_check", offered, before=before, time=hhmm(at))
        return self._set_time(ctx, data, at, before)

    def _set_time(self, ctx: Ctx, data: dict[str, Any], at: time, before: Sequence[Reply] = ()) -> Turn:
        posyandu = _posyandu(ctx, data)
        data.pop("time_typed", None)
        data["starts_at"] = read_start(ctx, posyandu, date.fromisoformat(data["day"]), hhmm(at)).isoformat()
        return self._after_time(ctx, data, posyandu, before)

    def on_time(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return self._take_time(ctx, data, answer.text)

    def on_time_check(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        typed = time.fromisoformat(data["time_typed"])
        if answer.choice == "pm" and typed.hour < 12:
            return self._set_time(ctx, data, time(typed.hour + 12, typed.minute))
        if answer.choice == "asis":
            return self._set_time(ctx, data, typed)
        return self._take_time(ctx, data, answer.text)  # another time typed instead

    def _place_or_time(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn | None:
        """A time typed at the place question (`08.00`) corrects the start; None when it is a place."""
        at = parse_time(answer.text)
        if answer.choice is not None or "day" not in data or at is None:
            return None
        return self._take_time(ctx, data, answer.text, [say(ctx, "broadcast.time_not_place", time=hhmm(at))])


def read_place(answer: Answer, posyandu: PosyanduRecord) -> str:
    if answer.choice == "default" and posyandu.address:
        return posyandu.address
    place = re.sub(r"\s+", " ", answer.text).strip()
    if not 3 <= len(place) <= 150:
        raise Invalid("broadcast.bad_place")
    return place


def ask_place(ctx: Ctx, data: dict[str, Any], posyandu: PosyanduRecord) -> Turn:
    offered = ((Choice("default", ctx.t("broadcast.place_default", place=posyandu.address)),)
               if posyandu.address else ())
    return ask(ctx, "place", data, "broadcast.ask_place", offered)


@dataclass(frozen=True)
class SessionView:
    """What a session message says: where, when, for whom (and what it was before a change)."""

    posyandu: PosyanduRecord
    starts_at: datetime
    place: str
    groups: tuple[str, ...]


def session_message(lang: str | None, kind: str, view: SessionView,
                    before: SessionView | None = None) -> tuple[str, dict[str, str]]:
    """A schedule broadcast in `lang`: kind session | change | cancel. Returns (text, template variables)."""
    p = view.posyandu
    when = fmt_when(lang, view.starts_at, p.timezone)
    if kind == "cancel":
        title = render(lang, "broadcast.msg.cancel_title", posyandu=p.name)
        body = [render(lang, "broadcast.msg.cancel_body", when=when, place=view.place)]
    else:
        title = render(lang, f"broadcast.msg.{'change' if kind == 'change' else 'session'}_title", posyandu=p.name)
        body = [when, render(lang, "broadcast.msg.place", place=view.place)]
        if view.groups:
            labels = [LifeStage(g).label(lang) for g in view.groups]
            body.append(render(lang, "broadcast.msg.groups", groups=", ".join(labels)))
        if before is not None:
            body.append(render(lang, "broadcast.msg.change_before",
                               when=fmt_when(lang, before.starts_at, p.timezone), place=before.place))
        body.append(render(lang, "broadcast.msg.footer"))
    return "\n".join([title, *body]), {"1": one_line(title), "2": one_line(" ".join(body))}


def preview(ctx: Ctx, data: dict[str, Any], message: str, count: int, posyandu: PosyanduRecord,
            groups: Sequence[str]) -> Turn:
    """The message as families will read it and how many households get it; with none, why and what to do."""
    text = ctx.t("broadcast.preview", message=message, count=count)
    if count == 0:
        reach = household_reach(ctx.session, posyandu.id)
        if reach.with_chat == 0:
            why = ctx.t("broadcast.zero_no_chat", posyandu=posyandu.name, households=reach.households)
        elif reach.reachable == 0:
            why = ctx.t("broadcast.zero_unreachable", posyandu=posyandu.name, count=reach.with_chat)
        else:
            why = ctx.t("broadcast.zero_groups", count=reach.reachable)
        text += "\n\n" + why
    return Turn([Reply(text, send_choices(ctx))], "confirm", data)


def local_day(at: datetime, posyandu: PosyanduRecord) -> date:
    return at.astimezone(ZoneInfo(posyandu.timezone)).date()


def contacts_of(ctx: Ctx, household_ids: Sequence[int]) -> list[ContactRecord]:
    return [c for group in reachable_contacts(ctx.session, household_ids).values() for c in group]


def session_dedupe(session_id: int, revision: int) -> Callable[[ContactRecord], BroadcastKey]:
    return lambda c: BroadcastKey(session_id, revision, c.household_id, c.id)


class PosyanduFirstFlow(StepFlow):
    """A broadcast that begins with the posyandu (skipped when the bidan has one), then `_after_posyandu`."""

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return ask_posyandu(ctx, {}, self._after_posyandu)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        take_posyandu(ctx, data, answer)
        return self._after_posyandu(ctx, data)

    def _after_posyandu(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        raise NotImplementedError


# -- create a session ---------------------------------------------------------------------------------
class SessionFlow(PosyanduFirstFlow, TimeSteps):
    """Create a posyandu day and tell the households expected at it."""

    name = "jadwal_baru"
    steps = ("posyandu", "date", "time", "time_check", "place", "groups", "confirm")
    triggers = ("buat jadwal", "jadwal baru", "new session")
    roles = STAFF
    menu_key = "broadcast.menu.session"
    menu_order = 40

    def _after_posyandu(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        return ask(ctx, "date", data, "broadcast.ask_date")

    def on_date(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return take_day(ctx, data, answer)

    def _after_time(self, ctx: Ctx, data: dict[str, Any], posyandu: PosyanduRecord,
                    before: Sequence[Reply] = ()) -> Turn:
        turn = ask_place(ctx, data, posyandu)
        return Turn([*before, *turn.replies], turn.step, turn.data)

    def on_place(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        corrected = self._place_or_time(ctx, data, answer)
        if corrected is not None:
            return corrected
        data["place"] = read_place(answer, _posyandu(ctx, data))
        return ask(ctx, "groups", data, "broadcast.ask_groups", group_choices(ctx))

    def on_groups(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["groups"] = parse_groups(answer)
        view = self._view(ctx, data)
        count = len(audience(ctx.session, view.posyandu.id, view.groups, local_day(view.starts_at, view.posyandu)))
        text, _ = session_message(ctx.lang, "session", view)
        return preview(ctx, data, text, count, view.posyandu, view.groups)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if not wants_send(answer):
            return done(say(ctx, "broadcast.not_sent"))
        view = self._view(ctx, data)
        record = days.create_session(ctx.session, view.posyandu.id, view.starts_at, view.place, view.groups,
                                     ctx.contact.id, ctx.now)
        households = audience(ctx.session, view.posyandu.id, view.groups, local_day(view.starts_at, view.posyandu))
        tell_each(ctx.session, SESSION_BROADCAST, contacts_of(ctx, households),
                  lambda lang: session_message(lang, "session", view), session_dedupe(record.id, 1), ctx.now)
        days.record_announcement(ctx.session, view.posyandu.id, "session", session_message(ctx.lang, "session", view)[0],
                                 view.groups, len(households), ctx.contact.id, ctx.now, session_id=record.id)
        days.audit(ctx.session, ctx.contact.id, "session.created", f"session:{record.id}", ctx.now)
        if not households:
            return done(say(ctx, "broadcast.saved_no_one"))
        return done(say(ctx, "broadcast.sent_session", count=len(households)))

    @staticmethod
    def _view(ctx: Ctx, data: dict[str, Any]) -> SessionView:
        return SessionView(_posyandu(ctx, data), datetime.fromisoformat(data["starts_at"]), data["place"],
                           tuple(data.get("groups", ())))


# -- change or cancel a session --------------------------------------------------------------------------
class ChangeSessionFlow(TimeSteps):
    """Move, re-place or cancel a coming posyandu day; everyone who was told is told again."""

    name = "ubah_jadwal"
    steps = ("session", "what", "date", "time", "time_check", "place", "confirm")
    triggers = ("ubah jadwal", "batalkan jadwal", "batal jadwal", "change session")
    roles = STAFF
    menu_key = "broadcast.menu.change"
    menu_order = 41

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        places = {p.id: p for p in staff_posyandu(ctx)}
        if not places:
            return done(say(ctx, "broadcast.no_posyandu"))
        coming = days.upcoming_sessions(ctx.session, list(places), ctx.now)
        if not coming:
            return done(say(ctx, "broadcast.no_sessions"))
        offered = tuple(Choice(f"s{s.id}", ctx.t("broadcast.session_label", posyandu=places[s.posyandu_id].name,
                                                 when=fmt_when(ctx.lang, s.starts_at, places[s.posyandu_id].timezone)))
                        for s in coming)
        return ask(ctx, "session", {}, "broadcast.pick_session", offered)

    def _record(self, ctx: Ctx, data: dict[str, Any]) -> SessionRecord:
        record = days.session_by_id(ctx.session, data.get("session_id"))
        allowed = {p.id for p in staff_posyandu(ctx)}
        if record is None or record.status != "scheduled" or record.posyandu_id not in allowed:
            raise Invalid("broadcast.session_gone")
        return record

    def on_session(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.choice or ""
        if not (value.startswith("s") and value[1:].isdigit()):
            raise Invalid("broadcast.session_gone")
        data["session_id"] = int(value[1:])
        record = self._record(ctx, data)
        data["posyandu_id"] = record.posyandu_id
        return ask(ctx, "what", data, "broadcast.ask_change", choices(ctx, (
            ("when", "broadcast.change.when"), ("place", "broadcast.change.place"), ("cancel", "broadcast.change.cancel"))))

    def on_what(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if answer.choice == "when":
            return ask(ctx, "date", data, "broadcast.ask_date")
        if answer.choice == "place":
            return ask_place(ctx, data, _posyandu(ctx, data))
        if answer.choice == "cancel":
            data["action"] = "cancel"
            return self._preview(ctx, data)
        raise Invalid("core.choose_from_list", count=3)

    def on_date(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return take_day(ctx, data, answer)

    def _after_time(self, ctx: Ctx, data: dict[str, Any], posyandu: PosyanduRecord,
                    before: Sequence[Reply] = ()) -> Turn:
        data["action"] = "change"
        turn = self._preview(ctx, data)
        return Turn([*before, *turn.replies], turn.step, turn.data)

    def on_place(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        corrected = self._place_or_time(ctx, data, answer)
        if corrected is not None:
            return corrected
        data["place"] = read_place(answer, _posyandu(ctx, data))
        data["action"] = "change"
        return self._preview(ctx, data)

    def _views(self, ctx: Ctx, data: dict[str, Any]) -> tuple[SessionView, SessionView]:
        record = self._record(ctx, data)
        posyandu = _posyandu(ctx, data)
        old = SessionView(posyandu, record.starts_at, record.place or posyandu.address or posyandu.name,
                          tuple(record.groups or ()))
        new = SessionView(posyandu, datetime.fromisoformat(data["starts_at"]) if "starts_at" in data else old.starts_at,
                          data.get("place", old.place), old.groups)
        return old, new

    def _recipients(self, ctx: Ctx, data: dict[str, Any], new: SessionView) -> list[ContactRecord]:
        record = self._record(ctx, data)
        ids = told_before(ctx.session, BroadcastKey.session_prefix(record.id))
        told: list[ContactRecord] = list(days.contacts_by_id(ctx.session, ids))
        if data["action"] == "change":
            households = audience(ctx.session, new.posyandu.id, new.groups, local_day(new.starts_at, new.posyandu))
            told += contacts_of(ctx, households)
        unique = {c.id: c for c in told if c.reachable and c.household_id is not None}
        return sorted(unique.values(), key=lambda c: c.id)

    def _preview(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        old, new = self._views(ctx, data)
        kind = data["action"]
        text, _ = session_message(ctx.lang, kind, new if kind == "change" else old, old if kind == "change" else None)
        count = len({c.household_id for c in self._recipients(ctx, data, new)})
        return preview(ctx, data, text, count, new.posyandu, new.groups)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if not wants_send(answer):
            return done(say(ctx, "broadcast.not_sent"))
        old, new = self._views(ctx, data)
        recipients = self._recipients(ctx, data, new)
        record = self._record(ctx, data)
        kind = data["action"]
        days.revise_session(ctx.session, record, kind, new.starts_at, new.place, ctx.now)
        shown = (new, old) if kind == "change" else (old, None)
        tell_each(ctx.session, SESSION_BROADCAST, recipients, lambda lang: session_message(lang, kind, *shown),
                  session_dedupe(record.id, record.revision), ctx.now)
        supersede(ctx.session, record.id, record.revision, [c.id for c in recipients])
        households = len({c.household_id for c in recipients})
        days.record_announcement(ctx.session, record.posyandu_id, kind, session_message(ctx.lang, kind, *shown)[0],
                                 old.groups, households, ctx.contact.id, ctx.now, session_id=record.id)
        days.audit(ctx.session, ctx.contact.id, f"session.{kind}", f"session:{record.id}", ctx.now)
        return done(say(ctx, f"broadcast.sent_{kind}", count=households))


# -- free-text announcement ---------------------------------------------------------------------------------
def announcements_today(ctx: Ctx, posyandu: PosyanduRecord) -> int:
    """Free announcements already sent to this posyandu today (its local day)."""
    tz = ZoneInfo(posyandu.timezone)
    midnight = datetime.combine(ctx.now.astimezone(tz).date(), time(0), tz).astimezone(timezone.utc)
    return days.free_announcements_since(ctx.session, posyandu.id, midnight)


class AnnounceFlow(PosyanduFirstFlow):
    """A free-text message to a posyandu's households (optionally some groups), limited per day."""

    name = "pengumuman"
    steps = ("posyandu", "groups", "text", "confirm")
    triggers = ("pengumuman", "umumkan", "announce")
    roles = STAFF
    menu_key = "broadcast.menu.announce"
    menu_order = 42

    def _check_limit(self, ctx: Ctx, posyandu: PosyanduRecord) -> int:
        left = ctx.settings.announcements_per_day - announcements_today(ctx, posyandu)
        return max(0, left)

    def _after_posyandu(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        posyandu = _posyandu(ctx, data)
        if self._check_limit(ctx, posyandu) <= 0:
            return done(say(ctx, "broadcast.limit_reached", posyandu=posyandu.name,
                            limit=ctx.settings.announcements_per_day))
        return ask(ctx, "groups", data, "broadcast.ask_announce_groups", group_choices(ctx))

    def on_groups(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["groups"] = parse_groups(answer)
        return ask(ctx, "text", data, "broadcast.ask_text")

    def on_text(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        text = answer.text.strip()
        if not 5 <= len(text) <= MAX_TEXT:
            raise Invalid("broadcast.bad_text")
        data["text"] = text
        posyandu = _posyandu(ctx, data)
        count = len(audience(ctx.session, posyandu.id, data["groups"], ctx.today(posyandu.timezone)))
        return preview(ctx, data, self._message(ctx.lang, posyandu, text)[0], count, posyandu, data["groups"])

    @staticmethod
    def _message(lang: str | None, posyandu: PosyanduRecord, text: str) -> tuple[str, dict[str, str]]:
        title = render(lang, "broadcast.msg.announce_title", posyandu=posyandu.name)
        return f"{title}\n\n{text}", {"1": one_line(title), "2": one_line(text)}

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if not wants_send(answer):
            return done(say(ctx, "broadcast.not_sent"))
        posyandu = _posyandu(ctx, data)
        left = self._check_limit(ctx, posyandu)
        if left <= 0:
            return done(say(ctx, "broadcast.limit_reached", posyandu=posyandu.name,
                            limit=ctx.settings.announcements_per_day))
        households = audience(ctx.session, posyandu.id, data["groups"], ctx.today(posyandu.timezone))
        record = days.record_announcement(ctx.session, posyandu.id, "free", data["text"], data["groups"],
                                          len(households), ctx.contact.id, ctx.now)
        tell_each(ctx.session, ANNOUNCEMENT, contacts_of(ctx, households),
                  lambda lang: self._message(lang, posyandu, data["text"]),
                  lambda c: AnnounceKey(record.id, c.household_id, c.id), ctx.now)
        days.audit(ctx.session, ctx.contact.id, "announcement.sent", f"announcement:{record.id}", ctx.now)
        return done(say(ctx, "broadcast.sent_announce", count=len(households), left=left - 1))


FLOWS = (SessionFlow(), ChangeSessionFlow(), AnnounceFlow())
