"""Displacement (syrjäytysvaikutus): what the treated gain, the untreated near them lose.

A treated-minus-control contrast measures what a service does for its clients, but when
jobs are scarce part of that gain is taken from other jobseekers, so the contrast
overstates what the service does for employment. Two designs measure it, each in normal
times and in a recession:

- the **region-wide contrast**: the region's eligible treated at 10 % and at 50 % in two
  runs of the same seed; the extra employment per extra treated person is the **net**
  effect, wherever the displaced live;
- the **two-level trial** of Crépon, Duflo, Gurgand, Rathelot & Zamora (2013):
  municipalities are given treated shares at random (0, 25, 50, 75 or 100 % of the
  eligible) and persons within them are randomised at that share (``[experiment]
  municipality_shares``). It gives the **gross** effect (treated − untreated within the
  partly treated municipalities), the **spillover** (a municipality's untreated when some
  of its eligible are treated, against when none are) and the **local net** effect (the
  slope of a municipality's employment of its eligible on its treated share). The model's
  people apply across municipal borders within commuting reach, so part of the
  displacement falls on other municipalities, which this design counts as none: the local
  net effect bounds the net effect from above.

Without displacement both net effects equal the gross one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from sim import Scenario, run
from sim.collect import REGION_AREA

from ..experiments.paired import mean_ci
from .facts import Fact, Statistic, verdict_from

SERVICE = "coaching"
"""The service of the design: job-search assistance, as in Crépon et al. (2013)."""
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Treated shares dealt to the municipalities (Crépon et al. 2013 used the same five)."""
HORIZON_MONTHS = 12
"""Months from assignment to measurement (Crépon et al. followed the jobseekers a year)."""
REPLICATIONS = 6
"""Replications of each design (each a new draw of shares and persons)."""
QUICK_REPLICATIONS = 3
"""Replications in ``--quick``: the fewest that give the jackknife's intervals."""
RECESSION = {"economy.shock_start_month": 0, "economy.shock_months": 24,
             "economy.shock_size": -0.08}
"""The downturn of the recession design: the built-in ``pirkanmaa-recession``'s demand
shock (−8 % at the trough over two years), starting at assignment."""
TIMES = ("normal", "recession")
"""The two labour markets of the design, in the report's order."""
REGIONAL_SHARES = (0.1, 0.5)
"""Shares of the region's eligible treated in the region-wide contrast: the extra
employment per extra treated person is the net effect, displacement across borders
included."""


def design(trial: Scenario) -> tuple[tuple[str, Scenario], ...]:
    """The runs of the design from a trial scenario (budgets 0), each with its market.

    In each market (normal times, a recession): the two-level trial, and the region-wide
    contrast, the region's eligible treated at each of :data:`REGIONAL_SHARES`.
    """
    two_level = trial.with_overrides(
        {"experiment": {"service": SERVICE, "municipality_shares": list(SHARES)}})
    uniform = [trial.with_overrides({"experiment": {"service": SERVICE, "treated_share": x}})
               for x in REGIONAL_SHARES]
    out = []
    for times in TIMES:
        change = RECESSION if times == "recession" else {}
        out += [(times, sc.with_overrides(change)) for sc in (two_level, *uniform)]
    return tuple(out)


def run_design(designs: tuple[tuple[str, Scenario], ...], seed: int, replications: int,
               on_month: Callable[[], None] | None = None) -> pd.DataFrame:
    """Every replication of each run, as its experiment table with three columns more.

    The columns added: ``times`` (the market), ``rep`` and ``region_employed`` (the
    region's employed that month). Replication ``r`` of each run uses seed ``seed + r``:
    every run of a replication starts from the same region at assignment, and normal times
    and the recession meet the same draws of shares and persons.
    """
    frames = []
    for times, scenario in designs:
        for rep in range(replications):
            res = run(scenario, seed + rep, months=HORIZON_MONTHS,
                      on_month=None if on_month is None else lambda _m: on_month())
            ts = res.timeseries
            region = ts[ts["area"] == REGION_AREA].set_index("month")["employed"]
            frames.append(res.experiment.assign(
                times=times, rep=rep, region_employed=lambda t, r=region: t["month"].map(r)))
    return pd.concat(frames, ignore_index=True)


def net_per_replication(table: pd.DataFrame, month: int = HORIZON_MONTHS
                        ) -> dict[str, pd.Series]:
    """The region-wide net effect (pp) of each market, one value per replication.

    Per replication: the region's employment when :data:`REGIONAL_SHARES`' higher share
    of its eligible is treated, minus when the lower one is, per extra treated person. The
    two runs share their seed, so they start from the same region at assignment.
    """
    rows = table[(table["area"] == REGION_AREA) & (table["month"] == month)
                 & (table["group"] == "treated")]
    low, high = min(REGIONAL_SHARES), max(REGIONAL_SHARES)
    out = {}
    for times, market in rows.groupby("times", sort=False):
        wide = market.pivot_table(index="rep", columns="treated_share",
                                  values=["region_employed", "persons"], aggfunc="first")
        extra_employed = wide[("region_employed", high)] - wide[("region_employed", low)]
        extra_treated = wide[("persons", high)] - wide[("persons", low)]
        out[times] = (100 * extra_employed / extra_treated).astype(float)
    return out


def regional_net(table: pd.DataFrame, month: int = HORIZON_MONTHS) -> dict[str, Statistic]:
    """The region-wide net effect (pp) of each market, with a t-interval over replications.

    See :func:`net_per_replication`.
    """
    return {times: Statistic(f"{times}_net_pp", *mean_ci(values.to_numpy()))
            for times, values in net_per_replication(table, month).items()}


def recession_minus_normal(table: pd.DataFrame, month: int = HORIZON_MONTHS
                           ) -> Statistic | None:
    """The net effect in the recession minus in normal times (pp), paired by replication.

    Replication ``r`` of both markets starts from the same region and meets the same
    draws, so the difference is taken replication by replication (t-interval). None
    without both markets.
    """
    per_rep = net_per_replication(table, month)
    if not {"normal", "recession"} <= set(per_rep):
        return None
    diff = (per_rep["recession"] - per_rep["normal"]).dropna().to_numpy()
    return Statistic("recession_minus_normal_net_pp", *mean_ci(diff))


def area_table(table: pd.DataFrame, month: int = HORIZON_MONTHS) -> pd.DataFrame:
    """One row per run and municipality at ``month``.

    The columns: ``share``, and each group's persons (``n1`` treated, ``n0`` untreated) and
    employment share (``e1``, ``e0``; 0 for an empty group).
    """
    at = table[(table["month"] == month) & (table["area"] != REGION_AREA)]
    wide = at.pivot_table(index=["times", "rep", "area", "treated_share"], columns="group",
                          values=["persons", "employed_share"], aggfunc="first")
    persons = wide["persons"].reindex(columns=["treated", "control"]).fillna(0.0)
    employed = wide["employed_share"].reindex(columns=["treated", "control"]).fillna(0.0)
    out = pd.DataFrame({"n1": persons["treated"], "e1": employed["treated"],
                        "n0": persons["control"], "e0": employed["control"]}).reset_index()
    return out.rename(columns={"treated_share": "share"})


def within_slope(y: np.ndarray, x: np.ndarray, w: np.ndarray, area: np.ndarray) -> float:
    """Weighted least-squares slope of ``y`` on ``x`` with a constant for each municipality.

    The municipality constants (fixed effects) take out what differs between
    municipalities whatever their share (the jobseekers of a city find work faster than
    those of a remote municipality), leaving the variation of shares between replications.
    """
    frame = pd.DataFrame({"y": y, "x": x, "w": w, "area": area})
    frame = frame[frame["w"] > 0]
    total = frame["w"].groupby(frame["area"]).transform("sum")
    for col in ("x", "y"):
        frame[col] = frame[col] - (frame[col] * frame["w"]).groupby(frame["area"]) \
            .transform("sum") / total
    denominator = float(np.sum(frame["w"] * frame["x"] ** 2))
    if denominator == 0.0:
        raise ValueError("no municipality was given different shares in different "
                         "replications")
    return float(np.sum(frame["w"] * frame["x"] * frame["y"]) / denominator)


def contrasts(areas: pd.DataFrame) -> dict[str, float]:
    """Gross, spillover and net effects (pp) from the :func:`area_table` rows of one market."""
    share, area = areas["share"].to_numpy(), areas["area"].to_numpy()
    n1, e1, n0, e0 = (areas[c].to_numpy() for c in ("n1", "e1", "n0", "e0"))
    partly = (share > 0.0) & (share < 1.0) & (n1 > 0) & (n0 > 0)
    has_untreated = n0 > 0
    if not partly.any() or not (has_untreated & (share == 0.0)).any():
        raise ValueError("the design needs partly treated and untreated municipalities")
    gross = np.average(e1[partly] - e0[partly], weights=(n1 + n0)[partly])
    spillover = within_slope(e0[has_untreated], (share[has_untreated] > 0.0).astype(float),
                             n0[has_untreated], area[has_untreated])
    everyone = (n1 * e1 + n0 * e0) / np.maximum(n1 + n0, 1)
    net = within_slope(everyone, share, n1 + n0, area)
    return {"gross": 100 * gross, "spillover": 100 * spillover, "net": 100 * net}


def jackknife(areas: pd.DataFrame) -> dict[str, Statistic]:
    """:func:`contrasts` of all replications, with 95 % intervals from leaving each out.

    Replications are independent draws of the design, so the delete-one-replication
    jackknife estimates the standard errors; the intervals use Student's t with one
    degree of freedom fewer than the replications. None are given with fewer than three
    replications, or when leaving one out leaves no municipality whose share changed (a
    region of very few municipalities).
    """
    whole = contrasts(areas)
    reps = sorted(areas["rep"].unique())
    try:
        if len(reps) < 3:
            raise ValueError("too few replications")
        left_out = pd.DataFrame([contrasts(areas[areas["rep"] != r]) for r in reps])
    except ValueError:
        return {k: Statistic(k, v) for k, v in whole.items()}
    t = stats.t.ppf(0.975, len(reps) - 1)
    out = {}
    for k, v in whole.items():
        spread = left_out[k] - left_out[k].mean()
        se = float(np.sqrt((len(reps) - 1) / len(reps) * np.sum(spread ** 2)))
        out[k] = Statistic(k, v, v - t * se, v + t * se)
    return out


def displacement(table: pd.DataFrame, month: int = HORIZON_MONTHS) -> Fact:
    """The displacement fact: gross, spillover and net effects, normal times and recession.

    Args:
        table: the runs' experiment tables (:func:`run_design`).
        month: the month since assignment at which the effects are measured.
    """
    areas = area_table(table, month)
    regional = regional_net(table, month)
    found = {}
    for times, market in areas.groupby("times", sort=False):
        local = jackknife(market)
        found[times] = {"net": regional[times],
                        "local_net": local["net"], "gross": local["gross"],
                        "spillover": local["spillover"]}
    statistics = [Statistic(f"{t}_{k}_pp", x.value, x.low, x.high)
                  for t, kinds in found.items() for k, x in kinds.items()]
    lost = {t: {k: 1.0 - f[k].value / f["gross"].value if f["gross"].value else np.nan
                for k in ("net", "local_net")} for t, f in found.items()}
    statistics += [Statistic(f"{t}_displaced_share", lost[t]["net"]) for t in found]
    statistics += [Statistic(f"{t}_locally_displaced_share", lost[t]["local_net"])
                   for t in found]
    between = recession_minus_normal(table, month)
    if between is not None:
        statistics.append(between)
    checks = [all(f["gross"].low > 0 for f in found.values()),
              all(f["net"].high < f["gross"].value for f in found.values()),
              "normal" in found and found["normal"]["net"].value > 0]
    if {"normal", "recession"} <= set(found):
        checks.append(lost["recession"]["net"] > lost["normal"]["net"])
    reps = int(areas["rep"].nunique())
    low, high = min(REGIONAL_SHARES), max(REGIONAL_SHARES)
    return Fact(
        key="displacement",
        title="Displacement: gross and net effects of treating more jobseekers",
        statistics=tuple(statistics),
        reference="two-level randomisation over 235 French labour markets (0/25/50/75/100 % "
        "treated): the treated's gains partly at the expense of the untreated, displacement "
        "larger in weak labour markets, a small net effect (Crépon, Duflo, Gurgand, Rathelot "
        "& Zamora 2013); the same pattern in Sweden (Cheung et al. 2025) and Denmark "
        "(Gautier et al. 2018); no single figure for the share displaced",
        rule="pass: (a) the gross effect is positive (95 % CI above 0) in both markets, "
        "(b) the region-wide net effect is below the gross effect in both (its 95 % CI "
        "under the gross estimate), (c) the net effect is positive in normal times and (d) "
        "the share displaced (1 − net/gross) is larger in the recession; warn: some of "
        "them; fail: none",
        verdict=verdict_from(all(checks), any(checks)),
        notes=(f"{SERVICE} at month 0, organisers' budgets 0, effects at {month} months in "
               f"pp of employment; {reps} replications (seeds seed … seed + reps − 1)",
               f"net: the region's employment with {high:.0%} of its eligible treated minus "
               f"with {low:.0%}, per extra treated person (the two runs of a replication "
               "share their seed); 95 % t-interval over replications",
               f"two-level trial: {', '.join(f'{s:.0%}' for s in SHARES)} treated shares "
               "dealt to the municipalities at random; gross: treated − untreated within "
               "each partly treated municipality, weighted by its eligible; spillover: a "
               "municipality's untreated when some of its eligible are treated against when "
               "none are; local net: the slope of a municipality's employment of its "
               "eligible on its treated share (all treated against none); spillover and "
               "local net with municipality fixed effects, weighted by persons; 95 % "
               "intervals from a delete-one-replication jackknife (none with fewer than 3 "
               "replications, or when a replication left out leaves no municipality whose "
               "share changed)",
               "jobseekers apply across municipal borders, so the two-level trial's "
               "untreated municipalities bear part of the displacement too: the local net "
               "effect bounds the net effect from above",
               "recession: demand −8 % at the trough over 24 months from assignment "
               "(pirkanmaa-recession's shock)",
               "recession_minus_normal_net_pp: the region-wide net effect in the "
               "recession minus in normal times, replication by replication (both "
               "markets share each replication's seed), with a t-interval: check (d) "
               "compares point estimates, and this says whether their order is resolved",
               f"checks held: {sum(checks)} of {len(checks)}"),
        data={"areas": areas},
    )
