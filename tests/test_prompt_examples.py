"""Every example a prompt shows is accepted by the parser of the question it belongs to (issue 16: the
pregnant and nifas hints said "60 155", which the bot then refused).

Each sentence of the catalogue that shows an example (`contoh:`, `misalnya`, `seperti`, `for example`,
`like`) must be listed here with the parser its question uses, or named in `FREE_TEXT` / `DYNAMIC` with the
reason; a new prompt with an example fails this test until it is. The examples built per member (the
measuring hints) are typed at their own question in tests/reporting/test_conversation_traps.py.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable

import pytest

from bot.flows.base import Answer, Invalid
from bot.flows.broadcast import parse_groups
from bot.flows.registration import read_hpht_or_estimate, read_name
from bot.flows.reporting_expert import parse_expert, split_name_and_line
from bot.flows.reporting_items import check_item
from bot.flows.start import normalise_invite
from bot.parsing import parse_date, parse_time
from bot.texts import catalogue, render
from health.life_stage import LifeStage
from health.nik import parse_nik
from storage.members import person_name
from storage.phones import mobile_number, normalise_phone

TODAY = date(2026, 11, 22)
MARKER = re.compile(r"(?:contoh|misalnya|for example|e\.g\.|(?:tulis|ketik)(?: \w+)? seperti|(?:write|type)(?: it)? like)"
                    r"\s*:?\s*", re.I)
END = re.compile(r"\)|;|\n|\.(?:\s|$)|—|, (?:atau|or) (?:ketik|type)|, lalu|, then|$")


def examples(text: str) -> list[str]:
    """The examples after each marker, split at `atau` / `or` / `, ` (not inside `2,6`)."""
    found = []
    for marker in MARKER.finditer(text):
        rest = text[marker.end():]
        chunk = rest[:END.search(rest).start()]
        for part in re.split(r",\s+|\s+atau\s+|\s+or\s+", chunk):
            part = re.sub(r"^(?:atau|or)\s+|\s+(?:bila|if|for a)\s.*$", "", part.strip())
            part = part.strip("*\"'“”").strip()
            if part:
                found.append(part)
    return found


def _item(item: str, stage: LifeStage, months: int) -> Callable[[str], bool]:
    def accepts(text: str) -> bool:
        text = re.sub(r"\s*\((?:kg|cm|g/dL)\)?$", "", text)
        try:
            check_item(item, text, stage, months, "P", months * 30)
        except Invalid:
            return False
        return True
    return accepts


def _date(ahead: bool = False, relative_ok: bool = True) -> Callable[[str], bool]:
    return lambda text: parse_date(text, TODAY, ahead=ahead) is not None


def _groups(text: str) -> bool:
    try:
        return parse_groups(Answer(text)) is not None
    except Invalid:
        return False


def _name(text: str) -> bool:
    try:
        return bool(read_name(text, "report"))
    except Invalid:
        return False


def _estimate(text: str) -> bool:
    try:
        return read_hpht_or_estimate(text, TODAY, "report") is not None
    except Invalid:
        return False


def _services(text: str) -> bool:
    from bot.flows.reporting_services import options, parse_selection, words

    if text == "-":
        return True  # none
    offered = options(LifeStage.BAYI_BALITA, 300, "P", set(), None, False, TODAY)
    shifted = " ".join(str(int(w) - 1) if w.isdigit() else w for w in text.replace(",", " ").split())
    return parse_selection(shifted, offered, LifeStage.BAYI_BALITA) is not None or \
        bool(words(offered, LifeStage.BAYI_BALITA).get(text.lower()))


def _summary_addition(text: str) -> bool:
    from bot.flows.reporting_services import options, words

    offered = options(LifeStage.BAYI_BALITA, 300, "P", set(), None, False, TODAY)
    line = parse_expert(text, words(offered, LifeStage.BAYI_BALITA))
    return line is not None and not line.unknown


def _month(text: str) -> bool:
    from bot.flows.rekap import parse_month

    return not text or parse_month(text, TODAY)[0] is not None


def _history(text: str) -> bool:
    from storage.services import parse_entry

    named, _rest, when, _place = parse_entry(text, TODAY)
    return named is not None and when is not None


def _ihs(text: str) -> bool:
    from health.fhir_codes import clean_practitioner_id, practitioner_id_problem

    word, _, number = text.partition(" ")
    return word == "ihs" and practitioner_id_problem(clean_practitioner_id(number)) is None


WEIGHT, HEIGHT = "weight", "height"
PARSERS: dict[str, Callable[[str], bool]] = {
    "birth.ask_date": _date(), "birth.date_unreadable": _date(),
    "recap.bad_month": lambda t: t[:5] in ("rekap", "recap") and _month(t[5:].strip()), "ended.ask_date": _date(), "report.ask_date": _date(),
    "report.ask_birth": _date(), "report.bad_date": _date(), "report.ask_hpht": lambda t: t == "lupa" or
    parse_date(t, TODAY) is not None, "report.date_is_today": _date(),
    "resident.ask_birth_date": _date(), "resident.ask_hpht": lambda t: t == "lupa" or parse_date(t, TODAY) is not None, "resident.bad_date": _date(),
    "broadcast.ask_date": _date(ahead=True), "broadcast.bad_date": _date(ahead=True),
    "broadcast.ask_time": lambda t: parse_time(t) is not None, "broadcast.bad_time": lambda t: parse_time(t) is not None,
    "broadcast.ask_time_check": lambda t: parse_time(t) is not None,
    "broadcast.ask_groups": _groups, "broadcast.ask_announce_groups": _groups, "broadcast.bad_groups": _groups,
    "consent.ask_phone": lambda t: mobile_number(t)[0] is not None,
    "consent.phone_invalid": lambda t: mobile_number(t)[0] is not None,
    "report.ask_phone": lambda t: normalise_phone(t) is not None, "report.ask_phone_own": lambda t:
    normalise_phone(t) is not None, "report.bad_phone": lambda t: normalise_phone(t) is not None,
    "core.ask_invite": lambda t: len(normalise_invite(t)) == 6, "core.staff_only": lambda t: len(normalise_invite(t)) == 6,
    "core.ask_staff_name": lambda t: person_name(t) is not None,
    "core.staff_name_invalid": lambda t: person_name(t) is not None,
    "resident.ask_member_name": _name, "report.name_is_greeting": _name,
    "nik.usage": lambda t: parse_nik(t.split()[-1], TODAY) is not None and split_name_and_line(t)[0] != "",
    "recap.ask_target": str.isdigit, "recap.target_number": str.isdigit,
    "report.ask.bp": _item("bp", LifeStage.DEWASA, 400), "report.bad.bp": _item("bp", LifeStage.DEWASA, 400),
    "report.bad.bp_order": _item("bp", LifeStage.DEWASA, 400),
    "report.bad.bp_range": _item("bp", LifeStage.DEWASA, 400),
    "report.bad.glucose": _item("glucose", LifeStage.DEWASA, 400),
    "report.bad.hb": _item("hb", LifeStage.DEWASA, 400),
    "report.bad.head": _item("head", LifeStage.BAYI_BALITA, 18),
    "report.bad.height": _item(HEIGHT, LifeStage.BAYI_BALITA, 18),
    "report.bad.height_adult": _item(HEIGHT, LifeStage.DEWASA, 400),
    "report.bad.height_anak": _item(HEIGHT, LifeStage.ANAK, 84),
    "report.bad.muac": lambda t: _item("muac", LifeStage.BAYI_BALITA, 18)(t) or _item("muac", LifeStage.IBU_HAMIL,
                                                                                     300)(t),
    "report.bad.waist": _item("waist", LifeStage.DEWASA, 400),
    "report.bad.weight": _item(WEIGHT, LifeStage.BAYI_BALITA, 18),
    "report.bad.weight_adult": _item(WEIGHT, LifeStage.DEWASA, 400),
    "report.bad.weight_anak": _item(WEIGHT, LifeStage.ANAK, 84),
    "report.ask.glucose": _item("glucose", LifeStage.DEWASA, 400),
    "report.hpht_unknown": _estimate, "report.hpht_in_future": _estimate,
    "report.bad_services": _services, "report.ask_services": _services,
    "report.summary_unknown": _summary_addition,
    "report.value_not_name": lambda t: bool(split_name_and_line(t)[0]),
    "report.nothing_to_resume": lambda t: t in ("baru", "selesai"),
    "ihs.usage": _ihs, "ihs.bad.digits": _ihs, "ihs.bad.length": _ihs,
    "nik.mother.usage": lambda t: t.split()[:2] in (["nik", "ibu"], ["nik", "mother"])
    and parse_nik(t.split()[-1], TODAY) is not None,
    "core.media.contact": lambda t: normalise_phone(t) is not None,
    "web.sim.placeholder": lambda t: t == "menu",
    "history.ask_member": _name, "history.ask_service": _history, "history.retry": _history,
    "history.problem.entry": _history, "history.problem.service": lambda t: _history(f"{t} 08/2024"),
    "history.need_date": lambda t: _history(f"BCG {t}"), "history.problem.bad_date": lambda t: _history(f"BCG {t}"),
}
# Examples of free text: nothing parses them (an outcome in the kader's words, a reason to be sure).
FREE_TEXT = {"link.ask_decide", "visit.ask_outcome", "resident.ask_posyandu", "resident.posyandu_query_help"}
# Built per member or per answer (`{example}`, `{ordered}`, `{date}`): typed at their own question in
# tests/reporting/test_conversation_traps.py (and the birth year asked back is the reader's own output).
DYNAMIC = {"report.expert_hint", "report.save_hint", "report.position_assumed.L", "report.position_assumed.H",
           "report.position_hint.L", "report.position_hint.H", "report.position_told.L", "report.position_told.H",
           "report.birth_year_check"}


def with_examples(lang: str) -> dict[str, list[str]]:
    out = {}
    for key, template in catalogue(lang).items():
        if not MARKER.search(template):
            continue
        params = {name: "X" for name in re.findall(r"{(\w+)}", template)}
        found = examples(render(lang, key, **params) if params else template)
        if found:
            out[key] = found
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_prompt_with_an_example_names_its_parser(lang):
    unknown = sorted(set(with_examples(lang)) - set(PARSERS) - FREE_TEXT - DYNAMIC)
    assert not unknown, f"prompts with an example but no parser listed here: {unknown}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_example_is_accepted_by_its_parser(lang):
    refused = [(key, example) for key, found in with_examples(lang).items() if key in PARSERS
               for example in found if not PARSERS[key](example)]
    assert not refused, refused
