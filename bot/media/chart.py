"""The growth chart picture: a KMS-like page (Buku KIA 2023) as a PNG, drawn in memory.

Why like the KMS: kaders and mothers read the book's chart, so ours has its
look (data-out §3): weight-for-age (or length/height-for-age) by sex, pink for
girls and blue for boys, age in months on the x-axis on a 0-24 or a 24-60
month sheet, the WHO lines with the red and orange lines named as in the book (one colour
means one line on every chart, said in a legend under it), the child's points
joined in order but not across a month without a weighing (O), the last one
marked, and this month's N/T under the chart.

Why split in two: `chart_data` turns the spec (a JSON snapshot of the child's
measurements and the sentences, already in the reader's language) into the
numbers that are drawn, which the tests check; `render_png` only draws them,
with matplotlib's object API on an Agg canvas (never pyplot: it keeps figures
alive in a server).
"""
from __future__ import annotations

import io
import textwrap
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from health import who_tables
from health.ages import DAYS_PER_MONTH, age_in_days
from health.growth import lms_value

SOURCE = "WHO Child Growth Standards 2006 (weight-for-age, length/height-for-age); KMS Buku KIA 2023 [G1][G2]"
INDICATORS = ("wfa", "lhfa")
SHEETS = ((0, 24), (24, 60))
# One colour means one thing on every chart (issue 16: orange was +1 SD on BB/U and -2 SD on TB/U). As in the
# Buku KIA 2023 KMS (data-out 3.1, ilp-domain 3.2 ⚠ GK): red is the red line, -3 SD; orange is the orange line,
# +1 SD of BB/U, drawn on BB/U only; green the median, in the green normal band; yellow -2 SD (the cut-off of
# underweight on BB/U and of stunting on TB/U); grey +2 and +3 SD. Said in words under each chart.
Z_STYLE: dict[float, tuple[str, float, str]] = {
    -3.0: ("#d62728", 2.6, "-"), -2.0: ("#d4a017", 1.8, "--"), 0.0: ("#2ca02c", 2.0, "-"),
    1.0: ("#ff8c00", 2.6, "-"), 2.0: ("#8c8c8c", 1.2, "--"), 3.0: ("#8c8c8c", 1.2, ":"),
}
LINES: dict[str, dict[float, tuple[str, float, str]]] = {
    "wfa": {z: Z_STYLE[z] for z in (-3.0, -2.0, 0.0, 1.0, 2.0, 3.0)},
    "lhfa": {z: Z_STYLE[z] for z in (-3.0, -2.0, 0.0, 3.0)},
}
NORMAL_BAND = {"wfa": (-2.0, 1.0), "lhfa": (-2.0, 3.0)}  # Permenkes 2/2020 normal ranges, shaded green
FRAME = {"P": ("#e75480", "#fdeef4"), "L": ("#1f6fb5", "#eaf3fb")}  # (frame, paper): pink girls, blue boys
POINT = "#1a1a1a"
STEP_DAYS = 7  # the WHO curves are drawn from the daily tables every week: smooth at phone size, cheap


@dataclass(frozen=True)
class ChartData:
    """Exactly what is drawn."""

    indicator: str
    sex: str
    sheet: tuple[int, int]
    points: tuple[tuple[float, float], ...]  # (age in months, kg or cm), in date order, on this sheet
    # the points joined by a line: a weighing after a month without one (O) starts a new piece, as on the KMS
    lines: dict[float, tuple[tuple[float, float], ...]]  # z -> curve points (age in months, value)
    line_labels: dict[float, str]
    title: str
    subtitle: str
    xlabel: str
    ylabel: str
    note: tuple[str, ...]  # the lines under the chart (this month's N/T, KBM), wrapped to the page
    ylim: tuple[float, float]
    note_bold: int = 1  # how many of the note's lines are the first sentence (printed bold)
    runs: tuple[tuple[tuple[float, float], ...], ...] = ()

    @property
    def pieces(self) -> tuple[tuple[tuple[float, float], ...], ...]:
        """The joined pieces of the child's line (all the points in one piece when no run was given)."""
        return self.runs or ((self.points,) if self.points else ())

    @property
    def last(self) -> tuple[float, float] | None:
        return self.points[-1] if self.points else None


def _table(indicator: str) -> who_tables.Table:
    return who_tables.WFA if indicator == "wfa" else who_tables.LHFA


@lru_cache(maxsize=16)
def who_curves(indicator: str, sex: str, sheet: tuple[int, int]) -> dict[float, tuple[tuple[float, float], ...]]:
    """WHO's value at each z of the lines, from the daily LMS table (length below 731 days, height from it)."""
    rows = _table(indicator)[1 if sex == "L" else 2]
    first = round(sheet[0] * DAYS_PER_MONTH)
    last = min(round(sheet[1] * DAYS_PER_MONTH), len(rows) - 1)
    if indicator == "lhfa":  # length rows below 731 days, height rows from it; the 0.7 cm step is WHO's
        first, last = (max(first, 731), last) if sheet[0] >= 24 else (first, min(last, 730))
    days = list(range(first, last + 1, STEP_DAYS))
    if days[-1] != last:
        days.append(last)
    curves: dict[float, tuple[tuple[float, float], ...]] = {}
    for z in LINES[indicator]:
        pts = []
        for day in days:
            lms = rows[day]
            if lms is not None:
                pts.append((day / DAYS_PER_MONTH, lms_value(*lms, z)))
        curves[z] = tuple(pts)
    return curves


def sheet_for(age_months: float) -> tuple[int, int]:
    """The KMS sheet of an age: 0-24 months, else 24-60."""
    return SHEETS[0] if age_months < 24 else SHEETS[1]


def chart_data(spec: dict[str, Any]) -> ChartData:
    """The numbers of the chart from its spec (see `storage.charts.chart_spec`)."""
    indicator = spec["indicator"]
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator}")
    sex = "L" if spec["sex"] == "L" else "P"
    birth = date.fromisoformat(spec["birth"])
    dated = sorted((date.fromisoformat(d), float(v)) for d, v in spec["points"])
    ages = [(age_in_days(birth, d) / DAYS_PER_MONTH, v) for d, v in dated]
    last_age = ages[-1][0] if ages else age_in_days(birth, date.fromisoformat(spec["on"])) / DAYS_PER_MONTH
    sheet = sheet_for(last_age)
    kept = [(d, (round(a, 3), v)) for d, (a, v) in zip((d for d, _ in dated), ages) if sheet[0] <= a <= sheet[1] + 0.5]
    points = tuple(p for _, p in kept)
    runs = _runs(kept) if indicator == "wfa" else ((points,) if points else ())
    curves = who_curves(indicator, sex, sheet)
    low = min(v for _, v in curves[min(curves)])
    high = max(v for _, v in curves[max(curves)])
    values = [v for _, v in points]
    ymin = min([low, *values]) * 0.95
    ymax = max([high, *values]) * 1.07
    labels = spec.get("line_labels", {})
    notes = list(spec.get("note", ())) + list(spec.get("legend", ()))
    return ChartData(
        indicator=indicator, sex=sex, sheet=sheet, points=points, lines=curves,
        line_labels={z: labels.get(_zkey(z), _zkey(z)) for z in curves},
        title=spec.get("title", ""), subtitle=spec.get("subtitle", ""), xlabel=spec.get("xlabel", ""),
        ylabel=spec.get("ylabel", ""), note=_wrapped(notes), ylim=(round(ymin, 1), round(ymax, 1)),
        note_bold=len(_wrapped(notes[:1])), runs=runs,
    )


def _runs(kept: list[tuple[date, tuple[float, float]]]) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The weighings in pieces: a piece ends where a calendar month passed without a weighing (O), because
    the KMS line is not joined across a month the child was not weighed (Buku KIA 2023, data-out 3.1)."""
    pieces: list[list[tuple[float, float]]] = []
    previous: date | None = None
    for on, point in kept:
        gap = previous is not None and (on.year - previous.year) * 12 + on.month - previous.month > 1
        if previous is None or gap:
            pieces.append([])
        pieces[-1].append(point)
        previous = on
    return tuple(tuple(piece) for piece in pieces)


NOTE_WIDTH = 44  # characters of 14 pt bold that fit the 780 px page


def _wrapped(lines: Any) -> tuple[str, ...]:
    """The notes under the chart, wrapped to the page (a long N/T sentence must not run off a phone)."""
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(str(line), NOTE_WIDTH) or [""])
    return tuple(out)


def _zkey(z: float) -> str:
    """The key of a line in a spec's `line_labels`: '-3', '0', '+1'."""
    return f"{z:+.0f}" if z else "0"


DPI = 130
BACKGROUNDS_KEPT = 16  # drawn sheets kept per process (about 0.7 MB each as 64-colour images)
_backgrounds: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_backgrounds_lock = threading.Lock()


def _layout(note_lines: int) -> tuple[float, tuple[float, float, float, float]]:
    """Figure height (inches) and the axes' rectangle: the notes under the chart take room."""
    height = 6.4 + 0.4 * note_lines
    bottom = (0.75 + 0.4 * note_lines) / height
    top = 1 - 0.95 / height
    return height, (0.13, bottom, 0.83, top - bottom)


def _figure(data: ChartData, transparent: bool) -> tuple[Any, Any, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height, rect = _layout(len(data.note))
    fig = Figure(figsize=(6.0, height), dpi=DPI, facecolor="none" if transparent else FRAME[data.sex][1])
    FigureCanvasAgg(fig)
    ax = fig.add_axes(rect)
    ax.set_xlim(*data.sheet)
    ax.set_ylim(*data.ylim)
    return fig, ax, height


def _rgba(fig: Any) -> Any:
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="raw", dpi=DPI, facecolor=fig.get_facecolor())
    return Image.frombuffer("RGBA", fig.canvas.get_width_height(physical=True), raw.getvalue(), "raw", "RGBA", 0, 1)


def _draw_sheet(data: ChartData) -> Any:
    """The part of the page that is the same for every child on this sheet: frame, WHO lines, axes."""
    from matplotlib.ticker import MaxNLocator

    fig, ax, _ = _figure(data, transparent=False)
    frame = FRAME[data.sex][0]
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_color(frame)
        spine.set_linewidth(2.0)
    lo, hi = NORMAL_BAND[data.indicator]
    if lo in data.lines and hi in data.lines:
        xs = [a for a, _ in data.lines[lo]]
        ax.fill_between(xs, [v for _, v in data.lines[lo]], [v for _, v in data.lines[hi]],
                        color="#d9f2d0", linewidth=0, zorder=0)
    for z, curve in data.lines.items():
        colour, width, style = LINES[data.indicator][z]
        ax.plot([a for a, _ in curve], [v for _, v in curve], color=colour, linewidth=width, linestyle=style,
                zorder=1)
        end_a, end_v = curve[-1]
        ax.annotate(data.line_labels.get(z, ""), (end_a, end_v), xytext=(-3, 3), textcoords="offset points",
                    va="bottom", ha="right", fontsize=12, color=colour, fontweight="bold", zorder=2,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    step = 2 if data.sheet[1] - data.sheet[0] <= 24 else 4
    ax.set_xticks(range(data.sheet[0], data.sheet[1] + 1, step))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))  # whole kg/cm: no decimal point to misread
    ax.tick_params(labelsize=13, colors="#222222")
    ax.grid(True, color="#dddddd", linewidth=0.8, zorder=0)
    ax.set_xlabel(data.xlabel, fontsize=14)
    ax.set_ylabel(data.ylabel, fontsize=14)
    return _rgba(fig).convert("RGB").quantize(colors=64, method=2, dither=0)


def _sheet(data: ChartData) -> Any:
    """The drawn sheet from the per-process cache (most charts share a handful of sheets)."""
    key = (data.indicator, data.sex, data.sheet, data.ylim, tuple(sorted(data.line_labels.items())), data.xlabel,
           data.ylabel, len(data.note))
    with _backgrounds_lock:
        found = _backgrounds.get(key)
        if found is not None:
            _backgrounds.move_to_end(key)
            return found
    drawn = _draw_sheet(data)
    with _backgrounds_lock:
        _backgrounds[key] = drawn
        while len(_backgrounds) > BACKGROUNDS_KEPT:
            _backgrounds.popitem(last=False)
    return drawn


def render_png(data: ChartData) -> bytes:
    """Draw `data` as a PNG (780 px wide, a phone screen's width; text at least 12 pt: 22 px).

    The sheet (frame, WHO lines, axes) is drawn once per process and kind; each chart draws only the
    child's points and its sentences on a transparent layer over it.
    """
    from PIL import Image

    fig, ax, height = _figure(data, transparent=True)
    ax.set_axis_off()
    frame = FRAME[data.sex][0]
    if data.points:
        for piece in data.pieces:  # not joined across a month without a weighing
            ax.plot([a for a, _ in piece], [v for _, v in piece], color=POINT, linewidth=2.2,
                    marker="o", markersize=6, zorder=3, clip_on=False)
        last_a, last_v = data.points[-1]
        ax.plot([last_a], [last_v], marker="o", markersize=15, markerfacecolor=frame, markeredgecolor=POINT,
                markeredgewidth=2, zorder=4, clip_on=False)
    fig.text(0.5, 1 - 0.12 / height, data.title, ha="center", va="top", fontsize=17, fontweight="bold",
             color=frame)
    fig.text(0.5, 1 - 0.5 / height, data.subtitle, ha="center", va="top", fontsize=13, color="#333333")
    note_lines = len(data.note)
    for i, line in enumerate(data.note):
        fig.text(0.04, (0.12 + 0.4 * (note_lines - 1 - i)) / height, line, ha="left", va="bottom", fontsize=14,
                 fontweight="bold" if i < data.note_bold else "normal", color="#111111")
    page = Image.alpha_composite(_sheet(data).convert("RGBA"), _rgba(fig))
    return _small_png(page)


def _small_png(page: Any) -> bytes:
    """A 64-colour PNG: a third of the bytes of matplotlib's own, the same to the eye at phone size."""
    from PIL import Image

    image = page.convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, format="PNG", compress_level=6)
    return out.getvalue()


def chart_png(spec: dict[str, Any]) -> bytes:
    return render_png(chart_data(spec))
