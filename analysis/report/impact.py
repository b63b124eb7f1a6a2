"""Slide figures of impacts: by municipality, by lever, on the map, and sensitivity indices.

Like :mod:`.figures`, each function takes result tables and a language and returns a
:class:`~matplotlib.figure.Figure` in the house style. Impacts are differences B − A of a
comparison (compare.csv, decomposition.csv); ``scenarios`` names A and B for the source line
and titles, ``names`` maps scenario names to display labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from sim.collect import REGION_AREA

from .i18n import capitalise, label, number, text, with_unit
from .style import (
    BASE_SIZE,
    DIVERGING_CMAP,
    GAIN,
    LOSS,
    NEUTRAL,
    SCENARIO_COLOURS,
    SEQUENTIAL_CMAP,
    SERIES_COLOURS,
    LocalFormatter,
    MissingData,
    Source,
    display,
    handles_of,
    house_style,
    legend_on_top,
    panel_title,
    slide,
    tidy,
    value_axis,
)

LOWER_IS_BETTER = frozenset(
    {"unemployed", "long_term_unemployed", "unemployment_rate", "firm_deaths", "separations"}
)
"""Metrics whose decrease is an improvement: coloured as a gain when B − A < 0."""
COMPARE_COLUMNS = ("metric", "area", "statistic", "diff_mean", "diff_ci_low", "diff_ci_high")
MAX_PARAMETERS = 10
MAX_OUTCOMES = 4


def metric_unit(metric: str) -> tuple[str, float, int]:
    """The unit label key, scale factor and decimals in which ``metric`` is shown."""
    if metric.endswith("_eur"):
        return "unit_eur_million", 1e-6, 2
    if metric.endswith("_rate") or metric.endswith("_share"):
        return "unit_pp", 100.0, 2
    if metric in ("firms", "firm_births", "firm_deaths"):
        return "unit_firms", 1.0, 0
    return "unit_persons", 1.0, 0


def is_gain(metric: str, diff: float) -> bool:
    """True if a difference ``diff`` in ``metric`` is an improvement (or zero)."""
    return diff <= 0 if metric in LOWER_IS_BETTER else diff >= 0


def compare_rows(compare: pd.DataFrame | None, metric: str, statistic: str) -> pd.DataFrame:
    """Rows of compare.csv for ``metric`` and ``statistic``; MissingData if there are none."""
    if compare is None or any(c not in compare.columns for c in COMPARE_COLUMNS):
        raise MissingData("compare.csv: missing or lacking columns")
    rows = compare[(compare["metric"] == metric) & (compare["statistic"] == statistic)]
    if rows.empty:
        raise MissingData(f"compare.csv: no rows for {metric}, {statistic}")
    return rows


def _bar_labels(ax: Axes, values, lows, highs, y, lang: str, decimals: int) -> None:
    """Value labels just beyond each whisker, away from zero."""
    span = max(np.max(np.abs(np.r_[lows, highs])), 1e-12)
    for v, lo, hi, yy in zip(values, lows, highs, y, strict=True):
        end, ha = (hi, "left") if v >= 0 else (lo, "right")
        pad = 0.02 * span * (1 if v >= 0 else -1)
        ax.text(end + pad, yy, number(v, lang, decimals, signed=True), va="center", ha=ha,
                fontsize=BASE_SIZE - 4)
    low, high = min(0.0, np.min(lows)), max(0.0, np.max(highs))
    ax.set_xlim(low - 0.18 * span * (low < 0), high + 0.18 * span * (high > 0))


@house_style
def municipal_impact_figure(
    compare: pd.DataFrame,
    lang: str,
    scenarios: tuple[str, str],
    metric: str = "employed",
    statistic: str = "final",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Difference B − A of ``metric`` per municipality, sorted, with 95 % CI whiskers.

    Args:
        compare: compare.csv of a comparison.
        lang: ``fi`` or ``en``.
        scenarios: Names of A and B.
        metric: Metric of compare.csv.
        statistic: ``final`` (last month) or ``mean`` (mean over months 1..M).
        names: Display labels of scenarios.
    """
    rows = compare_rows(compare, metric, statistic)
    areas = rows[rows["area"] != REGION_AREA].sort_values("diff_mean")
    if areas.empty:
        raise MissingData(f"compare.csv: no municipality rows for {metric}")
    unit, scale, decimals = metric_unit(metric)
    reps = int(rows["reps"].max()) if "reps" in rows.columns else 0
    source = Source(tuple(scenarios), reps, (text("ci_diff", lang),))
    a, b = (display(s, names) for s in scenarios)
    title = text("title_impact", lang, metric=label(metric, lang), a=a, b=b)
    fig, axes = slide(lang, title, source)
    ax = axes[0]
    tidy(ax, grid="x")
    diff = areas["diff_mean"].to_numpy() * scale
    low = areas["diff_ci_low"].to_numpy() * scale
    high = areas["diff_ci_high"].to_numpy() * scale
    y = np.arange(len(areas))
    colours = [GAIN if is_gain(metric, v) else LOSS for v in diff]
    ax.barh(y, diff, height=0.7, color=colours)
    ax.errorbar(diff, y, xerr=[diff - low, high - diff], fmt="none", ecolor="#222222",
                elinewidth=1.6, capsize=4)
    _bar_labels(ax, diff, low, high, y, lang, decimals)
    ax.set_yticks(y, areas["area"].astype(str), fontsize=BASE_SIZE - (4 if len(y) > 14 else 2))
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="#444444", lw=1)
    ax.set_xlabel(with_unit(metric, unit, lang) + f" ({b} − {a})")
    value_axis(ax, lang, "x")
    region = rows[rows["area"] == REGION_AREA]
    if not region.empty:
        r = region.iloc[0]
        ax.set_title(text("region_total", lang,
                          diff=number(r["diff_mean"] * scale, lang, decimals, signed=True),
                          low=number(r["diff_ci_low"] * scale, lang, decimals),
                          high=number(r["diff_ci_high"] * scale, lang, decimals)),
                     fontsize=BASE_SIZE - 2, color="#333333")
    return fig


def waterfall_steps(
    decomposition: pd.DataFrame, compare: pd.DataFrame | None, metric: str
) -> pd.DataFrame:
    """The steps of the lever waterfall: start level, each lever, interactions, end level.

    The start and end are A's and B's mean of ``metric`` in the region at the final month
    (compare.csv); without them the waterfall runs from 0 to the sum of the contributions.
    Interactions are what the levers' contributions leave of B − A (unless the table has
    its own ``interactions`` row, as ``kasvu compare --decompose --method oat`` writes).

    Returns:
        Columns step, kind ("level" or "lever"), value, low, high (contributions as deltas).
    """
    rows = decomposition[decomposition["metric"] == metric]
    if rows.empty:
        raise MissingData(f"decomposition.csv: no rows for {metric}")
    levers = pd.DataFrame(
        {"step": rows["lever"].astype(str), "kind": "lever",
         "value": rows["contribution_mean"].to_numpy(float),
         "low": rows["ci_low"].to_numpy(float), "high": rows["ci_high"].to_numpy(float)}
    )
    try:
        region = compare_rows(compare, metric, "final")
        region = region[region["area"] == REGION_AREA].iloc[0]
        start, end = float(region["a_mean"]), float(region["b_mean"])
    except (MissingData, IndexError, KeyError):
        start, end = 0.0, float(levers["value"].sum())
    rest = (end - start) - float(levers["value"].sum())
    if abs(rest) > max(1e-6, 1e-3 * abs(end - start)):
        interaction = {"step": "interactions", "kind": "lever", "value": rest, "low": rest,
                       "high": rest}
        levers = pd.concat([levers, pd.DataFrame([interaction])], ignore_index=True)
    first = {"step": "A", "kind": "level", "value": start, "low": start, "high": start}
    last = {"step": "B", "kind": "level", "value": end, "low": end, "high": end}
    return pd.concat([pd.DataFrame([first]), levers, pd.DataFrame([last])], ignore_index=True)


def _waterfall_base(lows: np.ndarray, highs: np.ndarray) -> float:
    """Where the value axis starts: 0, or just below the path if it lies far from 0."""
    low, high = float(np.min(lows)), float(np.max(highs))
    span = high - low
    if low > 0 and span < 0.5 * low:
        return low - 0.6 * max(span, 1e-9)
    return min(0.0, low)


def _step_label(step: str, lang: str, a: str, b: str) -> str:
    """The label of a waterfall step: a scenario, a lever or the interactions."""
    return {"A": a, "B": b}.get(step) or capitalise(label(step, lang))


@house_style
def waterfall_figure(
    decomposition: pd.DataFrame,
    compare: pd.DataFrame | None,
    lang: str,
    scenarios: tuple[str, str],
    metric: str = "employed",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """The lever decomposition: from separate action, lever by lever, to the alliance.

    Horizontal bars from top to bottom: A's level, each lever's contribution (with its 95 %
    CI), the interactions the levers leave unexplained, and B's level. When the levels are
    far from zero the value axis starts near them, and the source line says so.
    """
    steps = waterfall_steps(decomposition, compare, metric)
    unit, scale, decimals = metric_unit(metric)
    values = steps["value"].to_numpy(float) * scale
    level = (steps["kind"] == "level").to_numpy()
    running = values[0] + np.cumsum(np.r_[0.0, values[1:-1]])
    before = np.r_[0.0, running[:-1], 0.0]
    after = np.where(level, values, before + values)
    low = np.where(level, values, before + steps["low"].to_numpy(float) * scale)
    high = np.where(level, values, before + steps["high"].to_numpy(float) * scale)
    low, high = np.where(np.isfinite(low), low, after), np.where(np.isfinite(high), high, after)
    base = _waterfall_base(np.r_[np.minimum(before, after)[~level], low], np.r_[after, high])
    notes = [text("ci_mean", lang)]
    if "method" in decomposition.columns and decomposition["method"].notna().any():
        notes.append(text("method", lang, method=str(decomposition["method"].dropna().iloc[0])))
    if base > 0:
        notes.append(text("axis_not_zero", lang))
    reps = int(compare["reps"].max()) if compare is not None and "reps" in compare else 0
    a, b = (display(s, names) for s in scenarios)
    title = text("title_waterfall", lang, metric=label(metric, lang), a=a, b=b)
    fig, axes = slide(lang, title, Source(tuple(scenarios), reps, tuple(notes)))
    ax = axes[0]
    tidy(ax, grid="x")
    for i, step in enumerate(steps["step"]):
        if level[i]:
            colour = SCENARIO_COLOURS[0 if i == 0 else 1]
            ax.barh(i, values[i] - base, left=base, color=colour, height=0.7)
            shown = number(values[i], lang, decimals)
        else:
            gain = GAIN if is_gain(metric, values[i]) else LOSS
            ax.barh(i, values[i], left=before[i], height=0.7,
                    color=NEUTRAL if step == "interactions" else gain)
            if high[i] > low[i]:
                ax.errorbar(after[i], i, xerr=[[after[i] - low[i]], [high[i] - after[i]]],
                            fmt="none", ecolor="#222222", elinewidth=1.6, capsize=4)
            shown = number(values[i], lang, decimals, signed=True)
        right = max(after[i], before[i] if not level[i] else after[i], high[i])
        ax.annotate(shown, (right, i), xytext=(8, 0), textcoords="offset points", va="center",
                    fontsize=BASE_SIZE - 4)
        if i < len(steps) - 1:
            ax.plot([after[i], after[i]], [i + 0.35, i + 0.65], color="#999999", lw=1)
    ax.set_yticks(np.arange(len(steps)), [_step_label(s, lang, a, b) for s in steps["step"]])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    top = float(np.max(np.r_[after, high]))
    ax.set_xlim(base, top + 0.12 * (top - base))
    ax.set_xlabel(with_unit(metric, unit, lang))
    value_axis(ax, lang, "x")
    return fig


@house_style
def sensitivity_figure(
    sensitivity: pd.DataFrame, lang: str, source: Source | None = None
) -> Figure:
    """Sensitivity indices per outcome: bars per parameter and index with CI whiskers.

    Args:
        sensitivity: Columns outcome, parameter, index (e.g. S1, ST, mu_star), value, ci.
        lang: ``fi`` or ``en``.
        source: What the sweep ran; the tool's name alone when not given.
    """
    needed = ("outcome", "parameter", "index", "value", "ci")
    if sensitivity is None or sensitivity.empty or any(
        c not in sensitivity.columns for c in needed
    ):
        raise MissingData("sensitivity.csv: missing, empty or lacking columns")
    outcomes = list(dict.fromkeys(sensitivity["outcome"].astype(str)))[:MAX_OUTCOMES]
    shape = (1, len(outcomes)) if len(outcomes) <= 2 else (2, 2)
    source = source or Source((), 0, (text("ci_mean", lang),))
    fig, axes = slide(lang, text("title_sensitivity", lang), source, *shape)
    indices = list(dict.fromkeys(sensitivity["index"].astype(str)))
    for ax, outcome in zip(axes, outcomes, strict=False):
        _sensitivity_panel(ax, sensitivity[sensitivity["outcome"] == outcome], indices, lang)
        panel_title(ax, capitalise(label(outcome, lang)), shape[1])
    for ax in axes[len(outcomes):]:
        ax.set_axis_off()
    legend_on_top(fig, *handles_of(axes[0]))
    return fig


def _sensitivity_panel(ax: Axes, rows: pd.DataFrame, indices: list[str], lang: str) -> None:
    """Horizontal bars of each index per parameter, the most influential on top."""
    tidy(ax, grid="x")
    order = rows.groupby("parameter")["value"].max().sort_values(ascending=False)
    parameters = list(order.index[:MAX_PARAMETERS])
    y = np.arange(len(parameters))
    height = 0.8 / len(indices)
    for i, (colour, index) in enumerate(zip(SERIES_COLOURS, indices, strict=False)):
        own = rows[rows["index"].astype(str) == index].set_index("parameter").reindex(parameters)
        offset = (i - (len(indices) - 1) / 2) * height
        ax.barh(y + offset, own["value"].fillna(0), height * 0.9, color=colour, label=index,
                xerr=own["ci"].fillna(0), error_kw={"ecolor": "#222222", "elinewidth": 1.4})
    ax.set_yticks(y, parameters, fontsize=BASE_SIZE - 5)
    ax.invert_yaxis()
    ax.axvline(0, color="#444444", lw=1)
    ax.set_xlabel(text("unit_index", lang))
    ax.tick_params(axis="y", length=0)
    value_axis(ax, lang, "x")


def _size_of(population: pd.Series) -> pd.Series:
    """Marker areas (points²) proportional to population; the largest 2,800."""
    return (2800.0 * population / population.max()).clip(lower=40.0)


def round_down(value: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most ``value`` (> 0)."""
    power = 10 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _size_legend(ax: Axes, population: pd.Series, lang: str) -> None:
    """A legend of two round population sizes."""
    largest = float(population.max())
    sizes = list(dict.fromkeys([round_down(largest), round_down(largest / 10)]))
    handles = [
        ax.scatter([], [], s=max(40.0, 2800.0 * s / largest), color="white", edgecolors="#333333")
        for s in sizes
    ]
    labels = [text("population_legend", lang, n=number(s, lang)) for s in sizes]
    ax.legend(handles, labels, loc="best", labelspacing=1.6, borderpad=1.0,
              title=text("size_population", lang), title_fontsize=BASE_SIZE - 4)


@house_style
def municipality_map_figure(
    municipalities: pd.DataFrame,
    values: pd.Series,
    lang: str,
    title_value: str,
    unit: str,
    source: Source,
    diverging: bool = True,
) -> Figure:
    """Municipalities at their coordinates, sized by population and coloured by ``values``.

    Args:
        municipalities: Columns name, population, lat, lon (scenario.toml).
        values: One value per municipality name (an impact, or a level).
        lang: ``fi`` or ``en``.
        title_value: What the colour shows, for the title and the colour bar.
        unit: Unit of ``values`` for the colour bar.
        source: Scenarios and replications behind ``values``.
        diverging: Centre the colours on 0 (for signed impacts).
    """
    needed = ("name", "population", "lat", "lon")
    if municipalities is None or municipalities.empty or any(
        c not in municipalities.columns for c in needed
    ):
        raise MissingData(text("note_no_munis", lang))
    places = municipalities.set_index("name")
    shown = values.reindex(places.index).astype(float)
    if shown.isna().all():
        raise MissingData("no values for the municipalities")
    fig, axes = slide(lang, text("title_map", lang, value=title_value), source)
    ax = axes[0]
    tidy(ax, grid="none")
    if diverging:
        vmax = float(np.nanmax(np.abs(shown))) or 1.0
        cmap, norm = DIVERGING_CMAP, Normalize(-vmax, vmax)
    else:
        cmap, norm = SEQUENTIAL_CMAP, Normalize(float(np.nanmin(shown)), float(np.nanmax(shown)))
    colours = mpl.colormaps[cmap].with_extremes(bad="#CCCCCC")
    order = places["population"].sort_values(ascending=False).index
    points = ax.scatter(places.loc[order, "lon"], places.loc[order, "lat"],
                        s=_size_of(places.loc[order, "population"]), c=shown.loc[order],
                        cmap=colours, norm=norm, edgecolors="#333333", linewidths=0.8, zorder=3,
                        plotnonfinite=True)
    bar = fig.colorbar(points, ax=ax, shrink=0.85, pad=0.02)
    bar.set_label(f"{title_value}, {unit}")
    bar.ax.yaxis.set_major_formatter(LocalFormatter(lang))
    bar.ax.tick_params(labelsize=BASE_SIZE - 4)
    ax.set_aspect(1 / math.cos(math.radians(float(places["lat"].mean()))), adjustable="datalim")
    ax.margins(0.15)
    ax.set_xlabel(text("axis_lon", lang))
    ax.set_ylabel(text("axis_lat", lang))
    value_axis(ax, lang, "x")
    value_axis(ax, lang, "y")
    _size_legend(ax, places["population"], lang)
    _place_labels(fig, ax, places, _names_to_label(places, shown))
    return fig


def _place_labels(fig: Figure, ax: Axes, places: pd.DataFrame, names: list[str]) -> None:
    """Name places beside their markers where the name overlaps no other name or marker.

    Each name tries the right, left, top and bottom of its marker in turn; a name that fits
    nowhere is left out, except the three largest places, which may cover other markers.
    """
    fig.canvas.draw()  # lay the figure out first, so that display positions are final
    renderer = fig.canvas.get_renderer()
    sizes = _size_of(places["population"])
    centres = ax.transData.transform(places[["lon", "lat"]].to_numpy(float))
    radii = np.sqrt(sizes.to_numpy()) / 2 * fig.dpi / 72
    markers = [Bbox.from_extents(x - r, y - r, x + r, y + r)
               for (x, y), r in zip(centres, radii, strict=True)]
    largest = set(places["population"].nlargest(3).index)
    placed: list[Bbox] = []
    for name in names:
        i = places.index.get_loc(name)
        gap = math.sqrt(float(sizes.iloc[i])) / 2 + 4
        others = markers[:i] + markers[i + 1:]
        fallback = None
        for dx, dy, ha, va in ((gap, 0, "left", "center"), (-gap, 0, "right", "center"),
                               (0, gap, "center", "bottom"), (0, -gap, "center", "top")):
            label = ax.annotate(str(name), (places.iloc[i]["lon"], places.iloc[i]["lat"]),
                                xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                fontsize=BASE_SIZE - 4, zorder=4)
            box = label.get_window_extent(renderer)
            free_of_labels = not any(box.overlaps(b) for b in placed)
            if free_of_labels and not any(box.overlaps(b) for b in others):
                placed.append(box)
                break
            label.remove()
            if free_of_labels and fallback is None:
                fallback = (dx, dy, ha, va, box)
        else:
            if name in largest and fallback is not None:
                dx, dy, ha, va, box = fallback
                ax.annotate(str(name), (places.iloc[i]["lon"], places.iloc[i]["lat"]),
                            xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=BASE_SIZE - 4, zorder=4)
                placed.append(box)


def _names_to_label(places: pd.DataFrame, values: pd.Series, most: int = 10) -> list[str]:
    """Names worth a label, most important first: the extreme values, then the largest."""
    largest = list(places["population"].sort_values(ascending=False).index[:most])
    finite = values.dropna()
    extremes = [finite.idxmax(), finite.idxmin()] if not finite.empty else []
    return list(dict.fromkeys(largest[:1] + extremes + largest[1:]))
