"""The house style of Kasvu's slide figures: size, type, colours, source line, saving.

Figures are 16:9 slides of 1920 × 1080 pixels at :data:`DPI`, with large type, the
Okabe–Ito colour-blind-safe palette, no top or right spines, light grid lines only along the
value axis, and a source line naming the scenarios and the number of replications. They are
made with matplotlib's object-oriented API (:class:`~matplotlib.figure.Figure`, Agg canvas),
never through pyplot's global state.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from .i18n import number, text

SLIDE_PX = (1920, 1080)
DPI = 144
SLIDE_INCHES = (SLIDE_PX[0] / DPI, SLIDE_PX[1] / DPI)

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The Okabe–Ito palette, distinguishable with the common colour-vision deficiencies."""

SCENARIO_COLOURS = tuple(
    OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue")
)
"""Colours of scenarios in the order they appear: A blue, B orange, ..."""

SERIES_COLOURS = tuple(
    OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "black", "reddish_purple")
)
"""Colours of several quantities in one panel (spend, costs, revenue, net, ...)."""

ALLIANCE_COLOURS = (OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"])
"""Colours of the alliance's gain/pain share and KRA bonus (apart from the series above)."""

GAIN = OKABE_ITO["bluish_green"]
LOSS = OKABE_ITO["vermillion"]
NEUTRAL = "#7F7F7F"
TEXT_GREY = "#555555"
GRID_GREY = "#DDDDDD"
DIVERGING_CMAP = "PuOr"
"""ColorBrewer's purple–orange map, safe for colour-blind readers, for signed impacts."""
SEQUENTIAL_CMAP = "cividis"

BASE_SIZE = 18
TITLE_SIZE = 26
SOURCE_SIZE = 13
SOURCE_CHARS = 125
MARGIN = 0.012
HOUSE_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": BASE_SIZE,
    "axes.titlesize": BASE_SIZE + 1,
    "axes.titlelocation": "left",
    "axes.titlepad": 12,
    "axes.labelsize": BASE_SIZE,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444",
    "axes.linewidth": 1.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.grid": False,
    "axes.unicode_minus": True,
    "xtick.labelsize": BASE_SIZE - 2,
    "ytick.labelsize": BASE_SIZE - 2,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": BASE_SIZE - 2,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "lines.linewidth": 3.0,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "savefig.facecolor": "white",
}
"""matplotlib settings applied while a figure is made and while it is saved."""

P = ParamSpec("P")
R = TypeVar("R")


class MissingData(ValueError):
    """A table lacks what a figure needs; the message says what."""


@dataclass(frozen=True)
class Source:
    """What a figure shows: the scenarios, the replications and how the band is drawn."""

    scenarios: tuple[str, ...]
    reps: int
    notes: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        """The source line in ``lang``; without scenarios, only the notes and the tool."""
        if self.scenarios:
            scenarios = " vs ".join(self.scenarios)
            key = "source_one" if self.reps == 1 else "source"
            line = text(key, lang, scenarios=scenarios, reps=self.reps)
        else:
            line = text("source_tool", lang)
        return " · ".join([line, *self.notes])


def house_style(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with :data:`HOUSE_STYLE` in force (a decorator)."""

    @functools.wraps(func)
    def styled(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(HOUSE_STYLE):
            return func(*args, **kwargs)

    return styled


def require(frame: pd.DataFrame | None, columns: Iterable[str], what: str) -> pd.DataFrame:
    """Return ``frame`` if it exists, has rows and has ``columns``; else raise MissingData."""
    if frame is None or frame.empty:
        raise MissingData(f"{what}: no rows")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingData(f"{what}: missing columns {', '.join(missing)}")
    return frame


def scenario_order(frame: pd.DataFrame) -> list[str]:
    """Scenario names in the order they first appear."""
    return list(dict.fromkeys(frame["scenario"].astype(str)))


def source_of(frame: pd.DataFrame, *notes: str) -> Source:
    """The :class:`Source` of a table with ``scenario`` and ``rep`` columns."""
    reps = int(frame.groupby("scenario")["rep"].nunique().min())
    return Source(tuple(scenario_order(frame)), reps, tuple(notes))


def display(name: str, names: Mapping[str, str] | None) -> str:
    """The display label of a scenario: ``names[name]`` when given, else the name."""
    return (names or {}).get(name, name)


def _extent(artist, fig: Figure):
    """The bounding box of ``artist`` in figure coordinates (0..1)."""
    box = artist.get_window_extent(fig.canvas.get_renderer())
    return box.transformed(fig.transFigure.inverted())


def fit_text(artist, fig: Figure, width: float, smallest: float = BASE_SIZE - 4) -> None:
    """Shrink the font of ``artist`` until it is at most ``width`` wide (figure fraction)."""
    while _extent(artist, fig).width > width and artist.get_fontsize() > smallest:
        artist.set_fontsize(artist.get_fontsize() - 1)


def panel_title(ax: Axes, title: str, columns: int) -> None:
    """Title ``ax``, one of ``columns`` panels side by side, shrinking it to its panel."""
    fig = ax.get_figure()
    fit_text(ax.set_title(title), fig, (1 - 2 * MARGIN) / columns * 0.9)


def _set_content_area(fig: Figure, top: float) -> None:
    """Lay the axes out between the source line and ``top`` (figure coordinates)."""
    bottom = fig.kasvu_bottom
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, top - bottom), h_pad=0.08, w_pad=0.1)


def slide(
    lang: str, title: str, source: Source, nrows: int = 1, ncols: int = 1, **subplot_kw
) -> tuple[Figure, np.ndarray]:
    """A blank slide figure with a title, a source line and a grid of axes.

    The title sits top left (its type shrinks if it is too long), the source line bottom
    left (wrapped if long); the axes are laid out in between by matplotlib's constrained
    layout. :func:`legend_on_top` may later put a legend under the title.

    Args:
        lang: Language of the source line.
        title: The figure's title.
        source: Scenarios and replications, shown bottom left.
        nrows: Rows of axes.
        ncols: Columns of axes.
        **subplot_kw: Passed on to :meth:`Figure.subplots` (``gridspec_kw``, ``sharex``...).

    Returns:
        The figure and a flat array of its axes.
    """
    fig = Figure(figsize=SLIDE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.kasvu_title = title
    heading = fig.text(MARGIN, 0.985, title, va="top", ha="left", fontsize=TITLE_SIZE,
                       fontweight="bold", color="#111111")
    fit_text(heading, fig, 1 - 2 * MARGIN, BASE_SIZE)
    foot = fig.text(MARGIN, 0.012, textwrap.fill(source.text(lang), SOURCE_CHARS),
                    va="bottom", ha="left", fontsize=SOURCE_SIZE, color=TEXT_GREY)
    fig.kasvu_bottom = _extent(foot, fig).y1 + 0.012
    fig.kasvu_top = _extent(heading, fig).y0 - 0.02
    _set_content_area(fig, fig.kasvu_top)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    for ax in axes.flat:
        tidy(ax)
    return fig, axes.ravel()


def tidy(ax: Axes, grid: str = "y") -> None:
    """Strip chart junk from ``ax``: only a light grid along the value axis ``grid``."""
    ax.tick_params(labelsize=BASE_SIZE - 2, length=4, color="#444444")
    ax.grid(False)
    if grid in ("x", "y"):
        ax.grid(True, axis=grid, color=GRID_GREY, linewidth=0.8)


class LocalFormatter(Formatter):
    """Tick labels in a language's number format, with as few decimals as the ticks need."""

    def __init__(self, lang: str, scale: float = 1.0) -> None:
        self.lang = lang
        self.scale = scale
        self.decimals = 0

    def set_locs(self, locs) -> None:  # noqa: D102 - matplotlib's contract
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float) / self.scale
        for decimals in range(5):
            shifted = values * 10**decimals
            if np.all(np.abs(shifted - np.round(shifted)) < 1e-6 * np.maximum(1, shifted)):
                break
        self.decimals = decimals

    def __call__(self, value, pos=None) -> str:  # noqa: D102 - matplotlib's contract
        return number(value / self.scale, self.lang, self.decimals)


def value_axis(ax: Axes, lang: str, axis: str = "y", scale: float = 1.0, nbins: int = 6) -> None:
    """At most ``nbins`` round ticks in ``lang``'s number format on ``axis`` of ``ax``."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    target.set_major_formatter(LocalFormatter(lang, scale))


def month_axis(ax: Axes, months: int) -> None:
    """Ticks every year (or every quarter in short runs) on a month axis."""
    step = 12 if months >= 24 else 3
    ax.set_xticks(np.arange(0, months + 1, step))
    ax.set_xlim(0, months)


def legend_on_top(fig: Figure, handles: list, labels: list[str]) -> None:
    """One legend for the whole figure under its title, in as few rows as fit the width."""
    if not handles:
        return
    for ncols in range(len(handles), 0, -1):
        legend = fig.legend(handles, labels, loc="upper left", ncols=ncols, borderaxespad=0,
                            bbox_to_anchor=(MARGIN / 2, fig.kasvu_top), frameon=False)
        box = _extent(legend, fig)
        if box.x1 <= 1 - MARGIN or ncols == 1:
            break
        legend.remove()
    _set_content_area(fig, box.y0 - 0.015)


def handles_of(*axes: Axes) -> tuple[list, list[str]]:
    """The legend handles and labels of ``axes``, first occurrence of each label only."""
    seen: dict[str, object] = {}
    for ax in axes:
        for handle, text_ in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text_, handle)
    return list(seen.values()), list(seen)


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (PNG, SVG or PDF by suffix) at slide size."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context(HOUSE_STYLE):
        fig.savefig(path, dpi=DPI, format=path.suffix.lstrip("."))
    return path


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as PNG bytes at slide size (for embedding and tests)."""
    buffer = io.BytesIO()
    with mpl.rc_context(HOUSE_STYLE):
        fig.savefig(buffer, dpi=DPI, format="png")
    return buffer.getvalue()
