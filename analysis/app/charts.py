"""Charts of the what-if dashboard: matplotlib figures drawn from a :class:`Snapshot`.

Each function takes a snapshot and a language and returns a :class:`~matplotlib.figure.Figure`
made with matplotlib's object-oriented API (no pyplot state, so several browser sessions can
draw at once). Colours follow the slide figures: separate action blue, the alliance orange,
signed differences on the colour-blind-safe purple–orange map.
"""

from __future__ import annotations

import html
import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..report import i18n
from ..report.style import DIVERGING_CMAP, GAIN, LOSS, NEUTRAL, SCENARIO_COLOURS, TEXT_GREY
from .labels import name, t
from .settings import SIDES
from .state import Snapshot, summary_rows

SIDE_COLOURS = dict(zip(SIDES, SCENARIO_COLOURS, strict=False))
"""Separate action blue, the alliance orange (as A and B in the slide figures)."""
SIZE = (6.4, 3.4)
"""Figure size in inches; at :data:`CHART_DPI` it fills half of a laptop screen's width."""
CHART_DPI = 100
MONEY_ROWS = 8
"""Organisers shown by name in the money chart (the region and the largest municipalities);
the rest are summed into one row."""
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.2,
}


MARGINS = {"left": 0.15, "right": 0.97, "bottom": 0.15, "top": 0.88}
"""Fixed margins (a layout engine would cost more time than drawing the chart)."""


def _figure(**margins: float) -> Figure:
    fig = Figure(figsize=SIZE, dpi=CHART_DPI)
    fig.subplots_adjust(**{**MARGINS, **margins})
    fig.add_subplot()
    return fig


def _formatter(lang: str, decimals: int | None = 0, scale: float = 1.0) -> FuncFormatter:
    """Tick labels in ``lang``'s number format; ``decimals=None`` fits them to the range."""
    def label(value: float, _pos) -> str:
        places = decimals
        if places is None:
            low, high = formatter.axis.get_view_interval()
            span = abs(high - low) * scale
            places = 0 if span >= 20 else 1 if span >= 2 else 2
        return i18n.number(value * scale, lang, places)

    formatter = FuncFormatter(label)
    return formatter


def _no_data(fig: Figure, lang: str) -> Figure:
    ax = fig.axes[0]
    ax.set_axis_off()
    ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", color=TEXT_GREY,
            transform=ax.transAxes)
    return fig


def line_chart(snapshot: Snapshot, metric: str, lang: str,
               implementation_month: int | None = None) -> Figure:
    """One region metric month by month, separate action and the alliance side by side.

    Args:
        snapshot: the dashboard's data.
        metric: a column of ``snapshot.series`` (e.g. ``employed``).
        lang: ``fi`` or ``en``.
        implementation_month: where to mark the start of the alliance's implementation.
    """
    with mpl.rc_context(STYLE):
        fig = _figure()
        ax = fig.axes[0]
        rate = metric.endswith("_rate")
        ax.set_title(i18n.capitalise(name(metric, lang)))
        if snapshot.series.empty:
            return _no_data(fig, lang)
        for side in snapshot.sides:
            rows = snapshot.series[snapshot.series["side"] == side]
            ax.plot(rows["month"], rows[metric], color=SIDE_COLOURS[side],
                    label=t(f"side_{side}", lang))
        ax.set_xlim(0, max(snapshot.months, 1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.set_xlabel(t("axis_month", lang))
        ax.yaxis.set_major_formatter(_formatter(lang, 1, 100.0) if rate else _formatter(lang))
        ax.set_ylabel("%" if rate else t("axis_persons", lang))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
        if implementation_month is not None and implementation_month <= snapshot.months:
            ax.axvline(implementation_month, color=NEUTRAL, linestyle=":", linewidth=1.2)
            ax.annotate(t("implementation", lang), (implementation_month, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, -2),
                        textcoords="offset points", va="top", fontsize=8, color=TEXT_GREY)
        ax.legend(loc="best")
    return fig


COST_COLUMNS = ("service_spend_eur", "overhead_eur", "gain_pain_eur", "kra_bonus_eur")
"""What an organiser pays for growth services: services, overhead, gain/pain, KRA bonus."""


def money_rows(money: pd.DataFrame, lang: str, keep: int = MONEY_ROWS) -> pd.DataFrame:
    """Growth-services costs and net money by organiser, in EUR; small organisers summed.

    Returns one row per organiser shown (the region and the ``keep - 1`` largest spenders
    on separate action, then ``others (n)``) and columns ``cost_SIDE`` and ``net_SIDE`` for
    each side present, plus ``net_difference`` (alliance − separate, NaN without it).
    """
    frame = money.assign(cost=money[list(COST_COLUMNS)].sum(axis=1))
    sides = [s for s in SIDES if s in set(frame["side"])]
    table = pd.concat(
        {f"{kind}_{side}": frame[frame["side"] == side].set_index("organiser")[column]
         for side in sides for kind, column in (("cost", "cost"), ("net", "net_eur"))},
        axis=1,
    ).fillna(0.0)
    if len(table) > keep:
        first = [o for o in table.index if o == "region"]
        size = table[f"cost_{sides[0]}"].drop(first).sort_values(ascending=False)
        chosen = first + list(size.index[: keep - 1 - len(first)])
        others = table.drop(chosen)
        label = i18n.text("others", lang, n=len(others))
        table = pd.concat([table.loc[chosen], others.sum().to_frame(label).T])
    table["net_difference"] = (table["net_alliance"] - table["net_separate"]
                               if "alliance" in sides else np.nan)
    table.index = [name(o, lang) if o == "region" else o for o in table.index]
    return table


def money_chart(snapshot: Snapshot, lang: str) -> Figure:
    """Each organiser's money over the months so far: costs side by side, and the net gap.

    Left, what each organiser pays for growth services on each side; right, how much more
    (or less) net money it has in the alliance than in separate action, taxes and the
    municipal share of benefits included.
    """
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=SIZE, dpi=CHART_DPI)
        fig.subplots_adjust(left=0.17, right=0.97, bottom=0.1, top=0.82, wspace=0.08)
        cost_ax, net_ax = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        fig.suptitle(t("chart_money", lang, month=snapshot.month), x=0.01, ha="left",
                     fontsize=11)
        if snapshot.money.empty or snapshot.month == 0:
            net_ax.set_axis_off()
            return _no_data(fig, lang)
        table = money_rows(snapshot.money, lang)
        sides = [s for s in SIDES if f"cost_{s}" in table.columns]
        y = np.arange(len(table))
        height = 0.8 / len(sides)
        for k, side in enumerate(sides):
            cost_ax.barh(y + (k - (len(sides) - 1) / 2) * height, table[f"cost_{side}"] / 1e6,
                         height, color=SIDE_COLOURS[side], label=t(f"side_{side}", lang))
        cost_ax.set_title(t("money_costs", lang), fontsize=9)
        cost_ax.set_yticks(y, table.index, fontsize=8)
        cost_ax.invert_yaxis()
        cost_ax.xaxis.set_major_formatter(_formatter(lang, None))
        cost_ax.legend(loc="lower right", fontsize=8)
        net_ax.set_title(t("money_net_difference", lang), fontsize=9)
        gap = table["net_difference"].to_numpy(dtype=float) / 1e6
        if np.isfinite(gap).any():
            net_ax.barh(y, np.nan_to_num(gap), 0.6,
                        color=[GAIN if v >= 0 else LOSS for v in np.nan_to_num(gap)])
            net_ax.xaxis.set_major_formatter(_formatter(lang, None))
            net_ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
        else:
            net_ax.text(0.5, 0.5, "–", ha="center", va="center", transform=net_ax.transAxes)
            net_ax.set_xticks([])
        net_ax.axvline(0, color="#444444", linewidth=0.8)
        for ax in (cost_ax, net_ax):
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
            ax.tick_params(axis="x", labelsize=8)
    return fig


def map_chart(snapshot: Snapshot, lang: str) -> Figure:
    """Municipalities at their centres, sized by population, coloured by the alliance's gain.

    The colour is the alliance's employment minus separate action's at the snapshot's month,
    per 1,000 persons in the labour force; without an alliance side every marker is grey.
    """
    with mpl.rc_context(STYLE):
        fig = _figure(left=0.1, right=0.98, bottom=0.13)
        ax = fig.axes[0]
        areas = snapshot.areas
        if areas.empty:
            return _no_data(fig, lang)
        sizes = 15.0 + 600.0 * np.sqrt(areas["population"] / areas["population"].max())
        values = areas["per_1000"].to_numpy(dtype=float)
        compared = "alliance" in snapshot.sides and np.isfinite(values).any()
        if compared:
            fig.suptitle(t("chart_map", lang, month=snapshot.month), x=0.01, ha="left",
                         fontsize=11)
            limit = max(float(np.nanmax(np.abs(values))), 0.1)
            norm = TwoSlopeNorm(0.0, -limit, limit)
            points = ax.scatter(areas["lon"], areas["lat"], s=sizes,
                                c=np.nan_to_num(values), cmap=DIVERGING_CMAP, norm=norm,
                                edgecolors="#333333", linewidths=0.6)
            bar = fig.colorbar(points, ax=ax, shrink=0.85)
            bar.set_label(t("map_colour", lang), fontsize=8)
            bar.ax.yaxis.set_major_formatter(_formatter(lang, 1))
        else:
            fig.suptitle(t("chart_map_separate", lang), x=0.01, ha="left", fontsize=11)
            ax.scatter(areas["lon"], areas["lat"], s=sizes, color=NEUTRAL, alpha=0.7,
                       edgecolors="#333333", linewidths=0.6)
        for _, row in areas.nlargest(min(5, len(areas)), "population").iterrows():
            ax.annotate(row["area"], (row["lon"], row["lat"]), xytext=(4, 4),
                        textcoords="offset points", fontsize=8, color="#222222")
        mean_lat = float(areas["lat"].mean())
        ax.set_aspect(1.0 / max(math.cos(math.radians(mean_lat)), 0.1))
        ax.margins(0.12)
        ax.set_xlabel(i18n.text("axis_lon", lang), fontsize=8)
        ax.set_ylabel(i18n.text("axis_lat", lang), fontsize=8)
        ax.tick_params(labelsize=7)
    return fig


def summary_html(snapshot: Snapshot, lang: str) -> str:
    """The headline numbers at the snapshot's month as an HTML table.

    Below the table, the alliance's phase and a note on common random numbers. Plain HTML:
    solara's Markdown would fetch KaTeX from a CDN, which is not there offline.
    """
    def fmt(metric: str, value: float, signed: bool = False) -> str:
        if not math.isfinite(value):
            return "–"
        if metric == "unemployment_rate":
            if signed:  # a difference of rates is in percentage points
                return f"{i18n.number(100 * value, lang, 1, True)}{i18n.NBSP}{t('pp', lang)}"
            return i18n.percent(value, lang, 1)
        if metric == "net_eur":
            return i18n.euros(value, lang, 0, signed)
        return i18n.number(value, lang, 0, signed)

    cell = 'style="text-align: right; padding: 2px 10px"'
    head = "".join(f"<th {cell}>{html.escape(t(key, lang))}</th>"
                   for key in ("side_separate", "side_alliance", "difference"))
    rows = []
    for metric, sep, ali, diff in summary_rows(snapshot):
        label = t("money_net", lang) if metric == "net_eur" else name(metric, lang)
        values = "".join(f"<td {cell}>{html.escape(text)}</td>" for text in
                         (fmt(metric, sep), fmt(metric, ali), fmt(metric, diff, True)))
        rows.append(f'<tr><td style="padding: 2px 10px 2px 0">'
                    f"{html.escape(i18n.capitalise(label))}</td>{values}</tr>")
    notes = []
    if snapshot.phase is not None:
        notes.append(t("alliance_phase", lang, phase=t(f"phase_{snapshot.phase}", lang),
                       members=snapshot.members))
        if snapshot.exits:
            notes.append(t("exits", lang, names=", ".join(name(e, lang)
                                                          for e in snapshot.exits)))
    return (f'<h4 style="margin: 0 0 6px 0">'
            f"{html.escape(t('summary_title', lang, month=snapshot.month))}</h4>"
            f'<table style="border-collapse: collapse; font-size: 0.95em">'
            f"<thead><tr><th style=\"text-align: left\">"
            f"{html.escape(t('summary_metric', lang))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p style=\"margin: 8px 0 0 0\">{html.escape(' '.join(notes))}</p>"
            f"<p style=\"margin: 4px 0 0 0; font-style: italic; font-size: 0.9em\">"
            f"{html.escape(t('crn_note', lang))}</p>")
