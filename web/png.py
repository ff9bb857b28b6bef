"""The chart as a PNG, drawn with Pillow from the same geometry as the SVG (``web.chart``)."""

import io

from PIL import Image, ImageDraw, ImageFont

from .chart import Chart

SCALE = 2  # pixels per SVG unit: sharp on high-density screens and in print
INK = "#222222"
GRID = "#DDDDDD"


def render(chart: Chart) -> bytes:
    image = Image.new("RGB", (chart.width * SCALE, chart.height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=11 * SCALE)

    def s(points):
        return [(x * SCALE, y * SCALE) for x, y in points]

    for tick in chart.y_ticks:
        draw.line(s([(chart.plot_left, tick.at), (chart.plot_right, tick.at)]), fill=GRID, width=SCALE)
        draw.text(((chart.plot_left - 8) * SCALE, tick.at * SCALE), tick.label, fill=INK, font=font, anchor="rm")
    for tick in chart.x_ticks:
        draw.line(s([(tick.at, chart.plot_top), (tick.at, chart.plot_bottom)]), fill=GRID, width=SCALE)
        draw.text((tick.at * SCALE, (chart.plot_bottom + 16) * SCALE), tick.label, fill=INK, font=font, anchor="mm")
    for mark in chart.marks:
        if mark.band:
            left, right = mark.band
            box = s([(left, mark.y - 5), (right, mark.y + 5)])
            draw.rectangle(box, fill=_tint(mark.colour), outline=mark.colour, width=SCALE)
    for line in chart.steps:
        draw.line(s(line), fill=INK, width=2 * SCALE)
    for reversal in chart.reversals:
        draw.line(s([(reversal.x, reversal.y_from), (reversal.x, reversal.y_to)]), fill="#C00000", width=3 * SCALE)
        draw.text(((reversal.x + 6) * SCALE, (chart.plot_top + 2) * SCALE), reversal.label, fill="#C00000", font=font)
    for mark in chart.marks:
        draw.polygon(s(mark.shape), fill=mark.colour, outline="white", width=SCALE)
    for entry in chart.legend:
        draw.polygon(s(entry.shape), fill=entry.colour)
        draw.text((entry.x * SCALE, entry.y * SCALE), entry.label, fill=INK, font=font, anchor="ls")
    draw.text((8 * SCALE, 14 * SCALE), chart.title, fill=INK, font=font, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _tint(colour: str) -> str:
    """The colour at a quarter strength on white: a band under its point."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{255 - (255 - c) // 4:02X}" for c in (red, green, blue))
