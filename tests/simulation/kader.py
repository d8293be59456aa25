"""How simulated kaders type a report, in their habits, and how they answer the bot's questions.

A kader knows only what she measured (`Measured`) and the person in front of her. She answers a question
by what it asks (weight, length, LiLA, blood pressure...), confirms a value the bot finds unusual (she
measured it; the simulator's values are the truth), picks the person by the exact name when a list is
offered, and says `simpan` at the summary. What she typed is remembered per report, so the database can be
compared with it afterwards.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from tests.simulation.population import Measured, Person
from tests.simulation.wire import Said, SimChat, pick

HABITS = ("comma", "dot", "units", "steps", "typo", "batal_first", "half_way")


def num(value: float, habit: str, unit: str = "") -> str:
    """A value as a kader writes it: `9,5`, `9.5` or `9,5 kg`; whole numbers without decimals."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if habit == "comma":
        text = text.replace(".", ",")
    if habit == "units" and unit:
        text = f"{text.replace('.', ',')} {unit}"
    return text


@dataclass
class Typed:
    """One report as the kader typed it: what the database must hold afterwards."""

    person: Person
    on: date
    values: dict[str, float] = field(default_factory=dict)
    saved: bool = False
    steps: int = 0
    first_said: int = 0  # where this report starts in the chat's log (for the transcript of a violation)


def one_line(p: Person, m: Measured, habit: str, on: date) -> tuple[str, dict[str, float]]:
    parts: list[str] = []
    typed: dict[str, float] = {}
    if m.weight_kg is not None:
        parts.append(f"bb {num(m.weight_kg, habit, 'kg')}")
        typed["weight_kg"] = m.weight_kg
    if m.height_cm is not None:
        word = "pb" if m.lying else "tb"
        parts.append(f"{word} {num(m.height_cm, habit, 'cm')}")
        typed["height_cm"] = m.height_cm
    if m.muac_cm is not None:
        parts.append(f"lila {num(m.muac_cm, habit, 'cm')}")
        typed["muac_cm"] = m.muac_cm
    if m.systolic is not None:
        parts.append(f"td {m.systolic}/{m.diastolic}")
        typed["systolic"], typed["diastolic"] = m.systolic, m.diastolic  # type: ignore[assignment]
    if m.glucose is not None:
        parts.append(f"gds {m.glucose}")
        typed["glucose_mgdl"] = m.glucose
    if getattr(m, "dose_words", ""):  # doses given today, as she names them (tests/simulation/services.py)
        parts.append(m.dose_words)  # type: ignore[attr-defined]
    return " ".join(parts), typed


def typo(name: str, rng: random.Random) -> str:
    """One letter dropped from the longest word (Rahayu -> Rahyu)."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) > 4:
        i = rng.randint(1, len(w) - 2)
        words[longest] = w[:i] + w[i + 1:]
    return " ".join(words)


def last_question(reply: str) -> str:
    return reply[-420:].lower()


class Answerer:
    """Answers whatever the bot asks next, from what the kader measured."""

    def __init__(self, person: Person, m: Measured, on: date, habit: str) -> None:
        self.p, self.m, self.on, self.habit = person, m, on, habit
        self.typed: dict[str, float] = {}  # what she typed answering questions (step by step)
        self.told_pregnant = False  # she answered "Ya, sedang hamil": the product now knows the pregnancy
        self.doses_said = False  # the doses given today were typed (in the line, or at the services question)

    values_sent = 0  # measurements typed so far in this report

    def answer(self, said: Said) -> str | None:
        answer = self._answer(said)
        if answer is not None and said.reply and any(ch.isdigit() for ch in answer) and "/" not in answer[:3] \
                and not answer.startswith("m") and answer not in {v for v, _l in said.choices}:
            self.values_sent += 1
        return answer

    def _answer(self, said: Said) -> str | None:
        q = last_question(said.reply)
        p, m, h = self.p, self.m, self.habit
        if "simpan laporan ini?" in q:
            return "simpan"
        if "lanjut ke anggota berikutnya" in q or "tersimpan" in q:
            return None  # saved
        if "benar?" in q or "nilainya benar" in q:
            return pick(said, lambda label: label.startswith("Ya")) or "ya"
        if "sedang hamil" in q:
            want = "Ya" if p.pregnant_on(self.on) else "Tidak"
            self.told_pregnant = want == "Ya"
            return pick(said, lambda label: label.startswith(want)) or want.lower()
        if "perkiraan usia kehamilan" in q:  # after `lupa`: the months she says, from the truth
            preg = p.pregnancy
            months = preg.weeks(self.on) // 4 if preg is not None else 0
            return f"{months} bulan" if months >= 1 else "-"
        if "hpht" in q:
            preg = p.pregnancy
            if preg is None or not preg.hpht_known:
                return "lupa"
            return f"{preg.hpht:%d-%m-%Y}"
        if "dengan cara apa" in q:
            return pick(said, lambda label: label.startswith("Berbaring" if m.lying else "Berdiri")) or "-"
        if "berat badan" in q and m.weight_kg is not None:
            self.typed["weight_kg"] = m.weight_kg
            return num(m.weight_kg, h, "kg")
        if ("tinggi" in q or "panjang" in q) and "?" in q and m.height_cm is not None:
            self.typed["height_cm"] = m.height_cm
            return num(m.height_cm, h, "cm")
        if "lila" in q and m.muac_cm is not None:
            self.typed["muac_cm"] = m.muac_cm
            return num(m.muac_cm, h, "cm")
        if "tekanan darah" in q and m.systolic is not None:
            self.typed["systolic"], self.typed["diastolic"] = m.systolic, m.diastolic  # type: ignore[assignment]
            return f"{m.systolic}/{m.diastolic}"
        if "gula darah" in q and m.glucose is not None:
            self.typed["glucose_mgdl"] = m.glucose
            return str(m.glucose)
        if "layanan" in q:
            words = getattr(m, "dose_words", "")
            if words and not self.doses_said:
                self.doses_said = True
                return f"{words} selesai"
            return "simpan"
        if "siapa yang diperiksa" in q:
            return p.name
        for value, label in said.choices:  # a list of names: the exact one
            if label.split(" —")[0].split(" (")[0].strip().lower() == p.name.lower():
                return value
        if "?" in q[-200:]:
            return "-"
        return "simpan"


def report(chat: SimChat, p: Person, m: Measured, on: date, habit: str, rng: random.Random,
           pause: object = None) -> Typed:
    """One member's report through the chat, in this kader's habit; returns what she typed."""
    line, typed = one_line(p, m, "comma" if habit in ("steps", "half_way", "typo", "batal_first") else habit, on)
    if len(chat.log) > 200:
        del chat.log[:-20]
    record = Typed(p, on, typed, first_said=len(chat.log))
    record.doses = list(getattr(m, "doses", ()))  # type: ignore[attr-defined]
    record.chat = chat  # type: ignore[attr-defined]
    answerer = Answerer(p, m, on, "comma" if habit not in ("dot", "units") else habit)
    answerer.doses_said = habit not in ("steps", "half_way")  # the one line named them
    if habit == "batal_first":
        chat.say(f"lapor {p.name}")
        out = chat.say("batal")
        if "dibatalkan" not in out.reply.lower():
            chat.sim.violation("batal gets out", f"`batal` in a report did not cancel: {out.reply[:200]!r}")
    if habit in ("steps", "half_way"):
        said = chat.say("lapor")
        said = chat.say(p.name)
    else:
        name = typo(p.name, rng) if habit == "typo" else p.name
        said = chat.say(f"lapor {name} {line}")
    paused = False
    for step in range(16):
        record.steps = step
        if habit == "half_way" and not paused and answerer.values_sent >= 1 and callable(pause):
            pause()  # she puts the phone down; the conversation times out meanwhile
            paused = True
            said = chat.say("lanjut")
            continue
        answer = answerer.answer(said)
        if answer is None:
            record.saved = True
            break
        said = chat.say(answer)
        if "tersimpan" in said.reply.lower():
            record.saved = True
            break
    if record.saved and answerer.told_pregnant and p.pregnancy is not None:
        p.pregnancy.registered = True  # known in chat: the kader will record its end (`persalinan`)
    if habit in ("steps", "half_way"):
        record.values = answerer.typed  # only what the questions asked for was typed
    record.transcript = "\n".join(f"> {x.text}\n{x.reply}" for x in chat.log[record.first_said:])  # type: ignore[attr-defined]
    return record
