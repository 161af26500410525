"""Small charts drawn on the server as inline SVG (no script: a printed page and a strict
Content-Security-Policy need none). `trend_svg` draws a measure's tertials per region as
lines; each region has its own colour, dash and marker, so the chart reads in black and white
too, and every figure the lines show is written out in the page's table beside it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import SECONDS, number_text

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 62, 180, 16, 34
# Per series: colour, dash pattern, marker (a circle, a square, a triangle).
STYLES = (("#0b3d91", "", "circle"), ("#a33a00", "6 3", "square"),
          ("#2e6b30", "2 3", "triangle"))


def _nice_top(value: float, unit: str) -> float:
    """The axis's top: a round figure at or above `value` whose quarters are round too."""
    if unit != SECONDS:
        steps = (0.02, 0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0)
    else:
        steps = (20, 40, 60, 80, 100, 120, 160, 200, 240, 320, 400, 480, 600, 1200, 1800,
                 2400, 3600)
    return float(next((step for step in steps if step >= value), value))


def _axis_text(value: float, unit: str, top: float) -> str:
    if unit != SECONDS:
        return _("%(percent)s %%") % {"percent": number_text(value * 100)}
    if top >= 600:
        return _("%(m)s min") % {"m": number_text(value / 60)}
    return _("%(s)s s") % {"s": number_text(value)}


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
                f'fill="{colour}"/>')
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} '
                f'{x + 4.5:.1f},{y + 3.5:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def trend_svg(series: list[dict], unit: str, *, title: str = "") -> SafeString:
    """A line chart of `series`, each `{"name": "Region Västmanland", "points": [{"label":
    "T1 2026", "value": 71.5 | None}, ...]}` (oldest first; a missing value leaves a gap).
    `unit`: "seconds" or "share". With no value at all, a frame that says there is no
    data."""
    labels: list[str] = []
    for one in series:
        labels += [p["label"] for p in one["points"] if p["label"] not in labels]
    values = [p["value"] for one in series for p in one["points"] if p["value"] is not None]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" class="chart" '
           f'font-family="system-ui, sans-serif" font-size="11">',
           f"<title>{escape(title or _('Trend per region'))}</title>"]
    if not values or not labels:
        out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
                   'fill="none" stroke="#999"/>')
        out.append(f'<text x="{LEFT + plot_w / 2:.0f}" y="{TOP + plot_h / 2:.0f}" '
                   f'text-anchor="middle">{escape(_("No data"))}</text></svg>')
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
    top = _nice_top(max(values), unit) or 1.0

    def x_of(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / len(labels))

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    for step in range(5):
        value = top * step / 4
        y = y_of(value)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{"#555" if step == 0 else "#ddd"}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f"{escape(_axis_text(value, unit, top))}</text>")
    for i, label in enumerate(labels):
        out.append(f'<text x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                   f'text-anchor="middle">{escape(label)}</text>')
    for n, one in enumerate(series):
        colour, dash, marker = STYLES[n % len(STYLES)]
        stroke = f'stroke="{colour}" stroke-width="2"' + (
            f' stroke-dasharray="{dash}"' if dash else "")
        by_label = {p["label"]: p["value"] for p in one["points"]}
        runs: list[list[tuple[float, float]]] = [[]]
        for i, label in enumerate(labels):
            if by_label.get(label) is None:
                runs.append([])  # a gap: the line stops and starts again
            else:
                runs[-1].append((x_of(i), y_of(by_label[label])))
        for points in runs:
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                out.append(f'<polyline points="{path}" fill="none" {stroke}/>')
            out += [_marker(marker, x, y, colour) for x, y in points]
        legend_x, legend_y = LEFT + plot_w + 12, TOP + 14 + n * 18
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{legend_y - 4}" '
                   f'y2="{legend_y - 4}" {stroke}/>')
        out.append(_marker(marker, legend_x + 11, legend_y - 4, colour))
        out.append(f'<text x="{legend_x + 28}" y="{legend_y}">{escape(one["name"])}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
