"""Charts for the dashboard as inline SVG: no JavaScript, readable by screen readers (a title,
a description, and each value printed as text beside its bar), printable."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from markupsafe import Markup

BAR = "#a4000f"  # dark red on white: contrast 7.9:1
TEXT = "#1a1a1a"


def bar_chart(
    items: list[tuple[str, int]],
    *,
    title: str,
    description: str,
    link: Callable[[str], str] | None = None,
    width: int = 640,
    show_zero_chart: bool = False,
) -> Markup:
    """Horizontal bars, one per (label, whole count), the count printed after each bar; each
    label links to ``link(label)`` when given. An empty chart, or an all-zero one unless
    ``show_zero_chart``, says so in words instead of drawing empty axes."""
    if not items or (not show_zero_chart and not any(n for _, n in items)):
        return Markup(f'<p class="chart-empty">{escape(title)}: none.</p>')
    label_w, gap, row_h = 190, 8, 30
    bar_w = width - label_w - 60
    top = max(n for _, n in items) or 1
    height = row_h * len(items) + gap
    rows = []
    for i, (label, n) in enumerate(items):
        y = gap + i * row_h
        w = round(bar_w * n / top) if top else 0
        text = escape(label if len(label) <= 26 else label[:25] + "\u2026")
        name = f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{TEXT}">{text}</text>'
        if link:
            name = f'<a href="{escape(link(label))}">{name}</a>'
        rows.append(
            f"<g><title>{escape(label)}: {n}</title>{name}"
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 10}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 16}" fill="{TEXT}">{n}</text></g>'
        )
    ident = "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'font-family="inherit" font-size="14">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>{"".join(rows)}</svg>'
    )
