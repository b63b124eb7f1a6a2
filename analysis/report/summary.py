"""The plain-language summary of a report: numbers computed from the tables, then sentences.

Every number in a summary comes from the result tables through the functions here, so tests
can check the sentences against the tables. Definitions:

- employment impact: compare.csv, metric ``employed``, area ``ALL``, statistic ``final``
  (difference B − A at the last month, mean over replications, with its 95 % CI);
- the municipality gaining most: the largest such ``diff_mean`` among municipalities;
- extra spending: service spend + overhead + gain/pain + KRA bonus (what the organisers pay
  out) summed over organisers and months 1..M, mean over replications, B − A;
- extra employed person-years: employed in ``ALL`` summed over months 1..M, divided by 12,
  mean over replications, B − A;
- cost per additional employed person-year: extra spending / extra person-years; not
  meaningful when the employment impact's CI includes 0 or lies below it, or when the extra
  person-years are not positive;
- each party's net (the payer table, :func:`payer_table`): payers.csv as it is, each
  party's mean monthly net over months 1..M in A and B and B − A with its 95 % CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.collect import REGION_AREA
from sim.organising.organisers import REGION_NAME

from .directories import ComparisonDirectory, RunDirectory
from .i18n import NBSP, capitalise, euros, label, number, percent, text
from .public_finance import PAYER_COLUMNS

OTHER_METRICS = ("long_term_unemployed", "unemployment_rate")
"""Metrics of compare.csv reported after employment, when present."""


@dataclass(frozen=True)
class Estimate:
    """A difference B − A: mean over replications and its 95 % confidence interval."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class ComparisonNumbers:
    """The numbers behind a comparison's summary (None where the tables lack them)."""

    a: str
    b: str
    months: int
    reps: int
    employed: Estimate | None
    best_area: str | None = None
    best_diff: float | None = None
    extra_spend_eur: float | None = None
    extra_person_years: float | None = None
    cost_per_person_year_eur: float | None = None
    cost_status: str = "missing"
    """``ok``, ``saving`` (B spends less), ``not_meaningful`` or ``missing``."""
    others: dict[str, Estimate] = field(default_factory=dict)


def compare_estimate(
    table: pd.DataFrame | None, metric: str, area: str = REGION_AREA, statistic: str = "final"
) -> Estimate | None:
    """The row of compare.csv for ``metric``, ``area`` and ``statistic`` as an Estimate."""
    if table is None:
        return None
    rows = table[
        (table["metric"] == metric) & (table["area"] == area) & (table["statistic"] == statistic)
    ]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Estimate(float(row["diff_mean"]), float(row["diff_ci_low"]), float(row["diff_ci_high"]))


def best_municipality(table: pd.DataFrame | None) -> tuple[str, float] | None:
    """The municipality with the largest final employment difference, and that difference."""
    if table is None:
        return None
    rows = table[
        (table["metric"] == "employed")
        & (table["statistic"] == "final")
        & (table["area"] != REGION_AREA)
    ]
    if rows.empty:
        return None
    row = rows.loc[rows["diff_mean"].idxmax()]
    return str(row["area"]), float(row["diff_mean"])


SPENDING = ("service_spend_eur", "overhead_eur", "gain_pain_eur", "kra_bonus_eur")
"""What organisers pay out: services (transfers included), overhead, and an alliance's
gain/pain (limb 3, negative when providers pay pain back) and KRA bonus."""


def organiser_spending(organisers: pd.DataFrame) -> float:
    """:data:`SPENDING` over organisers and months 1..M, mean over replications.

    Tables of older results without the alliance columns count services and overhead.
    """
    rows = organisers[organisers["month"] >= 1]
    spend = sum(rows[c] for c in SPENDING if c in rows.columns)
    return float(spend.groupby(rows["rep"]).sum().mean())


def employed_person_years(timeseries: pd.DataFrame) -> float:
    """Employed persons in the region summed over months 1..M / 12, mean over replications."""
    rows = timeseries[(timeseries["area"] == REGION_AREA) & (timeseries["month"] >= 1)]
    return float(rows.groupby("rep")["employed"].sum().mean() / 12.0)


def cost_status(employed: Estimate | None, spend: float | None, years: float | None) -> str:
    """Whether a cost per additional employed person-year can be stated, and how."""
    if employed is None or spend is None or years is None:
        return "missing"
    if employed.low <= 0 or employed.mean <= 0 or years <= 0:
        return "not_meaningful"
    return "saving" if spend < 0 else "ok"


def _difference(comparison: ComparisonDirectory, table: str, measure) -> float | None:
    a = comparison.a.table(table) if comparison.a else None
    b = comparison.b.table(table) if comparison.b else None
    if a is None or b is None:
        return None
    return measure(b) - measure(a)


def comparison_numbers(comparison: ComparisonDirectory) -> ComparisonNumbers:
    """Every number of a comparison's summary, from its tables."""
    a, b = comparison.names
    months = comparison_months(comparison)
    employed = compare_estimate(comparison.table, "employed")
    best = best_municipality(comparison.table)
    spend = _difference(comparison, "organisers", organiser_spending)
    years = _difference(comparison, "timeseries", employed_person_years)
    status = cost_status(employed, spend, years)
    others = {
        metric: estimate
        for metric in OTHER_METRICS
        if (estimate := compare_estimate(comparison.table, metric)) is not None
    }
    return ComparisonNumbers(
        a=a,
        b=b,
        months=months,
        reps=comparison.reps,
        employed=employed,
        best_area=best[0] if best else None,
        best_diff=best[1] if best else None,
        extra_spend_eur=spend,
        extra_person_years=years,
        cost_per_person_year_eur=spend / years if status in ("ok", "saving") else None,
        cost_status=status,
        others=others,
    )


def comparison_months(comparison: ComparisonDirectory) -> int:
    """Months after month 0: compare.json's, else the last month of a time series (or 0)."""
    if comparison.meta.get("months"):
        return int(comparison.meta["months"])
    for run in (comparison.a, comparison.b):
        if run is not None and run.table("timeseries") is not None:
            return int(run.table("timeseries")["month"].max())
    return 0


@dataclass(frozen=True)
class PayerTable:
    """The report's table of each party's net: its introduction, column heads and rows.

    Attributes:
        intro: The sentence above the table.
        header: The column heads: party, A, B, B − A, the CI.
        rows: Per party whether it is part of the public sector (the state and the
            organisers, shown indented under it) and its cells.
    """

    intro: str
    header: tuple[str, ...]
    rows: list[tuple[bool, tuple[str, ...]]]


def party_label(party: str, kind: str, lang: str) -> str:
    """An organiser by its name (the region as ``maakunta``/``region``), others by kind."""
    if kind == "organiser":
        return text("region", lang) if party == REGION_NAME else party
    return text(f"party_{kind}", lang)


def _money(value: float, lang: str, signed: bool = False) -> str:
    return "–" if pd.isna(value) else euros(value, lang, signed=signed)


def payer_table(
    comparison: ComparisonDirectory, lang: str, labels: tuple[str, str]
) -> PayerTable | None:
    """Each party's net from payers.csv, or None when the directory has none (older runs).

    Args:
        comparison: The comparison directory.
        lang: ``fi`` or ``en``.
        labels: How A and B are named in the column heads.
    """
    payers = comparison.payers
    if payers is None or payers.empty or not set(PAYER_COLUMNS) <= set(payers.columns):
        return None
    scenarios = (text("payers_scenario", lang, which=which, name=name)
                 for which, name in zip("AB", labels, strict=True))
    header = (text("payers_party", lang), *scenarios, text("payers_diff", lang),
              text("payers_ci", lang))
    rows = []
    for row in payers.itertuples(index=False):
        ci = text("ci_range", lang, low=_money(row.diff_ci_low, lang),
                  high=_money(row.diff_ci_high, lang))
        rows.append((row.kind in ("state", "organiser"), (
            capitalise(party_label(str(row.party), str(row.kind), lang)),
            _money(row.a_mean, lang), _money(row.b_mean, lang),
            _money(row.diff_mean, lang, signed=True), ci)))
    intro = text("payers_intro", lang, months=comparison_months(comparison),
                 reps=int(payers["reps"].max()))
    return PayerTable(intro, header, rows)


def period(months: int, lang: str) -> str:
    """``5 vuoden aikana`` / ``In 5 years,`` (or months when not whole years)."""
    if months == 12:
        return text("period_one_year", lang)
    if months and months % 12 == 0:
        return text("period_years", lang, n=months // 12)
    return text("period_months", lang, n=months)


def _signed_persons(value: float, lang: str) -> str:
    return number(value, lang, 0, signed=True)


def _estimate_text(metric: str, estimate: Estimate, lang: str) -> str:
    """A sentence on one more metric of compare.csv, e.g. long-term unemployment."""
    if metric.endswith("_rate"):
        unit = f"{NBSP}%-yks." if lang == "fi" else f"{NBSP}pp"

        def fmt(value: float, signed: bool = False) -> str:
            return number(100 * value, lang, 2, signed) + unit
    else:

        def fmt(value: float, signed: bool = False) -> str:
            return number(value, lang, 0, signed)

    return text("sum_other", lang, metric=capitalise(label(metric, lang)),
                diff=fmt(estimate.mean, True), low=fmt(estimate.low), high=fmt(estimate.high))


def comparison_sentences(
    numbers: ComparisonNumbers, lang: str, subjects: tuple[str, str], labels: tuple[str, str]
) -> list[str]:
    """The summary of a comparison in plain language.

    Args:
        numbers: From :func:`comparison_numbers`.
        lang: ``fi`` or ``en``.
        subjects: How A and B are named inside a sentence (``erillinen toiminta``...).
        labels: How A and B are introduced, with their scenario names.
    """
    a, b = subjects
    out = [text("compared", lang, a=labels[0], b=labels[1], reps=numbers.reps,
                months=numbers.months)]
    est = numbers.employed
    if est is not None:
        verb = text("verb_up" if est.mean >= 0 else "verb_down", lang)
        out.append(capitalise(text(
            "sum_employment", lang, period=period(numbers.months, lang), b=b, a=a, verb=verb,
            diff=number(abs(est.mean), lang), low=number(est.low, lang),
            high=number(est.high, lang))))
        if est.low <= 0 <= est.high:
            out.append(text("sum_unclear", lang))
    if numbers.best_area is not None:
        key = "sum_best" if numbers.best_diff > 0 else "sum_best_none"
        out.append(text(key, lang, area=numbers.best_area,
                        diff=_signed_persons(numbers.best_diff, lang)))
    for metric, estimate in numbers.others.items():
        out.append(_estimate_text(metric, estimate, lang))
    if numbers.cost_status == "ok":
        out.append(text("sum_cost", lang, cost=euros(numbers.cost_per_person_year_eur, lang),
                        spend=euros(numbers.extra_spend_eur, lang),
                        years=number(numbers.extra_person_years, lang)))
    elif numbers.cost_status == "saving":
        out.append(capitalise(text("sum_cost_saving", lang, a=a, b=b,
                                   spend=euros(-numbers.extra_spend_eur, lang))))
    elif numbers.cost_status == "not_meaningful":
        out.append(text("sum_cost_nm", lang))
    return out


@dataclass(frozen=True)
class RunNumbers:
    """The numbers behind a single run's summary (region, means over replications)."""

    scenario: str
    reps: int
    months: int
    employed_start: float
    employed_end: float
    rate_start: float
    rate_end: float
    long_term_end: float
    worst_area: str | None
    worst_rate: float | None


def run_numbers(run: RunDirectory) -> RunNumbers | None:
    """The region's employment and unemployment at month 0 and the last month."""
    ts = run.table("timeseries")
    if ts is None:
        return None
    months = int(ts["month"].max())
    first = ts[ts["month"] == ts["month"].min()]
    last = ts[ts["month"] == months]
    region0, region1 = first[first["area"] == REGION_AREA], last[last["area"] == REGION_AREA]
    areas = last[last["area"] != REGION_AREA].groupby("area")["unemployment_rate"].mean()
    return RunNumbers(
        scenario=run.name,
        reps=int(ts["rep"].nunique()),
        months=months,
        employed_start=float(region0["employed"].mean()),
        employed_end=float(region1["employed"].mean()),
        rate_start=float(region0["unemployment_rate"].mean()),
        rate_end=float(region1["unemployment_rate"].mean()),
        long_term_end=float(region1["long_term_unemployed"].mean()),
        worst_area=str(areas.idxmax()) if not areas.empty else None,
        worst_rate=float(areas.max()) if not areas.empty else None,
    )


def run_sentences(numbers: RunNumbers, lang: str) -> list[str]:
    """The summary of a single run in plain language."""
    out = [
        capitalise(text("sum_run", lang, period=period(numbers.months, lang),
                        start=number(numbers.employed_start, lang),
                        end=number(numbers.employed_end, lang), scenario=numbers.scenario,
                        reps=numbers.reps)),
        text("sum_run_rate", lang, start=percent(numbers.rate_start, lang),
             end=percent(numbers.rate_end, lang), ltu=number(numbers.long_term_end, lang)),
    ]
    if numbers.worst_area is not None:
        out.append(text("sum_run_worst", lang, area=numbers.worst_area,
                        rate=percent(numbers.worst_rate, lang)))
    return out


def sensitivity_sentences(table: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per outcome: the parameter with the largest index value."""
    out = []
    for outcome, rows in table.groupby("outcome", sort=False):
        top = rows.loc[rows["value"].idxmax()]
        out.append(text("sum_sensitivity", lang, outcome=capitalise(label(str(outcome), lang)),
                        parameter=top["parameter"], index=top["index"],
                        value=number(top["value"], lang, 2), ci=number(top["ci"], lang, 2)))
    return out
