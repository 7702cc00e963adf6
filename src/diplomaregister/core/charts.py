"""Small bar charts drawn on the server as inline SVG (no script, no chart library, no CDN).

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming every value, so a
screen reader reads the numbers; templates put the same numbers in a table beside it. Colours are
the site's government blues with enough contrast on white; a target is a dashed line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#01689b"
BAR_LOW = "#b01d1d"  # below target
TEXT = "#001a40"
GRID = "#8fa5bd"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # the value as shown (e.g. "97.5 %"); default: the number


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "",
    width: int = 640,
    row: int = 26,
    label_width: int = 150,
) -> SafeString:
    """Horizontal bars, one row per item (labels stay readable at 375 px; the SVG scales down)."""
    top = maximum if maximum is not None else max([b.value for b in bars] + [target or 0, 1])
    top = top or 1
    plot = width - label_width - 70
    height = max(1, len(bars)) * row + (24 if target is not None else 8)
    desc = "; ".join(f"{b.label}: {b.text or _fmt(b.value)}" for b in bars) or "—"
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    for i, b in enumerate(bars):
        y = i * row + 4
        length = max(0.0, min(b.value, top)) / top * plot
        low = target is not None and b.value < target
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row / 2 + 1:.0f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(b.label[:24])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR_LOW if low else BAR}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + row / 2 + 1:.0f}" '
            f'fill="{TEXT}">{escape(b.text or _fmt(b.value))}</text>'
        )
    if target is not None:
        x = label_width + min(target, top) / top * plot
        bottom = len(bars) * row + 6
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{bottom}" stroke="{TEXT}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(target_label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text above is escaped
