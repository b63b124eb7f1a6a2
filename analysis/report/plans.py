"""The report's figures: which ones a result directory supports, and how to make each.

A :class:`FigurePlan` names a figure (its file stem), the tables it lacks, and a function
that draws it from :mod:`.figures` or :mod:`.impact`; :func:`plans_of` lists the plans of
a run, a comparison or a sweep directory (:mod:`.directories`), and :func:`make_figures`
draws those whose tables are present, with a note for each one skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.collect import REGION_AREA

from .decision import difference_figure, prim_figure, ranking_figure
from .directories import ComparisonDirectory, ResultDirectory, RunDirectory
from .figures import (
    beveridge_figure,
    business_figure,
    labour_market_figure,
    money_figure,
    quintile_figure,
)
from .i18n import capitalise, text
from .impact import (
    municipal_impact_figure,
    municipality_map_figure,
    sensitivity_figure,
    waterfall_figure,
)
from .style import MissingData, Source

IMPACT_METRICS = ("employed", "long_term_unemployed")
"""Metrics of compare.csv drawn as impact-by-municipality figures."""


@dataclass(frozen=True)
class FigurePlan:
    """One figure of the report: its file stem, what it lacks, and how to make it."""

    slug: str
    missing: tuple[str, ...]
    build: Callable[[], Figure]


def scenario_label(run: RunDirectory | None, name: str, lang: str) -> str:
    """``Kasvupalveluallianssi (pirkanmaa-alliance)``, or the name alone if the kind is unknown."""
    return f"{capitalise(text('kind_' + run.kind, lang))} ({name})" if run else name


def display_names(comparison: ComparisonDirectory, lang: str) -> dict[str, str]:
    """Legend labels of A and B: their kinds when these differ, else their names."""
    a, b = comparison.names
    if comparison.a and comparison.b and comparison.a.kind != comparison.b.kind:
        return {a: capitalise(text("kind_" + comparison.a.kind, lang)),
                b: capitalise(text("kind_" + comparison.b.kind, lang))}
    return {a: a, b: b}


def _lacking(run: RunDirectory | None, stem: str, where: str) -> list[str]:
    if run is not None and run.table(stem) is not None:
        return []
    return [f"{where}/{stem}.parquet" if where else f"{stem}.parquet"]


def run_plans(run: RunDirectory, lang: str) -> list[FigurePlan]:
    """The figures of a single run."""
    names = {run.name: scenario_label(run, run.name, lang)}
    ts, organisers, quintiles = (run.table(t) for t in ("timeseries", "organisers", "quintiles"))
    missing_ts = tuple(_lacking(run, "timeseries", ""))
    return [
        FigurePlan("labour", missing_ts, lambda: labour_market_figure(ts, lang, names=names)),
        FigurePlan("business", missing_ts, lambda: business_figure(ts, lang, names=names)),
        FigurePlan("beveridge", missing_ts, lambda: beveridge_figure(ts, lang, names=names)),
        FigurePlan("money", tuple(_lacking(run, "organisers", "")),
                   lambda: money_figure(organisers, lang, names=names)),
        FigurePlan("quintiles", tuple(_lacking(run, "quintiles", "")),
                   lambda: quintile_figure(quintiles, lang, names=names)),
        FigurePlan("map", missing_ts, lambda: _run_map(run, lang)),
    ]


def _run_map(run: RunDirectory, lang: str) -> Figure:
    ts = run.table("timeseries")
    last = ts[(ts["month"] == ts["month"].max()) & (ts["area"] != REGION_AREA)]
    rates = last.groupby("area")["unemployment_rate"].mean() * 100
    source = Source((run.name,), run.reps)
    return municipality_map_figure(run.municipalities, rates, lang, text("map_rate", lang), "%",
                                   source, diverging=False)


def comparison_plans(comparison: ComparisonDirectory, lang: str) -> list[FigurePlan]:
    """The figures of a comparison of two runs."""
    names = display_names(comparison, lang)
    a, b = comparison.names

    def lacking(stem: str) -> tuple[str, ...]:
        return (*_lacking(comparison.a, stem, a), *_lacking(comparison.b, stem, b))

    ts, organisers, quintiles = (comparison.both(t) for t in ("timeseries", "organisers",
                                                               "quintiles"))
    table, no_table = comparison.table, () if comparison.table is not None else ("compare.csv",)
    missing_ts = lacking("timeseries")
    plans = [
        FigurePlan("labour", missing_ts, lambda: labour_market_figure(ts, lang, names=names)),
        FigurePlan("business", missing_ts, lambda: business_figure(ts, lang, names=names)),
        FigurePlan("beveridge", missing_ts, lambda: beveridge_figure(ts, lang, names=names)),
    ]
    for metric in IMPACT_METRICS:
        plans.append(FigurePlan(f"impact-{metric}", no_table,
                                lambda m=metric: municipal_impact_figure(
                                    table, lang, (a, b), metric=m, names=names)))
    no_decomposition = () if comparison.decomposition is not None else ("decomposition.csv",)
    plans += [
        FigurePlan("waterfall", no_decomposition, lambda: waterfall_figure(
            comparison.decomposition, table, lang, (a, b), names=names)),
        FigurePlan("money", lacking("organisers"),
                   lambda: money_figure(organisers, lang, names=names)),
        FigurePlan("quintiles", lacking("quintiles"),
                   lambda: quintile_figure(quintiles, lang, names=names)),
        FigurePlan("map", no_table, lambda: _comparison_map(comparison, lang)),
    ]
    return plans


def _comparison_map(comparison: ComparisonDirectory, lang: str) -> Figure:
    runs = [r for r in (comparison.b, comparison.a) if r and r.municipalities is not None]
    if not runs:
        raise MissingData(text("note_no_munis", lang))
    places = runs[0].municipalities
    table = comparison.table
    rows = table[(table["metric"] == "employed") & (table["statistic"] == "final")]
    impact = rows.set_index("area")["diff_mean"]
    per_1000 = impact.reindex(places["name"]) / places.set_index("name")["population"] * 1000
    source = Source(comparison.names, comparison.reps)
    return municipality_map_figure(places, per_1000, lang, text("map_impact", lang),
                                   text("unit_per_1000", lang), source)


def plans_of(results: ResultDirectory, lang: str) -> list[FigurePlan]:
    """Every figure the directory could support, comparison first."""
    plans: list[FigurePlan] = []
    if results.comparison is not None:
        plans += comparison_plans(results.comparison, lang)
    elif results.run is not None:
        plans += run_plans(results.run, lang)
    if results.sensitivity is not None:
        plans.append(FigurePlan("sensitivity", (),
                                lambda: sensitivity_figure(results.sensitivity, lang)))
    if results.decision is not None:
        doc, table = results.decision
        no_table = () if table is not None else ("decision.parquet",)
        plans += [
            FigurePlan("decision-differences", no_table,
                       lambda: difference_figure(doc, table, lang)),
            FigurePlan("decision-prim", (), lambda: prim_figure(doc, lang)),
            FigurePlan("decision-uncertainties", (), lambda: ranking_figure(doc, lang)),
        ]
    return plans


def make_figures(plans: list[FigurePlan], lang: str) -> tuple[list[tuple[str, Figure]], list[str]]:
    """Build every plan whose tables are present; a note for each one skipped."""
    figures, notes = [], []
    for plan in plans:
        name = text("fig_" + plan.slug.split("-")[0], lang)
        if plan.missing:
            reason = text("note_missing", lang, what=", ".join(plan.missing))
            notes.append(text("note_skipped", lang, figure=name, reason=reason))
            continue
        try:
            figures.append((plan.slug, plan.build()))
        except MissingData as exc:
            notes.append(text("note_skipped", lang, figure=name, reason=str(exc)))
    return figures, notes
