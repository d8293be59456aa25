"""The measuring steps of `/lapor`: one question per item, asked back when a value looks wrong.

    item (per `reporting_items.items_for`) -> position (a balita's length) -> confirm
    (unit slip, unusual value, big change since the last visit, WHO implausible z)
    -> services. Any item step also takes an expert line (`bb 9,5 pb 75 lk 45`),
    which fills the visit at once and is judged by the same checks.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Protocol

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, say
from bot.flows.reporting_expert import ExpertLine, bare_values, parse_expert, read_bare, typed_in
from bot.formats import age, day, number
from bot.flows.reporting_items import ITEMS, ORDER, assumed_position, change_problem, items_for, label_key, \
    z_doubt
from bot.visit_text import value_text
from bot.flows.reporting_services import Service, fold_phrases, label_for, options, parse_selection, words
from health.feeding import pmt_for_balita
from health.measurements import Z_OF_ITEM
from bot.flows import reporting_visit as visit
from bot.flows.reporting_visit import SKIP, numeric
from bot.flows.reporting_draft import ReportDraft
from bot.messages import Choice, Reply
from bot.parsing import parse_yes_no
from health.growth import too_young_to_stand
from health.life_stage import LifeStage
from health.measurements import SAVE_EXAMPLES
from health.pregnancy import gestational_age, hpl
from storage.posyandu_days import audit as audit_event
from storage.reporting import reported_on

DONE = {"done", "selesai", "lanjut", "ok", "oke", "sudah", "sudah selesai"}
SAVE_WORDS = ("simpan", "save", "simpen", "simpn", "smpan", "simpam")  # and its common slips
# At a measurement question: "no more measurements" (the services and the summary follow; nothing is saved yet)
MEASURED_ALL = {"selesai", "sudah", "udah", "sdh", "dah", "cukup", "done", "sudah semua", "udah semua"}
DONE_NUMBER = "1"  # "✅ Selesai" heads the services list
CONFIRM_YES, CONFIRM_NO = frozenset({"benar", "betul"}), frozenset({"salah"})  # bot.parsing's words and these
POSITION_WORDS = {"l": "L", "pb": "L", "berbaring": "L", "baring": "L", "lying": "L",
                  "h": "H", "tb": "H", "berdiri": "H", "standing": "H"}


def strip_save(text: str) -> tuple[str, bool]:
    """`70 simpan` -> ('70', True): `simpan` typed with the last value ends the report and saves it."""
    words_ = text.strip().split()
    if words_ and words_[-1].lower() in SAVE_WORDS:
        return " ".join(words_[:-1]), True
    return text.strip(), False
ORDERED_VALUE = re.compile(r"\d+([.,]\d+)?(/\d+)?")  # one value of several typed in the questions' order
# The examples in the hints are built from the questions this member is asked, each with a value of the
# group's (and a balita's age's) size: a fixed "60 155" told a pregnant woman's kader to type 155 as LiLA.
# tests/reporting/test_prompt_examples.py types every hint's example at its question: none may be refused.
_BALITA_SIZE = ((6, "6", "60"), (12, "8", "70"), (24, "10", "80"), (61, "13", "95"))  # months below, kg, cm
_SIZE = {"weight": {LifeStage.ANAK: "20", LifeStage.REMAJA: "45"},
         "height": {LifeStage.ANAK: "115", LifeStage.REMAJA: "150"},
         "muac": {LifeStage.BAYI_BALITA: "14"}}
_ADULT_SIZE = {"weight": "55", "height": "155", "muac": "24"}
_EXAMPLE_WORDS = {"weight": "bb", "head": "lk", "muac": "lila", "waist": "lp", "bp": "td", "glucose": "gds", "hb": "hb"}


class Ending(Protocol):
    """Where the measuring part hands over once nothing is left to ask (the flow's summary part)."""

    def show_summary(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn: ...

    def save(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (), show_summary: bool = False) -> Turn: ...


class MeasurePart:
    """What was measured and given: the item, confirmation and service steps. Hands over to `ending` (the
    summary, or the save after `simpan`) once nothing is left to ask."""

    def __init__(self, ending: Ending) -> None:
        self.ending = ending

    # -- measurements ---------------------------------------------------------------------------------
    def start_items(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        stage, months, _ = visit.stage(ctx, data)
        data.update({"queue": items_for(stage, months), "values": {}, "services": None})
        header = [*before, self._header(ctx, data)]
        line, finish = strip_save(data.pop("line", ""))
        if finish:
            data["finish"] = True
        ordered, rest = read_bare(line) if line and data["queue"] else ([], line)
        if ordered and (rest or parse_expert(line, self.service_words(ctx, data)) is None):  # `lapor bima 10,9 81`
            named = parse_expert(rest, self.service_words(ctx, data)) if rest else None
            if named is not None:  # `9,5 pb 75 vita`: the numbers answer the first questions the words do not name
                free = [item for item in data["queue"] if item not in named.values]
                named.values.update(zip(free, ordered))
                named.unknown.extend(ordered[len(free):])
                return self.apply_line(ctx, data, named, header)
            if rest:  # never dropped without a word: what was not read is named
                header.append(say(ctx, "report.expert_unknown", parts=rest))
            try:
                return self._ordered(ctx, data, data["queue"][0], ordered, header)
            except Invalid as problem:  # nothing kept: said why, and the first question asked
                return self.ask_item(ctx, data, data["queue"][0],
                                      header + [say(ctx, problem.key, (), **problem.params)])
        if line:
            parsed = parse_expert(line, self.service_words(ctx, data))
            if parsed is not None:
                return self.apply_line(ctx, data, parsed, header)
            header.append(say(ctx, "report.expert_unknown", parts=line))  # never dropped without a word
        return self.ask_next(ctx, data, header)

    def _header(self, ctx: Ctx, data: ReportDraft) -> Reply:
        sex, born, hpht = visit.facts(ctx, data)
        on = visit.day_of(data)
        stage, _, _ = visit.stage(ctx, data)
        lines = [ctx.t("report.header", name=visit.name(ctx, data), sex=ctx.t(f"report.sex.{sex}"),
                       age=age(born, on, ctx.lang), group=stage.label(ctx.lang),
                       date=day(on, ctx.lang))]
        if hpht is not None:
            weeks, _ = gestational_age(hpht, on)
            lines.append(ctx.t("report.header_pregnancy", weeks=weeks, hpl=day(hpl(hpht), ctx.lang))
                         + (" " + ctx.t("report.estimated") if visit.hpht_estimated(ctx, data) else ""))
        elif stage is LifeStage.IBU_HAMIL:
            lines.append(ctx.t("report.header_pregnancy_undated"))
        if data.get("member") and ctx.once(("reported", data["member"], on),
                                           lambda: reported_on(ctx.session, data["member"], on)) is not None:
            lines.append(ctx.t("report.already_reported"))
        return Reply("\n".join(lines))

    def ask_item(self, ctx: Ctx, data: ReportDraft, item: str, before: Iterable[Reply] = ()) -> Turn:
        data["item"] = item
        stage, _, days = visit.stage(ctx, data)
        hint: tuple[str, ...] = ()
        months = visit.stage(ctx, data)[1]
        if not data["values"] and not data.get("mode") and not data.get("hinted"):
            data["hinted"] = True
            upcoming = [item] + [i for i in data["queue"] if i != item]
            hint = (ctx.t("report.expert_hint", example=typed_in(ctx.lang, line_example(upcoming, stage, months, days)),
                          ordered=typed_in(ctx.lang, " ".join(example_value(i, stage, months) for i in upcoming[:2]))),)
        key = "hb_bumil" if item == "hb" and stage is LifeStage.IBU_HAMIL else label_key(item, days)
        if item == "height" and stage is LifeStage.BAYI_BALITA:  # as the kader said, else as the age decides
            hint = (self._position_hint(ctx, data, days, months), *hint)
        if item not in ("weight", "height") and not data.get("mode") and not data.get("save_hinted"):
            data["save_hinted"] = True  # once a visit: `simpan` ends the questions here
            hint = (*hint, ctx.t("report.save_hint", example=typed_in(ctx.lang, example_value(item, stage, months))))
        text = "\n".join((ctx.t(f"report.ask.{key}"), *hint))
        return Turn([*before, Reply(text)], "item", data)

    def _position_hint(self, ctx: Ctx, data: ReportDraft, days: int, months: int) -> str:
        """How the length is read: lying or standing as the kader said it (`pb 85`, "berbaring"), else as the
        age says; a baby too young to stand is never told how to type a standing height."""
        size = example_value("height", LifeStage.BAYI_BALITA, months)
        if too_young_to_stand(days):
            return ctx.t("report.position_lying_only")
        told = data.get("position")
        if told in ("L", "H"):
            return ctx.t(f"report.position_told.{told}", example=size)
        return ctx.t(f"report.position_hint.{assumed_position(days)}", example=size)

    def ask_next(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        before = list(before)
        while data.get("line_queue"):
            item, raw = data["line_queue"].pop(0)
            data["item"] = item
            try:
                checked = visit.check(ctx, data, item, raw)
            except Invalid as problem:
                return self.ask_item(ctx, data, item, before + [say(ctx, problem.key, (), **problem.params)])
            self._told_position(data, item, checked.values)
            self._assume_position(ctx, data, item, checked.values)
            turn = self._judge(ctx, data, item, checked.values, checked.confirm, checked.params, [], before)
            if turn is not None:
                return turn
        if data.get("finish"):  # `simpan` typed with the last value: every value is checked, now save
            data.pop("finish")
            data.pop("mode", None)
            if data.get("services") is None:
                data["services"] = data.pop("svc_pick", [])
            return self.ending.save(ctx, data, before, show_summary=True)
        if data.get("mode") == "edit":
            data.pop("mode")
            return self.ending.show_summary(ctx, data, before)
        if data["queue"]:
            return self.ask_item(ctx, data, data["queue"][0], before)
        if data.get("services") is None:
            return self.ask_services(ctx, data, before)
        return self.ending.show_summary(ctx, data, before)

    def on_item(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        item = data["item"]
        text, finish = strip_save(answer.text)
        parts = bare_values(text) or text.split()  # `9,5 75`, `9,5 kg 75 cm`: values in the questions' order
        ordered = len(parts) >= 2 and all(ORDERED_VALUE.fullmatch(p) for p in parts)
        if finish:  # no more questions: this value (or these, in order) are the last
            data["finish"] = True
            answered = ([item] + [i for i in data["queue"] if i != item])[:len(parts) if ordered else 1]
            data["queue"] = [i for i in data["queue"] if i in answered] if text else []
            if not text:
                return self.ask_next(ctx, data)
        if ordered:
            return self._ordered(ctx, data, item, parts)
        if text.lower() in MEASURED_ALL and not finish:  # `udah`: the rest was not measured
            data["queue"] = []
            return self.ask_next(ctx, data)
        if text.lower() in SKIP:
            visit.drop(data, item)
            for name in ITEMS[item].fields:
                data["values"].pop(name, None)
            return self.ask_next(ctx, data)
        # service words only when there are words at all: a plain number reads no services
        line = parse_expert(text, self.service_words(ctx, data) if re.search(r"[^\W\d_]", text) else None)
        if line is not None and set(line.values) == {item} and not line.services and not line.unknown:
            text = line.values[item]  # `GDP 95` at the glucose question, `bb 9,5` at the weight: this answer
        elif line is not None:
            return self.apply_line(ctx, data, line)
        checked = visit.check(ctx, data, item, text)
        self._told_position(data, item, checked.values)
        self._assume_position(ctx, data, item, checked.values)
        return self._judge(ctx, data, item, checked.values, checked.confirm, checked.params, []) or \
            self.ask_next(ctx, data)

    def _ordered(self, ctx: Ctx, data: ReportDraft, item: str, parts: list[str],
                 before: Iterable[Reply] = ()) -> Turn:
        """`72 168` at the weight question: the values of this and the next questions, in their order.
        Each is checked first, so an impossible one (`8 1`: 1 cm) is explained and nothing is kept."""
        upcoming = [item] + [i for i in data["queue"] if i != item]
        if len(parts) > len(upcoming):
            raise Invalid("report.too_many_values", count=len(upcoming))
        pairs = list(zip(upcoming, parts))
        read = []
        for name, raw in pairs:
            checked = visit.check(ctx, data, name, raw)
            read.append(f"{ctx.t('report.item.' + label_key(name, visit.stage(ctx, data)[2]))} "
                        f"{number(raw.replace(',', '.'), ctx.lang) if '/' not in raw else raw}")
            if checked.confirm == "unit_slip":  # `8 1` for 8,1: say how it was read, keep nothing
                raise Invalid("report.ordered_unclear", read=", ".join(read))
        data["line_queue"] = [[name, raw] for name, raw in pairs]
        return self.ask_next(ctx, data, before)

    @staticmethod
    def _told_position(data: ReportDraft, item: str, values: dict[str, Any]) -> None:
        """`pb 85` / `tb 85` typed: the kader said how the length was measured; later hints follow it."""
        if item == "height" and values.get("position") in ("L", "H"):
            data["position"] = values["position"]

    def _assume_position(self, ctx: Ctx, data: ReportDraft, item: str, values: dict[str, Any]) -> None:
        """A balita's length without `pb`/`tb`: measured as the age says (lying under 24 months,
        standing from then: ilp-domain 3.1); the question and the summary say which."""
        if item == "height" and "position" not in values and visit.stage(ctx, data)[0] is LifeStage.BAYI_BALITA:
            values["position"] = assumed_position(visit.stage(ctx, data)[2])

    def on_position(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        position = POSITION_WORDS.get(answer.value.strip().lower())
        if position is None:
            raise Invalid("core.choose_from_list", count=2)
        pending = data.pop("pending")
        pending["values"]["position"] = position
        data["position"] = position
        return self._judge(ctx, data, pending["item"], pending["values"], pending["confirm"], pending["params"],
                           []) or self.ask_next(ctx, data)

    def _judge(self, ctx: Ctx, data: ReportDraft, item: str, values: dict[str, Any], confirm: str | None,
               params: dict[str, Any], passed: list[str], before: Iterable[Reply] = ()) -> Turn | None:
        """Ask back what looks wrong (unit slip or unusual value, change since the last visit, WHO flag).

        Returns the question, or None when the value is kept and the caller moves on. A baby under
        9 months measured standing is asked to be measured lying first (health.growth.too_young_to_stand).
        """
        if item == "height" and values.get("position") == "H" and too_young_to_stand(visit.stage(ctx, data)[2]):
            return self.ask_item(ctx, data, item, [*before, say(ctx, "report.measure_lying")])
        for check in ("value", "change", "z"):
            if check in passed:
                continue
            passed = passed + [check]
            question = self._doubt(ctx, data, check, item, values, confirm, params)
            if question is not None:
                reason, shown = question
                flags, blamed = shown.pop("flags", []), shown.pop("blamed", (item,))
                if item not in blamed:  # the other value is implausible on its own: the doubt is about it
                    return self._doubt_other(ctx, data, item, values, blamed[0], flags, before)
                if len(blamed) > 1:  # each plausible alone, not together: both named
                    other = next(b for b in blamed if b != item)
                    reason = "confirm.z_pair"
                    name = ctx.t(f"report.item.{label_key(other, visit.stage(ctx, data)[2])}")
                    shown["other"] = name[:1].lower() + name[1:]  # mid-sentence
                    shown["other_value"] = value_text(ctx.lang, other, data["values"])
                data["pending"] = {"item": item, "values": values, "confirm": confirm, "params": params,
                                   "passed": passed, "flags": flags}
                return self._ask_confirm(ctx, data, item, reason, shown, before)
        data["values"].update(values)
        visit.drop(data, item)
        return None

    def _doubt_other(self, ctx: Ctx, data: ReportDraft, item: str, values: dict[str, Any], other: str,
                     flags: list[str], before: Iterable[Reply]) -> Turn:
        """A pair flag (BB/PB, IMT/U) raised by this value, where the *other* value is implausible on its own
        (119 kg at 10 years, then a correct 119 cm): this value is kept, the question is about the other one,
        and a `no` or a new value retypes that one."""
        data["values"].update(values)
        visit.drop(data, item)
        kept = {f: data["values"].pop(f) for f in ITEMS[other].fields if f in data["values"]}
        if other == "height" and "position" in data["values"]:
            kept["position"] = data["values"].pop("position")
        data["pending"] = {"item": other, "values": kept, "confirm": None, "params": {},
                           "passed": ["value", "change", "z"], "flags": flags}
        return self._ask_confirm(ctx, data, other, "confirm.z_age", {"value": value_text(ctx.lang, other, kept)},
                                 before)

    def _doubt(self, ctx: Ctx, data: ReportDraft, check: str, item: str, values: dict[str, Any],
               confirm: str | None, params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """One plausibility check: the question's text key and parameters, or None when it passes."""
        stage, _, _ = visit.stage(ctx, data)
        if check == "value":
            return (f"confirm.{confirm}", dict(params)) if confirm else None
        if check == "change":
            previous, days = visit.previous(ctx, data)
            if previous is None or change_problem(item, values, previous, days, stage) is None:
                return None
            field_name = ITEMS[item].fields[0]
            return "confirm.change", {"was": previous[field_name], "was_date": day(previous["date"], ctx.lang),
                                      "value": values[field_name], "unit": ITEMS[item].unit}
        if stage not in (LifeStage.BAYI_BALITA, LifeStage.ANAK, LifeStage.REMAJA):
            return None
        sex, born, _ = visit.facts(ctx, data)
        doubt = z_doubt(item, {**data["values"], **values}, sex, born, visit.day_of(data))
        flags = set(doubt.flags) - set(data.get("z_ok", []))
        if not flags:
            return None
        return "confirm.z", {"value": value_text(ctx.lang, item, values), "flags": sorted(flags),
                             "blamed": doubt.blamed or (item,)}

    def _ask_confirm(self, ctx: Ctx, data: ReportDraft, item: str, reason: str, shown: dict[str, Any],
                     before: Iterable[Reply]) -> Turn:
        params = {k: number(v, ctx.lang) if numeric(v) else v for k, v in shown.items()}
        params["item"] = ctx.t(f"report.item.{label_key(item, visit.stage(ctx, data)[2])}")
        # counted per kader on the web page ("values asked back"): which item, never the value or the person
        audit_event(ctx.session, ctx.contact.id, "report.asked_back", f"item:{item}", ctx.now)
        return ask(ctx, "confirm", data, f"report.{reason}",
                   choices(ctx, (("yes", "report.confirm.yes"), ("no", "report.confirm.no"))), before=before,
                   **params)

    def on_confirm(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        pending = data.get("pending")
        if not pending:  # pragma: no cover - the confirm step always has a pending value
            return self.ask_next(ctx, data)
        said = parse_yes_no(answer.value, yes=CONFIRM_YES, no=CONFIRM_NO)
        if said == "yes":
            data.pop("pending", None)
            if pending.get("flags"):
                data["z_ok"] = sorted(set(data.get("z_ok", [])) | set(pending["flags"]))
            return self._judge(ctx, data, pending["item"], pending["values"], pending["confirm"], pending["params"],
                               pending["passed"]) or self.ask_next(ctx, data)
        position = POSITION_WORDS.get(answer.text.strip().lower())
        if pending["item"] == "height" and position is not None:  # `berdiri`: measured the other way
            data.pop("pending", None)
            data["position"] = position
            values = {**pending["values"], "position": position}
            return self._judge(ctx, data, "height", values, pending["confirm"], pending["params"], []) or \
                self.ask_next(ctx, data)
        data.pop("pending", None)
        data["item"] = pending["item"]
        if said == "no":
            return self.ask_item(ctx, data, pending["item"], [say(ctx, "report.retype")])
        try:  # a new value typed instead of yes/no: judge it as the answer to the item
            line = parse_expert(answer.text) if re.search(r"[^\W\d_]", answer.text) else None
            if line is not None and line.values and pending["item"] not in line.values \
                    and not line.services and not line.unknown \
                    and any(Z_OF_ITEM.get(i, set()) & Z_OF_ITEM.get(pending["item"], set()) for i in line.values):
                # the other value of the pair corrected (`bb 18,7` at a doubt about the height): the doubted
                # value is kept and judged again with the correction (their z-scores are shared); nothing else
                # is dropped and the questions go on
                data["values"].update(pending["values"])
                visit.drop(data, pending["item"])
                data["line_queue"] = [[i, line.values[i]] for i in ORDER if i in line.values]
                return self.ask_next(ctx, data)
            return self.on_item(ctx, data, Answer(answer.text))
        except Invalid as problem:
            return self.ask_item(ctx, data, pending["item"], [say(ctx, problem.key, (), **problem.params)])

    def apply_line(self, ctx: Ctx, data: ReportDraft, line: ExpertLine, before: Iterable[Reply] = ()) -> Turn:
        before = list(before)
        if line.unknown:
            before.append(say(ctx, "report.expert_unknown", parts=", ".join(line.unknown[:5])))
        # a line goes straight to the summary: services are typed in it or at the summary
        data["services"] = list(dict.fromkeys((data.get("services") or data.get("svc_pick") or [])
                                              + line.services))
        mentioned = [item for item in ORDER if item in line.values]
        if not mentioned and data["queue"] and not data.get("finish"):  # services only: the questions go on
            if line.services:
                data["svc_pick"] = list(dict.fromkeys((data.get("svc_pick") or []) + line.services))
                data["services"] = None
                before.append(say(ctx, "report.services_noted",
                                  services=", ".join(label_for(c, ctx.lang) for c in data["svc_pick"])))
            return self.ask_item(ctx, data, data.get("item") or data["queue"][0], before)
        data["queue"] = []  # items the line does not name were not measured
        data["line_queue"] = [[item, line.values[item]] for item in mentioned]
        return self.ask_next(ctx, data, before)

    # -- services --------------------------------------------------------------------------------------
    def services(self, ctx: Ctx, data: ReportDraft) -> list[Service]:
        stage, _, days = visit.stage(ctx, data)
        sex, _, hpht = visit.facts(ctx, data)
        weeks = gestational_age(hpht, visit.day_of(data))[0] if hpht is not None else None
        delivered = visit.delivered(ctx, data)
        if stage is LifeStage.IBU_NIFAS and delivered is not None:  # this delivery's services only
            given = visit.given(ctx, data.get("member"), since=delivered)
            return options(stage, days, sex, given, weeks, ctx.settings.je_endemic, visit.day_of(data),
                           days_postpartum=(visit.day_of(data) - delivered).days)
        return options(stage, days, sex, visit.given(ctx, data.get("member")), weeks,
                       ctx.settings.je_endemic, visit.day_of(data))

    def service_words(self, ctx: Ctx, data: ReportDraft) -> dict[str, str]:
        stage, _, _ = visit.stage(ctx, data)
        return words(self.services(ctx, data), stage)

    def ask_services(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        picked = set(data.setdefault("svc_pick", []))
        services = self.services(ctx, data)
        # `1` is always "Selesai", whoever is reported (last, it was 9 for a baby and 3 for an adult)
        offered = [Choice("done", ctx.t("report.services_done"))]
        offered += [Choice(s.code, ("✓ " if s.code in picked else "") + s.label(ctx.lang)) for s in services]
        shown = {s.code for s in services}  # picked by name though not offered now (`vit a` in November)
        offered += [Choice(code, "✓ " + label_for(code, ctx.lang)) for code in data["svc_pick"] if code not in shown]
        return ask(ctx, "services", data, "report.ask_services", offered, before=before)

    def on_services(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        """Picks add up (a button toggles) and the list is shown again with ticks; the list ends only
        with `selesai` (or its number), `-` for none, or `simpan` (save now)."""
        text, finish = strip_save(answer.text)
        if finish:
            data["finish"] = True
        words_ = text.lower().replace(",", " ").split()
        ending = finish or answer.value == "done" or text.lower() in DONE or bool(words_ and words_[-1] in DONE)
        if len(words_) > 1 and DONE_NUMBER in words_:  # `3 5 1`: these, and "Selesai"
            ending = True
            words_ = [w for w in words_ if w != DONE_NUMBER]
        if text.lower() in SKIP:
            data.pop("svc_pick", None)
            data["services"] = []
            return self.ask_next(ctx, data)
        picked = data.setdefault("svc_pick", [])
        if answer.choice is not None and answer.value != "done":  # a button or its number: toggle it
            if answer.choice in picked:
                picked.remove(answer.choice)
            else:
                picked.append(answer.choice)
        elif answer.value != "done":
            # the list's numbers are the services' own plus one ("Selesai" is 1)
            typed = " ".join(str(int(w) - 1) if w.isdigit() else w for w in words_ if w not in DONE)
            if typed:
                stage, _, _ = visit.stage(ctx, data)
                selected = parse_selection(typed, self.services(ctx, data), stage)
                if selected is None and stage is LifeStage.BAYI_BALITA and "pmt" in fold_phrases(typed).split() \
                        and not pmt_for_balita(visit.stage(ctx, data)[2]):
                    raise Invalid("report.pmt_under_6_months")  # ASI eksklusif (health.feeding)
                if selected is None:
                    raise Invalid("report.bad_services")
                picked.extend(code for code in selected if code not in picked)
        if ending:
            data["services"] = data.pop("svc_pick", [])
            return self.ask_next(ctx, data)
        return self.ask_services(ctx, data)


def example_value(item: str, stage: LifeStage, months: int) -> str:
    """A plain value of `item` for this group (a balita: for this age) that its question accepts."""
    if stage is LifeStage.BAYI_BALITA and item in ("weight", "height"):
        kg, cm = next((kg, cm) for below, kg, cm in _BALITA_SIZE if months < below or below == 61)
        return kg if item == "weight" else cm
    return _SIZE.get(item, {}).get(stage) or _ADULT_SIZE.get(item) or SAVE_EXAMPLES.get(item, "45")


def line_example(items: list[str], stage: LifeStage, months: int, days: int) -> str:
    """A whole visit in one line for these questions (`bb 8 pb 70 lk 45`), as the expert line reads it."""
    def word(item: str) -> str:
        if item == "height":
            return "pb" if stage is LifeStage.BAYI_BALITA and assumed_position(days) == "L" else "tb"
        return _EXAMPLE_WORDS[item]
    return " ".join(f"{word(i)} {example_value(i, stage, months)}" for i in items)
