"""A small stacked-area chart drawn as SVG on the server: no JavaScript, no CDN."""
from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup, escape

from vocabulary.i18n import format_date

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 760, 230, 36, 28, 10, 10


def stacked_area(series: list[tuple[date, Counter]], stages: list[tuple[str, str, str]]) -> Markup:
    """``stages``: (key, label, colour), bottom first. One band per stage, one step per day."""
    if len(series) < 2:
        return Markup("")
    total = max(sum(counts.values()) for _day, counts in series) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x = lambda i: LEFT + plot_w * i / (len(series) - 1)
    y = lambda value: TOP + plot_h * (1 - value / total)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24}" class="progress-chart" role="img">']
    below = [0] * len(series)
    for key, label, colour in stages:
        above = [below[i] + counts.get(key, 0) for i, (_day, counts) in enumerate(series)]
        points = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(above)]
        points += [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(below)))]
        parts.append(f'<polygon points="{" ".join(points)}" fill="{colour}" opacity="0.85"><title>{escape(label)}</title></polygon>')
        below = above
    for value in (0, total // 2, total):
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="10">{value}</text>')
    step = max(1, len(series) // 6)
    for i in range(0, len(series), step):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10">{format_date(series[i][0])[:5]}</text>')
    legend_x = LEFT
    for _key, label, colour in stages:
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT + 8}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{legend_x + 14}" y="{HEIGHT + 17}" font-size="11">{escape(label)}</text>')
        legend_x += 14 + 7 * len(label) + 16
    parts.append("</svg>")
    return Markup("".join(parts))
