"""Server-rendered SVG bar charts. Geometry is computed here; ``liaisons/_bar_chart.html``
writes the ``<svg>`` with presentation attributes and classes only (no inline style, no
script: the admin host's CSP allows neither). Each chart carries a ``<title>`` and a
``<desc>`` listing every value, so a screen reader gets the figures a sighted reader sees."""
from dataclasses import dataclass, field
from decimal import Decimal
import itertools

_ids = itertools.count(1)

LABEL_WIDTH = 170
BAR_AREA = 380
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 28
BOTTOM = 24
MAX_LABEL_CHARS = 12


@dataclass
class Bar:
    label: str
    full_label: str
    value: object
    value_text: str
    x: int
    y: int
    width: float
    height: int
    text_y: int
    value_x: float
    css_class: str = "chart-bar"


@dataclass
class Tick:
    x: float
    text: str


@dataclass
class BarChart:
    title: str
    bars: list
    width: int
    height: int
    chart_id: str
    unit: str = ""
    ticks: list = field(default_factory=list)
    axis_y1: int = 0
    axis_y2: int = 0
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    tick_text_y: int = 0

    @property
    def desc(self):
        return "；".join(f"{b.full_label}：{b.value_text}{self.unit}" for b in self.bars)

    @property
    def is_empty(self):
        return not self.bars


def _fmt(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _nice_step(value):
    """The smallest "round" tick step (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ; never below 1, so counts get
    whole-number ticks) that is at least ``value``."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * magnitude
        if candidate >= value and (candidate == int(candidate)):
            return int(candidate)
    return 10 * magnitude  # pragma: no cover


def bar_chart(title, items, *, unit="", highlight=None):
    """A horizontal bar chart of ``items`` — ``(label, value)`` pairs, drawn in the given
    order. ``highlight`` is a predicate on the value that marks bars with ``chart-bar-alert``."""
    items = [(str(label), value if value is not None else 0) for label, value in items]
    step = _nice_step(max((float(v) for _l, v in items), default=0) / 4)
    top = step * 4
    bars = []
    for row, (label, value) in enumerate(items):
        y = TOP + row * ROW_HEIGHT
        width = round(BAR_AREA * float(value) / top, 1) if top else 0
        short = label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"
        bars.append(Bar(label=short, full_label=label, value=value, value_text=_fmt(value), x=LABEL_WIDTH, y=y,
                        width=width, height=BAR_HEIGHT, text_y=y + BAR_HEIGHT - 3,
                        value_x=LABEL_WIDTH + width + 6,
                        css_class="chart-bar chart-bar-alert" if highlight and highlight(value) else "chart-bar"))
    height = TOP + len(items) * ROW_HEIGHT + BOTTOM
    ticks = [Tick(LABEL_WIDTH + BAR_AREA * i / 4, _fmt(step * i)) for i in range(5)]
    return BarChart(title=title, bars=bars, width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height=height,
                    chart_id=f"chart{next(_ids)}", unit=unit, ticks=ticks, axis_y1=TOP - 6,
                    axis_y2=TOP + len(items) * ROW_HEIGHT, tick_text_y=TOP + len(items) * ROW_HEIGHT + 16)
