"""Rujukan: the bidan's queue as in chat (urgent first, the values behind it, age or week of pregnancy,
kader, phone), filters by posyandu and problem, the outcome buttons, and one referral's history.

The words are the chat's own (bot/flows/referrals.py); the outcome is `storage.referrals.record_outcome`,
the same function the chat's `rujukan` calls, so a kader is refused here exactly as there.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from bot.referral_text import problem_text, values_text
from bot.formats import age, day
from bot.visit_text import label
from bot.texts import catalogue, render
from health.findings import evidence_name, group
from health.labels import category_of
from health.life_stage import LifeStage, primary_stage
from health.problems import PROBLEMS
from storage.referral_history import referral_in_scope, referral_story
from storage.referrals import OUTCOMES, QueueEntry, may_close, open_in_scope, open_problems, queue, record_outcome
from storage.pregnancy_status import pregnancy_since
from storage.reporting import facts_of, pregnancies_of
from web.pages.common import blueprint, chosen_places, ctx, lang, now, page, place_ids, places, seen, t

PAGE = 50


def card(entry: QueueEntry, problems: dict[int, list[Any]], pregnancies: dict[int, list[Any]]) -> dict[str, Any]:
    """One queue entry as the page shows it: every part already in words, from what is stored (the visit's
    stored flags named by their categories, the member's pregnancies read for the whole page at once), so a
    page of 50 cards runs the same few queries as a page of one."""
    c = ctx()
    referral, member, m = entry.referral, entry.member, entry.measurement
    on = m.measured_on if m is not None else c.today()
    stage = ""
    if m is not None:
        ongoing, delivered = facts_of(pregnancies.get(member.id, []), m.measured_on)
        if m.gestational_weeks is not None:
            key = "referral.pregnant_estimate" if ongoing is not None and ongoing.hpht_estimate is not None \
                else "referral.pregnant"
            stage = c.t(key, weeks=m.gestational_weeks)
        elif delivered is not None and _in_nifas(member, m.measured_on, ongoing, delivered):
            stage = c.t("referral.nifas", days=(m.measured_on - delivered).days)
    zone = ZoneInfo(member.posyandu.timezone or "Asia/Jakarta")
    reporter = c.t("referral.reporter_import") if m is not None and m.source == "import" else \
        (entry.reporter or c.t("referral.reporter_unknown"))
    return {
        "id": referral.id, "urgent": referral.urgency == "today", "level": c.t(f"referral.level.{referral.urgency}"),
        "problem": problem_text(c, referral.problem), "member": member, "age": age(member.birth_date, on, c.lang),
        "stage": stage, "posyandu": member.posyandu.name, "visit": day(on, lang()),
        "since": day(referral.created_at.astimezone(zone).date(), lang()), "measured": values_text(c, entry),
        "reasons": stored_reasons_text(c, referral.reasons or []), "reporter": reporter, "phone": entry.phone or "-",
        "others": [f"{problem_text(c, r.problem)} ({c.t(f'referral.level.{r.urgency}')})"
                   for r in problems.get(member.id, []) if r.id != referral.id],
    }


def _in_nifas(member: Any, on: Any, ongoing: Any, delivered: Any) -> bool:
    """The visit's life stage is ibu nifas (within 42 days of the delivery), as `reinterpret` reads it."""
    try:
        stage = primary_stage(member.birth_date, member.sex, on, ongoing.hpht if ongoing else None, delivered,
                              pregnancy_since(ongoing))
    except ValueError:  # a stored sex that cannot be read
        return False
    return stage is LifeStage.IBU_NIFAS


def stored_reasons_text(c: Any, reasons: list[str]) -> str:
    """The referral's reasons by name, as the chat's `reasons_text` says them, from the stored codes: a flag
    `index:code` is named by its category's label (health.labels), one finding with its indicators named,
    anything else by its own text."""
    known = catalogue(c.lang)
    out = []
    for finding, codes in group(list(reasons), lambda code: code):
        if finding is not None:
            out.append(f"{finding.label(c.lang)} ({', '.join(evidence_name(code, c.lang) for code in codes)})")
            continue
        out.append(flag_name(codes[0], c.lang, known))
    return "; ".join(out) or "-"


def flag_name(code: str, lang: str, known: Any = None) -> str:
    """A stored flag `index:code` in words: its category's label (health.labels), else the flag's own text
    (`report.flag.<code>`, e.g. post-term pregnancy), never the code."""
    category = category_of(code)
    if category is not None:
        return label(category, lang)
    key = f"report.flag.{code}"
    return render(lang, key) if key in (known if known is not None else catalogue(lang)) else \
        code.split(":")[-1].replace("_", " ")


@blueprint.get("/rujukan")
@page("referrals")
def referrals() -> ResponseReturnValue:
    shown = chosen_places()
    problem = request.args.get("problem") or None
    if problem not in {p.code for p in PROBLEMS}:
        problem = None
    try:
        offset = max(int(request.args.get("dari", 0)), 0)
    except ValueError:
        offset = 0
    entries, total = queue(g.db, [p.id for p in shown], offset, PAGE, problem=problem)
    problems = open_problems(g.db, [e.member.id for e in entries])
    pregnancies = pregnancies_of(g.db, [e.member.id for e in entries])
    cards = [card(e, problems, pregnancies) for e in entries]
    seen("web.referrals", f"posyandu:{len(shown)}")
    return render_template("referrals.html", cards=cards, total=total, offset=offset, page=PAGE,
                           places=places(), chosen=request.args.get("posyandu", ""), problem=problem or "",
                           problems=[(p.code, problem_text(ctx(), p.code)) for p in PROBLEMS],
                           outcomes=[(o, t(f"referral.outcome.{o}")) for o in OUTCOMES],
                           closer=may_close(g.contact))


@blueprint.post("/rujukan/<int:referral_id>/hasil")
@page("referral")
def referral_outcome(referral_id: int) -> ResponseReturnValue:
    if not may_close(g.contact):
        seen("web.denied", f"referral:{referral_id}")
        abort(403)
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        abort(400)
    entry = open_in_scope(g.db, referral_id, place_ids())
    closed = record_outcome(g.db, g.contact, referral_id, place_ids(), outcome, request.form.get("note"), now())
    if not request.headers.get("HX-Request"):  # a browser without script: back to the queue
        return redirect(url_for("web.referrals"), 303)
    if closed is None or entry is None:
        return render_template("referral_closed.html", gone=True, id=referral_id)
    return render_template("referral_closed.html", gone=False, name=entry.member.name, id=referral_id,
                           outcome=t(f"referral.outcome.{outcome}"))


@blueprint.get("/rujukan/<int:referral_id>")
@page("referral")
def referral(referral_id: int) -> ResponseReturnValue:
    found = referral_in_scope(g.db, referral_id, place_ids())
    if found is None:
        abort(404)
    story = referral_story(g.db, found)
    c = ctx()
    seen("web.referral", f"referral:{referral_id}")
    visits = [{"on": day(m.measured_on, lang()),
               "measured": values_text(c, QueueEntry(found, story.member, m, None, None))}
              for m in story.visits]
    events = [{"at": day(e.at.astimezone(ZoneInfo(story.member.posyandu.timezone)).date(), lang()),
               "what": _event(e.action), "who": who or "-"} for e, who in story.events]
    return render_template("referral.html", r=found, member=story.member, visits=visits, events=events,
                           problem=problem_text(c, found.problem), level=c.t(f"referral.level.{found.urgency}"),
                           outcome=t(f"referral.outcome.{found.outcome}") if found.outcome else "",
                           handled=day(found.handled_at.date(), lang()) if found.handled_at else "")


def _event(action: str) -> str:
    """An audit action in words: an outcome by its name, anything else by the page's own words."""
    kind = action.split(".", 1)[-1]
    if kind in OUTCOMES:
        return t("web.referral.closed_as", outcome=t(f"referral.outcome.{kind}"))
    return t("web.event.viewed") if action.startswith("web.") else t("web.event.other")
