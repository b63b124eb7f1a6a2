"""``kasvu report DIR``: every figure a result directory supports, and one HTML report.

:func:`write_report` reads a run, a comparison or a sweep directory (see
:mod:`.directories`), makes each figure whose tables are present (:mod:`.plans`; the ones
it skips are noted), writes them as PNG/SVG/PDF files, and writes one self-contained HTML
page (figures embedded as base64 PNG) with a plain-language summary computed from the
tables (:mod:`.summary`). The files go through an
:class:`~analysis.outputs.Output`: the directory is checked before any figure is
made, and a report in one language replaces only that language's files.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING

from ..outputs import Output, Writer, text_writer
from .decision import decision_sentences
from .directories import ComparisonDirectory, NoResults, ResultDirectory, read_result_directory
from .i18n import text
from .plans import make_figures, plans_of, scenario_label
from .style import png_bytes, save_figure
from .summary import (
    PayerTable,
    comparison_numbers,
    comparison_sentences,
    payer_table,
    run_numbers,
    run_sentences,
    sensitivity_sentences,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
"""Figure formats ``kasvu report --format`` accepts."""


class ReportError(ValueError):
    """The report cannot be made: no results, or bad options."""


def parse_formats(spec: str) -> tuple[str, ...]:
    """``png,svg`` → ``("png", "svg")``; ReportError on an unknown format."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in spec.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(
            f"--format: unknown format {', '.join(unknown) or spec!r}; use {','.join(FORMATS)}"
        )
    return formats


def _subjects(comparison: ComparisonDirectory, lang: str) -> tuple[str, str]:
    a, b = comparison.names
    if comparison.a and comparison.b and comparison.a.kind != comparison.b.kind:
        return tuple(text("subject_" + run.kind, lang) for run in (comparison.a, comparison.b))
    return a, b


def _labels(comparison: ComparisonDirectory, lang: str) -> tuple[str, str]:
    a, b = comparison.names
    return scenario_label(comparison.a, a, lang), scenario_label(comparison.b, b, lang)


def summary_of(results: ResultDirectory, lang: str) -> list[str]:
    """The plain-language summary of whatever the directory holds."""
    sentences: list[str] = []
    comparison = results.comparison
    if comparison is not None:
        labels = _labels(comparison, lang)
        numbers = comparison_numbers(comparison)
        sentences += comparison_sentences(numbers, lang, _subjects(comparison, lang), labels)
    elif results.run is not None and (numbers := run_numbers(results.run)) is not None:
        sentences += run_sentences(numbers, lang)
    if results.sensitivity is not None and not results.sensitivity.empty:
        sentences += sensitivity_sentences(results.sensitivity, lang)
    if results.decision is not None:
        sentences += decision_sentences(results.decision[0], lang)
    return sentences


def payers_of(results: ResultDirectory, lang: str) -> PayerTable | None:
    """Each party's net of a comparison (payers.csv), or None without one."""
    comparison = results.comparison
    return None if comparison is None else payer_table(comparison, lang,
                                                       _labels(comparison, lang))


def render_html(
    title: str, summary: list[str], images: list[tuple[str, str, bytes]], notes: list[str],
    lang: str, source_dir: Path, payers: PayerTable | None = None,
) -> str:
    """A self-contained HTML page: summary, each party's net, figures as base64 PNG, notes.

    Args:
        title: The page's title.
        summary: Sentences of the plain-language summary.
        images: Per figure its title, the name of its file and its PNG bytes.
        notes: Figures skipped and why.
        lang: ``fi`` or ``en``.
        source_dir: The result directory, named on the page.
        payers: The table of each party's net, if the directory has one.
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
    if payers is not None:
        parts += _payers_html(payers, lang)
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


def _payers_html(payers: PayerTable, lang: str) -> list[str]:
    """The section of each party's net: a heading, its introduction and the table."""
    esc = html.escape
    head = "".join(f"<th>{esc(cell)}</th>" for cell in payers.header)
    rows = [
        ('<tr class="part">' if part else "<tr>")
        + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>"
        for part, cells in payers.rows
    ]
    return [f'<h2>{esc(text("report_payers", lang))}</h2>',
            f'<p class="intro">{esc(payers.intro)}</p>',
            f'<table class="payers"><thead><tr>{head}</tr></thead><tbody>', *rows,
            "</tbody></table>"]


_CSS = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;"
    "padding:0 1em;color:#222;line-height:1.5}"
    "h1{font-size:1.8em}.meta{color:#666}.summary p{font-size:1.2em;margin:.5em 0}"
    "figure{margin:2em 0}img{width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{color:#555;margin-top:.3em}.notes{color:#555}"
    ".payers{border-collapse:collapse}.payers th,.payers td{padding:.2em .8em;"
    "border-bottom:1px solid #ddd}.payers td+td{text-align:right;white-space:nowrap}"
    ".payers tr.part td:first-child{padding-left:2em}"
)


def write_report(
    directory: Path, lang: str = "fi", formats: tuple[str, ...] = ("png",),
    out: Path | None = None, *, overwrite: bool = False,
) -> tuple[Path, list[str]]:
    """Make the figures and the HTML report of ``directory``.

    Figures go to ``out`` (default ``directory/report``) as ``SLUG-LANG.FORMAT``; the page is
    ``report-LANG.html`` there. An earlier report there is replaced in this language; its
    files in the other language are kept.

    Args:
        directory: a run, comparison or sweep directory.
        lang: ``fi`` or ``en``.
        formats: figure formats (:func:`parse_formats`).
        out: the report's directory.
        overwrite: write into an ``out`` that is not empty and not an earlier report,
            keeping the files the report does not write.

    Returns:
        The HTML page's path and the notes on skipped figures.

    Raises:
        ReportError: ``directory`` holds no results.
        OutputError: ``out`` may not or cannot be written (no figure has been made).
        ResultNotWritten: a file cannot be written; ``out`` is as it was.
    """
    try:
        results = read_result_directory(directory)
    except NoResults as exc:
        raise ReportError(str(exc)) from exc
    out = Path(out) if out is not None else Path(directory) / "report"
    with Output(out, "report", overwrite=overwrite,
                replaces=lambda name: Path(name).stem.endswith(f"-{lang}")) as output:
        figures, notes = make_figures(plans_of(results, lang), lang)
        images, files = [], {}
        for slug, fig in figures:
            png = png_bytes(fig)
            for fmt in formats:
                files[f"{slug}-{lang}.{fmt}"] = _figure_writer(fig, fmt, png)
            images.append((fig.kasvu_title, f"{slug}-{lang}.{formats[0]}", png))
        page = render_html(text("report_title", lang), summary_of(results, lang), images,
                           notes, lang, Path(directory), payers_of(results, lang))
        files[f"report-{lang}.html"] = text_writer(page)
        output.write(files)
    return out / f"report-{lang}.html", notes


def _figure_writer(fig: Figure, fmt: str, png: bytes) -> Writer:
    """Writes the figure's PNG bytes as they are, or saves it in another format."""
    if fmt == "png":
        return lambda path: path.write_bytes(png)
    return lambda path: save_figure(fig, path)
