"""The displacement design: its scenarios, the contrasts against a hand computation, and
the verdict on made-up markets with no, partial and total displacement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.validation import displacement as dp
from analysis.validation.checks import zero_budgets
from sim import load_scenario


def rows(areas, month: int = 12) -> pd.DataFrame:
    """Experiment rows: (area, share, treated persons, their employment share, untreated
    persons, theirs) per municipality; empty groups left out as the trial leaves them out."""
    out = []
    for area, share, n1, e1, n0, e0 in areas:
        if n1:
            out.append((month, area, share, "treated", n1, e1))
        if n0:
            out.append((month, area, share, "control", n0, e0))
    return pd.DataFrame(out, columns=["month", "area", "treated_share", "group", "persons",
                                      "employed_share"])


def dummy_regression(y, x, w, area) -> float:
    """The slow, obvious reference of ``within_slope``: weighted least squares on ``x`` and
    one dummy column per municipality."""
    names = sorted(set(area))
    design = np.column_stack([x] + [[1.0 if a == name else 0.0 for a in area]
                                    for name in names])
    root = np.sqrt(np.asarray(w, dtype=float))
    coef, *_ = np.linalg.lstsq(design * root[:, None], np.asarray(y) * root, rcond=None)
    return float(coef[0])


def test_within_slope_equals_a_regression_with_municipality_dummies():
    rng = np.random.default_rng(4)
    area = rng.choice(["A", "B", "C", "D"], 40)
    x = rng.choice([0.0, 0.25, 0.5, 1.0], 40)
    y = rng.normal(size=40) + 0.3 * x + (area == "B")
    w = rng.integers(1, 50, 40).astype(float)
    assert dp.within_slope(y, x, w, area) == pytest.approx(dummy_regression(y, x, w, area))


def test_within_slope_needs_shares_that_vary_within_a_municipality():
    with pytest.raises(ValueError, match="different shares"):
        dp.within_slope(np.array([1.0, 2.0]), np.array([0.0, 1.0]), np.ones(2),
                        np.array(["A", "B"]))


TWO_RUNS = pd.concat([
    rows([("A", 0.0, 0, 0.0, 100, 0.40), ("B", 0.5, 50, 0.50, 50, 0.30),
          ("C", 1.0, 100, 0.45, 0, 0.0)]).assign(times="normal", rep=0),
    rows([("A", 0.5, 50, 0.52, 50, 0.36), ("B", 0.0, 0, 0.0, 100, 0.33),
          ("C", 0.5, 60, 0.55, 40, 0.41)]).assign(times="normal", rep=1),
    rows([("A", 0.5, 5, 0.9, 5, 0.9)], month=3).assign(times="normal", rep=0),  # not month 12
], ignore_index=True)


def test_area_table_has_each_municipality_and_run_at_the_month():
    areas = dp.area_table(TWO_RUNS)
    assert len(areas) == 6
    c0 = areas[(areas["rep"] == 0) & (areas["area"] == "C")].iloc[0]
    assert (c0["share"], c0["n1"], c0["e1"], c0["n0"], c0["e0"]) == (1.0, 100, 0.45, 0, 0.0)


def test_contrasts_equal_a_hand_computation():
    areas = dp.area_table(TWO_RUNS)
    found = dp.contrasts(areas)
    # Gross: B in run 0, A and C in run 1, each weighted by its 100 eligible.
    gross = ((0.50 - 0.30) + (0.52 - 0.36) + (0.55 - 0.41)) / 3
    assert found["gross"] == pytest.approx(100 * gross)
    has0 = areas["n0"] > 0
    spill = dummy_regression(areas.loc[has0, "e0"], (areas.loc[has0, "share"] > 0) * 1.0,
                             areas.loc[has0, "n0"], areas.loc[has0, "area"].tolist())
    everyone = (areas["n1"] * areas["e1"] + areas["n0"] * areas["e0"]) / 100
    net = dummy_regression(everyone, areas["share"], np.full(6, 100.0), areas["area"].tolist())
    assert found["spillover"] == pytest.approx(100 * spill)
    assert found["net"] == pytest.approx(100 * net)


def test_a_design_without_untreated_municipalities_is_refused():
    areas = dp.area_table(TWO_RUNS)
    with pytest.raises(ValueError, match="untreated municipalities"):
        dp.contrasts(areas[areas["share"] > 0])


def market(gross: float, displaced: float, reps: int, rng: np.random.Generator) -> list:
    """Twenty municipalities, each with its own employment level; in each replication the
    shares are dealt anew, treatment adds ``gross`` to the treated and takes
    ``displaced`` × gross × share from everyone of their municipality (plus small noise)."""
    level = rng.uniform(0.25, 0.55, 20)
    out = []
    for rep in range(reps):
        shares = np.array(dp.SHARES)[rng.permutation(20) % len(dp.SHARES)]
        for k in range(20):
            base = level[k] - displaced * gross * shares[k] + rng.normal(0, 0.002)
            n1 = int(round(shares[k] * 1000))
            out.append((rep, (f"M{k}", shares[k], n1, base + gross, 1000 - n1, base)))
    return out


def regional(gross: float, displaced: float, reps: int, rng: np.random.Generator) -> list:
    """Region-wide rows: 10 000 eligible, treated at 10 % and 50 %; each treated person
    gains ``gross`` and takes ``displaced`` × gross from others somewhere in the region."""
    out = []
    for rep in range(reps):
        base = 200_000 + rng.normal(0, 30)
        for share in dp.REGIONAL_SHARES:
            treated = int(10_000 * share)
            employed = base + treated * gross * (1 - displaced) + rng.normal(0, 5)
            out.append({"month": 12, "area": "ALL", "treated_share": share,
                        "group": "treated", "persons": treated, "employed_share": 0.5,
                        "rep": rep, "region_employed": employed})
    return out


def table(gross: float, displaced: dict[str, float], reps: int = 5,
          regional_displaced: dict[str, float] | None = None) -> pd.DataFrame:
    """Two-level rows, and region-wide rows displaced as much (or as ``regional_displaced``
    says), for both markets."""
    rng = np.random.default_rng(0)
    wide = regional_displaced or displaced
    frames = [rows([a]).assign(times=t, rep=r)
              for t in dp.TIMES for r, a in market(gross, displaced[t], reps, rng)]
    frames += [pd.DataFrame(regional(gross, wide[t], reps, rng)).assign(times=t)
               for t in dp.TIMES]
    return pd.concat(frames, ignore_index=True)


def test_no_displacement_gives_net_effects_equal_to_the_gross():
    fact = dp.displacement(table(0.05, {"normal": 0.0, "recession": 0.0}))
    for t in dp.TIMES:
        for kind in ("net", "local_net"):
            net = fact.statistic(f"{t}_{kind}_pp")
            assert net.value == pytest.approx(5.0, abs=0.2) and net.low < 5.0 < net.high
        assert fact.statistic(f"{t}_gross_pp").value == pytest.approx(5.0, abs=0.2)
        assert abs(fact.statistic(f"{t}_spillover_pp").value) < 0.3
    assert fact.verdict == "warn"  # net not below gross, and not more displaced in a recession


def test_partial_displacement_larger_in_a_recession_passes():
    fact = dp.displacement(table(0.05, {"normal": 0.4, "recession": 0.8}))
    for kind in ("displaced_share", "locally_displaced_share"):
        assert fact.statistic(f"normal_{kind}").value == pytest.approx(0.4, abs=0.06)
        assert fact.statistic(f"recession_{kind}").value == pytest.approx(0.8, abs=0.06)
    assert fact.statistic("recession_spillover_pp").high < 0
    assert fact.verdict == "pass"


def test_a_service_that_harms_its_clients_fails_every_check():
    """Treatment costs the treated 5 pp and its clients' places go to others, more so in
    normal times: no check holds."""
    fact = dp.displacement(table(-0.05, {"normal": 0.6, "recession": 0.4}))
    assert fact.statistic("normal_net_pp").value == pytest.approx(-2.0, abs=0.3)
    assert fact.statistic("normal_local_net_pp").value == pytest.approx(-2.0, abs=0.3)
    assert fact.verdict == "fail"


def test_displacement_across_borders_shows_region_wide_not_locally():
    """All of the gain taken from other municipalities: the local net effect looks like
    no displacement, the region-wide one shows it all."""
    fact = dp.displacement(table(0.05, {"normal": 0.0, "recession": 0.0},
                                 regional_displaced={"normal": 1.0, "recession": 1.0}))
    assert fact.statistic("normal_local_net_pp").value == pytest.approx(5.0, abs=0.2)
    assert fact.statistic("normal_net_pp").value == pytest.approx(0.0, abs=0.2)


def test_two_replications_give_the_local_estimates_without_intervals():
    fact = dp.displacement(table(0.05, {"normal": 0.4, "recession": 0.8}, reps=2))
    assert np.isnan(fact.statistic("normal_local_net_pp").low)
    assert not np.isnan(fact.statistic("normal_net_pp").low)


def test_regional_net_is_the_extra_employment_per_extra_treated_person():
    frame = pd.DataFrame([
        {"times": "normal", "rep": r, "month": 12, "area": "ALL", "group": "treated",
         "treated_share": x, "persons": n, "region_employed": e}
        for r, x, n, e in [(0, 0.1, 1000, 50_000), (0, 0.5, 5000, 50_100),
                           (1, 0.1, 1100, 51_000), (1, 0.5, 5100, 51_060)]])
    net = dp.regional_net(frame)["normal"]
    per_rep = [100 * 100 / 4000, 100 * 60 / 4000]
    assert net.value == pytest.approx(np.mean(per_rep))
    assert net.high - net.value == pytest.approx(
        12.706204736 * np.std(per_rep, ddof=1) / np.sqrt(2))


def test_the_designs_treat_coaching_two_level_and_region_wide_in_both_markets():
    tiny = load_scenario("tiny")
    designs = dp.design(tiny.with_overrides(zero_budgets(tiny)))
    assert [t for t, _ in designs] == ["normal"] * 3 + ["recession"] * 3
    for times, sc in designs:
        assert sc.experiment.service == "coaching"
        assert sc.organisers.municipal_budget_eur_per_resident == 0.0
        assert sc.economy.shock_size == (-0.08 if times == "recession" else 0.0)
    assert [sc.experiment.municipality_shares for _, sc in designs[:3]] == [
        list(dp.SHARES), None, None]
    assert [sc.experiment.treated_share for _, sc in designs[1:3]] == list(dp.REGIONAL_SHARES)


def test_run_design_runs_every_replication_of_each_run():
    tiny = load_scenario("tiny", {"simulation.burn_in_months": 1})
    designs = dp.design(tiny.with_overrides(zero_budgets(tiny)))
    months = []
    out = dp.run_design(designs, seed=3, replications=2, on_month=lambda: months.append(1))
    assert len(months) == len(designs) * 2 * dp.HORIZON_MONTHS
    assert out["month"].max() == dp.HORIZON_MONTHS
    two_level = out[out["area"] != "ALL"]
    assert set(two_level["area"]) <= {m.name for m in tiny.municipalities}
    assert set(out.loc[out["area"] == "ALL", "treated_share"]) == set(dp.REGIONAL_SHARES)
    # Both runs of a replication start from the same region at assignment.
    start = out[(out["month"] == 0) & (out["area"] == "ALL")]
    assert start.groupby(["times", "rep"])["region_employed"].nunique().eq(1).all()
    assert out["region_employed"].notna().all()


def test_recession_minus_normal_is_paired_by_replication():
    rows = []
    for times, gains in (("normal", (100, 60, 80)), ("recession", (140, 90, 130))):
        for r, gain in enumerate(gains):
            for x, n, e in ((0.1, 1000, 50_000 + 1000 * r), (0.5, 5000, 50_000 + 1000 * r + gain)):
                rows.append({"times": times, "rep": r, "month": 12, "area": "ALL",
                             "group": "treated", "treated_share": x, "persons": n,
                             "region_employed": e})
    diff = dp.recession_minus_normal(pd.DataFrame(rows))
    per_rep = np.array([40, 30, 50]) * 100 / 4000
    assert diff.value == pytest.approx(per_rep.mean())
    # Paired: the replications' common level (1000 · r) drops out of the interval.
    assert diff.high - diff.value == pytest.approx(
        4.302652730 * np.std(per_rep, ddof=1) / np.sqrt(3))
    assert dp.recession_minus_normal(pd.DataFrame(rows[:6])) is None
