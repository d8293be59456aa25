"""The growth chart: WHO's lines against WHO's published tables, the child's points through the data that
draws them, and the PNG itself (size, dimensions)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.media.chart import chart_data, chart_png, render_png, sheet_for, who_curves


def spec(points, sex="P", birth="2025-03-10", indicator="wfa", on="2026-11-05"):
    return {"type": "chart", "indicator": indicator, "sex": sex, "birth": birth, "on": on, "points": points,
            "line_labels": {"-3": "Garis merah", "+1": "Garis oranye", "0": "Median"},
            "title": "KMS", "subtitle": "Ani", "xlabel": "Umur (bulan)", "ylabel": "kg", "note": ["November 2026"]}


# WHO Child Growth Standards, simplified field tables (published, rounded to 0.1).
@pytest.mark.parametrize("indicator,sex,sheet,end,expected", [
    ("wfa", "L", (0, 24), 0, {-3: 2.1, -2: 2.5, 0: 3.3, 1: 3.9, 2: 4.4, 3: 5.0}),     # boys at birth
    ("wfa", "P", (0, 24), 0, {-3: 2.0, -2: 2.4, 0: 3.2, 1: 3.7, 2: 4.2, 3: 4.8}),     # girls at birth
    ("wfa", "P", (24, 60), -1, {-3: 12.1, -2: 13.7, 0: 18.2, 2: 24.9, 3: 29.5}),      # girls at 60 months
    ("wfa", "L", (24, 60), -1, {-3: 12.4, -2: 14.1, 0: 18.3, 2: 24.2, 3: 27.9}),      # boys at 60 months
    ("lhfa", "L", (0, 24), 0, {-3: 44.2, -2: 46.1, 0: 49.9, 3: 55.6}),                # boys' length at birth
    ("lhfa", "L", (0, 24), -1, {0: 87.8}),                                            # boys' length at 24 months
    ("lhfa", "L", (24, 60), 0, {0: 87.1}),                                            # boys' height at 24 months
    ("lhfa", "P", (24, 60), -1, {0: 109.4}),                                          # girls' height at 60 months
])
def test_who_lines_match_whos_published_tables(indicator, sex, sheet, end, expected):
    curves = who_curves(indicator, sex, sheet)
    assert {z: round(curves[float(z)][end][1], 1) for z in expected} == expected


def test_the_red_and_orange_lines_are_minus_three_and_plus_one():
    data = chart_data(spec([["2026-11-05", 9.2]]))
    assert data.line_labels[-3.0] == "Garis merah" and data.line_labels[1.0] == "Garis oranye"
    assert set(data.lines) == {-3.0, -2.0, 0.0, 1.0, 2.0, 3.0}
    lh = chart_data(spec([["2026-11-05", 80.0]], indicator="lhfa"))
    assert 1.0 not in lh.lines  # no orange line on length/height


def test_points_are_the_measurements_in_date_order_by_age():
    data = chart_data(spec([["2026-11-05", 9.2], ["2025-04-10", 4.2], ["2026-10-05", 9.1]]))
    # ages in months from 2025-03-10: 31 days, 574 days, 605 days
    assert data.points == ((round(31 / 30.4375, 3), 4.2), (round(574 / 30.4375, 3), 9.1),
                           (round(605 / 30.4375, 3), 9.2))
    assert data.last == data.points[-1]
    assert data.sheet == (0, 24) and data.sex == "P"
    assert data.ylim[0] <= 4.2 and data.ylim[1] >= 9.2


def test_from_24_months_the_chart_is_the_24_60_sheet_with_its_points_only():
    data = chart_data(spec([["2026-01-10", 7.8], ["2027-05-10", 11.0]], birth="2025-03-10", on="2027-05-10"))
    assert data.sheet == (24, 60)
    assert [v for _, v in data.points] == [11.0]  # the 10-month point belongs to the first sheet
    assert sheet_for(23.99) == (0, 24) and sheet_for(24.0) == (24, 60)


def test_one_point_renders_and_the_png_fits_a_phone():
    png = chart_png(spec([["2026-11-05", 9.2]]))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert 700 <= width <= 1100 and 1.0 < height / width < 1.4
    assert 10_000 < len(png) < 100_000  # a few tens of kilobytes


def test_no_point_still_draws_the_empty_sheet_by_age_today():
    data = chart_data(spec([], birth="2024-01-01", on="2026-11-05"))
    assert data.sheet == (24, 60) and data.points == () and data.last is None
    assert render_png(data).startswith(b"\x89PNG")


def test_boys_are_blue_and_girls_pink():
    def frame_colour(sex):
        image = Image.open(io.BytesIO(chart_png(spec([["2026-11-05", 9.2]], sex=sex)))).convert("RGB")
        return image.getpixel((3, 3))  # the paper around the chart

    r, g, b = frame_colour("L")
    assert b > r
    r, g, b = frame_colour("P")
    assert r > b


def test_unknown_indicator_is_refused():
    with pytest.raises(ValueError):
        chart_data(spec([["2026-11-05", 9.2]], indicator="bmi"))


def test_a_long_note_is_wrapped_to_the_page():
    data = chart_data(spec([["2026-11-05", 9.2]]) | {"note": ["November 2026: 9,2 kg — baru pertama ditimbang (B)"]})
    assert len(data.note) == 2 and all(len(line) <= 44 for line in data.note)
    assert " ".join(data.note) == "November 2026: 9,2 kg — baru pertama ditimbang (B)"
