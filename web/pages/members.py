"""Anak (and any member): one person's history, reachable from every name on the other pages: the growth
chart as on the KMS (the chat's own picture), visits with their values and findings in words, services and
doses, referrals with their outcome."""
from __future__ import annotations

from flask import Response, abort, g, render_template
from flask.typing import ResponseReturnValue

from bot.charts import INDICATORS, chart_spec, is_balita
from bot.referral_text import problem_text
from bot.formats import age, day
from bot.service_names import label_for
from storage.models import Measurement, Member
from storage.reporting import member_in_scope
from storage.visits import local_today
from storage.web_pages import member_history
from web.pages.common import blueprint, ctx, lang, now, page, place_ids, seen, t
from web.pages.referrals import flag_name


def _member(member_id: int) -> Member:
    member = member_in_scope(g.db, member_id, place_ids())
    if member is None:
        abort(404)  # outside the scope looks the same as absent: nothing leaks about who is recorded
    return member


@blueprint.get("/anak/<int:member_id>")
@page("member")
def member(member_id: int) -> ResponseReturnValue:
    person = _member(member_id)
    today = local_today(person.posyandu, now())
    visits, services, referrals = member_history(g.db, person.id)
    rows = []
    for m in visits:  # the findings as stored with each visit, named by their categories (no query per visit)
        rows.append({"on": day(m.measured_on, lang()), "age": age(person.birth_date, m.measured_on, lang()),
                     "measured": _values(m), "flags": [flag_name(code, lang()) for code in (m.flags or [])]})
    c = ctx()
    seen("web.member", f"member:{person.id}")
    return render_template(
        "member.html", m=person, age=age(person.birth_date, today, lang()), born=day(person.birth_date, lang()),
        visits=rows, services=[(day(s.given_on, lang()), label_for(s.code, lang())) for s in services],
        referrals=[{"id": r.id, "problem": problem_text(c, r.problem), "level": t(f"referral.level.{r.urgency}"),
                    "open": r.status == "open", "outcome": t(f"referral.outcome.{r.outcome}") if r.outcome else ""}
                   for r in referrals],
        charts=INDICATORS if is_balita(person, today) else ())


def _values(m: Measurement) -> str:
    from bot.referral_text import FIELD_OF_ITEM, VALUE_ITEMS
    from bot.visit_text import label_key
    from bot.visit_text import value_text
    from bot.referral_alerts import VALUE_FIELDS

    values = {name: getattr(m, name) for name in VALUE_FIELDS}
    return "; ".join(f"{t('report.item.' + label_key(item, m.age_days or 0))} {value_text(lang(), item, values)}"
                     for item in VALUE_ITEMS if values.get(FIELD_OF_ITEM[item]) is not None) or "-"


@blueprint.get("/anak/<int:member_id>/grafik-<indicator>.png")
@page("member_chart")
def member_chart(member_id: int, indicator: str) -> ResponseReturnValue:
    person = _member(member_id)
    if indicator not in INDICATORS:
        abort(404)
    spec = chart_spec(g.db, person, indicator, lang(), local_today(person.posyandu, now()))
    if spec is None:
        abort(404)
    from bot.media.chart import chart_png

    return Response(chart_png(spec), mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})
