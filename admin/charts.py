"""A small stacked-area chart drawn as SVG on the server: no JavaScript, no CDN."""
from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup, escape

from vocabulary.i18n import format_date

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 760, 230, 36, 28, 10, 10


def stacked_area(series: list[tuple[date, Counter]], stages: list[tuple[str, str, str]]) -> Markup:
    """``stages``: (key, label, colour), bottom first. One band per stage, one step per day; a
    single day is drawn as a flat band. Nothing to draw: empty (the page says why)."""
    if not series:
        return Markup("")
    if len(series) == 1:
        series = series * 2
    total = max(sum(counts.values()) for _day, counts in series) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x = lambda i: LEFT + plot_w * i / (len(series) - 1)
    y = lambda value: TOP + plot_h * (1 - value / total)
    legend, legend_height = _legend_rows(stages, HEIGHT + 8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + legend_height}" class="progress-chart" role="img">']
    below = [0] * len(series)
    for key, label, colour in stages:
        above = [below[i] + counts.get(key, 0) for i, (_day, counts) in enumerate(series)]
        points = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(above)]
        points += [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(below)))]
        parts.append(f'<polygon points="{" ".join(points)}" fill="{colour}" opacity="0.85"><title>{escape(label)}</title></polygon>')
        below = above
    for value in (0, total // 2, total):
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="10">{value}</text>')
    # Over more than one year a tick shows the year too (dd/mm/yyyy), and there are fewer of them.
    years = series[0][0].year != series[-1][0].year
    step = max(1, len(series) // (4 if years else 6))
    for i in range(0, len(series), step):
        text = format_date(series[i][0]) if years else format_date(series[i][0])[:5]
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10">{text}</text>')
    parts.extend(legend)
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend_rows(stages: list[tuple[str, str, str]], top: float) -> tuple[list[str], int]:
    """The legend on as many rows as the labels need (none cut at the right edge); its height."""
    parts, x, row = [], LEFT, 0
    for _key, label, colour in stages:
        width = 14 + 7 * len(label) + 16
        if x + width > WIDTH and x > LEFT:
            x, row = LEFT, row + 1
        y = top + 16 * row
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="11">{escape(label)}</text>')
        x += width
    return parts, 16 * (row + 1) + 8


# --- scores (Chỉ số CCHC) ------------------------------------------------------------------------

BAND_COLOURS = ("#1a7f37", "#2da44e", "#54aeff", "#d4a72c", "#cf222e", "#8250df")  # xuất sắc … yếu
LABEL_W, BAR_H, GAP = 270, 12, 10


def _short(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrapped(text: str, x: float, middle: float, width: int = 44) -> str:
    """``text`` right-aligned at ``x`` on at most two lines centred on ``middle``, the full text
    as its tooltip."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    lines = lines[:1] + [_short(" ".join(lines[1:]), width)] if len(lines) > 1 else lines
    first = middle + 4 - 6 * (len(lines) - 1)
    spans = "".join(f'<tspan x="{x}" y="{first + 12 * i:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text text-anchor="end" font-size="11"><title>{escape(text)}</title>{spans}</text>'


def _legend(parts: list[str], y: float, entries: list[tuple[str, str]]) -> None:
    x = LEFT
    for label, colour in entries:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y}" font-size="11">{escape(label)}</text>')
        x += 14 + 7 * len(label) + 18


def field_bars(fields: list[tuple[str, float, list[float | None]]], series: list[tuple[str, str]],
               value_text=lambda value: f"{value:g}") -> Markup:
    """Per field, one bar per series (the unit's points, the campaign's average…) as a share of
    the field's maximum. ``fields``: (label, maximum, values in the order of ``series``);
    ``series``: (label, colour)."""
    if not fields:
        return Markup("")
    plot_w = WIDTH - LABEL_W - 70
    group_h = max(len(series) * BAR_H + GAP, 30)  # room for a label on two lines
    height = TOP + group_h * len(fields) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="score-chart" role="img">']
    for percent in (0, 50, 100):
        x = LABEL_W + plot_w * percent / 100
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + group_h * len(fields)}" stroke="#d0d7de"/>'
                     f'<text x="{x:.1f}" y="{TOP + group_h * len(fields) + 12}" text-anchor="middle" font-size="10">{percent}%</text>')
    for row, (label, maximum, values) in enumerate(fields):
        top = TOP + row * group_h
        parts.append(_wrapped(label, LABEL_W - 6, top + len(series) * BAR_H / 2))
        for index, ((name, colour), value) in enumerate(zip(series, values)):
            if value is None:
                continue
            width = plot_w * (value / maximum if maximum else 0)
            y = top + index * BAR_H
            parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H - 2}" fill="{colour}">'
                         f'<title>{escape(name)}: {escape(value_text(value))}/{escape(value_text(maximum))}</title></rect>'
                         f'<text x="{LABEL_W + width + 4:.1f}" y="{y + BAR_H - 3}" font-size="10">{escape(value_text(value))}</text>')
    _legend(parts, height - 8, series)
    parts.append("</svg>")
    return Markup("".join(parts))


def ranking_bars(rows: list[tuple[int, str, float, str | None, str]], maximum: float, bands: list[tuple[str, float]],
                 value_text=lambda value: f"{value:g}") -> Markup:
    """The ranking as horizontal bars, the highest first, each coloured by its band; a dashed
    line where each band starts. ``rows``: (rank, unit, total, band, a note after the value, e.g.
    the change from last year; equal totals share a rank); ``bands``: (label, from %)."""
    if not rows or not maximum:
        return Markup("")
    colours = {label: BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)] for i, (label, _floor) in enumerate(bands)}
    plot_w = WIDTH - LABEL_W - 60
    step = BAR_H + 6
    height = TOP + step * len(rows) + 44
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="score-chart ranking-chart" role="img">']
    for label, floor in bands:
        if floor:
            x = LABEL_W + plot_w * floor / 100
            parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + step * len(rows)}" stroke="#8c959f" stroke-dasharray="3,3"/>'
                         f'<text x="{x:.1f}" y="{TOP + step * len(rows) + 12}" text-anchor="middle" font-size="10">{floor:g}%</text>')
    for position, (rank, unit, total, band, note) in enumerate(sorted(rows, key=lambda row: (row[0], -row[2]))):
        y = TOP + position * step
        width = plot_w * total / maximum
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 2}" text-anchor="end" font-size="11">{rank}. {escape(_short(unit, 36))}</text>'
                     f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}" fill="{colours.get(band or "", "#afb8c1")}">'
                     f'<title>{escape(unit)}: {escape(value_text(total))} – {escape(band or "")}</title></rect>'
                     f'<text x="{LABEL_W + width + 4:.1f}" y="{y + BAR_H - 2}" font-size="10">{escape(value_text(total))} {escape(note)}</text>')
    _legend(parts, height - 8, [(label, colours[label]) for label, _floor in bands])
    parts.append("</svg>")
    return Markup("".join(parts))


def band_distribution(counts: list[tuple[str, int]]) -> Markup:
    """How many units are in each band, as one bar cut in the bands' colours (highest first),
    each part labelled with its count; ``counts``: (band, units)."""
    total = sum(count for _label, count in counts)
    if not total:
        return Markup("")
    width, height, top = WIDTH, 44, 4
    plot_w = width - 2 * LEFT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="score-chart band-distribution" role="img">']
    x = float(LEFT)
    legend = []
    for index, (label, count) in enumerate(counts):
        colour = BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)]
        legend.append((f"{label}: {count}", colour))
        if not count:
            continue
        share = plot_w * count / total
        parts.append(f'<rect x="{x:.1f}" y="{top}" width="{share:.1f}" height="16" fill="{colour}"><title>{escape(label)}: {count}</title></rect>'
                     f'<text x="{x + share / 2:.1f}" y="{top + 12}" text-anchor="middle" font-size="11" fill="#fff">{count}</text>')
        x += share
    _legend(parts, height - 6, legend)
    parts.append("</svg>")
    return Markup("".join(parts))
