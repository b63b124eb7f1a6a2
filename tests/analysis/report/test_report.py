"""Reports: figures and HTML from run, comparison and sweep directories.

The summary's numbers are recomputed here straight from the fixture's tables.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from report_fixtures import A_NAME, B_NAME, make_compare_dir, make_run_dir, make_sensitivity_dir

from analysis.report import ReportError, parse_formats, write_report
from analysis.report.directories import read_result_directory
from analysis.report.i18n import capitalise, euros, number, text
from analysis.report.page import summary_of
from analysis.report.summary import (
    Estimate,
    comparison_numbers,
    cost_status,
    party_label,
    run_numbers,
)
from sim.collect import REGION_AREA

SEEDS = [100, 101, 102]


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory):
    return make_compare_dir(tmp_path_factory.mktemp("cmp"), reps=3, months=24)


def _spending(run_dir):
    organisers = pd.read_parquet(run_dir / "organisers.parquet")
    rows = organisers[organisers["month"] >= 1]
    per_rep = rows.groupby("rep").apply(
        lambda r: (r["service_spend_eur"] + r["overhead_eur"] + r["gain_pain_eur"]
                   + r["kra_bonus_eur"]).sum(), include_groups=False
    )
    return per_rep.mean()


def _person_years(run_dir):
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    rows = ts[(ts["area"] == REGION_AREA) & (ts["month"].between(1, ts["month"].max()))]
    return rows.groupby("rep")["employed"].sum().mean() / 12


def test_comparison_numbers_equal_the_tables(compare_dir):
    numbers = comparison_numbers(read_result_directory(compare_dir).comparison)
    compare = pd.read_csv(compare_dir / "compare.csv")
    row = compare.query(
        f"metric == 'employed' and area == '{REGION_AREA}' and statistic == 'final'").iloc[0]
    assert numbers.employed.mean == pytest.approx(row["diff_mean"])
    assert numbers.employed.low == pytest.approx(row["diff_ci_low"])
    assert numbers.employed.high == pytest.approx(row["diff_ci_high"])
    munis = compare.query("metric == 'employed' and statistic == 'final'")
    munis = munis[munis["area"] != REGION_AREA]
    best = munis.loc[munis["diff_mean"].idxmax()]
    assert numbers.best_area == best["area"]
    assert numbers.best_diff == pytest.approx(best["diff_mean"])
    assert numbers.best_area == "Tampere"
    spend = _spending(compare_dir / B_NAME) - _spending(compare_dir / A_NAME)
    years = _person_years(compare_dir / B_NAME) - _person_years(compare_dir / A_NAME)
    assert numbers.extra_spend_eur == pytest.approx(spend)
    assert numbers.extra_person_years == pytest.approx(years)
    assert numbers.cost_status == "ok"
    assert numbers.cost_per_person_year_eur == pytest.approx(spend / years)
    assert (numbers.a, numbers.b, numbers.reps, numbers.months) == (A_NAME, B_NAME, 3, 24)


@pytest.fixture(scope="module")
def reports(compare_dir, tmp_path_factory):
    """The comparison's report in both languages: {lang: (page, notes, out dir)}."""
    made = {}
    for lang, formats in (("fi", ("png", "svg")), ("en", ("png",))):
        out = tmp_path_factory.mktemp(f"report-{lang}")
        page, notes = write_report(compare_dir, lang, formats, out)
        made[lang] = (page, notes, out)
    return made


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_summary_sentences_show_the_tables_numbers(compare_dir, reports, lang):
    html_path, notes, out = reports[lang]
    assert html_path == out / f"report-{lang}.html" and notes == []
    page = html_path.read_text(encoding="utf-8")
    numbers = comparison_numbers(read_result_directory(compare_dir).comparison)
    summary = " ".join(re.findall(r"<p>(.*?)</p>", page))
    assert number(abs(numbers.employed.mean), lang) in summary
    assert number(numbers.employed.low, lang) in summary
    assert number(numbers.employed.high, lang) in summary
    assert "Tampere" in summary
    assert euros(numbers.cost_per_person_year_eur, lang) in summary
    assert euros(numbers.extra_spend_eur, lang) in summary
    assert number(numbers.extra_person_years, lang) in summary
    if lang == "fi":
        assert "kasvupalveluallianssi lisää maakunnan työllisiä" in summary
        assert "erillinen toiminta" in summary
        assert "2 vuoden aikana" in summary
    else:
        assert "the growth-services alliance raises employment" in summary


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_report_shows_each_partys_net_from_payers_csv(compare_dir, reports, lang):
    page = reports[lang][0].read_text(encoding="utf-8")
    payers = pd.read_csv(compare_dir / "payers.csv")
    assert f"<h2>{text('report_payers', lang)}</h2>" in page
    table = page[page.index('<table class="payers">'):page.index("</table>")]
    rows = re.findall(r"<tr( class=\"part\")?>(.*?)</tr>", table)
    assert len(rows) == len(payers) + 1, "a head and one row per party"
    for (part, cells), party in zip(rows[1:], payers.itertuples(), strict=True):
        cells = re.findall(r"<td>(.*?)</td>", cells)
        assert cells[1:4] == [euros(party.a_mean, lang), euros(party.b_mean, lang),
                              euros(party.diff_mean, lang, signed=True)]
        assert cells[4] == text("ci_range", lang, low=euros(party.diff_ci_low, lang),
                                high=euros(party.diff_ci_high, lang))
        assert bool(part) == (party.kind in ("state", "organiser"))
    labels = [re.findall(r"<td>(.*?)</td>", cells)[0] for _, cells in rows[1:]]
    assert labels[:3] == [capitalise(text("party_public_sector", lang)),
                          capitalise(text("party_state", lang)), "Pirkanmaa"]
    assert capitalise(text("party_providers", lang)) in labels
    assert party_label("region", "organiser", lang) == text("region", lang)
    assert text("payers_intro", lang, months=24, reps=3).replace("'", "&#x27;") in page


def test_report_of_a_comparison_writes_every_figure_and_format(reports):
    _, _, out = reports["fi"]
    written = {p.name for p in out.iterdir()}
    for slug in ("labour", "business", "beveridge", "impact-employed", "waterfall", "money",
                 "quintiles", "map"):
        assert f"{slug}-fi.png" in written and f"{slug}-fi.svg" in written, slug
    page = (out / "report-fi.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len([n for n in written if n.endswith(".png")])
    assert "http" not in re.sub(r"data:image/png;base64,[^\"]+", "", page), "self-contained"
    assert '<html lang="fi">' in page


def test_run_summary_numbers_equal_the_tables(tmp_path):
    run = make_run_dir(tmp_path / "run", B_NAME, True, SEEDS[:2], 12)
    numbers = run_numbers(read_result_directory(run).run)
    ts = pd.read_parquet(run / "timeseries.parquet")
    region = ts[ts["area"] == REGION_AREA]
    assert numbers.employed_start == pytest.approx(region.query("month == 0")["employed"].mean())
    assert numbers.employed_end == pytest.approx(region.query("month == 12")["employed"].mean())
    last = ts.query(f"month == 12 and area != '{REGION_AREA}'").groupby("area")[
        "unemployment_rate"].mean()
    assert numbers.worst_area == last.idxmax()


def test_missing_tables_of_a_comparison_are_skipped_with_notes(tmp_path):
    root = make_compare_dir(tmp_path / "cmp", reps=2, months=12, decomposition=False)
    (root / A_NAME / "organisers.parquet").unlink()
    (root / B_NAME / "quintiles.parquet").unlink()
    (root / "payers.csv").unlink()  # as in comparisons made before payers.csv
    path, notes = write_report(root, "fi")
    assert path == root / "report" / "report-fi.html"
    noted = "\n".join(notes)
    assert "vipujen osuudet" in noted and "decomposition.csv" in noted
    assert f"{A_NAME}/organisers.parquet" in noted
    assert f"{B_NAME}/quintiles.parquet" in noted
    page = path.read_text(encoding="utf-8")
    assert "Lisätyöllisen henkilötyövuoden hinta" not in page, "no cost without organisers"
    assert "ohitettiin" in page
    assert text("report_payers", "fi") not in page and "payers" not in noted


def test_cost_is_not_meaningful_when_the_ci_includes_zero(tmp_path):
    root = make_compare_dir(tmp_path / "cmp", reps=2, months=12, decomposition=False)
    compare = pd.read_csv(root / "compare.csv")
    region = (compare["metric"] == "employed") & (compare["area"] == REGION_AREA)
    compare.loc[region, "diff_ci_low"] = -5.0
    compare.to_csv(root / "compare.csv", index=False)
    numbers = comparison_numbers(read_result_directory(root).comparison)
    assert numbers.cost_status == "not_meaningful"
    assert numbers.cost_per_person_year_eur is None
    sentences = summary_of(read_result_directory(root), "en")
    assert text("sum_cost_nm", "en") in sentences
    assert text("sum_unclear", "en") in sentences


def test_cost_status_rules():
    up = Estimate(10.0, 2.0, 18.0)
    assert cost_status(up, 1e6, 50.0) == "ok"
    assert cost_status(up, -1e6, 50.0) == "saving"
    assert cost_status(Estimate(10.0, -1.0, 21.0), 1e6, 50.0) == "not_meaningful"
    assert cost_status(Estimate(-10.0, -20.0, -1.0), 1e6, -50.0) == "not_meaningful"
    assert cost_status(up, 1e6, -5.0) == "not_meaningful"
    assert cost_status(None, 1e6, 50.0) == "missing"
    assert cost_status(up, None, 50.0) == "missing"


def test_sensitivity_directory(tmp_path):
    root = make_sensitivity_dir(tmp_path / "sweep")
    write_report(root, "en", ("pdf",))
    assert (root / "report" / "sensitivity-en.pdf").is_file()
    table = pd.read_csv(root / "sensitivity.csv")
    page = (root / "report" / "report-en.html").read_text(encoding="utf-8")
    for _, rows in table.groupby("outcome"):
        top = rows.loc[rows["value"].idxmax()]
        assert f"most sensitive to {top['parameter']}" in page
        assert number(top["value"], "en", 2) in page


def test_two_run_directories_without_compare_json(tmp_path, compare_dir):
    root = tmp_path / "pair"
    for name in (A_NAME, B_NAME):
        shutil.copytree(compare_dir / name, root / name)
    results = read_result_directory(root)
    assert results.comparison is not None and results.comparison.table is None
    assert (results.comparison.a.name, results.comparison.b.name) == (A_NAME, B_NAME)


def test_sensitivity_ci_column_may_be_called_conf(tmp_path):
    root = make_sensitivity_dir(tmp_path / "sweep")
    table = pd.read_csv(root / "sensitivity.csv").rename(columns={"ci": "conf"})
    table.to_csv(root / "sensitivity.csv", index=False)
    assert "ci" in read_result_directory(root).sensitivity.columns


def test_no_results_and_unknown_formats_are_report_errors(tmp_path):
    with pytest.raises(ReportError, match="no results here"):
        write_report(tmp_path)
    with pytest.raises(ReportError, match="no such directory"):
        write_report(tmp_path / "nowhere")
    assert parse_formats("PNG, svg,png") == ("png", "svg")
    with pytest.raises(ReportError, match="gif"):
        parse_formats("png,gif")
    assert list(tmp_path.iterdir()) == []
