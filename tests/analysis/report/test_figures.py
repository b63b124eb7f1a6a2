"""Slide figures: every figure renders at 1920 × 1080 without warnings, in both languages."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from report_fixtures import (
    A_NAME,
    B_NAME,
    MUNICIPALITIES,
    make_compare_dir,
    make_sensitivity_dir,
)

from analysis.report import figures as time_figures
from analysis.report import impact as impact_figures
from analysis.report.i18n import LABELS, euros, number, percent, significant
from analysis.report.style import (
    SLIDE_PX,
    LocalFormatter,
    MissingData,
    Source,
    png_bytes,
    save_figure,
)
from sim.collect import REGION_AREA

NAMES = {A_NAME: "Erillinen toiminta", B_NAME: "Kasvupalveluallianssi"}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = make_compare_dir(tmp_path_factory.mktemp("compare"))
    sens = make_sensitivity_dir(tmp_path_factory.mktemp("sweep"))

    def both(stem):
        return pd.concat(
            [pd.read_parquet(root / name / f"{stem}.parquet") for name in (A_NAME, B_NAME)],
            ignore_index=True,
        )

    return {
        "timeseries": both("timeseries"),
        "organisers": both("organisers"),
        "quintiles": both("quintiles"),
        "compare": pd.read_csv(root / "compare.csv"),
        "decomposition": pd.read_csv(root / "decomposition.csv"),
        "sensitivity": pd.read_csv(sens / "sensitivity.csv"),
        "municipalities": pd.DataFrame(list(MUNICIPALITIES)),
    }


def _map(t, lang):
    rows = t["compare"].query("metric == 'employed' and statistic == 'final'")
    impact = rows.set_index("area")["diff_mean"]
    source = Source((A_NAME, B_NAME), 3)
    return impact_figures.municipality_map_figure(
        t["municipalities"], impact, lang, "impact", "persons", source
    )


FIGURES = {
    "labour": lambda t, lang: time_figures.labour_market_figure(t["timeseries"], lang, names=NAMES),
    "labour_area": lambda t, lang: time_figures.labour_market_figure(
        t["timeseries"], lang, area="Orivesi"
    ),
    "business": lambda t, lang: time_figures.business_figure(t["timeseries"], lang, names=NAMES),
    "beveridge": lambda t, lang: time_figures.beveridge_figure(t["timeseries"], lang),
    "quintiles": lambda t, lang: time_figures.quintile_figure(t["quintiles"], lang, names=NAMES),
    "money": lambda t, lang: time_figures.money_figure(t["organisers"], lang, names=NAMES),
    "impact": lambda t, lang: impact_figures.municipal_impact_figure(
        t["compare"], lang, (A_NAME, B_NAME), names=NAMES
    ),
    "waterfall": lambda t, lang: impact_figures.waterfall_figure(
        t["decomposition"], t["compare"], lang, (A_NAME, B_NAME), names=NAMES
    ),
    "sensitivity": lambda t, lang: impact_figures.sensitivity_figure(t["sensitivity"], lang),
    "map": _map,
}


def render(build):
    """Build and rasterise a figure with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = build()
        png = png_bytes(fig)
    return fig, Image.open(io.BytesIO(png)).convert("RGB")


@pytest.fixture(scope="module")
def rendered(tables):
    """``rendered(name, lang)``: the figure and its image, made once per module."""
    cache = {}

    def get(name, lang):
        if (name, lang) not in cache:
            cache[name, lang] = render(lambda: FIGURES[name](tables, lang))
        return cache[name, lang]

    return get


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_renders_at_slide_size_without_warnings(rendered, name, lang):
    fig, image = rendered(name, lang)
    assert image.size == SLIDE_PX == (1920, 1080)
    pixels = np.asarray(image)
    assert (pixels < 200).any(axis=2).mean() > 0.01, "the figure is almost blank"
    texts = [t.get_text() for t in fig.texts]
    assert any(("toistoa" if lang == "fi" else "replications") in t or "Kasvu" in t for t in texts)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_source_line_names_scenarios_and_replications(rendered, lang):
    fig, _ = rendered("labour", lang)
    source = fig.texts[-1].get_text()
    assert A_NAME in source and B_NAME in source
    assert ("3 toistoa" if lang == "fi" else "3 replications") in source


def test_finnish_labels_have_finnish_letters(rendered):
    fig, _ = rendered("labour", "fi")
    assert fig.kasvu_title.startswith("Työllisyys ja työttömyys")
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Työlliset", "Työttömät", "Pitkäaikaistyöttömät"]
    assert fig.axes[0].get_ylabel() == "henkilöä"


def test_every_axis_has_a_label(rendered):
    for name in ("labour", "business", "beveridge", "impact", "waterfall", "money", "map"):
        fig, _ = rendered(name, "en")
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                assert ax.get_ylabel()
                continue
            assert ax.get_xlabel(), (name, "x")
            if name not in ("impact", "waterfall", "money"):  # category axes: names as ticks
                assert ax.get_ylabel(), (name, "y")


def test_single_scenario_figures(tables):
    ts = tables["timeseries"].query("scenario == @A_NAME")
    organisers = tables["organisers"].query("scenario == @A_NAME")
    _, image = render(lambda: time_figures.labour_market_figure(ts, "fi"))
    assert image.size == SLIDE_PX
    fig, _ = render(lambda: time_figures.money_figure(organisers, "en"))
    assert len(fig.axes) == 1, "no alliance panel without an alliance"


def test_alliance_money_panel_appears_with_an_alliance(rendered):
    fig, _ = rendered("money", "en")
    assert len(fig.axes) == 2


def test_missing_columns_raise_missing_data(tables):
    with pytest.raises(MissingData, match="firm_deaths"):
        time_figures.business_figure(tables["timeseries"].drop(columns="firm_deaths"), "fi")
    with pytest.raises(MissingData):
        time_figures.quintile_figure(None, "fi")
    with pytest.raises(MissingData):
        impact_figures.municipal_impact_figure(
            tables["compare"], "fi", (A_NAME, B_NAME), metric="no_such_metric"
        )
    with pytest.raises(MissingData):
        impact_figures.municipality_map_figure(
            None, pd.Series(dtype=float), "fi", "x", "y", Source((), 0)
        )


def test_waterfall_steps_add_up_from_a_to_b(tables):
    steps = impact_figures.waterfall_steps(tables["decomposition"], tables["compare"], "employed")
    region = tables["compare"].query(
        f"metric == 'employed' and area == '{REGION_AREA}' and statistic == 'final'"
    )
    a, b = float(region["a_mean"].iloc[0]), float(region["b_mean"].iloc[0])
    assert steps["step"].iloc[0] == "A" and steps["step"].iloc[-1] == "B"
    assert steps["value"].iloc[0] == pytest.approx(a)
    assert steps["value"].iloc[-1] == pytest.approx(b)
    assert a + steps["value"].iloc[1:-1].sum() == pytest.approx(b)
    assert "interactions" in set(steps["step"])


def test_organisers_beyond_ten_are_summed_as_others(tables):
    organisers = tables["organisers"].query("scenario == @A_NAME")
    many = pd.concat(
        [organisers.assign(organiser=organisers["organiser"] + f" {i}") for i in range(4)]
    )
    many.loc[many["organiser"].str.startswith("Pirkanmaa") & (many["organiser"] != "Pirkanmaa 0"),
             "kind"] = "municipality"
    fig, _ = render(lambda: time_figures.money_figure(many, "fi"))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == time_figures.MAX_ORGANISERS
    assert labels[0] == "Pirkanmaa 0" and labels[-1].startswith("muut (")


@pytest.mark.parametrize("suffix", ["svg", "pdf"])
def test_vector_formats_are_written(tables, tmp_path, suffix):
    fig = FIGURES["impact"](tables, "fi")
    path = save_figure(fig, tmp_path / f"impact.{suffix}")
    head = path.read_bytes()[:100]
    assert (b"<svg" in path.read_bytes()[:2000]) if suffix == "svg" else head.startswith(b"%PDF")


def test_labels_have_the_same_keys_in_both_languages():
    assert LABELS["fi"].keys() == LABELS["en"].keys()


def test_number_formats():
    assert number(1234567.4, "fi") == "1\u00a0234\u00a0567"
    assert number(1234567.4, "en") == "1,234,567"
    assert number(-3.25, "fi", 1) == "\u22123,2"
    assert number(5, "en", signed=True) == "+5"
    assert percent(0.134, "fi") == "13,4\u00a0%"
    assert percent(0.134, "en") == "13.4%"
    assert euros(2448.4, "fi") == "2\u00a0448\u00a0€"
    assert euros(-2448.4, "en") == "\u2212€2,448"


def test_significant_digits_without_trailing_zeros():
    assert [significant(v, "fi") for v in (0.0834, 3.5, 12.0, 1250.0, -0.5, 0.0)] == [
        "0,0834", "3,5", "12", "1\u00a0250", "\u22120,5", "0"]
    assert [significant(v, "en") for v in (0.0834, 3.5, 12.0, 1250.0, 9.996)] == [
        "0.0834", "3.5", "12", "1,250", "10"]


def test_tick_labels_use_as_few_decimals_as_needed():
    formatter = LocalFormatter("fi")
    formatter.set_locs([0, 2.5, 5.0, 7.5])
    assert [formatter(v) for v in (0, 2.5)] == ["0,0", "2,5"]
    formatter.set_locs([0, 1000, 2000])
    assert formatter(2000) == "2\u00a0000"


def test_the_models_region_organiser_is_named_in_the_language():
    values = pd.DataFrame({"kind": ["region", "municipality"], "net_eur": [1.0, 2.0]},
                          index=["region", "Tampere"])
    assert list(time_figures.organiser_rows(values, "fi")) == ["maakunta", "Tampere"]
    assert list(time_figures.organiser_rows(values, "en")) == ["region", "Tampere"]
