"""``kasvu report DIR``: every figure a result directory supports, and one HTML report.

The report reads a run, a comparison or a sweep directory (see :mod:`analysis.results`),
makes each figure whose tables are present (and notes the ones it skips), writes them as
PNG/SVG/PDF files, and writes one self-contained HTML page (figures embedded as base64 PNG)
with a plain-language summary computed from the tables (:mod:`analysis.summary`).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from .figstyle import MissingData, Source, png_bytes, save_figure
from .figures import (
    beveridge_figure,
    business_figure,
    labour_market_figure,
    money_figure,
    quintile_figure,
)
from .figures_impact import (
    municipal_impact_figure,
    municipality_map_figure,
    sensitivity_figure,
    waterfall_figure,
)
from .i18n import capitalise, text
from .results import Comparison, NoResults, Results, Run, read_results
from .summary import (
    comparison_numbers,
    comparison_sentences,
    run_numbers,
    run_sentences,
    sensitivity_sentences,
)

FORMATS = ("png", "svg", "pdf")
IMPACT_METRICS = ("employed", "long_term_unemployed")
"""Metrics of compare.csv drawn as impact-by-municipality figures."""


class ReportError(ValueError):
    """The report cannot be made: no results, or bad options."""


@dataclass(frozen=True)
class Plan:
    """One figure of the report: its file stem, what it lacks, and how to make it."""

    slug: str
    missing: tuple[str, ...]
    build: Callable[[], Figure]


def parse_formats(spec: str) -> tuple[str, ...]:
    """``png,svg`` → ``("png", "svg")``; ReportError on an unknown format."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in spec.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(
            f"--format: unknown format {', '.join(unknown) or spec!r}; use {','.join(FORMATS)}"
        )
    return formats


def scenario_label(run: Run | None, name: str, lang: str) -> str:
    """``Kasvupalveluallianssi (pirkanmaa-alliance)``, or the name alone if the kind is unknown."""
    return f"{capitalise(text('kind_' + run.kind, lang))} ({name})" if run else name


def display_names(comparison: Comparison, lang: str) -> dict[str, str]:
    """Legend labels of A and B: their kinds when these differ, else their names."""
    a, b = comparison.names
    if comparison.a and comparison.b and comparison.a.kind != comparison.b.kind:
        return {a: capitalise(text("kind_" + comparison.a.kind, lang)),
                b: capitalise(text("kind_" + comparison.b.kind, lang))}
    return {a: a, b: b}


def _subjects(comparison: Comparison, lang: str) -> tuple[str, str]:
    a, b = comparison.names
    if comparison.a and comparison.b and comparison.a.kind != comparison.b.kind:
        return tuple(text("subject_" + run.kind, lang) for run in (comparison.a, comparison.b))
    return a, b


def _lacking(run: Run | None, stem: str, where: str) -> list[str]:
    if run is not None and run.table(stem) is not None:
        return []
    return [f"{where}/{stem}.parquet" if where else f"{stem}.parquet"]


def run_plans(run: Run, lang: str) -> list[Plan]:
    """The figures of a single run."""
    names = {run.name: scenario_label(run, run.name, lang)}
    ts, organisers, quintiles = (run.table(t) for t in ("timeseries", "organisers", "quintiles"))
    missing_ts = tuple(_lacking(run, "timeseries", ""))
    return [
        Plan("labour", missing_ts, lambda: labour_market_figure(ts, lang, names=names)),
        Plan("business", missing_ts, lambda: business_figure(ts, lang, names=names)),
        Plan("beveridge", missing_ts, lambda: beveridge_figure(ts, lang, names=names)),
        Plan("money", tuple(_lacking(run, "organisers", "")),
             lambda: money_figure(organisers, lang, names=names)),
        Plan("quintiles", tuple(_lacking(run, "quintiles", "")),
             lambda: quintile_figure(quintiles, lang, names=names)),
        Plan("map", missing_ts, lambda: _run_map(run, lang)),
    ]


def _run_map(run: Run, lang: str) -> Figure:
    ts = run.table("timeseries")
    last = ts[(ts["month"] == ts["month"].max()) & (ts["area"] != "ALL")]
    rates = last.groupby("area")["unemployment_rate"].mean() * 100
    source = Source((run.name,), run.reps)
    return municipality_map_figure(run.municipalities, rates, lang, text("map_rate", lang), "%",
                                   source, diverging=False)


def comparison_plans(comparison: Comparison, lang: str) -> list[Plan]:
    """The figures of a comparison of two runs."""
    names = display_names(comparison, lang)
    a, b = comparison.names

    def lacking(stem: str) -> tuple[str, ...]:
        return (*_lacking(comparison.a, stem, a), *_lacking(comparison.b, stem, b))

    ts, organisers, quintiles = (comparison.both(t) for t in ("timeseries", "organisers",
                                                               "quintiles"))
    table, no_table = comparison.table, () if comparison.table is not None else ("compare.csv",)
    plans = [
        Plan("labour", lacking("timeseries"), lambda: labour_market_figure(ts, lang, names=names)),
        Plan("business", lacking("timeseries"), lambda: business_figure(ts, lang, names=names)),
        Plan("beveridge", lacking("timeseries"), lambda: beveridge_figure(ts, lang, names=names)),
    ]
    for metric in IMPACT_METRICS:
        plans.append(Plan(f"impact-{metric}", no_table, lambda m=metric: municipal_impact_figure(
            table, lang, (a, b), metric=m, names=names)))
    no_decomposition = () if comparison.decomposition is not None else ("decomposition.csv",)
    plans += [
        Plan("waterfall", no_decomposition, lambda: waterfall_figure(
            comparison.decomposition, table, lang, (a, b), names=names)),
        Plan("money", lacking("organisers"), lambda: money_figure(organisers, lang, names=names)),
        Plan("quintiles", lacking("quintiles"),
             lambda: quintile_figure(quintiles, lang, names=names)),
        Plan("map", no_table, lambda: _comparison_map(comparison, lang)),
    ]
    return plans


def _comparison_map(comparison: Comparison, lang: str) -> Figure:
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


def plans_of(results: Results, lang: str) -> list[Plan]:
    """Every figure the directory could support, comparison first."""
    plans: list[Plan] = []
    if results.comparison is not None:
        plans += comparison_plans(results.comparison, lang)
    elif results.run is not None:
        plans += run_plans(results.run, lang)
    if results.sensitivity is not None:
        plans.append(Plan("sensitivity", (), lambda: sensitivity_figure(results.sensitivity, lang)))
    return plans


def summary_of(results: Results, lang: str) -> list[str]:
    """The plain-language summary of whatever the directory holds."""
    sentences: list[str] = []
    comparison = results.comparison
    if comparison is not None:
        a, b = comparison.names
        labels = (scenario_label(comparison.a, a, lang), scenario_label(comparison.b, b, lang))
        numbers = comparison_numbers(comparison)
        sentences += comparison_sentences(numbers, lang, _subjects(comparison, lang), labels)
    elif results.run is not None and (numbers := run_numbers(results.run)) is not None:
        sentences += run_sentences(numbers, lang)
    if results.sensitivity is not None and not results.sensitivity.empty:
        sentences += sensitivity_sentences(results.sensitivity, lang)
    return sentences


def make_figures(plans: list[Plan], lang: str) -> tuple[list[tuple[str, Figure]], list[str]]:
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


def render_html(
    title: str, summary: list[str], images: list[tuple[str, str, bytes]], notes: list[str],
    lang: str, source_dir: Path,
) -> str:
    """A self-contained HTML page: summary, figures as base64 PNG, notes.

    Args:
        title: The page's title.
        summary: Sentences of the plain-language summary.
        images: Per figure its title, the name of its file and its PNG bytes.
        notes: Figures skipped and why.
        lang: ``fi`` or ``en``.
        source_dir: The result directory, named on the page.
    """
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(text("report_generated", lang, path=source_dir))}</p>',
        f'<h2>{esc(text("report_summary", lang))}</h2><div class="summary">',
        *(f"<p>{esc(sentence)}</p>" for sentence in summary),
        "</div>",
    ]
    if images:
        parts.append(f'<h2>{esc(text("report_figures", lang))}</h2>')
    for caption, filename, png in images:
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{data}">'
                     f"<figcaption>{esc(filename)}</figcaption></figure>")
    if notes:
        parts.append(f'<h2>{esc(text("report_notes", lang))}</h2><ul class="notes">')
        parts += [f"<li>{esc(note)}</li>" for note in notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_CSS = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;"
    "padding:0 1em;color:#222;line-height:1.5}"
    "h1{font-size:1.8em}.meta{color:#666}.summary p{font-size:1.2em;margin:.5em 0}"
    "figure{margin:2em 0}img{width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{color:#555;margin-top:.3em}.notes{color:#555}"
)


def write_report(
    directory: Path, lang: str = "fi", formats: tuple[str, ...] = ("png",), out: Path | None = None
) -> tuple[Path, list[str]]:
    """Make the figures and the HTML report of ``directory``.

    Figures go to ``out`` (default ``directory/report``) as ``SLUG-LANG.FORMAT``; the page is
    ``report-LANG.html`` there.

    Returns:
        The HTML page's path and the notes on skipped figures.

    Raises:
        ReportError: ``directory`` holds no results.
    """
    try:
        results = read_results(directory)
    except NoResults as exc:
        raise ReportError(str(exc)) from exc
    out = Path(out) if out is not None else Path(directory) / "report"
    figures, notes = make_figures(plans_of(results, lang), lang)
    images = []
    out.mkdir(parents=True, exist_ok=True)
    for slug, fig in figures:
        png = png_bytes(fig)
        for fmt in formats:
            path = out / f"{slug}-{lang}.{fmt}"
            path.write_bytes(png) if fmt == "png" else save_figure(fig, path)
        images.append((fig.kasvu_title, f"{slug}-{lang}.{formats[0]}", png))
    page = render_html(text("report_title", lang), summary_of(results, lang), images,
                       notes, lang, Path(directory))
    path = out / f"report-{lang}.html"
    path.write_text(page, encoding="utf-8")
    return path, notes
