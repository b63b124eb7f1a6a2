"""Slide figures of a run or a comparison over time and by group.

Each figure is a small function taking result tables (see the data contract in
:mod:`.directories`) and a language, returning a :class:`~matplotlib.figure.Figure` in the
house style of :mod:`.style`. A table that lacks what a figure needs raises
:class:`~.style.MissingData`. ``names`` maps scenario names to display labels. Figures of
impacts, sensitivity, the lever waterfall and the map are in :mod:`.impact`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.collect import REGION_AREA

from .i18n import capitalise, label, text
from .stats import band, replication_means
from .style import (
    ALLIANCE_COLOURS,
    BASE_SIZE,
    NEUTRAL,
    SCENARIO_COLOURS,
    SERIES_COLOURS,
    MissingData,
    display,
    handles_of,
    house_style,
    legend_on_top,
    month_axis,
    panel_title,
    require,
    scenario_order,
    slide,
    source_of,
    tidy,
    value_axis,
)

LABOUR_METRICS = ("employed", "unemployed", "long_term_unemployed")
BUSINESS_COLUMNS = ("firm_employment", "firm_births", "firm_deaths", "firms")
QUINTILE_PANELS = (
    ("ever_served_share", "unit_percent", 100.0),
    ("outcome_paid_share", "unit_percent", 100.0),
    ("employed_share", "unit_percent", 100.0),
    ("mean_months_unemployed", "unit_months", 1.0),
)
MONEY_SERIES = ("spend_total", "benefit_cost_eur", "tax_revenue_eur", "net_eur")
ALLIANCE_SERIES = ("gain_pain_eur", "kra_bonus_eur")
SMOOTHING_MONTHS = 3
"""Months in the moving average of the Beveridge curve."""
MAX_ORGANISERS = 10
"""Organisers shown one by one in the money figure; the rest are summed as "others"."""
Names = Mapping[str, str]
"""Display labels of scenarios, by scenario name."""


def area_label(area: str, lang: str) -> str:
    """``maakunta``/``region`` for the whole region, else the municipality's name."""
    return label(area, lang) if area == REGION_AREA else area


def _area_rows(timeseries: pd.DataFrame, area: str, columns: tuple[str, ...]) -> pd.DataFrame:
    data = require(timeseries, ("scenario", "rep", "month", "area", *columns), "timeseries")
    data = data[data["area"] == area]
    if data.empty:
        raise MissingData(f"timeseries: no rows for area {area}")
    return data


def _band_lines(
    ax: Axes, data: pd.DataFrame, value: str, names: Mapping[str, str] | None, scale: float = 1
) -> None:
    """One mean line and 95 % band of replications per scenario."""
    for colour, scenario in zip(SCENARIO_COLOURS, scenario_order(data), strict=False):
        rows = band(data[data["scenario"] == scenario], value).dropna() * scale
        ax.fill_between(rows.index, rows["low"], rows["high"], color=colour, alpha=0.22, lw=0)
        ax.plot(rows.index, rows["mean"], color=colour, label=display(scenario, names))


def _time_panel(ax: Axes, title: str, unit: str, months: int, lang: str) -> None:
    panel_title(ax, title, 3)
    ax.set_ylabel(unit)
    ax.set_xlabel(text("axis_month", lang))
    month_axis(ax, months)
    value_axis(ax, lang)


@house_style
def labour_market_figure(
    timeseries: pd.DataFrame, lang: str, area: str = REGION_AREA, names: Names | None = None
) -> Figure:
    """Employed, unemployed and long-term unemployed over months, with 95 % bands.

    Args:
        timeseries: Rows of one or more scenarios (contract: timeseries.parquet).
        lang: ``fi`` or ``en``.
        area: ``ALL`` for the region or a municipality's name.
        names: Display labels of scenarios.
    """
    data = _area_rows(timeseries, area, LABOUR_METRICS)
    source = source_of(data, text("band_reps", lang))
    title = text("title_labour", lang, area=area_label(area, lang))
    fig, axes = slide(lang, title, source, ncols=3)
    months = int(data["month"].max())
    for ax, metric in zip(axes, LABOUR_METRICS, strict=True):
        _band_lines(ax, data, metric, names)
        _time_panel(ax, capitalise(label(metric, lang)), text("unit_persons", lang), months, lang)
    legend_on_top(fig, *handles_of(axes[0]))
    return fig


def business_measures(area_rows: pd.DataFrame) -> pd.DataFrame:
    """Add cumulative firm births and the annualised firm survival rate to one area's rows.

    Cumulative births count births in months 1..t. Survival is ``(1 − d)^12`` where ``d`` is
    the month's firm deaths over the previous month's firms, averaged over three months.
    """
    order = {name: i for i, name in enumerate(scenario_order(area_rows))}
    data = area_rows.sort_values(
        ["scenario", "rep", "month"], key=lambda c: c.map(order) if c.name == "scenario" else c
    ).copy()
    groups = data.groupby(["scenario", "rep"], sort=False)
    births = data["firm_births"].where(data["month"] > data["month"].min(), 0)
    data["firm_births_cumulative"] = births.groupby([data["scenario"], data["rep"]]).cumsum()
    death_rate = data["firm_deaths"] / groups["firms"].shift(1)
    smoothed = death_rate.groupby([data["scenario"], data["rep"]]).transform(
        lambda s: s.rolling(3, min_periods=1).mean()
    )
    data["firm_survival"] = (1.0 - smoothed.clip(0, 1)) ** 12
    return data


@house_style
def business_figure(
    timeseries: pd.DataFrame, lang: str, area: str = REGION_AREA, names: Names | None = None
) -> Figure:
    """Jobs in firms, cumulative firm births and firm survival over months, with 95 % bands."""
    data = business_measures(_area_rows(timeseries, area, BUSINESS_COLUMNS))
    source = source_of(data, text("band_reps", lang))
    title = text("title_business", lang, area=area_label(area, lang))
    fig, axes = slide(lang, title, source, ncols=3)
    months = int(data["month"].max())
    panels = (
        ("firm_employment", "unit_persons", 1.0),
        ("firm_births_cumulative", "unit_firms", 1.0),
        ("firm_survival", "unit_percent_year", 100.0),
    )
    for ax, (metric, unit, scale) in zip(axes, panels, strict=True):
        _band_lines(ax, data, metric, names, scale)
        _time_panel(ax, capitalise(label(metric, lang)), text(unit, lang), months, lang)
    legend_on_top(fig, *handles_of(axes[0]))
    return fig


@house_style
def beveridge_figure(
    timeseries: pd.DataFrame, lang: str, area: str = REGION_AREA, names: Names | None = None
) -> Figure:
    """The Beveridge curve: vacancy rate against unemployment rate, month by month.

    The vacancy rate is vacancies / (employed + vacancies); each point is one month's mean
    over replications, smoothed by a trailing :data:`SMOOTHING_MONTHS`-month mean, from the
    first month (open circle) to the last (filled circle).
    """
    data = _area_rows(timeseries, area, ("unemployment_rate", "vacancies", "employed"))
    data = data.assign(vacancy_rate=data["vacancies"] / (data["employed"] + data["vacancies"]))
    means = data.groupby(["scenario", "month"], sort=False)[
        ["unemployment_rate", "vacancy_rate"]
    ].mean()
    means = means.groupby(level="scenario", sort=False).transform(
        lambda s: s.rolling(SMOOTHING_MONTHS, min_periods=1).mean()
    )
    title = text("title_beveridge", lang, area=area_label(area, lang))
    source = source_of(data, text("moving_average", lang, n=SMOOTHING_MONTHS))
    fig, axes = slide(lang, title, source)
    ax = axes[0]
    tidy(ax, grid="both")
    ax.grid(True, color="#EEEEEE", linewidth=0.8)
    for colour, scenario in zip(SCENARIO_COLOURS, scenario_order(data), strict=False):
        path = means.loc[scenario].sort_index() * 100
        x, y = path["unemployment_rate"].to_numpy(), path["vacancy_rate"].to_numpy()
        ax.plot(x, y, color=colour, lw=2, marker="o", ms=4, label=display(scenario, names))
        ax.plot(x[:1], y[:1], "o", ms=13, mfc="white", mec=colour, mew=2.5)
        ax.plot(x[-1:], y[-1:], "o", ms=13, color=colour)
        ax.annotate(
            f"{text('end', lang)} ({path.index[-1]})",
            (x[-1], y[-1]),
            xytext=(12, -4),
            textcoords="offset points",
            color=colour,
            fontsize=15,
        )
    first = means.loc[scenario_order(data)[0]].sort_index() * 100
    ax.annotate(
        f"{text('start', lang)} ({first.index[0]})",
        (first["unemployment_rate"].iloc[0], first["vacancy_rate"].iloc[0]),
        xytext=(12, 6),
        textcoords="offset points",
        color=NEUTRAL,
        fontsize=15,
    )
    ax.set_xlabel(text("axis_with_unit", lang, label=label("unemployment_rate", lang), unit="%"))
    ax.set_ylabel(text("axis_with_unit", lang, label=label("vacancy_rate", lang), unit="%"))
    value_axis(ax, lang, "x")
    value_axis(ax, lang, "y")
    legend_on_top(fig, *handles_of(ax))
    return fig


def _grouped_bars(
    ax: Axes, stats: pd.DataFrame, scenarios: list[str], names, scale: float
) -> None:
    """Bars of ``stats`` (index scenario, quintile; mean, ci) grouped by quintile."""
    width = 0.8 / len(scenarios)
    for i, (colour, scenario) in enumerate(zip(SCENARIO_COLOURS, scenarios, strict=False)):
        rows = stats.loc[scenario].sort_index()
        x = rows.index.to_numpy(dtype=float) + (i - (len(scenarios) - 1) / 2) * width
        ax.bar(
            x,
            rows["mean"].fillna(0) * scale,
            width * 0.92,
            yerr=rows["ci"].fillna(0) * scale,
            color=colour,
            label=display(scenario, names),
            error_kw={"ecolor": "#333333", "elinewidth": 1.6},
        )


@house_style
def quintile_figure(
    quintiles: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None
) -> Figure:
    """Services, outcome payments, employment and unemployment by employability quintile.

    Creaming shows as services and outcome payments going to the upper quintiles; parking as
    the lowest quintile being served little. Bars are means over replications, whiskers 95 %
    confidence intervals.
    """
    columns = [c for c, _u, _s in QUINTILE_PANELS]
    data = require(quintiles, ("scenario", "rep", "quintile", *columns), "quintiles")
    scenarios = scenario_order(data)
    source = source_of(data, text("ci_mean", lang))
    fig, axes = slide(lang, text("title_quintiles", lang), source, nrows=2, ncols=2, sharex=True)
    for ax, (column, unit, scale) in zip(axes, QUINTILE_PANELS, strict=True):
        stats = replication_means(data, column, ["scenario", "quintile"])
        _grouped_bars(ax, stats, scenarios, names, scale)
        panel_title(ax, capitalise(label(column, lang)), 2)
        ax.set_ylabel(text(unit, lang))
        ax.set_xticks(sorted(data["quintile"].unique()))
        value_axis(ax, lang)
    for ax in axes[2:]:
        ax.set_xlabel(text("axis_quintile", lang))
    legend_on_top(fig, *handles_of(axes[0]))
    return fig


def organiser_totals(organisers: pd.DataFrame) -> pd.DataFrame:
    """Totals over months 1..M per scenario and organiser, mean over replications.

    Adds ``spend_total`` = service spend + overhead. Returns a table indexed by (scenario,
    organiser) with the money columns and the organiser's kind.
    """
    data = organisers[organisers["month"] >= 1].copy()
    data["spend_total"] = data["service_spend_eur"] + data["overhead_eur"]
    money = [c for c in (*MONEY_SERIES, *ALLIANCE_SERIES) if c in data.columns]
    per_rep = data.groupby(["scenario", "organiser", "rep"], sort=False)[money].sum()
    totals = per_rep.groupby(level=["scenario", "organiser"], sort=False).mean()
    kinds = data.groupby(["scenario", "organiser"], sort=False)["kind"].first()
    return totals.join(kinds)


def organiser_rows(values: pd.DataFrame, lang: str) -> dict[str, list[str]]:
    """The rows of the money figure: each row's label and the organisers it sums.

    The region comes first (the model's ``region`` named in ``lang``: maakunta), then
    municipalities by the size of their net; beyond :data:`MAX_ORGANISERS` rows the smallest
    are summed into one "others" row.
    """
    region = list(values.index[values["kind"] == "region"])
    munis = values[values["kind"] != "region"]
    munis = list(munis["net_eur"].abs().sort_values(ascending=False, kind="stable").index)
    rows = {label(str(name), lang): [name] for name in region}
    rows.update({str(name): [name] for name in munis})
    if len(rows) > MAX_ORGANISERS:
        keep = MAX_ORGANISERS - len(region) - 1
        rest = munis[keep:]
        rows = {label(str(name), lang): [name] for name in region}
        rows.update({str(name): [name] for name in munis[:keep]})
        rows[text("others", lang, n=len(rest))] = rest
    return rows


def collapse(values: pd.DataFrame, rows: dict[str, list[str]]) -> pd.DataFrame:
    """Sum the numeric columns of ``values`` (indexed by organiser) into ``rows``."""
    numeric = values.select_dtypes("number")
    return pd.DataFrame(
        {label_: numeric.loc[members].sum() for label_, members in rows.items()}
    ).T


def _money_bars(ax: Axes, values: pd.DataFrame, series: tuple[str, ...], lang: str, months):
    """Horizontal bars of ``series`` per organiser, in € million."""
    y = np.arange(len(values))
    height = 0.8 / len(series)
    colours = SERIES_COLOURS if series == MONEY_SERIES else ALLIANCE_COLOURS
    for i, (colour, column) in enumerate(zip(colours, series, strict=False)):
        offset = (i - (len(series) - 1) / 2) * height
        ax.barh(y + offset, values[column] / 1e6, height * 0.9, color=colour,
                label=capitalise(label(column, lang)))
    ax.set_yticks(y, [str(name) for name in values.index])
    ax.invert_yaxis()
    ax.axvline(0, color="#444444", lw=1)
    value_axis(ax, lang, "x")
    ax.set_xlabel(text("eur_total_months", lang, months=months) if months else
                  text("unit_eur_million", lang))
    ax.tick_params(axis="y", length=0)


def alliance_scenario(organisers: pd.DataFrame) -> str | None:
    """The last scenario in which some organiser is in an alliance or has alliance money."""
    flags = pd.Series(False, index=organisers.index)
    if "alliance" in organisers.columns:
        flags |= organisers["alliance"].fillna("").astype(str) != ""
    for column in ALLIANCE_SERIES:
        if column in organisers.columns:
            flags |= organisers[column].fillna(0) != 0
    names = scenario_order(organisers[flags]) if flags.any() else []
    return names[-1] if names else None


@house_style
def money_figure(
    organisers: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None
) -> Figure:
    """Money per organiser over the run and, in an alliance, its gain/pain and KRA bonus.

    One scenario: totals of spend on services and overhead, the municipal share of
    unemployment benefits, tax revenue and net, per organiser (€ million, mean over
    replications). Two scenarios: the difference B − A of the same totals. A right panel
    shows the alliance scenario's gain/pain share and KRA bonus per organiser.
    """
    columns = ("service_spend_eur", "overhead_eur", *MONEY_SERIES[1:], "organiser", "kind")
    data = require(organisers, ("scenario", "rep", "month", *columns), "organisers")
    scenarios = scenario_order(data)
    totals = organiser_totals(data)
    months = int(data["month"].max())
    kinds = totals.loc[scenarios[0], "kind"]
    if len(scenarios) >= 2:
        a, b = scenarios[0], scenarios[1]
        values = totals.loc[b].drop(columns="kind") - totals.loc[a].drop(columns="kind")
        title = text("title_money_diff", lang, a=display(a, names), b=display(b, names))
    else:
        values = totals.loc[scenarios[0]].drop(columns="kind")
        title = text("title_money", lang)
    rows = organiser_rows(values.join(kinds), lang)
    values = collapse(values, rows)
    ally = alliance_scenario(data)
    has_alliance = ally is not None and all(c in data.columns for c in ALLIANCE_SERIES)
    grid = {"width_ratios": [2, 1]} if has_alliance else {}
    fig, axes = slide(lang, title, source_of(data), ncols=2 if has_alliance else 1,
                      gridspec_kw=grid)
    for ax in axes:
        tidy(ax, grid="x")
    _money_bars(axes[0], values, MONEY_SERIES, lang, months)
    if has_alliance:
        own = collapse(totals.loc[ally], rows)
        _money_bars(axes[1], own, ALLIANCE_SERIES, lang, None)
        axes[1].set_title(textwrap.fill(text("panel_alliance_money", lang), 30),
                          fontsize=BASE_SIZE - 2)
        axes[1].set_yticks(axes[1].get_yticks(), [""] * len(values))
    legend_on_top(fig, *handles_of(*axes))
    return fig
