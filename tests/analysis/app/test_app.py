"""Fast tests of the what-if dashboard without a browser: settings, overrides, the paired
model, the charts' data, the labels, and the page rendered in-process.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.app import labels as app_labels
from analysis.app.charts import line_chart, map_chart, money_chart, money_rows, summary_html
from analysis.app.settings import (
    Settings,
    base_scenario,
    build_scenarios,
    defaults_for,
    organiser_choices,
    scenario_choices,
    settings_problem,
    widget_overrides,
)
from analysis.app.state import (
    SERIES_METRICS,
    Snapshot,
    WhatIfModel,
    area_difference,
    money_per_organiser,
    run_to_end,
    side_by_side,
    summary_rows,
)
from sim import ScenarioError, load_scenario
from sim.collect import REGION_AREA
from sim.scenario import LEVERS

TINY = ("region", "Keskikylä", "Rantala", "Metsälä")


# ------------------------------------------------------------------ labels
def test_label_dictionaries_have_the_same_keys_and_fill_fields():
    fi, en = app_labels.LABELS["fi"], app_labels.LABELS["en"]
    assert set(fi) == set(en)
    assert all(v.strip() for v in [*fi.values(), *en.values()])
    assert app_labels.t("running", "en", month=3, months=24) == "Month 3 of 24"
    assert app_labels.t("running", "fi", month=3, months=24) == "Kuukausi 3 / 24"
    assert app_labels.name("region", "fi") == "maakunta"
    assert app_labels.name("pooled_budget", "en") == "pooled budget"
    assert app_labels.name("employed", "fi") == "työlliset"
    with pytest.raises(ValueError, match="unknown language"):
        app_labels.t("run", "sv")


def test_every_phase_and_cooperation_model_has_a_label():
    for lang in app_labels.LANGUAGES:
        for phase in ("strategy", "formation", "development", "implementation", "dissolved"):
            app_labels.t(f"phase_{phase}", lang)
        for coop in ("separate", "alliance"):
            app_labels.t(f"coop_{coop}", lang)
            app_labels.t(f"side_{coop}", lang)


# ------------------------------------------------------------------ settings
def test_choices_are_built_ins_with_listed_municipalities():
    choices = scenario_choices()
    assert {"tiny", "tiny-alliance", "pirkanmaa-alliance", "pirkanmaa-separate"} <= set(choices)
    assert "finland-synthetic" not in choices
    assert organiser_choices(base_scenario("tiny")) == list(TINY)


def test_defaults_come_from_the_scenario_file():
    full = defaults_for("pirkanmaa-alliance")
    assert full.members[0] == "region" and len(full.members) == 24
    assert full.levers == LEVERS
    assert (full.region_budget, full.municipal_budget, full.gain_share) == (120.0, 30.0, 0.5)
    assert defaults_for("pirkanmaa-alliance-exit").exit_quarters == 2
    partial = defaults_for("pirkanmaa-partial-alliance")
    assert len(partial.members) == 12
    # Without [alliance]: every organiser with every lever on.
    tiny = defaults_for("tiny", months=6, seed=4)
    assert tiny.members == TINY and tiny.levers == LEVERS
    assert (tiny.months, tiny.seed, tiny.cooperation) == (6, 4, "alliance")


def test_defaults_for_an_unknown_scenario_name_the_built_ins():
    with pytest.raises(ScenarioError, match="no such built-in scenario.*tiny"):
        defaults_for("atlantis")


def test_replace_keeps_levers_and_members_in_canonical_order():
    s = Settings(members=("region",)).replace(levers=("joint_learning", "pooled_budget"),
                                              members=("Tampere", "region", "Tampere"))
    assert s.levers == ("pooled_budget", "joint_learning")
    assert s.members == ("Tampere", "region")
    assert hash(s) == hash(s.replace())  # settings are hashable: memoised checks


# ------------------------------------------------------------------ overrides
def test_overrides_from_widget_values():
    base = base_scenario("tiny-alliance")
    s = defaults_for("tiny-alliance").replace(
        members=("region", "Rantala"), levers=("shared_vacancies", "outcome_payment"),
        region_budget=150.0, municipal_budget=45.0, differential_prices=True,
        gain_share=0.3, exit_quarters=2, months=12)
    out = widget_overrides(s, base)
    assert out["organisers.region_budget_eur_per_resident"] == 150.0
    assert out["organisers.municipal_budget_eur_per_resident"] == 45.0
    assert out["market.differential_prices"] is True
    assert out["alliance.members"] == ["region", "Rantala"]
    assert out["alliance.levers.pooled_budget"] is False
    assert out["alliance.levers.shared_vacancies"] is True
    assert out["alliance.provider_gain_share"] == 0.3
    assert out["alliance.exit_after_failing_quarters"] == 2
    assert out["simulation.months"] == 12
    # ... and the loader reads them back as set.
    sc = load_scenario("tiny-alliance", out)
    assert sc.alliance.members == ["region", "Rantala"]
    assert [lv for lv in LEVERS if sc.alliance.lever(lv)] == ["shared_vacancies",
                                                              "outcome_payment"]
    assert sc.organisers.region_budget_eur_per_resident == 150.0
    assert sc.market.differential_prices is True
    assert (sc.alliance.provider_gain_share, sc.alliance.exit_after_failing_quarters) == (0.3, 2)


def test_separate_action_sets_no_alliance_keys():
    s = defaults_for("tiny-alliance", cooperation="separate")
    assert not [key for key in widget_overrides(s, base_scenario("tiny-alliance"))
                if key.startswith("alliance")]


def test_quick_mode_shortens_only_a_longer_burn_in():
    s = defaults_for("pirkanmaa-separate")
    assert widget_overrides(s, base_scenario(s.scenario))["simulation.burn_in_months"] == 12
    slow = s.replace(quick=False)
    assert "simulation.burn_in_months" not in widget_overrides(slow, base_scenario(s.scenario))
    tiny = defaults_for("tiny")  # burn-in 12 already
    assert "simulation.burn_in_months" not in widget_overrides(tiny, base_scenario("tiny"))


def test_an_alliance_added_to_a_separate_scenario_gets_the_external_providers():
    out = widget_overrides(defaults_for("pirkanmaa-separate"), base_scenario("pirkanmaa-separate"))
    providers = out["alliance.providers"]
    assert "Valmennus Oy" in providers and not [p for p in providers if "own unit" in p]
    separate, alliance = build_scenarios(defaults_for("pirkanmaa-separate"))
    assert len(alliance.alliance.members) == 24 and "Valmennus Oy" in alliance.alliance.providers


def test_removing_a_leaving_member_also_removes_its_exit():
    s = defaults_for("pirkanmaa-alliance-exit")
    assert "Juupajoki" in s.members
    without = s.replace(members=tuple(m for m in s.members if m != "Juupajoki"))
    assert settings_problem(without) is None
    _, alliance = build_scenarios(without)
    assert alliance.alliance.leave_after_development == []


def test_build_scenarios_gives_the_same_region_with_and_without_alliances():
    separate, alliance = build_scenarios(defaults_for("pirkanmaa-two-alliances"))
    assert separate.alliance is None and separate.alliances == []
    assert alliance.alliance is not None and len(alliance.alliances) == 1
    assert separate.model_dump(exclude={"alliance", "alliances"}) == alliance.model_dump(
        exclude={"alliance", "alliances"})
    only, none = build_scenarios(defaults_for("tiny-alliance", cooperation="separate"))
    assert none is None and only.alliance is None


def test_settings_that_cannot_run_say_why():
    assert settings_problem(defaults_for("tiny-alliance")) is None
    assert "at least one member" in settings_problem(defaults_for("tiny-alliance").replace(
        members=()))
    two = defaults_for("pirkanmaa-two-alliances").replace(members=("region", "Akaa"))
    assert "'Akaa' is already in alliance" in settings_problem(two)
    assert "cooperation" in settings_problem(defaults_for("tiny").replace(cooperation="both"))
    with pytest.raises(ScenarioError, match="at least one member"):
        WhatIfModel(defaults_for("tiny-alliance").replace(members=()))


# ------------------------------------------------------------------ side-by-side data
def _series(employed: list[float]) -> pd.DataFrame:
    rows = []
    for month, value in enumerate(employed):
        for area, share in (("A", 0.75), ("B", 0.25), (REGION_AREA, 1.0)):
            rows.append({"month": month, "area": area, "employed": value * share,
                         "labour_force": 1000.0 * share, "long_term_unemployed": 10.0,
                         "firm_employment": value * share, "unemployment_rate": 0.1})
    return pd.DataFrame(rows)


def test_side_by_side_stacks_the_region_rows_of_each_side():
    out = side_by_side({"separate": _series([800, 810]), "alliance": _series([800, 830])})
    assert list(out.columns) == ["month", "side", *SERIES_METRICS]
    assert out.groupby("side").size().to_dict() == {"alliance": 2, "separate": 2}
    last = out[out["month"] == 1].set_index("side")["employed"]
    assert (last["separate"], last["alliance"]) == (810, 830)
    assert side_by_side({}).empty


def test_area_difference_per_municipality_and_per_1000():
    munis = pd.DataFrame({"area": ["A", "B"], "lon": [23.0, 24.0], "lat": [61.0, 62.0],
                          "population": [3000, 1000]})
    out = area_difference({"separate": _series([800, 800]), "alliance": _series([800, 840])},
                          munis).set_index("area")
    assert out.loc["A", "difference"] == pytest.approx(30.0)
    assert out.loc["A", "per_1000"] == pytest.approx(40.0)  # 30 per 750 in the labour force
    assert out.loc["B", "difference"] == pytest.approx(10.0)
    alone = area_difference({"separate": _series([800])}, munis)
    assert alone["difference"].isna().all() and alone["employed_separate"].notna().all()


def test_money_sums_months_after_month_zero_per_organiser_and_side():
    books = pd.DataFrame({"month": [0, 0, 1, 1, 2, 2], "organiser": ["region", "A"] * 3,
                          **{c: np.arange(6.0) for c in (
                              "service_spend_eur", "overhead_eur", "benefit_cost_eur",
                              "tax_revenue_eur", "gain_pain_eur", "kra_bonus_eur", "net_eur")}})
    out = money_per_organiser({"separate": books, "alliance": books * 1})
    sep = out[out["side"] == "separate"].set_index("organiser")
    assert list(sep.index) == ["region", "A"]
    assert sep.loc["region", "net_eur"] == 2 + 4 and sep.loc["A", "net_eur"] == 3 + 5


def test_money_rows_name_the_region_and_the_largest_and_sum_the_rest():
    names = ["region", *[f"M{k}" for k in range(12)]]
    money = pd.DataFrame({"organiser": names * 2, "side": ["separate"] * 13 + ["alliance"] * 13,
                          "service_spend_eur": list(range(13)) * 2, "overhead_eur": 0.0,
                          "gain_pain_eur": 0.0, "kra_bonus_eur": 0.0,
                          "net_eur": [1.0] * 13 + [2.0] * 13})
    table = money_rows(money, "en", keep=5)
    assert list(table.index) == ["region", "M11", "M10", "M9", "others (9)"]
    assert table.loc["others (9)", "cost_separate"] == sum(range(1, 10))
    assert (table["net_difference"] == [1, 1, 1, 1, 9]).all()
    assert list(money_rows(money, "fi", keep=20).index)[:2] == ["maakunta", "M0"]


# ------------------------------------------------------------------ the paired model
@pytest.fixture(scope="module")
def tiny_run():
    return run_to_end(defaults_for("tiny-alliance", months=9))


def test_model_is_lazy_until_prepared():
    model = WhatIfModel(defaults_for("tiny-alliance", months=3))
    assert not model.ready and model.snapshot.month == 0 and model.snapshot.series.empty
    assert model.implementation_month == 3 + 3 + 1
    assert list(model.snapshot.areas["area"]) == list(TINY[1:])


def test_model_steps_both_sides_to_the_end(tiny_run):
    snap = tiny_run.snapshot
    assert (snap.month, snap.months, tiny_run.running) == (9, 9, False)
    assert snap.sides == ["separate", "alliance"]
    assert sorted(snap.series["month"].unique()) == list(range(10))
    assert snap.phase == "implementation" and snap.members == 4
    tiny_run.step()  # past the end: nothing happens
    assert tiny_run.month == 9


def test_sides_share_random_numbers(tiny_run):
    """With every lever off the alliance is separate action, number for number (CRN)."""
    placebo = run_to_end(defaults_for("tiny-alliance", months=9).replace(levers=()))
    final = placebo.snapshot.final()
    assert (final["alliance"] == final["separate"]).all()
    assert (placebo.snapshot.areas["difference"] == 0).all()
    # ... and the separate side does not depend on the alliance's settings.
    ours = tiny_run.snapshot.series.query("side == 'separate'").reset_index(drop=True)
    theirs = placebo.snapshot.series.query("side == 'separate'").reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs)


def test_summary_rows(tiny_run):
    rows = {r[0]: r[1:] for r in summary_rows(tiny_run.snapshot)}
    assert set(rows) == {*SERIES_METRICS, "net_eur"}
    sep, ali, diff = rows["employed"]
    assert diff == ali - sep and sep > 0
    alone = run_to_end(defaults_for("tiny", cooperation="separate", months=2))
    assert alone.snapshot.sides == ["separate"]
    assert all(math.isnan(r[2]) for r in summary_rows(alone.snapshot))


# ------------------------------------------------------------------ charts
def _empty() -> Snapshot:
    model = WhatIfModel(defaults_for("tiny-alliance", months=3))
    return model.snapshot


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_charts_draw_empty_and_full_snapshots(tiny_run, lang):
    for snap in (_empty(), tiny_run.snapshot):
        figures = [line_chart(snap, "employed", lang, 7), money_chart(snap, lang),
                   map_chart(snap, lang), line_chart(snap, "unemployment_rate", lang)]
        assert all(isinstance(f, Figure) for f in figures)
    title = line_chart(tiny_run.snapshot, "long_term_unemployed", lang).axes[0].get_title("left")
    assert title == {"fi": "Pitkäaikaistyöttömät", "en": "Long-term unemployed"}[lang]
    legend = [t.get_text() for t in line_chart(tiny_run.snapshot, "employed", lang)
              .axes[0].get_legend().get_texts()]
    assert legend == [app_labels.t("side_separate", lang), app_labels.t("side_alliance", lang)]


def test_summary_html(tiny_run):
    fi = summary_html(tiny_run.snapshot, "fi")
    assert "Tilanne kuukauden 9 lopussa" in fi and "Allianssin vaihe: toteutus" in fi
    assert "%-yks." in fi and "Työlliset" in fi
    empty = summary_html(WhatIfModel(defaults_for("tiny", cooperation="separate")).snapshot,
                         "en")
    assert "At the end of month 0" in empty and "<td" in empty and "nan" not in empty.lower()


# ------------------------------------------------------------------ the page, in-process
def test_page_runs_and_redraws_in_process():
    """Render the dashboard without a browser, press Run, switch a lever, press Run again."""
    solara = pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import ipyvuetify as v
    import ipywidgets

    from analysis.app import dashboard as app

    app.chosen_settings.set(defaults_for("tiny-alliance", months=12))  # levers act from 7
    app.language.set("en")
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        def status() -> str:
            return rc.find(class_="kasvu-status").widget.children[0]

        def wait_for_status(text: str, seconds: float = 120) -> None:
            # The run's thread re-renders the page; wait until it has, not only until the
            # task says it is done.
            deadline = time.monotonic() + seconds
            while status() != text and time.monotonic() < deadline:
                time.sleep(0.1)
            assert status() == text, app.run_months.exception

        def press_run() -> None:
            [button] = [b for b in rc.find(v.Btn).widgets if "Run" in b.children]
            button.click()
            wait_for_status("Done: 12 months.")
            assert app.run_months.value == "done", app.run_months.exception

        def images() -> list[bytes]:
            return [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]

        assert status() == "Choose the settings and press Run."
        press_run()
        before = images()
        assert len(before) == 5
        rc.find(v.Switch, label="pooled budget").widget.v_model = False
        assert "pooled_budget" not in app.chosen_settings.value.levers
        press_run()
        assert app.run_months.value == "done"
        after = images()
        assert len(after) == 5 and after != before
        time.sleep(0.2)
        app.language.set("fi")
        wait_for_status("Valmis: 12 kuukautta.", seconds=5)

        # A long run can be stopped.
        app.chosen_settings.set(app.chosen_settings.value.replace(months=120))
        [button] = [b for b in rc.find(v.Btn).widgets if "Aja" in b.children]
        button.click()
        deadline = time.monotonic() + 60
        while not status().startswith("Kuukausi") and time.monotonic() < deadline:
            time.sleep(0.05)
        [stop] = [b for b in rc.find(v.Btn).widgets if "Pysäytä" in b.children]
        stop.click()
        deadline = time.monotonic() + 30
        while not status().startswith("Pysäytetty") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status().startswith("Pysäytetty kuukauden"), status()
        assert app.run_months.cancelled
    finally:
        rc.close()
