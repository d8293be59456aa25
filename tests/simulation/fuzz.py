"""A conversation fuzzer on the simulator's engine: random inputs from every role, through the webhooks.

Every input is drawn from a `random.Random` (hypothesis hands one in, `st.randoms(use_true_random=False)`,
so a failure shrinks; the bench hands in a seeded one). After every input: no 5xx and no apology for an
error. After every sequence, per chat: `batal` then `menu` leave no flow running and show the menu, and no
family chat was ever told the name of another household's member it did not type itself.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Contact, ConversationState
from tests.simulation.world import Sim
from tests.simulation.wire import SimChat, TelegramSim, WhatsAppSim

COMMANDS = ("lapor", "laporan", "timbang", "batal", "menu", "bantuan", "help", "cancel", "rekap", "rekap november",
            "rekap bulan lalu", "rujukan", "kunjungan", "daftar kunjungan", "keluarga", "anak", "grafik", "daftar",
            "jadwal", "buat jadwal", "ubah jadwal", "pengumuman", "undangan", "persalinan", "keguguran", "nik",
            "sambungan", "persetujuan", "jangkauan", "sasaran 45", "bahasa", "lanjut", "buang", "simpan", "ubah",
            "selesai", "ya", "tidak", "lupa", "kemarin", "hari ini", "hapus data", "mulai", "/start", "-", "report",
            "home", "stop", "BERHENTI")
SCRIPTS = ("مرحبا كيف حالك", "السلام عليكم ٩٫٥", "你好，体重九公斤", "孩子的身高 75 厘米", "ꦱꦸꦒꦼꦁꦲꦺꦚ꧀ꦗꦶꦁ",
           "ꦧꦺꦧꦶ ꦱꦶꦠꦶ", "Ｓｉｔｉ　９，５", "ñandú ü é", "\u200b\u200b", "a\u0301\u0301\u0301", "𝓢𝓲𝓽𝓲", "ᴮᴮ ⁹",
           "Привет", "नमस्ते", "\ufeffmenu", "lapor\u00a0Siti")
EMOJI = ("👍", "🙏🏽", "👶🏻", "❤️", "😂😂😂", "🇮🇩", "👨‍👩‍👧‍👦", "⚖️ 9,5", "✅", "➕ Anggota baru")
NUMBERS = ("9,5", "9.5", "9,5 kg", "75", "75,5 cm", "150/95", "180/120", "120/80", "0", "-1", "1e9", "999999999999",
           "3,", ",5", "1/0", "12.345,6", "08.00", "1", "2", "3", "7", "12", "17", "99", "0812 3456 7890",
           "3321010101270001", "+6281234567890", "NaN", "inf", "½", "٩٫٥", "９，５")
DATES = ("31-02-2027", "29-02-2028", "01-01-1900", "12 Mei 2026", "kemarin", "besok", "2027-13-01", "15 Des",
         "1 Januari 2099", "00-00-0000", "12/03/27", "senin")
ROLES = ("kader", "bidan", "admin", "resident", "stranger")


def _long(rng: random.Random) -> str:
    unit = rng.choice(("a", "lapor ", "9,5 ", "ꦱ", "😂", "Siti Rahayu "))
    return unit * rng.choice((300, 1000, 2000, 5000))


@dataclass
class Fuzzer:
    sim: Sim
    chats: dict[str, SimChat] = field(default_factory=dict)
    typed_by: dict[str, list[str]] = field(default_factory=dict)
    inputs: int = 0

    @classmethod
    def build(cls, url: str, seed: int = 1, engine: object = None, households: int = 6) -> "Fuzzer":
        sim = Sim(url, seed=seed, households=households, engine=engine)
        sim.setup()
        place = sim.places[0]
        fz = cls(sim)
        assert place.kader is not None and place.bidan is not None
        fz.chats["kader"], fz.chats["bidan"] = place.kader, place.bidan
        admin = TelegramSim(sim, 6_000_001 + seed, "admin")
        admin.say("/start")
        sim.run_cli("contacts", "promote", "--channel", "telegram", "--address", admin.address, "--role", "admin",
                    "--posyandu", place.code)
        fz.chats["admin"] = admin
        h = place.village.households[0]
        resident = WhatsAppSim(sim, h.phone, "resident")
        resident.say("/start"), resident.say("1"), resident.say("1"), resident.say(place.code), resident.say("ya")
        resident.say("batal")
        h.subscribed = True
        fz.chats["resident"] = resident
        fz.chats["stranger"] = WhatsAppSim(sim, "+6281999000111", "stranger")
        for chat in fz.chats.values():
            chat.log.clear()
        return fz

    def names(self) -> list[str]:
        return [p.name for h in self.sim.places[0].village.households for p in h.members]

    def text(self, rng: random.Random) -> str:
        kind = rng.randrange(10)
        names = self.names()
        if kind == 0:
            return rng.choice(COMMANDS)
        if kind == 1:
            return rng.choice(names) if rng.random() < 0.7 else rng.choice(names).split()[0]
        if kind == 2:
            return rng.choice(NUMBERS)
        if kind == 3:
            return rng.choice(DATES)
        if kind == 4:
            return rng.choice(EMOJI)
        if kind == 5:
            return rng.choice(SCRIPTS)
        if kind == 6 and rng.random() < 0.15:
            return _long(rng)
        if kind == 7:
            name = rng.choice(names)
            parts = [f"{w} {rng.choice(NUMBERS)}" for w in rng.sample(("bb", "pb", "tb", "lila", "td", "gds", "hb", "lk"),
                                                                          rng.randint(0, 4))]
            return f"{rng.choice(('lapor', 'grafik', 'nik', 'report', 'timbang'))} {name} {' '.join(parts)}".strip()
        if kind == 8:
            return " ".join(rng.choice(COMMANDS + NUMBERS + DATES) for _ in range(rng.randint(2, 5)))
        return rng.choice(COMMANDS[:12]) + " " + rng.choice(SCRIPTS + EMOJI)

    def step(self, role: str, text: str) -> None:
        chat = self.chats[role]
        self.typed_by.setdefault(role, []).append(text)
        self.inputs += 1
        if self.sim.clock.now().minute == 59:
            self.sim.clock.advance(hours=1)
        self.sim.clock.advance(seconds=20)
        said = chat.say(text)
        if role == "resident":
            self.check_leak(chat, said.reply)

    def run(self, rng: random.Random, count: int) -> None:
        for chat in self.chats.values():
            del chat.log[:-40]
        for _ in range(count):
            role = rng.choice(ROLES)
            self.step(role, self.text(rng))

    # -- properties ------------------------------------------------------------------------------------------
    def check_leak(self, chat: SimChat, reply: str) -> None:
        place = self.sim.places[0]
        own = next(h for h in place.village.households if h.phone == chat.address)
        typed = " ".join(self.typed_by.get("resident", [])).lower()
        for h in place.village.households:
            if h is own:
                continue
            for p in h.members:
                if p.name in reply and p.name.lower() not in typed and re.search(rf"\b{re.escape(p.name)}\b", reply) \
                        and not any(p.name in m.name for m in own.members):
                    self.sim.violation("no cross-household leak", f"the resident was told about another household's "
                                                                  f"member after {chat.log[-1].text[:80]!r}")

    def check_exits(self, roles: Iterable[str] = ROLES) -> None:
        """`batal` and `menu` always get out: no flow left, the menu shown (a stopped chat is told it stopped)."""
        for role in roles:
            chat = self.chats[role]
            chat.say("batal")
            said = chat.say("menu")
            with Session(bind=self.sim.runtime.engine.execution_options(isolation_level="AUTOCOMMIT")) as s:
                contact = s.scalars(select(Contact).where(Contact.address == chat.address)).first()
                state = s.get(ConversationState, contact.id) if contact is not None else None
                flow = state.flow if state is not None else None
            shown = "Menu —" in said.reply or "Pilih bahasa" in said.reply or "Belum ada layanan" in said.reply
            if flow or not shown:
                self.sim.violation("batal and menu get out", f"{role}: after `batal`, `menu` the flow is {flow!r} "
                                                             f"and the reply {said.reply[:160]!r}; before: "
                                                             f"{[s.text[:60] for s in chat.log[-6:-2]]}")
