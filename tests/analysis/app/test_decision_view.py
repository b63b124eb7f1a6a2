"""The dashboard's decision page: its data functions on a small hand-made study, its labels,
and the page rendered in-process from a decision directory (no browser, no model runs)."""

from __future__ import annotations

import pytest
from decision_fixtures import decision_study, write_decision_dir
from matplotlib.figure import Figure

from analysis.app import decision as view
from analysis.app import labels as app_labels
from sim import ScenarioError


def _study() -> view.Study:
    return view.Study(*decision_study())


def test_near_verdict_uses_the_nearest_quarter_of_the_points_at_least_three():
    rows = view.points(_study(), "B", "final_employed")
    assert len(rows) == 8
    high = view.near_verdict(rows, "x", 0.7)
    assert high["n"] == 3 and high["better"] == 1.0 and high["worse"] == 0.0
    assert (high["low"], high["high"]) == (0.5, 0.7)
    assert high["difference"] == pytest.approx((0.35 + 0.25 + 0.15) / 3)
    low = view.near_verdict(rows, "x", 0.0)
    assert low["better"] == 0.0 and low["worse"] == 1.0
    assert view.near_verdict(rows.iloc[:0], "x", 0.0)["n"] == 0


def test_the_verdict_flips_once_where_the_difference_changes_sign():
    rows = view.points(_study(), "B", "final_employed")
    curve = view.verdict_curve(rows, "x", 0.0, 0.7, count=71)
    assert list(curve.columns[:2]) == ["value", "n"]
    assert curve["better"].iloc[0] == 0.0 and curve["better"].iloc[-1] == 1.0
    [flip] = view.flips(curve)
    assert 0.3 < flip < 0.45
    flat = view.verdict_curve(rows, "x", 0.6, 0.7)
    assert view.flips(flat) == []


def test_uncertainties_important_first_and_their_ranges():
    study = _study()
    assert view.uncertainty_choices(study, "B", "final_employed") == ["y", "x"]  # not "fixed"
    assert view.key_range(study, "x") == (0.0, 1.0)  # the spec's range, not the points'
    assert view.key_range(study, "y") == (5.0, 40.0)


def test_prim_boxes_and_their_limits():
    study = _study()
    [box] = view.boxes(study, "B", "final_employed")
    assert view.box_limits(box, "x") == (0.4, 0.7)
    assert view.box_limits(box, "y") is None
    assert "voittaa" in view.box_sentence(box, "fi") and "x on yli 0,4" in view.box_sentence(
        box, "fi")
    assert view.box_sentence(box, "en").startswith("PRIM: B wins on")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_verdict_text_and_chart(lang):
    study = _study()
    rows = view.points(study, "B", "final_employed")
    verdict = view.near_verdict(rows, "x", 0.7)
    sentence = view.verdict_text(verdict, "x", 0.7, "B", "A", lang)
    assert "100" in sentence and "3" in sentence and "{" not in sentence
    assert ("0,7" if lang == "fi" else "0.7") in sentence
    fig = view.verdict_chart(rows, "x", 0.7, (0.0, 1.0), view.boxes(study, "B",
                                                                     "final_employed"), lang)
    assert isinstance(fig, Figure)
    assert fig._suptitle.get_text() == app_labels.t("decision_chart", lang, uncertainty="x")


def test_the_chart_names_the_uncertainty_and_its_axis_gives_the_key():
    study = view.Study(*decision_study(x="economy.cycle_amplitude"))
    rows = view.points(study, "B", "final_employed")
    fig = view.verdict_chart(rows, "economy.cycle_amplitude", 0.7, (0.0, 1.0), [], "fi")
    assert fig._suptitle.get_text().endswith(": suhdannevaihtelu")
    assert fig.axes[0].get_xlabel() == "suhdannevaihtelu (economy.cycle_amplitude)"


def test_decision_labels_are_in_both_languages():
    keys = [k for k in app_labels.LABELS["fi"] if k.startswith("decision_")]
    assert len(keys) > 15
    for key in keys:
        assert key in app_labels.LABELS["en"]
        assert app_labels.LABELS["fi"][key] != app_labels.LABELS["en"][key] or key == "x"


def test_load_study_reads_a_directory_and_names_what_is_missing(tmp_path):
    with pytest.raises(ScenarioError, match="kasvu decide"):
        view.load_study(tmp_path)
    write_decision_dir(tmp_path / "study", *decision_study())
    study = view.load_study(tmp_path / "study")
    assert study.others == ["B"] and len(study.table) == 16


def test_decision_page_renders_and_follows_the_slider(tmp_path, monkeypatch):
    solara = pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import ipyvuetify as v

    from analysis.app import dashboard as app

    write_decision_dir(tmp_path / "study", *decision_study())
    monkeypatch.setenv("KASVU_APP_DECISION", str(tmp_path / "study"))
    app.language.set("en")
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        def verdict() -> str:
            return rc.find(class_="kasvu-decision-verdict").widget.children[0]

        assert "Near y = 22.5" in verdict() and "of the 3 nearest" in verdict()
        rc.find(v.Select, label="Uncertainty (most important first)").widget.v_model = "x"
        assert "Near x = 0.5:" in verdict() and "better than A at 100%" in verdict()
        rc.find(class_="kasvu-decision-value").find(v.Slider).widget.v_model = 0.05
        assert "better than A at 0%" in verdict() and "worse at 100%" in verdict()
        flips = rc.find(class_="kasvu-decision-flips").widget.children[0]
        assert flips.startswith("The verdict flips where x crosses 0.3")
        boxes = [w.children[0] for w in rc.find(class_="kasvu-decision-box").widgets]
        assert boxes == [view.box_sentence(_study().doc["boxes"][0], "en") + " "
                         + app_labels.t("decision_out_box", "en", uncertainty="x")]
        assert not rc.find(v.Tab).widgets  # no "Page 0" tab
    finally:
        rc.close()


def test_decision_page_names_the_uncertainties_in_finnish(tmp_path, monkeypatch):
    solara = pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import ipyvuetify as v

    from analysis.app import dashboard as app

    keys = {"x": "economy.cycle_amplitude", "y": "services.coaching.extra_applications"}
    write_decision_dir(tmp_path / "study", *decision_study(**keys))
    monkeypatch.setenv("KASVU_APP_DECISION", str(tmp_path / "study"))
    before = app.language.value
    app.language.set("fi")
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        select = rc.find(v.Select, label=app_labels.t("decision_uncertainty", "fi")).widget
        assert select.items == [
            {"text": "extra applications (services.coaching.extra_applications)",
             "value": keys["y"]},
            {"text": "suhdannevaihtelu (economy.cycle_amplitude)", "value": keys["x"]}]
        select.v_model = keys["x"]
        verdict = rc.find(class_="kasvu-decision-verdict").widget.children[0]
        assert verdict.startswith("Kun suhdannevaihtelu (economy.cycle_amplitude) on lähellä "
                                  "arvoa 0,5:")
        box = rc.find(class_="kasvu-decision-box").widget.children[0]
        assert "kun suhdannevaihtelu (economy.cycle_amplitude) on yli 0,4 (" in box
    finally:
        rc.close()
        app.language.set(before)


def test_what_if_page_has_no_untranslated_page_tab(monkeypatch):
    solara = pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import ipyvuetify as v

    from analysis.app import dashboard as app
    from analysis.app.settings import defaults_for

    monkeypatch.delenv("KASVU_APP_DECISION", raising=False)
    app.chosen_settings.set(defaults_for("tiny-alliance", months=3))
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        assert not rc.find(v.Tab).widgets
        assert rc.find(class_="kasvu-charts").widgets
    finally:
        rc.close()
