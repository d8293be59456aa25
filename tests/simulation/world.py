"""The simulator's engine: one posyandu's year (or many), driven through the project's real paths.

    sim = Sim(url, seed=7)
    sim.run(months=12)
    assert not sim.violations, sim.report()

What goes through which path:
* the posyandu and its staff: `flask posyandu import`, `flask invites create`, then the bidan (Telegram)
  and the kader (WhatsApp) join by chat with the invite code;
* the register: `flask members import` at the start and every month (babies born, pregnancies found);
* posyandu days: the bidan's `buat jadwal` by chat; the kader's reports by chat, in her habits;
* births and miscarriages: the kader's `persalinan` and `keguguran`;
* families: subscribe by WhatsApp from the registered number, later some type BERHENTI;
* the clock: each local morning the reminder planner (`scheduler.planner.plan_zone`) and the referral
  repeat, after the month's last posyandu day the automatic recap (`scheduler.recap_job`), every outbox
  row sent through the dispatcher to recording senders;
* the month's end: the kader's `rekap`, `flask recap`, `flask visits list`, `flask satusehat export`.

The clock is a `FixedClock` moved by hand; the RNG is `random.Random(seed)`; nothing sleeps.
"""
from __future__ import annotations

import csv
import io
import os
import random
import re
import tempfile
import time
import traceback
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.messages import Channel, Outbound
from bot.ports import FixedClock, Sent, SendResult
from tests.simulation import sources as src
from tests.simulation.kader import HABITS, Typed, report
from tests.simulation.services import Immunisations, attach
from tests.simulation.zones import mornings, zone_of
from tests.simulation.population import Household, Person, Village, advance_month, make_village, measure
from tests.simulation.wire import PUBLIC_URL, SECRET, TWILIO_TOKEN, Said, SimChat, TelegramSim, WhatsAppSim, pick

WIB = ZoneInfo("Asia/Jakarta")
START = date(2027, 1, 1)
SS_ORG = "10000004"
SS_KEY = "dGhlLXNpbXVsYXRvcnMtb3duLWZlcm5ldC1rZXktMzI="  # a fixed Fernet key (32 bytes, urlsafe base64)


class RecordingSender:
    """Keeps the day's messages instead of sending them (the providers' fakes stand where the network would).

    `forget()` drops them once the day's invariants are checked, so memory does not grow with the days;
    `total` counts every message sent."""

    def __init__(self, channel: Channel, clock: FixedClock) -> None:
        self.channel = channel
        self.clock = clock
        self.sent: list[Outbound] = []
        self.at: list[datetime] = []  # when each went, on the simulated clock
        self.forgotten = 0

    def send(self, message: Outbound) -> SendResult:
        self.sent.append(message)
        self.at.append(self.clock.now())
        return Sent(f"{self.channel.value}-{message.id}")

    @property
    def total(self) -> int:
        return self.forgotten + len(self.sent)

    def forget(self) -> None:
        self.forgotten += len(self.sent)
        self.sent.clear()
        self.at.clear()


@dataclass
class Violation:
    invariant: str
    day: date
    detail: str


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB).astimezone(timezone.utc)


def settings_for(url: str, **over: Any) -> Settings:
    return Settings(database_url=url, telegram_webhook_secret=SECRET, twilio_auth_token=TWILIO_TOKEN,
                    twilio_account_sid="AC" + "0" * 32, twilio_whatsapp_from="+14155238886", public_url=PUBLIC_URL,
                    send_now=False, telegram_messages_per_second=0, twilio_messages_per_second=0,
                    telegram_per_chat_per_second=0, twilio_content_sid_reminder="HX" + "1" * 32,
                    twilio_content_sid_broadcast="HX" + "2" * 32, satusehat_secret_key=SS_KEY, **over)


@dataclass
class PosyanduSim:
    """One posyandu of the run: its truth (village), its staff's chats and its calendar."""

    code: str
    village: Village
    kader: SimChat | None = None
    bidan: SimChat | None = None
    days: dict[tuple[int, int], date] = field(default_factory=dict)  # (year, month) -> posyandu day
    families: dict[int, SimChat] = field(default_factory=dict)  # household key -> its WhatsApp chat
    typed: list[Typed] = field(default_factory=list)  # the day's reports; dropped once checked (forget_typed)
    saved_before: int = 0  # reports saved on the days already forgotten
    habit: str = "comma"
    reported_births: set[int] = field(default_factory=set)

    @property
    def saved(self) -> int:
        """Reports saved so far in the run."""
        return self.saved_before + sum(1 for t in self.typed if t.saved)

    def forget_typed(self) -> None:
        self.saved_before = self.saved
        self.typed.clear()


class Sim:
    def __init__(self, url: str, seed: int, posyandu: int = 1, households: int = 60, start: date = START,
                 check: bool = True, engine: Any = None, log: Callable[[str], None] | None = None,
                 validate_share: float = 1.0, lean: bool = False,
                 zones: tuple[str, ...] = ("Asia/Jakarta",)) -> None:
        from app.runtime import build_runtime
        from app.wsgi import create_app

        self.seed, self.start, self.check = seed, start, check
        self.rng = random.Random(seed)
        self.clock = FixedClock(local(start, 7))
        self.senders = {c: RecordingSender(c, self.clock) for c in Channel}
        from tests.fakes.satusehat_api import FakeSatusehat

        # every Bundle is validated (≈ 70 ms each) unless a share is asked for (the kabupaten bench): then a
        # seeded sample, the same Bundles on every run with that seed (picked())
        self.validate_share = validate_share
        self.satusehat = FakeSatusehat(lean=lean, validate=None if validate_share >= 1 else self.picked).start()  # SATUSEHAT's token and FHIR endpoints on a loopback port
        self.settings = settings_for(url, satusehat_auth_url=self.satusehat.auth_url,
                                     satusehat_fhir_url=self.satusehat.fhir_url)
        self.ss_sent = 0
        self.runtime = build_runtime(self.settings, clock=self.clock, senders=self.senders, engine=engine)
        self.app = create_app(runtime=self.runtime)
        self.app.config["TESTING"] = True
        self.client = self.app.test_client()
        self.cli = self.app.test_cli_runner()
        self.violations: list[Violation] = []
        self.today = start
        self.tmp = tempfile.mkdtemp(prefix="sim-")
        self.log = log or (lambda _msg: None)
        self.timings: dict[str, float] = {}
        from tests.simulation import population

        population._NIKS.clear()  # NIKs are unique within a run, and the same for the same seed
        self.places = [PosyanduSim(f"SIM{seed % 1000:03d}P{i:03d}",
                                   make_village(f"SIM{i:03d}", households, seed * 1000 + i, start,
                                                81_200_000 + (seed % 97) * 1_000_000 + i * 1000))
                       for i in range(posyandu)]
        for i, place in enumerate(self.places):
            place.habit = HABITS[(seed + i) % len(HABITS)]
            place.zone = zones[i % len(zones)]  # type: ignore[attr-defined]
        self.chat_ids = iter(range(7_000_000 + (seed % 1000) * 10_000, 8_000_000_000))
        self.immunisations = Immunisations(self)

    def picked(self, bundle: dict[str, Any]) -> bool:
        """Whether this Bundle is in the validated sample: by its Encounter's identifier and the seed."""
        if self.validate_share >= 1:
            return True
        key = next((i.get("value", "") for e in bundle.get("entry", []) for r in [e.get("resource") or {}]
                    if r.get("resourceType") == "Encounter" for i in r.get("identifier") or []), "")
        return zlib.crc32(f"{self.seed}:{key}".encode()) % 100_000 < self.validate_share * 100_000

    def close(self) -> None:
        self.satusehat.stop()
        self.runtime.send_now.shutdown()
        self.runtime.dispatcher.close()

    def sync_satusehat(self) -> None:
        """What the `satusehat` process does: send every queued visit (sending.satusehat_sync) to the fake."""
        from sending.satusehat_sync import SatusehatSender

        sender = SatusehatSender(self.runtime.session_factory, self.settings, self.clock, rng=lambda: 0.5)
        try:
            for _ in range(1000):
                stats = sender.run_once(self.clock.now())
                self.ss_sent += stats.sent
                if stats.refused or stats.errors:
                    self.violation("SATUSEHAT accepts every visit", f"{stats.refused} refused: {stats.errors[:2]}")
                if not stats.claimed:
                    break
        except Exception:
            self.violation("no exception", "satusehat sync: " + traceback.format_exc()[-1200:])
        finally:
            sender.close()

    # -- bookkeeping ---------------------------------------------------------------------------------------
    def violation(self, invariant: str, detail: str) -> None:
        self.violations.append(Violation(invariant, self.today, detail))

    def report(self, violations: list[Violation] | None = None) -> str:
        violations = self.violations if violations is None else violations
        lines = [f"SIM_SEED={self.seed} ({len(violations)} violations; replay: SIM_SEED={self.seed} "
                 f".venv/bin/python -m pytest -q tests/simulation/test_village_year.py)"]
        for v in violations[:40]:
            lines.append(f"- [{v.invariant}] {v.day}: {v.detail}")
        return "\n".join(lines)

    def timed(self, what: str, work: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return work()
        finally:
            self.timings[what] = self.timings.get(what, 0.0) + time.perf_counter() - t0

    def run_cli(self, *args: str, env: dict[str, str] | None = None) -> str | None:
        """A `flask ...` command as the operator runs it; None (and a violation) when it raised."""
        result = self.cli.invoke(args=list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = "".join(traceback.format_exception(result.exception))[-1200:]
            self.violation("no exception", f"flask {' '.join(args[:3])}: {trace}")
            return None
        return result.output

    def drain(self) -> None:
        self.runtime.dispatcher.drain(self.clock.now())

    def new_telegram(self, who: str) -> TelegramSim:
        return TelegramSim(self, next(self.chat_ids), who)

    # -- setting up ----------------------------------------------------------------------------------------
    def setup_places(self) -> None:
        """The posyandu by `posyandu import` and each puskesmas's SATUSEHAT access by the CLI, as an operator does."""
        path = os.path.join(self.tmp, "posyandu.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["code", "name", "desa", "kecamatan", "kabupaten", "provinsi", "puskesmas", "timezone"])
            for i, place in enumerate(self.places):
                w.writerow([place.code, f"Posyandu Simulasi {i + 1}", f"Desa Sim {i // 5 + 1}",
                            f"Kecamatan Sim {i // 40 + 1}", "Kabupaten Demak", "Jawa Tengah",  # 2 puskesmas each
                            f"Puskesmas Sim {i // 20 + 1}", zone_of(place)])
        self.run_cli("posyandu", "import", path)
        for pkm in sorted({i // 20 + 1 for i in range(len(self.places))}):
            self.satusehat.add_client(f"client-{pkm}", "rahasia", SS_ORG)
            self.run_cli("satusehat", "credentials", "set", "--puskesmas", f"Puskesmas Sim {pkm}", "--organization-id",
                         SS_ORG, "--client-id", f"client-{pkm}", "--client-secret-from-env", "SIM_SS_SECRET",
                         env={"SIM_SS_SECRET": "rahasia"})
        from sqlalchemy import func, select

        from storage.db import transaction
        from storage.models import Puskesmas, SatusehatCredential

        with transaction(self.runtime.session_factory) as s:  # the operator's commands all took
            bare = s.scalar(select(func.count()).select_from(Puskesmas).where(
                Puskesmas.id.not_in(select(SatusehatCredential.puskesmas_id))))
        if bare:
            self.violation("set-up", f"{bare} puskesmas without SATUSEHAT credentials after `credentials set`")

    def setup(self) -> None:
        self.setup_places()
        for place in self.places:
            place.bidan = self.join(self.new_telegram(f"bidan {place.code}"), place.code, "bidan")
            place.kader = self.join(WhatsAppSim(self, f"+62857{next(self.chat_ids) % 10**8:08d}",
                                                f"kader {place.code}"), place.code, "kader")
            self.import_register(place, [p for h in place.village.households for p in h.members])
            self.immunisations.history(place, self.today)  # tests/simulation/services.py

    def join(self, chat: SimChat, code: str, role: str) -> SimChat:
        invite = (self.run_cli("invites", "create", "--posyandu", code, "--role", role) or "?").strip().splitlines()[0]
        chat.say("/start")
        chat.say("1")  # Bahasa Indonesia
        chat.say("2")  # kader or bidan, with an invite code
        said = chat.say(invite)
        if "posyandu simulasi" not in said.reply.lower():
            self.violation("staff join", f"{role} could not join {code}: {said.reply[:300]!r}")
        if "nama anda" in said.reply.lower():
            said = chat.say("Sri Wahyuni" if role == "bidan" else "Siti Aminah")
        return chat

    def import_register(self, place: PosyanduSim, people: list[Person]) -> None:
        """The kader's paper register typed into a CSV and imported (`flask members import`)."""
        path = os.path.join(self.tmp, f"members-{place.code}.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["posyandu_code", "name", "sex", "birth_date", "guardian_name", "guardian_phone", "opted_in",
                        "hpht", "nik", "address"])
            for p in people:
                h = p.household
                preg = p.pregnancy
                hpht = preg.hpht.isoformat() if preg and preg.hpht_known and preg.hpht <= self.today else ""
                if preg and hpht:
                    preg.registered = True
                w.writerow([place.code, p.name, p.sex, p.birth.isoformat(), h.members[0].name, h.phone,
                            "1" if h.opted_in_paper else "0", hpht, p.nik or "", h.address])
                p.registered = True
        out = self.run_cli("members", "import", path)
        if out is None or re.search(r"[1-9]\d* rejected", out):
            self.violation("register import", (out or "")[-600:])

    # -- the year --------------------------------------------------------------------------------------------
    def run(self, months: int = 12, after_day: Callable[["Sim", date], None] | None = None) -> None:
        self.timed("setup", self.setup)
        first = self.start
        for _ in range(months):
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            self.month(first, last, after_day)
            first = last + timedelta(days=1)

    def month(self, first: date, last: date, after_day: Callable[["Sim", date], None] | None) -> None:
        events = {}
        for place in self.places:
            events[place.code] = advance_month(place.village, first, last)
            day = first + timedelta(days=self.rng.randint(7, 20))
            place.days[(first.year, first.month)] = day
            self.today = first
            self.clock.current = local(first, 9)
            self.timed("schedule", lambda: self.schedule(place, day))
        day = first
        while day <= last:
            self.today = day
            self.clock.current = local(day, 7)
            self.timed("clock", self.morning)
            for place in self.places:
                if place.days[(day.year, day.month)] == day:
                    self.timed("posyandu_day", lambda: self.posyandu_day(place, day, events[place.code]))
                if day.day == 3:
                    self.clock.current = local(day, 10)  # after the morning's reminders went
                    self.timed("families", lambda: self.families(place))
                if day == last:
                    self.timed("month_end", lambda: self.month_end(place, first, last, events[place.code]))
            if any(day in (place.days[(day.year, day.month)], last) for place in self.places):
                # the clock runs the recap job every evening; it has work only from the month's last posyandu
                # day on (docs/recap.md), so the quiet evenings are skipped to keep the run short
                self.clock.current = local(day, 17)
                self.timed("recap_job", self.evening)
            if day == last:
                self.clock.current = local(day, 20)
                self.timed("satusehat_sync", self.sync_satusehat)
            if after_day is not None:
                self.timed("invariants", lambda: after_day(self, day))
                # what the day's checks needed is kept by the checker in compact form; the rest goes
                for sender in self.senders.values():
                    sender.forget()
                for place in self.places:
                    place.forget_typed()
                if day == last and self.satusehat.lean:  # the month's visits are synced and counted
                    self.satusehat.forget()
            day += timedelta(days=1)

    def morning(self) -> None:
        from scheduler import referral_repeats
        try:
            mornings(self)  # each zone's reminders at its own 07:00 (tests/simulation/zones.py)
            referral_repeats.run(self.runtime.session_factory, self.settings, self.clock.now())
        except Exception:
            self.violation("no exception", "clock morning: " + traceback.format_exc()[-1200:])
        self.drain()

    def evening(self) -> None:
        from scheduler.recap_job import send_monthly_recaps

        try:
            for zone in sorted({zone_of(p) for p in self.places}):
                send_monthly_recaps(self.runtime.session_factory, self.settings, self.clock.now(), zone)
        except Exception:
            self.violation("no exception", "automatic recap: " + traceback.format_exc()[-1500:])
        self.drain()

    # -- the bidan ---------------------------------------------------------------------------------------------
    def schedule(self, place: PosyanduSim, day: date) -> None:
        """`buat jadwal` by chat: the month's posyandu day at 08.00 at the usual place, for every group."""
        chat = place.bidan
        assert chat is not None
        said = chat.say("buat jadwal")
        answers = {"posyandu mana": None, "tanggal hari buka": f"{day:%d-%m-%Y}", "jam mulai": "08.00",
                   "tempatnya": "Balai RW 01", "kelompok siapa": "1", "kirim sekarang": "1"}
        for _ in range(8):
            q = said.reply[-300:].lower()
            key = next((k for k in answers if k in q), None)
            if key is None:
                break
            answer = answers[key] or pick(said, lambda label: place.code in label or "Simulasi" in label) or "1"
            said = chat.say(answer)
        if "disimpan" not in said.reply.lower():
            self.violation("schedule by chat", f"`buat jadwal` for {day} did not save: {chat.tail(3)}")

    # -- the families ----------------------------------------------------------------------------------------
    def families(self, place: PosyanduSim) -> None:
        """Some families subscribe by WhatsApp from their registered number; some subscribed ones stop."""
        for h in place.village.households:
            if not h.subscribed and not h.stopped and self.rng.random() < src.SUBSCRIBE_SHARE / 6:
                chat = place.families.get(h.key) or WhatsAppSim(self, h.phone, f"family {h.key}")
                place.families[h.key] = chat
                h.english = self.rng.random() < 0.2  # type: ignore[attr-defined]
                chat.say("/start")  # the greeting and its language question come before anyone chose English
                self.clock.advance(seconds=1)
                h.english_since = self.clock.now()  # type: ignore[attr-defined]
                chat.say("2" if h.english else "1"), chat.say("1")  # type: ignore[attr-defined]
                chat.say(place.code)
                said = chat.say("yes" if h.english else "ya")  # type: ignore[attr-defined]
                chat.say("cancel" if h.english else "batal")  # type: ignore[attr-defined]
                h.subscribed = True
                h.subscribed_on = self.today  # type: ignore[attr-defined]
                if not any(w in said.reply.lower() for w in ("menu", "anggota", "terdaftar", "member", "registered")):
                    self.violation("family subscribes", f"subscription of household {h.key}: {chat.tail(3)}")
            elif h.subscribed and not h.stopped and self.rng.random() < src.STOP_SHARE_PER_MONTH:
                chat = place.families[h.key]
                chat.say("BERHENTI")
                h.stopped = True
                h.stopped_at = self.clock.now()

    # -- the posyandu day ----------------------------------------------------------------------------------
    def attendees(self, place: PosyanduSim, day: date) -> list[Person]:
        out = []
        for p in place.village.people():
            if not p.registered:
                continue
            if p.is_balita(day):
                group = "balita"
            elif p.pregnant_on(day):
                group = "hamil"
            elif p.nifas_on(day):
                group = "nifas"
            elif p.age_years(day) >= 60:
                group = "lansia"
            elif p.age_years(day) >= 18:
                group = "dewasa"
            else:
                continue
            if self.rng.random() < src.ATTEND[group]:
                out.append(p)
        return out

    def posyandu_day(self, place: PosyanduSim, day: date, events: Any) -> None:
        chat = place.kader
        assert chat is not None
        self.clock.current = local(day, 8, 30)
        # births and pregnancies that ended since the last posyandu day: the kader records them first
        for mother, preg in self.ended(place, day):
            self.tell_end(place, mother, "keguguran" if preg.miscarriage else "persalinan", preg.ends_on)
        people = self.attendees(place, day)
        for i, p in enumerate(people):
            m = measure(p, day, place.village.rng)
            attach(m, self.immunisations.today(place, p, day), self.immunisations.rng)  # doses given today
            habit = place.habit
            if self.rng.random() < 0.25:
                habit = self.rng.choice(HABITS)
            if habit == "half_way" and i != len(people) - 1:
                habit = "steps"
            pause = (lambda: self.clock.advance(hours=3)) if habit == "half_way" else None
            typed = report(chat, p, m, day, habit, self.rng, pause)
            typed.habit = habit  # type: ignore[attr-defined]
            typed.at = self.clock.now()  # type: ignore[attr-defined]
            place.typed.append(typed)
            if not typed.saved:
                self.violation("nothing typed is lost", f"{habit} report of a {p.age_years(day)}-year-old was not "
                                                         f"saved after {typed.steps} steps:\n"
                                                         f"{typed.transcript[:1800]}")  # type: ignore[attr-defined]
                chat.say("batal")
            self.clock.advance(minutes=4)
        chat.say("selesai")
        self.drain()

    def ended(self, place: PosyanduSim, day: date) -> list[tuple[Person, Any]]:
        """Registered pregnancies that ended by `day` and were not yet told."""
        return [(w, preg) for w in place.village.people() for preg in w.pregnancies
                if preg.registered and not preg.reported_end and preg.ends_on <= day]

    def tell_end(self, place: PosyanduSim, mother: Person, word: str, on: date | None) -> None:
        preg = next((p for p in mother.pregnancies if p.ends_on == on), None)
        if preg is None or not preg.registered or preg.reported_end or on is None:
            return
        chat = place.kader
        assert chat is not None
        bidan_before = len(self.senders[place.bidan.channel].sent) if place.bidan is not None else 0
        said = chat.say(word)
        for _ in range(8):
            q = said.reply[-300:].lower()
            if "menolong" in q and said.choices:  # where and by whom the baby was delivered (PWS KIA)
                answer = said.choices[0][0]
            elif "siapa" in q and said.choices:
                answer = pick(said, lambda label: label.startswith(mother.name))
                if answer is None:
                    self.violation("pregnancy end", f"{word}: the mother is not offered: {said.reply[:300]!r}")
                    chat.say("batal")
                    return
            elif "karena apa" in q:
                answer = pick(said, lambda label: label.startswith("Keguguran")) or "1"
            elif "tanggal" in q:
                answer = f"{on:%d-%m-%Y}"
            elif said.choices and "?" in q:
                answer = said.choices[0][0]
            elif "?" in q:
                answer = "-"
            else:
                break
            said = chat.say(answer)
        preg.reported_end = True
        chat.say("menu")
        if not self.end_recorded(place, mother):
            self.violation("pregnancy end", f"`{word}` for a woman of {mother.age_years(on)} years: the conversation "
                                            f"ended but her pregnancy is still open:\n{said.reply[-600:]}")
        if word == "keguguran" and place.bidan is not None:
            # the bidan follows a miscarriage up (KF after abortion, Buku KIA); the kader is told she can
            self.drain()
            told = [m for m in self.senders[place.bidan.channel].sent[bidan_before:]
                    if m.address == place.bidan.address and mother.name in m.text]
            if not told:
                self.violation("keguguran reaches the bidan", f"a miscarriage recorded by the kader: no message to "
                                                              f"the bidan names the mother")

    def end_recorded(self, place: PosyanduSim, mother: Person) -> bool:
        """The product closed her latest pregnancy (a birth or an end): what the kader's words were for."""
        from sqlalchemy import select

        from storage.db import transaction
        from storage.models import Member, Posyandu, Pregnancy

        with transaction(self.runtime.session_factory) as s:
            last = s.scalars(select(Pregnancy).join(Member, Member.id == Pregnancy.member_id)
                             .join(Posyandu, Posyandu.id == Member.posyandu_id)
                             .where(Posyandu.code == place.code, Member.name == mother.name,
                                    Member.birth_date == mother.birth)
                             .order_by(Pregnancy.id.desc()).limit(1)).first()
            return last is not None and (last.delivered_on is not None or last.ended_on is not None)

    # -- the month's end ---------------------------------------------------------------------------------------
    def month_end(self, place: PosyanduSim, first: date, last: date, events: Any) -> None:
        self.clock.current = local(last, 15)
        village = place.village
        # new babies and newly known pregnancies into the register
        new = [b for b in events.births if not b.registered]
        found = [w for w in village.people() if w.pregnancy and w.pregnancy.hpht_known and not w.pregnancy.registered
                 and w.pregnancy.weeks(last) >= 8]
        if new or found:
            self.import_register(place, new + found)
        chat = place.kader
        assert chat is not None
        said = chat.say("rekap")
        if "rekap" not in said.reply.lower() and "skdn" not in said.reply.lower():
            self.violation("rekap by chat", f"kader `rekap` answered: {said.reply[:300]!r}")
        self.last_rekap_reply = said.reply
        chat.say("menu")
        month = f"{first:%Y-%m}"
        self.recap_csv = self.run_cli("recap", "--month", month, "--posyandu", place.code, "--format", "csv")
        self.run_cli("visits", "list", "--posyandu", place.code, "--format", "csv")
        # the bidan looks at her referral queue and records an outcome for the first entry
        bidan = place.bidan
        assert bidan is not None
        said = bidan.say("rujukan")
        if said.choices:
            said = bidan.say(said.choices[0][0])
            for _ in range(4):
                if not said.choices:
                    break
                choice = pick(said, lambda label: "dikunjungi" in label.lower() or "dirujuk" in label.lower())
                if choice is None:
                    break
                said = bidan.say(choice)
        bidan.say("menu")
