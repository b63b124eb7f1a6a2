"""The decision section of a report: its sentences and page in each language's formats."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from decision_fixtures import decision_study, write_decision_dir

from analysis.report import write_report
from analysis.report.decision import (
    decision_sentences,
    difference_figure,
    prim_figure,
    ranking_figure,
)
from analysis.report.i18n import NBSP

DECIMAL_POINT = re.compile(r"\d\.\d")
"""A number with a decimal point: English, never in the Finnish report."""


def test_finnish_verdicts_and_boxes_have_decimal_commas():
    doc, _ = decision_study()
    doc["boxes"][0]["restricted"][0].update(min=1234.5, max=0.0125, max_restricted=True)
    sentences = decision_sentences(doc, "fi")
    verdict, box, ranking = sentences
    assert "B on parempi kuin A 50\u00a0%" in verdict and "+0,01" in verdict
    assert "(95 %:n luottamusväli 22\u00a0%–78\u00a0%)" in verdict
    assert f"kun x on välillä 1{NBSP}234–0,0125 (kattavuus 100{NBSP}%" in box
    assert ranking.endswith("y, x.")
    for sentence in sentences:
        assert not DECIMAL_POINT.search(sentence), sentence
    english = decision_sentences(doc, "en")
    assert "when x between 1,234 and 0.0125 (coverage 100%" in english[1]
    assert "+0.01" in english[0]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_page_of_a_decision_study_says_the_box_in_its_language(tmp_path, lang):
    directory = write_decision_dir(tmp_path / "study", *decision_study())
    path, notes = write_report(directory, lang=lang, formats=("png",))
    assert notes == []
    page = path.read_text(encoding="utf-8")
    assert ("x on yli 0,4" if lang == "fi" else "x above 0.4") in page
    for slug in ("decision-differences", "decision-prim", "decision-uncertainties"):
        assert (directory / "report" / f"{slug}-{lang}.png").is_file()


def test_uncertainties_are_named_in_the_language():
    doc, _ = decision_study(x="economy.cycle_amplitude", y="services.coaching.extra_applications")
    _, box, ranking = decision_sentences(doc, "fi")
    assert "kun suhdannevaihtelu (economy.cycle_amplitude) on yli 0,4 (" in box
    assert ranking.endswith(": extra applications (services.coaching.extra_applications), "
                            "suhdannevaihtelu (economy.cycle_amplitude).")
    _, box, ranking = decision_sentences(doc, "en")
    assert "when cycle amplitude (economy.cycle_amplitude) above 0.4 (" in box
    assert "cycle amplitude (economy.cycle_amplitude)." in ranking


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_figures_name_the_uncertainties(lang):
    doc, _ = decision_study(x="economy.cycle_amplitude", y="services.coaching.extra_applications")
    name = "suhdannevaihtelu" if lang == "fi" else "cycle amplitude"
    figure = ranking_figure(doc, lang)
    figure.canvas.draw()
    ranked = figure.axes[0]
    ticks = [t.get_text() for t in ranked.get_xticklabels()]
    assert ("0,2" if lang == "fi" else "0.2") in ticks, ticks  # the language's number format
    assert [t.get_text() for t in ranked.get_yticklabels()] == [
        "extra applications\n(services.coaching.extra_applications)",
        f"{name}\n(economy.cycle_amplitude)"]
    limits = prim_figure(doc, lang).axes[1]
    assert [t.get_text() for t in limits.get_yticklabels()] == [
        f"{name}\n(economy.cycle_amplitude)"]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_money_differences_are_shown_in_millions_with_ticks_apart(lang):
    """Euro differences of tens of millions: the axis says millions and its few tick labels
    are short enough not to run into each other in a panel of the 2×2 figure."""
    doc, table = decision_study()
    money = table.assign(outcome="total_public_net_eur",
                         difference=table["difference"] * 4e7)
    doc = {**doc, "outcomes": ["final_employed", "final_long_term_unemployed",
                               "total_public_net_eur"]}
    figure = difference_figure(doc, pd.concat([table, money], ignore_index=True), lang)
    figure.canvas.draw()
    panel = figure.axes[2]
    assert ("milj. €" if lang == "fi" else "€ million") in panel.get_xlabel()
    ticks = [t.get_text() for t in panel.get_xticklabels() if t.get_text()]
    assert 2 <= len(ticks) <= 5, ticks
    assert all(len(t.replace("\u2212", "")) <= 3 for t in ticks), ticks  # e.g. "−10", "20"
    title = ("Ero vaihtoehtoon A epävarmuuksien vaihteluvälillä" if lang == "fi"
             else "Difference from A across what we do not know")
    assert title in [t.get_text() for t in figure.texts]  # the reference named once
