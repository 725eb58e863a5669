"""A KPI's trend as a PNG: actual against target, period by period.

Rendered with matplotlib's object API on the Agg canvas (no pyplot, no display, no global figure
state), so it is safe in the worker thread each request runs in.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from handlers.figures import figure

SIZE_INCHES, DPI = (8.0, 4.5), 100


def trend_png(
    title: str,
    periods: Sequence[str],
    actuals: Sequence[float],
    targets: Sequence[float | None],
    labels: tuple[str, str],
    unit: str = "",
) -> bytes:
    """The chart's PNG bytes; `labels` name the actual and target lines in the reader's language."""
    chart = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="tight")
    FigureCanvasAgg(chart)
    axes = chart.add_subplot()
    positions = list(range(len(periods)))
    axes.plot(positions, actuals, marker="o", linewidth=2, label=labels[0])
    if any(target is not None for target in targets):
        shown = [float("nan") if target is None else target for target in targets]
        axes.plot(positions, shown, marker="s", linestyle="--", label=labels[1])
    axes.set_xticks(positions, list(periods))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: figure(value, unit)))
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    out = io.BytesIO()
    chart.savefig(out, format="png")
    return out.getvalue()
