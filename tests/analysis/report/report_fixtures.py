"""Synthetic result directories in the shape of the data contract, for figure and report tests.

``make_run_dir`` writes a run directory (timeseries, organisers, providers, alliance,
quintiles parquet files, summary.json, scenario.toml); ``make_compare_dir`` two of them plus
compare.csv, compare.json, payers.csv and decomposition.csv; ``make_sensitivity_dir`` a
sensitivity.csv.
Both scenarios of a comparison draw the same random numbers per seed (common random numbers)
and the alliance adds a smooth, municipality-specific employment effect.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w
from scipy import stats

from sim.collect import REGION_AREA

MUNICIPALITIES = (
    {"name": "Tampere", "sub_region": "Tampere sub-region", "population": 260646,
     "lat": 61.498, "lon": 23.761},
    {"name": "Kangasala", "sub_region": "Tampere sub-region", "population": 34315,
     "lat": 61.464, "lon": 24.065},
    {"name": "Orivesi", "sub_region": "Tampere sub-region", "population": 8860,
     "lat": 61.677, "lon": 24.357},
)
REGION_ORGANISER = "Pirkanmaa"
ALLIANCE = "Pirkanmaan kasvuallianssi"
MEMBERS = ("Pirkanmaa", "Tampere", "Kangasala")
A_NAME, B_NAME = "demo-separate", "demo-alliance"
COUNTS = ("labour_force", "employed", "unemployed", "long_term_unemployed", "vacancies",
          "hires", "separations", "firms", "firm_births", "firm_deaths", "firm_employment",
          "service_spend_eur", "clients_in_services", "municipal_benefit_cost_eur")
EFFECT = {"Tampere": 0.010, "Kangasala": 0.006, "Orivesi": -0.002}
"""Alliance effect on each municipality's unemployment rate at full strength (a fall)."""


def _municipality_rows(muni: dict, rng: np.random.Generator, months: int, alliance: bool):
    lf = int(muni["population"] * 0.5)
    t = np.arange(months + 1)
    noise = np.cumsum(rng.normal(0, 0.0015, months + 1))
    rate = 0.12 - 0.0004 * t + noise
    if alliance:
        rate = rate - EFFECT[muni["name"]] * (1 - np.exp(-t / 8))
    unemployed = np.round(lf * rate).astype(np.int64)
    employed = lf - unemployed
    vacancies = np.round(lf * (0.02 + 0.0003 * t) * rng.uniform(0.9, 1.1, months + 1))
    firms = np.round(muni["population"] * 0.07 + np.cumsum(rng.normal(2, 5, months + 1)))
    births = rng.poisson(muni["population"] * 0.0006, months + 1)
    deaths = rng.poisson(muni["population"] * 0.0005, months + 1)
    clients = np.round(unemployed * (0.35 if alliance else 0.3))
    return pd.DataFrame({
        "month": t, "area": muni["name"], "labour_force": lf, "employed": employed,
        "unemployed": unemployed, "long_term_unemployed": np.round(unemployed * 0.38),
        "vacancies": vacancies, "hires": np.round(unemployed * 0.08),
        "separations": np.round(employed * 0.01), "firms": firms, "firm_births": births,
        "firm_deaths": deaths, "firm_employment": np.round(employed * 0.72),
        "service_spend_eur": clients * 620, "clients_in_services": clients,
        "municipal_benefit_cost_eur": np.round(unemployed * 0.38) * 410,
    })


def make_timeseries(name: str, seeds: list[int], months: int, alliance: bool) -> pd.DataFrame:
    """The time series of one scenario: 3 municipalities and the region ``ALL``."""
    frames = []
    for rep, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        munis = pd.concat([_municipality_rows(m, rng, months, alliance) for m in MUNICIPALITIES])
        region = munis.groupby("month", as_index=False)[list(COUNTS)].sum().assign(area=REGION_AREA)
        frame = pd.concat([munis, region], ignore_index=True)
        frame[list(COUNTS)] = frame[list(COUNTS)].astype(np.int64)
        frame["unemployment_rate"] = frame["unemployed"] / frame["labour_force"]
        frame["job_finding_rate"] = frame["hires"] / frame["unemployed"]
        frame.insert(0, "seed", seed)
        frame.insert(0, "rep", rep)
        frame.insert(0, "scenario", name)
        frames.append(frame)
    columns = ["scenario", "rep", "seed", "month", "area", "labour_force", "employed",
               "unemployed", "long_term_unemployed", "unemployment_rate", "vacancies", "hires",
               "separations", "job_finding_rate", "firms", "firm_births", "firm_deaths",
               "firm_employment", "service_spend_eur", "clients_in_services",
               "municipal_benefit_cost_eur"]
    return pd.concat(frames, ignore_index=True)[columns]


def make_organisers(timeseries: pd.DataFrame, alliance: bool) -> pd.DataFrame:
    """Organiser finances derived from the time series: the region and each municipality."""
    rows = []
    for (name, rep, seed, month), group in timeseries.groupby(
        ["scenario", "rep", "seed", "month"], sort=True
    ):
        by_area = group.set_index("area")
        for organiser in (REGION_ORGANISER, *(m["name"] for m in MUNICIPALITIES)):
            is_region = organiser == REGION_ORGANISER
            area = by_area.loc[REGION_AREA if is_region else organiser]
            spend = float(area["service_spend_eur"]) * (0.6 if is_region else 0.4)
            member = alliance and organiser in MEMBERS
            overhead = spend * (0.07 if member else 0.12)
            benefit = 0.0 if is_region else float(area["municipal_benefit_cost_eur"])
            tax = 0.0 if is_region else float(area["employed"]) * 260.0
            gain_pain = (0.015 * spend if month % 3 == 0 else 0.0) if member else 0.0
            kra = (0.01 * spend if month % 12 == 0 and month else 0.0) if member else 0.0
            rows.append({
                "scenario": name, "rep": rep, "seed": seed, "month": month,
                "organiser": organiser, "kind": "region" if is_region else "municipality",
                "alliance": ALLIANCE if member else "", "budget_eur": spend * 1.1,
                "service_spend_eur": spend, "overhead_eur": overhead,
                "benefit_cost_eur": benefit, "tax_revenue_eur": tax,
                "gain_pain_eur": gain_pain, "kra_bonus_eur": kra,
                "net_eur": tax - spend - overhead - benefit + gain_pain + kra,
            })
    return pd.DataFrame(rows)


def make_providers(timeseries: pd.DataFrame, alliance: bool) -> pd.DataFrame:
    """Three providers, their clients and money, per month."""
    region = timeseries[timeseries["area"] == REGION_AREA]
    rows = []
    kinds = {"Valmennus Oy": "external", "Polku ry": "third_sector", "Kaupungin TYP": "own"}
    for _, r in region.iterrows():
        for i, (provider, kind) in enumerate(kinds.items()):
            clients = int(r["clients_in_services"] * (0.5, 0.2, 0.3)[i])
            revenue = clients * 620.0
            cost = revenue * 0.9
            rows.append({
                "scenario": r["scenario"], "rep": r["rep"], "seed": r["seed"],
                "month": r["month"], "provider": provider, "kind": kind, "active": True,
                "clients": clients, "revenue_eur": revenue, "cost_eur": cost,
                "margin_eur": revenue - cost, "gain_pain_eur": 0.01 * revenue * alliance,
                "kra_bonus_eur": 0.0, "quality": 0.5 + 0.1 * alliance,
            })
    return pd.DataFrame(rows)


def make_alliance(name: str, seeds: list[int], months: int) -> pd.DataFrame:
    """Alliance rows at quarter ends: phase, target cost and two KRAs."""
    rows = []
    for rep, seed in enumerate(seeds):
        for month in range(3, months + 1, 3):
            phase = "formation" if month <= 6 else "development" if month <= 12 else (
                "implementation")
            for kra, value in (("employment_rate", 0.70 + month / 1000),
                               ("long_term_share", 0.38 - month / 2000)):
                rows.append({
                    "scenario": name, "rep": rep, "seed": seed, "month": month,
                    "alliance": ALLIANCE, "phase": phase, "members": len(MEMBERS),
                    "target_cost_eur": 3.0e6, "actual_cost_eur": 2.9e6, "kra": kra,
                    "kra_value": value, "kra_minimum": 0.68, "kra_exceptional": 0.75,
                    "kra_score": min(1.0, month / months),
                    "event": "exit:Orivesi" if month == 12 else "",
                })
    return pd.DataFrame(rows)


def make_quintiles(name: str, seeds: list[int], alliance: bool) -> pd.DataFrame:
    """Outcomes by employability quintile; the alliance serves the lowest quintile more."""
    rows = []
    for rep, seed in enumerate(seeds):
        rng = np.random.default_rng(seed + 1000)
        for q in range(1, 6):
            rows.append({
                "scenario": name, "rep": rep, "seed": seed, "quintile": q, "persons": 27000,
                "employed_share": 0.70 + 0.05 * q + rng.normal(0, 0.005) + 0.01 * alliance,
                "ever_served_share": 0.25 + (0.04 if alliance else 0.07) * q
                + (0.1 * (q == 1) * alliance) + rng.normal(0, 0.01),
                "outcome_paid_share": (0.03 * q + rng.normal(0, 0.005)) if alliance else 0.0,
                "mean_months_unemployed": 14 - 2 * q + rng.normal(0, 0.3) - alliance,
            })
    return pd.DataFrame(rows)


def make_run_dir(path: Path, name: str, alliance: bool, seeds: list[int], months: int) -> Path:
    """Write a run directory with every table of the data contract."""
    path.mkdir(parents=True, exist_ok=True)
    ts = make_timeseries(name, seeds, months, alliance)
    ts.to_parquet(path / "timeseries.parquet", index=False)
    make_organisers(ts, alliance).to_parquet(path / "organisers.parquet", index=False)
    make_providers(ts, alliance).to_parquet(path / "providers.parquet", index=False)
    make_quintiles(name, seeds, alliance).to_parquet(path / "quintiles.parquet", index=False)
    if alliance:
        make_alliance(name, seeds, months).to_parquet(path / "alliance.parquet", index=False)
    summary = {"scenario": name, "seeds": list(seeds), "months": months}
    (path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    scenario = {"name": name, "description": f"synthetic {name}",
                "simulation": {"months": months}, "municipalities": list(MUNICIPALITIES)}
    (path / "scenario.toml").write_text(tomli_w.dumps(scenario), encoding="utf-8")
    return path


def _per_rep(ts: pd.DataFrame, metric: str, statistic: str) -> pd.DataFrame:
    months = int(ts["month"].max())
    rows = ts[ts["month"] == months] if statistic == "final" else ts[ts["month"] >= 1]
    return rows.groupby(["area", "rep"])[metric].mean().unstack("rep")


def make_compare_table(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """compare.csv from two scenarios' time series: paired differences with t CIs."""
    rows = []
    lower_better = {"unemployed", "long_term_unemployed", "unemployment_rate"}
    for metric in ("employed", "unemployed", "long_term_unemployed", "unemployment_rate",
                   "firm_employment", "vacancies"):
        for statistic in ("final", "mean"):
            va, vb = _per_rep(a, metric, statistic), _per_rep(b, metric, statistic)
            for area in va.index:
                diff = (vb.loc[area] - va.loc[area]).to_numpy(float)
                n = diff.size
                half = stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n)
                better = diff < 0 if metric in lower_better else diff > 0
                rows.append({
                    "metric": metric, "area": area, "statistic": statistic,
                    "a_mean": va.loc[area].mean(), "b_mean": vb.loc[area].mean(),
                    "diff_mean": diff.mean(), "diff_ci_low": diff.mean() - half,
                    "diff_ci_high": diff.mean() + half, "share_b_better": better.mean(),
                    "reps": n,
                })
    return pd.DataFrame(rows)


LEVER_WEIGHTS = {"pooled_budget": 0.20, "shared_vacancies": 0.25, "unified_referrals": 0.15,
                 "joint_office": 0.05, "outcome_payment": 0.12, "gain_pain_share": 0.03,
                 "joint_learning": 0.10, "joint_decisions": -0.02}


def make_decomposition(compare: pd.DataFrame) -> pd.DataFrame:
    """Lever contributions to the region's final employment difference (sum 88 % of it)."""
    total = compare.query("metric == 'employed' and statistic == 'final'")
    total = total[total["area"] == REGION_AREA]
    diff = float(total["diff_mean"].iloc[0])
    return pd.DataFrame([
        {"lever": lever, "metric": "employed", "contribution_mean": w * diff,
         "ci_low": w * diff - 0.3 * abs(diff) * 0.2, "ci_high": w * diff + 0.3 * abs(diff) * 0.2,
         "method": "one lever off at a time"}
        for lever, w in LEVER_WEIGHTS.items()
    ])


def make_payers(reps: int) -> pd.DataFrame:
    """payers.csv: each party's mean monthly net; the parties other than the public sector
    sum to zero in A, in B and in B − A."""
    a = {"state": 900_000.0, REGION_ORGANISER: -140_000.0, "Tampere": 610_000.0,
         "Kangasala": 80_000.0, "Orivesi": 12_000.0, "providers": 95_000.0,
         "persons": -1_600_000.0, "firms": 3_000.0, "administration": 40_000.0}
    diff = {"state": 6_000.0, REGION_ORGANISER: 9_500.0, "Tampere": 4_200.0,
            "Kangasala": 1_300.0, "Orivesi": -200.0, "providers": -21_000.0,
            "persons": 8_000.0, "firms": -300.0, "administration": -7_500.0}
    kinds = {"state": "state", "providers": "providers", "persons": "persons",
             "firms": "firms", "administration": "administration"}
    public = ("state", REGION_ORGANISER, *(m["name"] for m in MUNICIPALITIES))
    a["public_sector"] = sum(a[p] for p in public)
    diff["public_sector"] = sum(diff[p] for p in public)
    rows = [{"party": party, "kind": kinds.get(party, "organiser"), "a_mean": a[party],
             "b_mean": a[party] + diff[party], "diff_mean": diff[party],
             "diff_ci_low": diff[party] - 1_000.0, "diff_ci_high": diff[party] + 1_000.0,
             "reps": reps}
            for party in ("public_sector", *public, "providers", "persons", "firms",
                          "administration")]
    rows[0]["kind"] = "public_sector"
    return pd.DataFrame(rows)


def make_compare_dir(path: Path, reps: int = 3, months: int = 24,
                     decomposition: bool = True) -> Path:
    """Write a comparison directory: A and B run directories, compare.csv, compare.json and
    payers.csv."""
    seeds = [100 + i for i in range(reps)]
    make_run_dir(path / A_NAME, A_NAME, False, seeds, months)
    make_run_dir(path / B_NAME, B_NAME, True, seeds, months)
    a = pd.read_parquet(path / A_NAME / "timeseries.parquet")
    b = pd.read_parquet(path / B_NAME / "timeseries.parquet")
    compare = make_compare_table(a, b)
    compare.to_csv(path / "compare.csv", index=False)
    meta = {"a": A_NAME, "b": B_NAME, "reps": reps, "months": months, "seeds": seeds}
    (path / "compare.json").write_text(json.dumps(meta), encoding="utf-8")
    make_payers(reps).to_csv(path / "payers.csv", index=False)
    if decomposition:
        make_decomposition(compare).to_csv(path / "decomposition.csv", index=False)
    return path


def make_sensitivity_dir(path: Path) -> Path:
    """Write a sweep directory with only sensitivity.csv (Sobol S1 and ST)."""
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    rows = []
    for outcome in ("employed", "long_term_unemployed"):
        for parameter in ("matching.applications_per_month", "labour.separation_rate",
                          "firms.birth_rate", "alliance.outcome_share", "services.effect"):
            s1 = rng.uniform(0.0, 0.4)
            for index, value in (("S1", s1), ("ST", s1 + rng.uniform(0.0, 0.1))):
                rows.append({"outcome": outcome, "parameter": parameter, "index": index,
                             "value": value, "ci": rng.uniform(0.01, 0.05)})
    pd.DataFrame(rows).to_csv(path / "sensitivity.csv", index=False)
    return path
