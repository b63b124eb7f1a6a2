"""One slide figure per stylised fact of :mod:`.facts` (English labels).

Each function takes the fact (its ``data`` holds the series) and the scenario's name and
returns a house-style :class:`~matplotlib.figure.Figure`; :data:`FIGURES` maps a fact's key
to its function.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from ..report.style import (
    NEUTRAL,
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    SERIES_COLOURS,
    Source,
    handles_of,
    house_style,
    legend_on_top,
    panel_title,
    slide,
    tidy,
)
from .facts import CKW_AVERAGE, Fact

LANG = "en"


def _source(fact: Fact, scenario: str) -> Source:
    return Source((scenario,), 1, (f"verdict: {fact.verdict}",))


def _finish(fig: Figure, ax, title: str) -> Figure:
    """A one-panel figure's close: both grids, the panel's title, the legend on top."""
    tidy(ax, "both")
    panel_title(ax, title, 1)
    legend_on_top(fig, *handles_of(ax))
    return fig


@house_style
def beveridge_loop_figure(fact: Fact, scenario: str) -> Figure:
    """The (u, v) path coloured by month, and both rates over time."""
    u, v = 100 * fact.data["u"], 100 * fact.data["v"]
    corr = fact.statistic("correlation")
    net = any(s.name == "correlation_levels" for s in fact.statistics)
    title = ("Beveridge curve over a demand cycle, net of the run without it" if net
             else "Beveridge curve over a demand cycle")
    fig, (ax, ax_t) = slide(LANG, title, _source(fact, scenario),
                            1, 2, gridspec_kw={"width_ratios": [3, 2]})
    months = np.arange(u.size)
    ax.plot(u, v, color=NEUTRAL, linewidth=1.0, zorder=1)
    points = ax.scatter(u, v, c=months, cmap=SEQUENTIAL_CMAP, s=28, zorder=2)
    step = max(1, u.size // 12)
    for i in range(0, u.size - step, step):
        ax.annotate("", xy=(u[i + step], v[i + step]), xytext=(u[i], v[i]),
                    arrowprops={"arrowstyle": "->", "color": OKABE_ITO["black"], "lw": 1.2})
    fig.colorbar(points, ax=ax, label="month")
    ax.set_xlabel("unemployment rate, %")
    ax.set_ylabel("vacancy rate, % of labour force")
    tidy(ax, "both")
    area = fact.statistic("loop_area_normalised").value
    panel_title(ax, f"correlation {corr.text(2)}; area {area:+.2f} (> 0: counter-clockwise)",
                1.6)
    ax_t.plot(months, u, color=SERIES_COLOURS[0], label="unemployment rate")
    ax_t2 = ax_t.twinx()
    ax_t2.plot(months, v, color=SERIES_COLOURS[1], label="vacancy rate")
    ax_t.set_xlabel("month")
    ax_t.set_ylabel("unemployment rate, %")
    ax_t2.set_ylabel("vacancy rate, %")
    lead = fact.statistic("vacancy_lead_months").value
    panel_title(ax_t, f"over time; v leads by {lead:.0f} months", 2.5)
    legend_on_top(fig, *handles_of(ax_t, ax_t2))
    return fig


@house_style
def matching_figure(fact: Fact, scenario: str) -> Figure:
    """Observed against fitted log hires, with the 45° line."""
    y, fitted = fact.data["observed"], fact.data["fitted"]
    a, b = fact.statistic("alpha_unemployment"), fact.statistic("beta_vacancies")
    rts = fact.statistic("returns_to_scale")
    fig, (ax,) = slide(LANG, "Emergent matching function: log H = a + α log U + β log V",
                       _source(fact, scenario))
    ax.scatter(fitted, y, s=10, alpha=0.35, color=SERIES_COLOURS[0], label="observations")
    lo, hi = float(min(y.min(), fitted.min())), float(max(y.max(), fitted.max()))
    ax.plot([lo, hi], [lo, hi], color=OKABE_ITO["black"], linewidth=1.5, label="45° line")
    ax.set_xlabel("fitted log hires")
    ax.set_ylabel("observed log hires")
    return _finish(fig, ax, f"α = {a.text(2)}, β = {b.text(2)}, α + β = {rts.text(2)}")


@house_style
def flows_figure(fact: Fact, scenario: str) -> Figure:
    """Actual and steady-state unemployment, and the two log contributions over time."""
    d = fact.data
    months = np.arange(1, d["s"].size + 1)
    share = fact.statistic("inflow_share")
    fig, (ax, ax_c) = slide(LANG, "Inflow and outflow: what moves unemployment",
                            _source(fact, scenario), 1, 2)
    if d["u"] is not None:
        ax.plot(months, 100 * d["u"], color=SERIES_COLOURS[0], label="unemployment rate")
    ax.plot(months, 100 * d["ustar"], color=SERIES_COLOURS[1], linewidth=2,
            label="steady state s / (s + f)")
    ax.set_xlabel("month")
    ax.set_ylabel("%")
    panel_title(ax, "actual and steady-state unemployment", 2)
    ax_c.axhline(0, color=NEUTRAL, linewidth=1)
    ax_c.plot(months, d["c_in"], color=SERIES_COLOURS[2], linewidth=2,
              label="inflow part (1 − ū*)(ln s − mean)")
    ax_c.plot(months, d["c_out"], color=SERIES_COLOURS[4], linewidth=2,
              label="outflow part −(1 − ū*)(ln f − mean)")
    ax_c.set_xlabel("month")
    ax_c.set_ylabel("log deviation of u*")
    panel_title(ax_c, f"inflow share {share.text(2)}; reference 0.45", 2)
    legend_on_top(fig, *handles_of(ax, ax_c))
    return fig


@house_style
def firm_sizes_figure(fact: Fact, scenario: str) -> Figure:
    """The CCDF of firm sizes on log-log axes with the fitted Zipf tail and slope −1."""
    sizes, ccdf = fact.data["sizes"], fact.data["ccdf"]
    alpha = fact.statistic("zipf_exponent")
    s_min = fact.statistic("s_min").value
    fig, (ax,) = slide(LANG, "Firm sizes: P(S ≥ s) on log-log axes", _source(fact, scenario))
    ax.loglog(sizes, ccdf, color=SERIES_COLOURS[0], label="model firms")
    grid = np.geomspace(s_min, sizes.max(), 50)
    p_min = float(np.mean(sizes >= s_min))
    ax.loglog(grid, p_min * (grid / s_min) ** -alpha.value, color=SERIES_COLOURS[1],
              linestyle="--", label=f"fitted tail, α = {alpha.value:.2f}")
    ax.loglog(grid, p_min * (grid / s_min) ** -1.0, color=NEUTRAL, linestyle=":",
              label="Zipf, α = 1 (Axtell 2001)")
    ax.set_xlabel("employees, s")
    ax.set_ylabel("share of firms with at least s")
    return _finish(fig, ax, f"tail exponent {alpha.text(2)} (s ≥ {s_min:.0f})")


@house_style
def growth_rates_figure(fact: Fact, scenario: str) -> Figure:
    """Growth-rate density on a log axis with Laplace and Gaussian fits; σ against size."""
    d = fact.data
    g = d["g"]
    fig, (ax, ax_s) = slide(LANG, "Firm growth rates: tent-shaped, calmer in large firms",
                            _source(fact, scenario), 1, 2)
    edges = np.linspace(np.percentile(g, 0.5), np.percentile(g, 99.5), 41)
    density, _ = np.histogram(g, bins=edges, density=True)
    mids = (edges[1:] + edges[:-1]) / 2
    ax.semilogy(mids[density > 0], density[density > 0], "o", color=SERIES_COLOURS[0],
                label="model firms")
    grid = np.linspace(edges[0], edges[-1], 200)
    centre, b = d["laplace"]
    ax.semilogy(grid, stats.laplace.pdf(grid, centre, b), color=SERIES_COLOURS[1],
                label="Laplace fit")
    ax.semilogy(grid, stats.norm.pdf(grid, *d["normal"]), color=NEUTRAL, linestyle="--",
                label="Gaussian fit")
    ax.set_xlabel("annual growth rate, ln(S₁ / S₀) − mean")
    ax.set_ylabel("density (log scale)")
    panel_title(ax, f"excess kurtosis {fact.statistic('excess_kurtosis').value:.1f} "
                "(Laplace 3, Gaussian 0)", 2)
    slope = fact.statistic("volatility_size_slope")
    ax_s.plot(d["log_size"], d["log_sd"], "o", color=SERIES_COLOURS[0], markersize=9)
    fit = d["fit"]
    ax_s.plot(d["log_size"], fit[0] + fit[1] * d["log_size"], color=SERIES_COLOURS[1])
    ax_s.plot(d["log_size"], fit[0] + fit[1] * d["log_size"][0] - 0.2
              * (d["log_size"] - d["log_size"][0]), color=NEUTRAL, linestyle=":",
              label="slope −0.2 (reference)")
    ax_s.set_xlabel("log size (size bin mean)")
    ax_s.set_ylabel("log σ of growth")
    panel_title(ax_s, f"slope {slope.text(2)}", 2)
    legend_on_top(fig, *handles_of(ax, ax_s))
    return fig


@house_style
def service_effects_figure(fact: Fact, scenario: str) -> Figure:
    """Treated − control employment by month per service, and the meta-analysis averages."""
    table = fact.data["table"]
    fig, (ax,) = slide(LANG, "Service effects over time against the meta-analysis",
                       _source(fact, scenario))
    ax.axhline(0, color=NEUTRAL, linewidth=1)
    for k, (service, rows) in enumerate(table.groupby("service", sort=False)):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        ax.plot(rows["month"], rows["effect_pp"], color=colour, label=service)
        ax.fill_between(rows["month"], rows["effect_pp"] - 1.96 * rows["se_pp"],
                        rows["effect_pp"] + 1.96 * rows["se_pp"], color=colour, alpha=0.15,
                        linewidth=0)
    last = int(table["month"].max())
    ref = {m: v for m, v in CKW_AVERAGE.items() if m <= last}
    ax.plot(list(ref), list(ref.values()), "D", color=OKABE_ITO["black"], markersize=11,
            label="Card, Kluve & Weber 2018 average")
    ax.set_xlabel("months since assignment")
    ax.set_ylabel("employment, treated − control, pp")
    panel_title(ax, "effect with 95 % CI per service; diamonds: average of 200+ studies", 1)
    legend_on_top(fig, *handles_of(ax))
    return fig


def displacement_figure(fact: Fact, scenario: str) -> Figure:
    """Gross, net and spillover effects in normal times and in a recession, with their CIs."""
    fig, (ax,) = slide(LANG, "What the treated gain, and what treating more jobseekers adds",
                       _source(fact, scenario))
    ax.axhline(0, color=NEUTRAL, linewidth=1)
    kinds = ("gross", "local_net", "net", "spillover")
    times = [t for t in ("normal", "recession")
             if any(s.name.startswith(f"{t}_") for s in fact.statistics)]
    for k, t in enumerate(times):
        found = [fact.statistic(f"{t}_{kind}_pp") for kind in kinds]
        x = np.arange(len(kinds)) + (k - (len(times) - 1) / 2) * 0.3
        value = np.array([s.value for s in found])
        low = np.array([s.low for s in found])
        high = np.array([s.high for s in found])
        ax.bar(x, value, width=0.28, color=SERIES_COLOURS[k],
               label={"normal": "normal times"}.get(t, t))
        ax.errorbar(x, value, yerr=np.vstack([value - low, high - value]), fmt="none",
                    ecolor=OKABE_ITO["black"], capsize=6, linewidth=1.5)
    ax.set_xticks(np.arange(len(kinds)),
                  ["gross\ntreated − untreated", "local net\nwithin municipalities",
                   "net\nregion-wide", "spillover\non the untreated"])
    ax.set_ylabel("employment, pp")
    panel_title(ax, "gross and net per treated person, spillover per untreated; "
                "95 % CI over replications", 1)
    legend_on_top(fig, *handles_of(ax))
    return fig


def transitions_figure(fact: Fact, scenario: str) -> Figure:
    """Each worker flow of the model (with its CI) against its reference band."""
    from .transitions import BANDS

    fig, (ax,) = slide(LANG, "Worker flows against the flow statistics",
                       _source(fact, scenario))
    names = list(BANDS)
    labels = ["job-to-job\na month", "unemployed → employed\na quarter",
              "unemployed → outside\na quarter", "employed → unemployed\na quarter"]
    x = np.arange(len(names))
    found = [fact.statistic(n) for n in names]
    value = 100 * np.array([s.value for s in found])
    low = 100 * np.array([s.low if np.isfinite(s.low) else s.value for s in found])
    high = 100 * np.array([s.high if np.isfinite(s.high) else s.value for s in found])
    for k, name in enumerate(names):
        lo, hi = (100 * b for b in BANDS[name])
        ax.fill_between([k - 0.4, k + 0.4], lo, hi, color=NEUTRAL, alpha=0.3, linewidth=0,
                        label="reference band" if k == 0 else None)
    ax.bar(x, value, width=0.5, color=SERIES_COLOURS[0], label="model")
    ax.errorbar(x, value, yerr=np.vstack([value - low, high - value]), fmt="none",
                ecolor=OKABE_ITO["black"], capsize=6, linewidth=1.5)
    by_name = {s.name: s for s in fact.statistics}
    register = [(k, by_name[f"{n}_register"].value) for k, n in enumerate(names)
                if f"{n}_register" in by_name]
    if register:  # the same flows with the register's unemployed (services included)
        ax.scatter([k for k, _ in register], [100 * v for _, v in register], marker="D",
                   s=60, color=SERIES_COLOURS[1], zorder=3,
                   label="model, the register's unemployed")
    ax.set_xticks(x, labels)
    ax.set_ylabel("% of the group")
    panel_title(ax, "model mean with 95 % CI; shaded: the references' band", 1)
    legend_on_top(fig, *handles_of(ax))
    return fig


@house_style
def stationarity_figure(fact: Fact, scenario: str) -> Figure:
    """The unemployment rate with and without the cycle, and the fitted drift."""
    d = fact.data
    drift = fact.statistic("drift_pp_over_run")
    fig, (ax,) = slide(LANG, "Does the baseline stay put? Unemployment without the cycle",
                       _source(fact, scenario))
    if d.get("u_cycle") is not None:
        ax.plot(d["months"], 100 * d["u_cycle"], color=NEUTRAL, linewidth=1.2,
                label="with the demand cycle")
    ax.plot(d["months"], 100 * d["u"], color=SERIES_COLOURS[0], linewidth=2,
            label="without the cycle")
    ax.plot(d["months"], 100 * d["fitted"], color=OKABE_ITO["black"], linewidth=1.5,
            linestyle="--", label="linear trend")
    ax.set_xlabel("month")
    ax.set_ylabel("unemployment rate, %")
    return _finish(fig, ax, f"drift over the run {drift.text(2)} percentage points")


FIGURES: dict[str, Callable[[Fact, str], Figure]] = {
    "stationarity": stationarity_figure,
    "beveridge": beveridge_loop_figure,
    "matching": matching_figure,
    "flows": flows_figure,
    "transitions": transitions_figure,
    "firm_sizes": firm_sizes_figure,
    "growth_rates": growth_rates_figure,
    "service_effects": service_effects_figure,
    "displacement": displacement_figure,
}
"""The figure function of each fact, by the fact's key."""
