"""Issue 16: the growth chart as the KMS draws it.

* The child's line is not joined across a month without a weighing (an O month): a new piece starts.
* One colour means one thing on every chart (orange was +1 SD on BB/U and -2 SD on TB/U), and a legend under
  the chart says what each colour is, in the reader's language.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot.charts import chart_spec
from bot.media.chart import LINES, Z_STYLE, chart_data, chart_png
from tests.recap.test_chart import spec
from tests.reporting.helpers import member, past_visit


def test_the_line_breaks_after_a_month_not_weighed():
    data = chart_data(spec([["2026-07-05", 8.0], ["2026-08-05", 8.3], ["2026-10-05", 8.6], ["2026-11-05", 8.9]]))
    assert [len(piece) for piece in data.pieces] == [2, 2]  # September missed: August and October not joined
    joined = chart_data(spec([["2026-08-05", 8.3], ["2026-09-05", 8.5], ["2026-09-25", 8.6], ["2026-10-31", 8.7]]))
    assert [len(piece) for piece in joined.pieces] == [4]  # consecutive months (twice in one month) stay joined
    assert data.points == tuple(p for piece in data.pieces for p in piece)
    one = chart_data(spec([["2026-11-05", 9.2]]))
    assert one.pieces == (one.points,)


def test_one_colour_means_one_line_on_every_chart():
    colour_of: dict[str, set[float]] = {}
    for indicator, lines in LINES.items():
        for z, (colour, _w, _s) in lines.items():
            assert (colour, _w, _s) == Z_STYLE[z], (indicator, z)
            colour_of.setdefault(colour, set()).add(z)
    orange, red = Z_STYLE[1.0][0], Z_STYLE[-3.0][0]
    assert colour_of[orange] == {1.0} and colour_of[red] == {-3.0}  # orange is only +1 SD, red only -3 SD
    assert LINES["lhfa"][-2.0][0] != orange


@pytest.mark.parametrize("lang, words", [("id", ("merah", "oranye", "kuning", "terputus")),
                                         ("en", ("red", "orange", "yellow", "break"))])
def test_the_legend_says_what_each_colour_means(runtime, demo, session, lang, words):
    aisyah = member(session, "Aisyah Putri")
    past_visit(session, aisyah, date(2026, 9, 10), weight_kg=7.6, height_cm=68.0)
    past_visit(session, aisyah, date(2026, 11, 10), weight_kg=8.2, height_cm=70.0)
    wfa = chart_spec(session, aisyah, "wfa", lang, date(2026, 11, 22))
    legend = " ".join(wfa["legend"]).lower()
    assert all(w in legend for w in words), legend
    lhfa = chart_spec(session, aisyah, "lhfa", lang, date(2026, 11, 22))
    assert "oranye" not in " ".join(lhfa["legend"]) and "orange" not in " ".join(lhfa["legend"])
    data = chart_data(wfa)
    assert len(data.pieces) == 2 and any(wfa["legend"][0][:20] in line for line in data.note)
    assert chart_png(wfa).startswith(b"\x89PNG")
